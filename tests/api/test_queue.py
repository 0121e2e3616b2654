"""The work queue over HTTP: leases, overlap, priorities, skip, release, expiry."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models import Assignment
from truthline.db.session import Database
from truthline.db.types import utcnow


async def _setup(
    db: Database, app: Any, n_items: int = 3, overlap: int = 1, people: int = 1
) -> tuple[Any, list[httpx.AsyncClient]]:
    owner = await make_user(db)
    anns = [await make_user(db) for _ in range(people)]
    project = await make_project(
        db, owner, overlap=overlap, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(
        db, project, [{"id": f"i{n}", "text": f"text {n}", "priority": 0} for n in range(n_items)]
    )
    return project, [await client_for(app, db, a) for a in anns]


async def _next(c: httpx.AsyncClient, project: Any) -> dict:
    r = await c.post(f"/api/v1/projects/{project.id}/queue/next", json={"stage": "annotate"})
    assert r.status_code == 200, r.text
    return r.json()


async def _submit(
    c: httpx.AsyncClient, project: Any, task: dict, label: str = "pos", **extra: Any
) -> httpx.Response:
    body = {
        "result": {"sentiment": {"labels": [label]}},
        "lease_id": task["lease"]["id"],
        "idempotency_key": str(uuid.uuid4()),
        "active_ms": 1200,
        **extra,
    }
    return await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations", json=body
    )


async def test_next_submit_until_empty(db: Database, app: Any) -> None:
    project, (c,) = await _setup(db, app, n_items=3)
    seen = []
    for _ in range(3):
        task = await _next(c, project)
        assert task["status"] == "assigned"
        assert task["item"]["data"] == {"text": task["item"]["data"]["text"]}
        seen.append(task["item"]["external_id"])
        assert (await _submit(c, project, task)).status_code == 201
    assert seen == ["i0", "i1", "i2"]
    assert (await _next(c, project))["status"] == "empty"


async def test_next_resumes_my_live_lease(db: Database, app: Any) -> None:
    project, (c,) = await _setup(db, app)
    first = await _next(c, project)
    again = await _next(c, project)
    assert again["lease"]["id"] == first["lease"]["id"]


async def test_priority_orders_the_queue(db: Database, app: Any) -> None:
    owner = await make_user(db)
    ann = await make_user(db)
    project = await make_project(db, owner, members={ann: "annotator"})
    await add_items(
        db,
        project,
        [
            {"id": "low", "text": "a", "priority": 1},
            {"id": "high", "text": "b", "priority": 9},
            {"id": "mid", "text": "c", "priority": 5},
        ],
    )
    async with await client_for(app, db, owner) as lead:
        items = (await lead.get(f"/api/v1/projects/{project.id}/items")).json()["items"]
        low = next(i for i in items if i["external_id"] == "low")
        r = await lead.patch(
            f"/api/v1/projects/{project.id}/items/{low['id']}", json={"priority": 100}
        )
        assert r.status_code == 200 and r.json()["priority"] == 100
    c = await client_for(app, db, ann)
    order = []
    for _ in range(3):
        task = await _next(c, project)
        order.append(task["item"]["external_id"])
        await _submit(c, project, task)
    assert order == ["low", "high", "mid"]


async def test_overlap_gives_k_distinct_people_and_never_twice(db: Database, app: Any) -> None:
    project, clients = await _setup(db, app, n_items=2, overlap=2, people=3)
    a, b, c = clients
    ta, tb = await _next(a, project), await _next(b, project)
    assert ta["item"]["id"] == tb["item"]["id"]  # same item for two people (overlap 2)
    tc = await _next(c, project)
    assert tc["item"]["id"] != ta["item"]["id"]  # the first item has no free slot left
    await _submit(a, project, ta)
    ta2 = await _next(a, project)
    assert ta2["item"]["id"] == tc["item"]["id"]  # a never gets the first item again
    await _submit(b, project, tb)
    await _submit(c, project, tc)
    await _submit(a, project, ta2)
    # Everything is done: both items have two annotations each.
    for client in clients:
        assert (await _next(client, project))["status"] == "empty"


async def test_all_remaining_leased_by_others_is_distinct_from_empty(
    db: Database, app: Any
) -> None:
    project, (a, b) = await _setup(db, app, n_items=1, people=2)
    await _next(a, project)
    got = await _next(b, project)
    assert got["status"] == "all_leased"
    assert got["retry_after"] > 0


async def test_skip_needs_reason_and_never_returns(db: Database, app: Any) -> None:
    project, (a, b) = await _setup(db, app, n_items=1, people=2)
    task = await _next(a, project)
    r = await a.post(f"/api/v1/leases/{task['lease']['id']}/skip", json={"reason": ""})
    assert r.status_code == 422
    r = await a.post(
        f"/api/v1/leases/{task['lease']['id']}/skip", json={"reason": "image is blank"}
    )
    assert r.status_code == 200 and r.json()["status"] == "skipped"
    assert (await _next(a, project))["status"] == "empty"
    assert (await _next(b, project))["item"]["id"] == task["item"]["id"]


async def test_release_gives_the_item_back(db: Database, app: Any) -> None:
    project, (a,) = await _setup(db, app, n_items=1)
    task = await _next(a, project)
    r = await a.post(f"/api/v1/leases/{task['lease']['id']}/release")
    assert r.status_code == 200 and r.json()["status"] == "released"
    again = await _next(a, project)
    assert again["item"]["id"] == task["item"]["id"]
    assert again["lease"]["id"] != task["lease"]["id"]
    r = await a.post(f"/api/v1/leases/{task['lease']['id']}/release")
    assert r.status_code == 409 and r.json()["error"]["code"] == "lease_ended"


async def test_expired_lease_returns_the_item(db: Database, app: Any) -> None:
    project, (a, b) = await _setup(db, app, n_items=1, people=2)
    task = await _next(a, project)
    assert (await _next(b, project))["status"] == "all_leased"
    async with db.write() as s:
        await s.execute(update(Assignment).values(expires_at=utcnow() - timedelta(seconds=1)))
    got = await _next(b, project)
    assert got["status"] == "assigned" and got["item"]["id"] == task["item"]["id"]
    r = await a.post(f"/api/v1/leases/{task['lease']['id']}/heartbeat", json={"active_ms": 10})
    assert r.status_code == 409 and r.json()["error"]["code"] == "lease_ended"


async def test_heartbeat_renews_and_caps_active_time(db: Database, app: Any) -> None:
    project, (a,) = await _setup(db, app)
    task = await _next(a, project)
    r = await a.post(f"/api/v1/leases/{task['lease']['id']}/heartbeat", json={"active_ms": 10**9})
    assert r.status_code == 200
    # The client cannot claim more active time than the lease has existed.
    assert r.json()["active_ms"] < 60_000
    assert r.json()["expires_at"] >= task["lease"]["expires_at"]


async def test_someone_elses_lease_is_404(db: Database, app: Any) -> None:
    project, (a, b) = await _setup(db, app, n_items=2, people=2)
    task = await _next(a, project)
    r = await b.post(f"/api/v1/leases/{task['lease']['id']}/release")
    assert r.status_code == 404


async def test_overlap_change_adjusts_open_slots(db: Database, app: Any) -> None:
    owner = await make_user(db)
    project = await make_project(db, owner, overlap=1)
    await add_items(db, project, [{"id": "x", "text": "t"}])
    async with await client_for(app, db, owner) as lead:
        r = await lead.patch(f"/api/v1/projects/{project.id}", json={"overlap": 3})
        assert r.status_code == 200 and r.json()["overlap"] == 3
        stats = (await lead.get(f"/api/v1/projects/{project.id}/stats")).json()
        assert stats["stages"] == [{"stage": "annotate", "items": 1, "open_slots": 3}]
