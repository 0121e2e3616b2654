"""Typed dependencies: the app state, the database and the calling principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from truthline.db.session import Database
from truthline.errors import Forbidden, Unauthenticated
from truthline.media.storage import Storage
from truthline.services import auth
from truthline.services.auth import Principal
from truthline.settings import Settings

SESSION_COOKIE = "tl_session"
CSRF_COOKIE = "tl_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class AppState:
    settings: Settings
    db: Database
    storage: Storage
    secret: str


# async: FastAPI runs plain ``def`` dependencies in a worker thread, a hand-off per request.
async def get_state(request: Request) -> AppState:
    return request.app.state.truthline


async def get_db(request: Request) -> Database:
    return request.app.state.truthline.db


State = Annotated[AppState, Depends(get_state)]
Db = Annotated[Database, Depends(get_db)]


async def get_principal(request: Request, db: Db) -> Principal:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return await auth.principal_from_token(db, header[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("sign in or send an API token", code="unauthenticated")
    principal = await auth.principal_from_session(db, token)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if not sent or sent != principal.csrf_token:
            raise Forbidden("missing or wrong X-CSRF-Token header", code="csrf_failed")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.user.is_admin:
        raise Forbidden("only admins may do this", code="admin_only")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
