"""One error body everywhere; size limits; OpenAPI; the SPA fallback."""

from __future__ import annotations

from typing import Any

import httpx
from tests.factories import client_for, make_user

from truthline.db.session import Database


async def test_unknown_api_route_is_404_error_body(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_method_not_allowed(anon: httpx.AsyncClient) -> None:
    r = await anon.delete("/api/v1/health")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


async def test_openapi_is_served(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/projects/{project}/queue/next" in paths
    assert "/api/v1/projects/{project}/items/{item_id}/annotations" in paths


async def test_oversized_json_body_is_413(db: Database, app: Any) -> None:
    user = await make_user(db)
    async with await client_for(app, db, user) as c:
        big = b'{"name": "' + b"x" * 3_000_000 + b'"}'
        r = await c.post(
            "/api/v1/projects", content=big, headers={"content-type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


async def test_oversized_field_is_422(db: Database, app: Any) -> None:
    user = await make_user(db)
    async with await client_for(app, db, user) as c:
        r = await c.post("/api/v1/projects", json={"name": "n" * 300, "schema": {}})
        assert r.status_code == 422
        assert r.json()["error"]["message"].startswith("name:")


async def test_schema_errors_name_the_path(db: Database, app: Any) -> None:
    user = await make_user(db)
    bad = {
        "fields": [{"name": "text", "type": "text"}],
        "questions": [{"name": "q", "kind": "classification", "classes": ["car", "car"]}],
    }
    async with await client_for(app, db, user) as c:
        r = await c.post("/api/v1/projects", json={"name": "p", "schema": bad})
        assert r.status_code == 422
        err = r.json()["error"]
        assert any("questions[0].classes" in e["path"] for e in err["details"]["errors"])
        r = await c.post("/api/v1/schemas/validate", json={"schema_text": "fields: [unclosed"})
        body = r.json()
        assert body["valid"] is False and body["errors"]
        r = await c.post("/api/v1/schemas/validate", json={"schema": bad})
        assert r.json()["valid"] is False


async def test_schema_change_makes_a_new_version(db: Database, app: Any) -> None:
    user = await make_user(db)
    schema = {
        "fields": [{"name": "text", "type": "text"}],
        "questions": [{"name": "q", "kind": "classification", "classes": ["a", "b"]}],
    }
    async with await client_for(app, db, user) as c:
        p = (await c.post("/api/v1/projects", json={"name": "v", "schema": schema})).json()
        assert p["schema_version"] == 1
        schema["questions"][0]["classes"].append("c")
        r = await c.put(f"/api/v1/projects/{p['id']}/schema", json={"schema": schema})
        assert r.status_code == 200 and r.json()["version"] == 2
        versions = (await c.get(f"/api/v1/projects/{p['id']}/schema-versions")).json()
        assert [v["version"] for v in versions] == [1, 2]
        assert (await c.get(f"/api/v1/projects/{p['id']}")).json()["schema_version"] == 2
        listed = (await c.get("/api/v1/projects")).json()
        assert [x["schema_version"] for x in listed] == [2]


async def test_bad_cursor_and_limit(db: Database, app: Any) -> None:
    user = await make_user(db)
    async with await client_for(app, db, user) as c:
        p = (
            await c.post(
                "/api/v1/projects",
                json={
                    "name": "c",
                    "schema": {
                        "fields": [{"name": "text", "type": "text"}],
                        "questions": [{"name": "q", "kind": "classification", "classes": ["a"]}],
                    },
                },
            )
        ).json()
        r = await c.get(f"/api/v1/projects/{p['id']}/items", params={"cursor": "!!!"})
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "cursor"
        r = await c.get(f"/api/v1/projects/{p['id']}/items", params={"limit": 100000})
        assert r.status_code == 422


async def test_spa_fallback(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/projects/1/annotate")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]


async def test_values_the_database_cannot_hold_are_422(db: Database, app: Any) -> None:
    user = await make_user(db)
    async with await client_for(app, db, user) as c:
        p = (
            await c.post(
                "/api/v1/projects",
                json={
                    "name": "big",
                    "schema": {
                        "fields": [{"name": "text", "type": "text"}],
                        "questions": [{"name": "q", "kind": "classification", "classes": ["a"]}],
                    },
                },
            )
        ).json()
        r = await c.post(f"/api/v1/leases/{-(10**25)}/heartbeat", json={})
        assert r.status_code in (404, 422), r.text
        r = await c.get(f"/api/v1/projects/{p['id']}/items/{10**22}")
        assert r.status_code in (404, 422), r.text
        r = await c.patch(f"/api/v1/projects/{p['id']}", json={})
        assert r.status_code == 200 and r.json()["name"] == "big"
        raw = b'{"description": "\\ud8f7 lone surrogate"}'
        r = await c.patch(
            f"/api/v1/projects/{p['id']}", content=raw, headers={"content-type": "application/json"}
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input", r.text
