"""Users, passwords (argon2), browser sessions and personal API tokens.

Who a session or token belongs to is kept in memory for ``PRINCIPAL_CACHE_SECONDS`` (5 s) after
it was looked up, so a burst of requests does not read the same rows each time. Signing out and
revoking a token forget every kept entry at once in this process; in another process (a second
server, the CLI) they take effect within those 5 seconds.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from truthline.db.models import ApiToken, Session, User
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, InvalidInput, NotFound, Unauthenticated

_hasher = PasswordHasher()
TOKEN_PREFIX = "tl_"
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PRINCIPAL_CACHE_SECONDS = 5.0
_PRINCIPAL_CACHE_MAX = 10_000
# (database url, "session"|"token", token hash) -> (monotonic deadline, principal, expires_at)
_principals: dict[tuple[str, str, str], tuple[float, Any, Any]] = {}


def _cached(db: Database, via: str, token_hash: str) -> tuple[Any, Any] | None:
    hit = _principals.get((db.url, via, token_hash))
    if hit is None:
        return None
    if hit[0] < time.monotonic():
        _principals.pop((db.url, via, token_hash), None)
        return None
    return hit[1], hit[2]


def _keep(db: Database, via: str, token_hash: str, principal: Any, expires_at: Any) -> None:
    if len(_principals) >= _PRINCIPAL_CACHE_MAX:
        _principals.clear()
    deadline = time.monotonic() + PRINCIPAL_CACHE_SECONDS
    _principals[(db.url, via, token_hash)] = (deadline, principal, expires_at)


def forget_principals() -> None:
    """Drops every kept session and token lookup (after a sign-out or a revocation)."""
    _principals.clear()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user and how they proved it."""

    user: User
    via: str  # "session" | "token"
    csrf_token: str | None = None


def validate_username(username: str) -> str:
    username = username.strip()
    if not (1 <= len(username) <= 150) or not all(c.isalnum() or c in "._-@" for c in username):
        raise InvalidInput(
            "username must be 1-150 letters, digits or . _ - @", field="username", value=username
        )
    return username


async def create_user(
    db: Database,
    username: str,
    password: str | None,
    *,
    display_name: str = "",
    is_admin: bool = False,
) -> User:
    username = validate_username(username)
    if password is not None and len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", field="password")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password) if password else None,
        is_admin=is_admin,
    )
    try:
        async with db.write() as s:
            s.add(user)
            await s.flush()
    except IntegrityError:
        raise Conflict(f"user {username!r} already exists", code="user_exists") from None
    return user


async def set_password(db: Database, username: str, password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", field="password")
    async with db.write() as s:
        res = cast(
            "CursorResult[Any]",
            await s.execute(
                update(User)
                .where(User.username == username)
                .values(password_hash=_hasher.hash(password))
            ),
        )
        if res.rowcount == 0:
            raise NotFound(f"no user {username!r}")


async def authenticate(db: Database, username: str, password: str) -> User:
    async with db.read() as s:
        user = await s.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        ok: bool = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.is_active or not user.password_hash:
        raise Unauthenticated("wrong username or password", code="bad_credentials")
    return user


async def start_session(db: Database, user: User, days: int) -> tuple[str, str]:
    """Returns (session token for the cookie, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    async with db.write() as s:
        s.add(
            Session(
                token_hash=_sha256(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=utcnow() + timedelta(days=days),
            )
        )
        await s.execute(delete(Session).where(Session.expires_at < utcnow()))
    return token, csrf


async def end_session(db: Database, token: str) -> None:
    async with db.write() as s:
        await s.execute(delete(Session).where(Session.token_hash == _sha256(token)))
    forget_principals()


async def principal_from_session(db: Database, token: str) -> Principal:
    token_hash = _sha256(token)
    hit = _cached(db, "session", token_hash)
    if hit is not None and hit[1] >= utcnow():
        return hit[0]  # type: ignore[no-any-return]
    async with db.read() as s:
        row = (
            await s.execute(
                select(User, Session.csrf_token, Session.expires_at)
                .join(Session, Session.user_id == User.id)
                .where(Session.token_hash == token_hash)
            )
        ).first()
    if row is None or row[2] < utcnow() or not row[0].is_active:
        raise Unauthenticated("session expired; sign in again", code="session_expired")
    principal = Principal(user=row[0], via="session", csrf_token=row[1])
    _keep(db, "session", token_hash, principal, row[2])
    return principal


async def create_api_token(db: Database, user: User, name: str) -> tuple[ApiToken, str]:
    if not name.strip() or len(name) > 200:
        raise InvalidInput("token name must be 1-200 characters", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip(), token_hash=_sha256(token), prefix=token[:8])
    async with db.write() as s:
        s.add(row)
        await s.flush()
    return row, token


async def list_api_tokens(db: Database, user: User) -> list[ApiToken]:
    async with db.read() as s:
        rows = await s.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
        return list(rows)


async def revoke_api_token(db: Database, user: User, token_id: int) -> None:
    async with db.write() as s:
        res = cast(
            "CursorResult[Any]",
            await s.execute(
                update(ApiToken)
                .where(ApiToken.id == token_id, ApiToken.user_id == user.id)
                .values(revoked_at=utcnow())
            ),
        )
        if res.rowcount == 0:
            raise NotFound(f"no token {token_id}")
    forget_principals()


async def principal_from_token(db: Database, token: str) -> Principal:
    token_hash = _sha256(token)
    hit = _cached(db, "token", token_hash)
    if hit is not None:
        return hit[0]  # type: ignore[no-any-return]
    async with db.read() as s:
        row = (
            await s.execute(
                select(User, ApiToken.revoked_at)
                .join(ApiToken, ApiToken.user_id == User.id)
                .where(ApiToken.token_hash == token_hash)
            )
        ).first()
    if row is None or row[1] is not None or not row[0].is_active:
        raise Unauthenticated("unknown or revoked API token", code="bad_token")
    principal = Principal(user=row[0], via="token")
    _keep(db, "token", token_hash, principal, None)
    return principal


async def get_user(db: Database, user_id: int | None = None, username: str | None = None) -> User:
    async with db.read() as s:
        if user_id is not None:
            user = await s.get(User, user_id)
        else:
            user = await s.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username or user_id!r}", code="user_not_found")
    return user


async def list_users(db: Database) -> list[User]:
    async with db.read() as s:
        return list(await s.scalars(select(User).order_by(User.id)))
