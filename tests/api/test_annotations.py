"""Submits, versions, idempotency, drafts, and the bad input a submit can carry."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from tests.factories import BBOX_SCHEMA, add_items, client_for, make_project, make_user

from truthline.db.models import Annotation, Assignment
from truthline.db.session import Database
from truthline.db.types import utcnow


async def _one(
    db: Database,
    app: Any,
    schema: dict | None = None,
    rows: list | None = None,
    people: int = 1,
    overlap: int = 1,
) -> tuple[Any, list[httpx.AsyncClient]]:
    owner = await make_user(db)
    anns = [await make_user(db) for _ in range(people)]
    project = await make_project(
        db, owner, schema=schema, overlap=overlap, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(db, project, rows or [{"id": "a", "text": "hello"}])
    return project, [await client_for(app, db, a) for a in anns]


async def _task(c: httpx.AsyncClient, project: Any) -> dict:
    return (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()


def _url(project: Any, item_id: int) -> str:
    return f"/api/v1/projects/{project.id}/items/{item_id}/annotations"


def _body(task: dict, result: Any = None, **kw: Any) -> dict:
    return {
        "result": result if result is not None else {"sentiment": {"labels": ["pos"]}},
        "lease_id": task["lease"]["id"],
        "idempotency_key": kw.pop("key", str(uuid.uuid4())),
        **kw,
    }


async def _count(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(Annotation)))


async def test_submit_records_everything(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    r = await c.post(_url(project, task["item"]["id"]), json=_body(task, active_ms=4321))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["version"] == 1 and a["base_version"] is None
    assert a["result"] == {"sentiment": {"labels": ["pos"]}}
    assert a["active_ms"] == 4321 and a["lease_expired"] is False
    assert a["schema_version_id"] > 0 and a["guideline_version_id"] is None
    async with db.read() as s:
        lease = await s.get(Assignment, task["lease"]["id"])
    assert lease.status == "submitted"


async def test_retried_submit_returns_the_first_result(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    body = _body(task, key="same-key")
    first = await c.post(_url(project, task["item"]["id"]), json=body)
    again = await c.post(_url(project, task["item"]["id"]), json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert await _count(db) == 1


async def test_concurrent_retries_store_one_version(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    body = _body(task, key="burst")
    results = await asyncio.gather(
        *[c.post(_url(project, task["item"]["id"]), json=body) for _ in range(8)]
    )
    assert sorted(r.status_code for r in results) == [200] * 7 + [201]
    assert len({r.json()["id"] for r in results}) == 1
    assert await _count(db) == 1


async def test_edit_appends_a_version_and_conflicts_are_409(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    url = _url(project, task["item"]["id"])
    await c.post(url, json=_body(task))
    edit = {
        "result": {"sentiment": {"labels": ["neg"]}},
        "idempotency_key": "e1",
        "base_version": 1,
    }
    r = await c.post(url, json=edit)
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["base_version"] == 1
    stale = {**edit, "idempotency_key": "e2"}
    r = await c.post(url, json=stale)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "version_conflict" and err["details"]["current_version"] == 2
    versions = (await c.get(url, params={"all_versions": True})).json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["result"] == {"sentiment": {"labels": ["pos"]}}  # never overwritten
    latest = (await c.get(url)).json()
    assert [v["version"] for v in latest] == [2]


async def test_submit_without_any_lease_is_refused(db: Database, app: Any) -> None:
    project, (a, b) = await _one(
        db, app, people=2, rows=[{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]
    )
    task = await _task(a, project)
    body = {"result": {"sentiment": {"labels": ["pos"]}}, "idempotency_key": "k"}
    r = await b.post(_url(project, task["item"]["id"]), json=body)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_lease"


async def test_submit_after_expiry_is_kept_and_flagged(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    async with db.write() as s:
        await s.execute(update(Assignment).values(expires_at=utcnow() - timedelta(minutes=1)))
    r = await c.post(_url(project, task["item"]["id"]), json=_body(task))
    assert r.status_code == 201 and r.json()["lease_expired"] is True


async def test_submit_after_reaped_expiry_takes_slot_back(db: Database, app: Any) -> None:
    project, (a, b) = await _one(db, app, people=2, overlap=1)
    task = await _task(a, project)
    async with db.write() as s:
        await s.execute(update(Assignment).values(expires_at=utcnow() - timedelta(minutes=1)))
    got_b = await _task(b, project)  # reaps a's lease and leases the item to b
    assert got_b["item"]["id"] == task["item"]["id"]
    r = await a.post(_url(project, task["item"]["id"]), json=_body(task))
    assert r.status_code == 201 and r.json()["lease_expired"] is True
    r = await b.post(_url(project, task["item"]["id"]), json=_body(got_b))
    assert r.status_code == 201  # b's work is kept too: the item is over-covered, not lost


async def test_two_people_same_item_with_overlap_two(db: Database, app: Any) -> None:
    project, (a, b) = await _one(db, app, people=2, overlap=2)
    ta, tb = await _task(a, project), await _task(b, project)
    ra, rb = await asyncio.gather(
        a.post(_url(project, ta["item"]["id"]), json=_body(ta)),
        b.post(_url(project, tb["item"]["id"]), json=_body(tb)),
    )
    assert ra.status_code == rb.status_code == 201
    assert {ra.json()["user_id"], rb.json()["user_id"]} == {
        ra.json()["user_id"],
        rb.json()["user_id"],
    }
    assert ra.json()["user_id"] != rb.json()["user_id"]


async def test_double_submit_with_new_key_is_a_conflict(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    assert (await c.post(_url(project, task["item"]["id"]), json=_body(task))).status_code == 201
    r = await c.post(_url(project, task["item"]["id"]), json=_body(task))
    assert r.status_code == 409 and r.json()["error"]["code"] == "version_conflict"


async def test_unknown_item_is_404(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    r = await c.post(_url(project, 999_999), json=_body(task))
    assert r.status_code == 404 and r.json()["error"]["code"] == "item_not_found"


@pytest.mark.parametrize(
    ("result", "where"),
    [
        ({"sentiment": {"labels": ["happy"]}}, "sentiment"),
        ({"sentiment": {"labels": "pos"}}, "sentiment"),
        ({"sentiment": {"labels": ["pos"], "extra": 1}}, "sentiment"),
        ({"mood": {"labels": ["pos"]}}, "mood"),
        ({}, "sentiment"),
    ],
)
async def test_invalid_results_name_the_path(
    db: Database, app: Any, result: dict, where: str
) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    r = await c.post(_url(project, task["item"]["id"]), json=_body(task, result=result))
    assert r.status_code == 422, r.text
    assert where in r.json()["error"]["message"]
    assert await _count(db) == 0


async def test_box_outside_the_image_is_refused(db: Database, app: Any) -> None:
    project, (c,) = await _one(
        db, app, schema=BBOX_SCHEMA, rows=[{"id": "img", "image": "media:ab/abc.png"}]
    )
    async with db.write() as s:
        from truthline.db.models import Item

        await s.execute(
            update(Item).values(meta={"media": {"image": {"width": 100, "height": 50}}})
        )
    task = await _task(c, project)
    box = {"id": "b1", "x": 90, "y": 10, "w": 20, "h": 10, "label": "car"}
    r = await c.post(
        _url(project, task["item"]["id"]), json=_body(task, result={"objects": {"boxes": [box]}})
    )
    assert r.status_code == 422
    assert "objects.boxes[0]" in r.json()["error"]["message"]
    ok = {**box, "x": 10}
    r = await c.post(
        _url(project, task["item"]["id"]), json=_body(task, result={"objects": {"boxes": [ok]}})
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "raw",
    [
        b'{"result": {"sentiment": {"labels": ["pos"]}}, "idempotency_key": "k", "active_ms": NaN}',
        b'{"result": {"sentiment": {"labels": ["pos"]}}, "idempotency_key": "k",'
        b' "active_ms": 1e999}',
        b'{"result": {"sentiment": ',
        b"[]",
        b'{"result": 5, "idempotency_key": "k"}',
        b'{"result": {}, "idempotency_key": "k", "surprise": true}',
        b'{"result": {}, "idempotency_key": ""}',
    ],
)
async def test_malformed_bodies_are_422(db: Database, app: Any, raw: bytes) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    r = await c.post(
        _url(project, task["item"]["id"]), content=raw, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"
    assert await _count(db) == 0


async def test_drafts_autosave_and_clear_on_submit(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    url = f"/api/v1/projects/{project.id}/items/{task['item']['id']}/draft"
    assert (await c.put(url, json={"result": {"sentiment": {"labels": []}}})).status_code == 200
    r = await c.put(url, json={"result": {"sentiment": {"labels": ["neu"]}}})
    assert r.json()["result"] == {"sentiment": {"labels": ["neu"]}}
    again = await _task(c, project)  # a reload finds the draft with the task
    assert again["draft"]["result"] == {"sentiment": {"labels": ["neu"]}}
    await c.post(_url(project, task["item"]["id"]), json=_body(task))
    assert (await c.get(url)).json() is None


async def test_history_lists_my_latest_versions(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app, rows=[{"id": "a", "text": "x"}, {"id": "b", "text": "y"}])
    for _ in range(2):
        task = await _task(c, project)
        await c.post(_url(project, task["item"]["id"]), json=_body(task))
    r = await c.get("/api/v1/me/history", params={"project": project.id})
    entries = r.json()["items"]
    assert [e["item"]["external_id"] for e in entries] == ["b", "a"]
    work = (await c.get("/api/v1/me/work")).json()
    assert work[0]["done_today"] == 2 and work[0]["done_total"] == 2


async def test_draft_with_unpaired_surrogates_is_422(db: Database, app: Any) -> None:
    project, (c,) = await _one(db, app)
    task = await _task(c, project)
    raw = b'{"result": {"note": "\\ud8f7 alone"}}'
    r = await c.put(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/draft",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input", r.text
