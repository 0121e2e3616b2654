"""Health, sign-in with cookies and CSRF, API tokens."""

from __future__ import annotations

from typing import Any

import httpx
from tests.factories import PASSWORD, bearer, make_user, token_for

from truthline.api.deps import AppState
from truthline.app import create_app
from truthline.db.session import Database
from truthline.media.storage import LocalStorage


async def test_health_ok(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["database"] == "ok"


async def test_health_503_when_database_unreachable(settings: Any, tmp_path: Any) -> None:
    bad = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    app = create_app(settings, migrate_on_start=False)
    app.state.truthline = AppState(
        settings=settings, db=bad, storage=LocalStorage(tmp_path), secret="x"
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/api/v1/health")
    await bad.dispose()
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"


async def test_login_sets_httponly_cookie_and_csrf(db: Database, anon: httpx.AsyncClient) -> None:
    await make_user(db, "alice")
    r = await anon.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["user"]["username"] == "alice"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("tl_session="))
    csrf = next(c for c in cookies if c.startswith("tl_csrf="))
    assert "HttpOnly" in session and "HttpOnly" not in csrf
    assert body["csrf_token"] in csrf
    me = await anon.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["username"] == "alice"


async def test_unsafe_request_with_cookie_needs_csrf(db: Database, anon: httpx.AsyncClient) -> None:
    await make_user(db, "bob")
    login = await anon.post("/api/v1/auth/login", json={"username": "bob", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    body = {
        "name": "p",
        "schema": {
            "fields": [{"name": "text", "type": "text"}],
            "questions": [{"name": "q", "kind": "classification", "classes": ["a", "b"]}],
        },
    }
    r = await anon.post("/api/v1/projects", json=body)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    r = await anon.post("/api/v1/projects", json=body, headers={"x-csrf-token": csrf})
    assert r.status_code == 201, r.text


async def test_wrong_password_is_401_with_error_body(db: Database, anon: httpx.AsyncClient) -> None:
    await make_user(db, "carol")
    r = await anon.post("/api/v1/auth/login", json={"username": "carol", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.json() == {
        "error": {"code": "bad_credentials", "message": "wrong username or password", "details": {}}
    }
    r = await anon.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert r.status_code == 401


async def test_logout_ends_session(db: Database, anon: httpx.AsyncClient) -> None:
    await make_user(db, "dora")
    login = await anon.post("/api/v1/auth/login", json={"username": "dora", "password": PASSWORD})
    r = await anon.post("/api/v1/auth/logout", headers={"x-csrf-token": login.json()["csrf_token"]})
    assert r.status_code == 204
    assert (await anon.get("/api/v1/auth/me")).status_code == 401


async def test_api_token_lifecycle(db: Database, anon: httpx.AsyncClient) -> None:
    user = await make_user(db, "erin")
    token = await token_for(db, user)
    r = await anon.get("/api/v1/auth/me", headers=bearer(token))
    assert r.status_code == 200 and r.json()["user"]["username"] == "erin"
    created = await anon.post("/api/v1/auth/tokens", json={"name": "script"}, headers=bearer(token))
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("tl_") and new["prefix"] == new["token"][:8]
    listed = await anon.get("/api/v1/auth/tokens", headers=bearer(token))
    assert {t["name"] for t in listed.json()} == {"test", "script"}
    assert "token" not in listed.json()[0]
    r = await anon.delete(f"/api/v1/auth/tokens/{new['id']}", headers=bearer(token))
    assert r.status_code == 204
    r = await anon.get("/api/v1/auth/me", headers=bearer(new["token"]))
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"


async def test_tokens_are_hashed_at_rest(db: Database) -> None:
    from sqlalchemy import select

    from truthline.db.models import ApiToken

    user = await make_user(db, "fred")
    token = await token_for(db, user)
    async with db.read() as s:
        stored = (await s.scalars(select(ApiToken.token_hash))).all()
    assert token not in stored and len(stored[0]) == 64


async def test_passwords_are_argon2(db: Database) -> None:
    user = await make_user(db, "gina")
    assert user.password_hash.startswith("$argon2")


async def test_no_credentials_is_401(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/projects")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


async def test_admin_creates_users_non_admin_cannot(db: Database, anon: httpx.AsyncClient) -> None:
    admin = await make_user(db, "root", admin=True)
    plain = await make_user(db, "plain")
    body = {"username": "newbie", "password": "longenough"}
    r = await anon.post("/api/v1/users", json=body, headers=bearer(await token_for(db, plain)))
    assert r.status_code == 403
    r = await anon.post("/api/v1/users", json=body, headers=bearer(await token_for(db, admin)))
    assert r.status_code == 201 and r.json()["username"] == "newbie"
    r = await anon.post("/api/v1/users", json=body, headers=bearer(await token_for(db, admin)))
    assert r.status_code == 409 and r.json()["error"]["code"] == "user_exists"
