"""Reading the audit log: a project's events for its leads, every project's for admins."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models import AuditEvent, Item
from truthline.db.session import Database


async def _lead_project(db: Database, app: Any) -> tuple[Any, Any, Any]:
    lead = await make_user(db)
    project = await make_project(db, lead)
    await add_items(db, project, [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}])
    return lead, project, await client_for(app, db, lead)


async def _item_id(db: Database, project: Any) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(Item.id).where(Item.project_id == project.id).limit(1)))


async def _add_event(db: Database, project: Any, action: str, at: datetime, **kw: Any) -> int:
    async with db.write() as s:
        event = AuditEvent(action=action, project_id=project.id, at=at, details={}, **kw)
        s.add(event)
        await s.flush()
        return event.id


async def test_events_of_real_actions_newest_first(db: Database, app: Any) -> None:
    lead, project, c = await _lead_project(db, app)
    item = await _item_id(db, project)
    async with c:
        assert (await c.get(f"/api/v1/projects/{project.id}/export")).status_code == 200
        assert (await c.get(f"/api/v1/projects/{project.id}/items/{item}")).status_code == 200
        r = await c.get(f"/api/v1/projects/{project.id}/audit")
    assert r.status_code == 200, r.text
    body = r.json()
    events = body["items"]
    assert body["next_cursor"] is None
    assert [e["action"] for e in events[:2]] == ["item.read", "export.download"]
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    read = events[0]
    assert datetime.fromisoformat(read["at"]) <= datetime.now(UTC)
    assert read == {
        "id": read["id"],
        "at": read["at"],
        "project_id": project.id,
        "user": {"id": lead.id, "username": lead.username},
        "action": "item.read",
        "object_type": "item",
        "object_id": str(item),
        "details": {},
    }
    assert events[1]["details"] == {"format": "jsonl", "versions": "latest", "include": []}
    assert "project.create" in [e["action"] for e in events]


async def test_reading_the_log_is_itself_recorded(db: Database, app: Any) -> None:
    lead, project, c = await _lead_project(db, app)
    url = f"/api/v1/projects/{project.id}/audit"
    async with c:
        first = (await c.get(url, params={"action": "export."})).json()["items"]
        assert first == []
        latest = (await c.get(url, params={"limit": 1})).json()["items"][0]
        assert (
            await c.get(url, params={"format": "csv", "user": lead.username})
        ).status_code == 200
        both = (await c.get(url, params={"action": "audit."})).json()["items"]
    assert latest["action"] == "audit.read"
    assert latest["details"] == {"action": "export.", "rows": 0}
    assert latest["user"] == {"id": lead.id, "username": lead.username}
    assert [(e["action"], e["details"]) for e in both] == [
        ("audit.export", {"user": lead.username}),
        ("audit.read", {"rows": 1}),
        ("audit.read", {"action": "export.", "rows": 0}),
    ]


async def test_filters_by_action_user_and_time(db: Database, app: Any) -> None:
    lead, project, c = await _lead_project(db, app)
    other = await make_user(db)
    old = datetime(2025, 1, 1, 12, tzinfo=UTC)
    a = await _add_event(db, project, "quality.export", old, user_id=other.id)
    b = await _add_event(db, project, "quality.settings", old + timedelta(days=1))
    d = await _add_event(db, project, "qualityx", old + timedelta(days=2))
    e = await _add_event(db, project, "review_x.y", old + timedelta(days=3))
    url = f"/api/v1/projects/{project.id}/audit"

    async def ids(**params: Any) -> list[int]:
        r = await c.get(url, params=params)
        assert r.status_code == 200, r.text
        return [ev["id"] for ev in r.json()["items"]]

    async with c:
        assert await ids(action="quality.") == [b, a]
        assert await ids(action="quality.export") == [a]
        assert await ids(action="qualityx") == [d]
        # "_" is a literal underscore, not a pattern that matches any character.
        assert await ids(action="review_x.") == [e]
        assert await ids(action="reviewax.") == []
        assert await ids(user=other.username) == [a]
        assert await ids(user="nobody-by-that-name") == []
        until = (old + timedelta(days=2)).isoformat()
        assert await ids(since="2025-01-02T00:00:00Z", until=until) == [b]
        # A time without a zone is UTC.
        assert await ids(since="2025-01-03T12:00:00", until="2025-01-04T00:00:00") == [d]
        assert await ids(until="2025-01-01T12:00:00+00:00") == []
        assert await ids(until="2025-01-01T12:00:01+00:00") == [a]
        rows = (await c.get(url, params={"action": "quality.", "user": other.username})).json()
    assert rows["items"][0]["user"] == {"id": other.id, "username": other.username}


async def test_pages_with_cursor(db: Database, app: Any) -> None:
    _, project, c = await _lead_project(db, app)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    made = [await _add_event(db, project, "page.test", at) for _ in range(5)]
    url = f"/api/v1/projects/{project.id}/audit"
    seen: list[int] = []
    cursor = None
    async with c:
        for _ in range(4):
            params = {"action": "page.test", "limit": 2} | ({"cursor": cursor} if cursor else {})
            body = (await c.get(url, params=params)).json()
            seen += [e["id"] for e in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
    assert seen == made[::-1]
    assert cursor is None


async def test_csv_is_the_whole_filtered_log(db: Database, app: Any) -> None:
    lead, project, c = await _lead_project(db, app)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    first = await _add_event(db, project, "csv.test", at, object_type="item", object_id="7")
    async with db.write() as s:
        s.add(AuditEvent(action="csv.test", project_id=project.id, at=at, details={"f": "=1+1"}))
    async with c:
        r = await c.get(f"/api/v1/projects/{project.id}/audit?format=csv&action=csv.test&limit=1")
        empty = await c.get(f"/api/v1/projects/{project.id}/audit?format=csv&action=none")
        last = (await c.get(f"/api/v1/projects/{project.id}/audit?limit=1")).json()["items"]
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="audit-{project.id}.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    # The whole log, not one page of it, newest first.
    assert [int(x["id"]) for x in rows] == [first + 1, first]
    assert rows[0]["details"] == '{"f":"=1+1"}'
    assert rows[1] == {
        "id": str(first),
        "at": "2025-01-01T00:00:00+00:00",
        "project_id": str(project.id),
        "user_id": "",
        "username": "",
        "action": "csv.test",
        "object_type": "item",
        "object_id": "7",
        "details": "{}",
    }
    assert empty.text.strip() == ",".join(
        ["id", "at", "project_id", "user_id", "username", "action"]
        + ["object_type", "object_id", "details"]
    )
    assert last[0]["action"] == "audit.export"
    assert last[0]["details"] == {"action": "none"}


async def test_only_leads_and_admins_read_a_projects_log(db: Database, app: Any) -> None:
    lead = await make_user(db)
    roles = {await make_user(db): r for r in ("reviewer", "annotator", "viewer")}
    project = await make_project(db, lead, members=roles)
    stranger = await make_user(db)
    admin = await make_user(db, admin=True)
    url = f"/api/v1/projects/{project.id}/audit"
    for person in roles:
        async with await client_for(app, db, person) as c:
            r = await c.get(url)
            assert r.status_code == 403, r.text
            assert r.json()["error"]["code"] == "forbidden"
            assert (await c.get(url, params={"format": "csv"})).status_code == 403
    async with await client_for(app, db, stranger) as c:
        r = await c.get(url)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "project_not_found"
    async with await client_for(app, db, admin) as c:
        assert (await c.get(url)).status_code == 200
        assert (await c.get(f"/api/v1/projects/{project.name}/audit")).status_code == 200


async def test_admin_reads_every_projects_log(db: Database, app: Any) -> None:
    lead, one, c = await _lead_project(db, app)
    two = await make_project(db, lead)
    admin = await make_user(db, admin=True)
    async with c:
        r = await c.get("/api/v1/audit")
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "admin_only"
    async with await client_for(app, db, admin) as c:
        everything = (await c.get("/api/v1/audit", params={"action": "project.create"})).json()
        only_two = (await c.get("/api/v1/audit", params={"project": two.name})).json()
        missing = await c.get("/api/v1/audit", params={"project": "no-such-project"})
        whole = await c.get("/api/v1/audit", params={"format": "csv", "action": "project."})
        mine = (await c.get("/api/v1/audit", params={"user": admin.username})).json()
    assert [e["project_id"] for e in everything["items"]] == [two.id, one.id]
    assert {e["project_id"] for e in only_two["items"]} == {two.id}
    assert missing.status_code == 404
    assert whole.headers["content-disposition"] == 'attachment; filename="audit.csv"'
    assert [r["project_id"] for r in csv.DictReader(io.StringIO(whole.text))] == [
        str(two.id),
        str(one.id),
    ]
    # The admin's own reads, across projects: the whole-log reads have no project.
    assert [(e["action"], e["project_id"]) for e in mine["items"]] == [
        ("audit.export", None),
        ("audit.read", two.id),
        ("audit.read", None),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2025-13-01"}, "until"),
        ({"since": "2025-02-01T00:00:00Z", "until": "2025-01-01T00:00:00Z"}, "until"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"format": "xlsx"}, "format"),
        ({"action": "x" * 101}, "action"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    db: Database, app: Any, params: dict[str, Any], field: str
) -> None:
    _, project, c = await _lead_project(db, app)
    async with c:
        r = await c.get(f"/api/v1/projects/{project.id}/audit", params=params)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in (error["details"].get("field"), error["message"].split(":")[0])
