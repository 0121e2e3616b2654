"""Sign in/out, who am I, personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from truthline.api.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal, Db, State
from truthline.api.schemas import LoginIn, MeRead, TokenCreate, TokenCreated, TokenRead, UserRead
from truthline.services import audit, auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=MeRead)
async def login(body: LoginIn, response: Response, state: State) -> MeRead:
    user = await auth.authenticate(state.db, body.username, body.password)
    token, csrf = await auth.start_session(state.db, user, state.settings.session_days)
    age = state.settings.session_days * 86400
    secure = state.settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE, token, max_age=age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=age, httponly=False, samesite="lax", secure=secure, path="/"
    )
    await audit.log(state.db, user.id, "auth.login")
    return MeRead(user=UserRead.model_validate(user), csrf_token=csrf)


@router.post("/logout", status_code=204)
async def logout(request: Request, response: Response, db: Db) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await auth.end_session(db, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeRead)
async def me(principal: CurrentPrincipal) -> MeRead:
    return MeRead(user=UserRead.model_validate(principal.user), csrf_token=principal.csrf_token)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
async def create_token(body: TokenCreate, principal: CurrentPrincipal, db: Db) -> TokenCreated:
    row, token = await auth.create_api_token(db, principal.user, body.name)
    return TokenCreated(**TokenRead.model_validate(row).model_dump(), token=token)


@router.get("/tokens", response_model=list[TokenRead])
async def list_tokens(principal: CurrentPrincipal, db: Db) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in await auth.list_api_tokens(db, principal.user)]


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: int, principal: CurrentPrincipal, db: Db) -> Response:
    await auth.revoke_api_token(db, principal.user, token_id)
    return Response(status_code=204)
