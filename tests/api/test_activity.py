"""Server-side time accounting over HTTP: heartbeats with idle and hidden periods, the submit cap,
a person's day, and the lead's team table with its flags, on fixed data with known answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models import Annotation, Assignment, AuditEvent, GoldScore, ReviewVerdict
from truthline.db.models_activity import ActivityEvent
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.policies import project_access
from truthline.services import queue

DAY = "2026-11-20"  # a Friday
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def at(seconds: float, base: datetime = T0) -> datetime:
    return base + timedelta(seconds=seconds)


async def _setup(db: Database, app: Any, n_items: int = 8) -> tuple[Any, ...]:
    lead_user = await make_user(db, "lead")
    a1, a2 = await make_user(db, "ann-a"), await make_user(db, "ann-b")
    project = await make_project(db, lead_user, members={a1: "annotator", a2: "annotator"})
    await add_items(db, project, [{"id": f"i{n}", "text": "t"} for n in range(n_items)])
    clients = [await client_for(app, db, u) for u in (lead_user, a1, a2)]
    return project, (lead_user, a1, a2), clients


async def _lease(db: Database, c: Any, project: Any, leased_at: datetime) -> dict:
    task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    assert task["status"] == "assigned", task
    async with db.write() as s:
        await s.execute(
            update(Assignment)
            .where(Assignment.id == task["lease"]["id"])
            .values(leased_at=leased_at)
        )
    return task


async def _beat(
    db: Database, user: Any, project: Any, lease_id: int, now: datetime, ms: int, **state: bool
) -> None:
    access = await project_access(db, user, project.id, "queue.work")
    await queue.heartbeat(db, access, lease_id, ms, now=now, **state)


async def _submit(c: Any, project: Any, task: dict, claim: int) -> dict:
    r = await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
        json={
            "result": {"sentiment": {"labels": ["pos"]}},
            "lease_id": task["lease"]["id"],
            "idempotency_key": uuid.uuid4().hex,
            "active_ms": claim,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _place(db: Database, task: dict, annotation_id: int, when: datetime) -> None:
    """Moves a submit that just happened to a fixed time (the fixed data of these tests)."""
    lease_id = task["lease"]["id"]
    async with db.write() as s:
        await s.execute(
            update(Annotation).where(Annotation.id == annotation_id).values(created_at=when)
        )
        await s.execute(
            update(Assignment).where(Assignment.id == lease_id).values(finished_at=when)
        )
        await s.execute(
            update(ActivityEvent)
            .where(ActivityEvent.assignment_id == lease_id, ActivityEvent.kind == "submit")
            .values(at=when)
        )


async def test_heartbeats_with_idle_and_hidden_periods_give_known_totals(
    db: Database, app: Any
) -> None:
    project, (_, a1, _), (_, c1, _) = await _setup(db, app)
    task = await _lease(db, c1, project, T0)
    lid = task["lease"]["id"]
    await _beat(db, a1, project, lid, at(30), 30_000)
    await _beat(db, a1, project, lid, at(60), 58_000, idle=True)
    await _beat(db, a1, project, lid, at(120), 58_000, hidden=True)
    await _beat(db, a1, project, lid, at(300), 58_000)
    r = await c1.post(f"/api/v1/leases/{lid}/release")
    assert r.status_code == 200
    async with db.write() as s:
        await s.execute(update(Assignment).where(Assignment.id == lid).values(finished_at=at(330)))
    r = await c1.get("/api/v1/me/activity", params={"date": DAY})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["active_ms"], body["idle_ms"], body["hidden_ms"]) == (88_000, 62_000, 180_000)
    assert body["sessions"] == [
        {"start": "2026-11-20T09:00:00Z", "end": "2026-11-20T09:05:30Z", "active_ms": 88_000}
    ]
    assert body["breaks"] == []
    assert body["by_project_stage"] == [
        {"project_id": project.id, "stage": "annotate", "items": 0, "active_ms": 88_000}
    ]
    # Another day has nothing; the project filter works; a non-member's project is a 404.
    other = (await c1.get("/api/v1/me/activity", params={"date": "2026-11-21"})).json()
    assert (other["active_ms"], other["sessions"]) == (0, [])
    mine = await c1.get("/api/v1/me/activity", params={"date": DAY, "project": project.id})
    assert mine.json()["active_ms"] == 88_000
    assert (await c1.get("/api/v1/me/activity", params={"project": 999_999})).status_code == 404


async def test_breaks_split_sessions(db: Database, app: Any) -> None:
    project, (_, a1, _), (_, c1, _) = await _setup(db, app)
    for start in (T0, at(3600)):  # two leases an hour apart: a break between them
        task = await _lease(db, c1, project, start)
        await _beat(db, a1, project, task["lease"]["id"], at(60, start), 60_000)
        await c1.post(f"/api/v1/leases/{task['lease']['id']}/release")
        async with db.write() as s:
            await s.execute(
                update(Assignment)
                .where(Assignment.id == task["lease"]["id"])
                .values(finished_at=at(60, start))
            )
    body = (await c1.get("/api/v1/me/activity", params={"date": DAY})).json()
    assert [(x["start"], x["end"], x["active_ms"]) for x in body["sessions"]] == [
        ("2026-11-20T09:00:00Z", "2026-11-20T09:01:00Z", 60_000),
        ("2026-11-20T10:00:00Z", "2026-11-20T10:01:00Z", 60_000),
    ]
    assert body["breaks"] == [{"start": "2026-11-20T09:01:00Z", "end": "2026-11-20T10:00:00Z"}]


async def test_the_heartbeat_records_the_clients_state(db: Database, app: Any) -> None:
    project, _, (_, c1, _) = await _setup(db, app)
    task = (await c1.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    url = f"/api/v1/leases/{task['lease']['id']}/heartbeat"
    assert (await c1.post(url, json={"active_ms": 10})).status_code == 200  # an older client
    assert (await c1.post(url, json={"active_ms": 10, "idle": True})).status_code == 200
    assert (await c1.post(url, json={"active_ms": 10, "hidden": True})).status_code == 200
    r = await c1.post(url, json={"active_ms": 10, "idle": "sometimes"})
    assert r.status_code == 422
    async with db.read() as s:
        rows = (
            await s.execute(
                select(ActivityEvent.kind, ActivityEvent.state, ActivityEvent.client_active_ms)
                .where(ActivityEvent.assignment_id == task["lease"]["id"])
                .order_by(ActivityEvent.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("heartbeat", "active", 10),
        ("heartbeat", "idle", 10),
        ("heartbeat", "hidden", 10),
    ]


async def test_a_submit_claiming_more_than_the_server_saw_is_capped(db: Database, app: Any) -> None:
    project, (_, a1, _), (_, c1, _) = await _setup(db, app)
    start = utcnow() - timedelta(hours=1)
    task = await _lease(db, c1, project, start)
    await _beat(db, a1, project, task["lease"]["id"], at(30, start), 30_000)
    await _beat(db, a1, project, task["lease"]["id"], at(60, start), 60_000)
    ann = await _submit(c1, project, task, 600_000)
    # 60 s seen through heartbeats, plus one gap's allowance (75 s) for the last beat.
    assert ann["active_ms"] == 135_000
    async with db.read() as s:
        lease = await s.get(Assignment, task["lease"]["id"])
        event = await s.scalar(
            select(ActivityEvent).where(
                ActivityEvent.assignment_id == task["lease"]["id"], ActivityEvent.kind == "submit"
            )
        )
    assert lease is not None and lease.active_ms == 135_000
    assert event is not None and event.client_active_ms == 600_000  # the claim is kept
    # An honest claim is kept as it is.
    task2 = await _lease(db, c1, project, utcnow() - timedelta(minutes=5))
    await _beat(db, a1, project, task2["lease"]["id"], utcnow(), 40_000)
    assert (await _submit(c1, project, task2, 41_000))["active_ms"] == 41_000


async def _work_day(db: Database, project: Any, people: tuple, clients: tuple) -> None:
    """ann-a: three items of 60 s each from 10:00; ann-b: three items of 5 s each from 11:00,
    then a lease held 5 minutes idle and released."""
    _, a1, a2 = people
    _, c1, c2 = clients
    base = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    for k in range(3):
        start = at(k * 120, base)
        task = await _lease(db, c1, project, start)
        await _beat(db, a1, project, task["lease"]["id"], at(30, start), 30_000)
        await _beat(db, a1, project, task["lease"]["id"], at(60, start), 60_000)
        ann = await _submit(c1, project, task, 60_000)
        await _place(db, task, ann["id"], at(60, start))
    base = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    for k in range(3):
        start = at(k * 120, base)
        task = await _lease(db, c2, project, start)
        await _beat(db, a2, project, task["lease"]["id"], at(5, start), 5_000)
        ann = await _submit(c2, project, task, 5_000)
        await _place(db, task, ann["id"], at(5, start))
    start = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    task = await _lease(db, c2, project, start)
    lid = task["lease"]["id"]
    await _beat(db, a2, project, lid, at(10, start), 10_000, idle=True)
    await _beat(db, a2, project, lid, at(310, start), 10_000, idle=True)
    await c2.post(f"/api/v1/leases/{lid}/release")
    async with db.write() as s:
        await s.execute(
            update(Assignment).where(Assignment.id == lid).values(finished_at=at(310, start))
        )


async def _quality(db: Database, project: Any, a1: Any, lead_user: Any) -> None:
    """ann-a's work: reviewed accept, accept, fix; gold-scored once passed, once failed."""
    async with db.write() as s:
        anns = list(
            await s.scalars(
                select(Annotation).where(Annotation.user_id == a1.id).order_by(Annotation.id)
            )
        )
        when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
        for ann, verdict in zip(anns, ("accept", "accept", "fix"), strict=True):
            s.add(
                ReviewVerdict(
                    project_id=project.id,
                    item_id=ann.item_id,
                    annotation_id=ann.id,
                    annotator_id=a1.id,
                    reviewer_id=lead_user.id,
                    verdict=verdict,
                    created_at=when,
                )
            )
        for ann, passed in zip(anns[:2], (True, False), strict=True):
            s.add(
                GoldScore(
                    project_id=project.id,
                    item_id=ann.item_id,
                    user_id=a1.id,
                    annotation_id=ann.id,
                    score=1.0 if passed else 0.0,
                    passed=passed,
                    created_at=when,
                )
            )


async def test_team_table_numbers_and_flags_on_fixed_data(db: Database, app: Any) -> None:
    project, people, clients = await _setup(db, app)
    lead, c1, _ = clients
    await _work_day(db, project, people, clients)
    await _quality(db, project, people[1], people[0])
    base = f"/api/v1/projects/{project.id}"
    for body in (
        {"metric": "items_per_day", "value": 3},
        {"metric": "items_per_hour", "value": 50, "role": "annotator"},
        {"metric": "items_per_day", "value": 5, "user_id": people[2].id},
        {"metric": "review_pass_rate", "value": 0.9, "weekday": 4},
    ):
        assert (await lead.post(f"{base}/targets", json=body)).status_code == 201
    r = await lead.get(f"{base}/team", params={"date": DAY})
    assert r.status_code == 200, r.text
    team = r.json()
    a, b = team["people"]
    assert a["user"]["username"] == "ann-a" and b["user"]["username"] == "ann-b"
    assert (a["items"], a["active_ms"], a["idle_ms"], a["hidden_ms"]) == (3, 180_000, 0, 0)
    assert a["items_per_hour"] == 60.0
    assert a["stages"] == [
        {
            "stage": "annotate",
            "items": 3,
            "active_ms": 180_000,
            "avg_ms_per_item": 60_000.0,
            "median_ms_per_item": 60_000.0,
        }
    ]
    assert (a["gold_accuracy"], a["gold_scored"]) == (0.5, 2)
    assert (a["review_pass_rate"], a["reviewed"]) == (2 / 3, 3)
    assert a["flags"] == []
    assert {(t["metric"], t["target"], t["actual"], t["met"]) for t in a["targets"]} == {
        ("items_per_day", 3.0, 3.0, True),
        ("items_per_hour", 50.0, 60.0, True),
        ("review_pass_rate", 0.9, 2 / 3, False),
    }
    assert (a["targets_met"], a["targets_judged"]) == (2, 3)
    assert (b["items"], b["active_ms"], b["idle_ms"]) == (3, 25_000, 300_000)
    assert b["items_per_hour"] == 3 / (25_000 / 3_600_000)
    assert team["stage_medians"] == {"annotate": 32_500.0}
    assert [f["flag"] for f in b["flags"]] == ["too_fast", "long_idle"]
    assert b["flags"][0]["median_ms"] == 5_000.0
    assert b["flags"][1]["idle_share"] == 300_000 / 325_000
    assert {(t["metric"], t["target"], t["met"]) for t in b["targets"]} == {
        ("items_per_day", 5.0, False),
        ("items_per_hour", 50.0, True),
        ("review_pass_rate", 0.9, None),
    }
    hours = {h["start"][11:13]: h for h in team["hours"]}
    assert len(team["hours"]) == 24
    assert (hours["10"]["items"], hours["10"]["active_ms"]) == (3, 180_000)
    assert (hours["11"]["items"], hours["11"]["active_ms"]) == (3, 15_000)
    assert (hours["12"]["items"], hours["12"]["idle_ms"]) == (0, 300_000)
    # A fix counts as a pass once the project says so.
    r = await lead.patch(f"{base}/activity-settings", json={"fix_counts_as_pass": True})
    assert r.status_code == 200 and r.json()["fix_counts_as_pass"] is True
    a = (await lead.get(f"{base}/team", params={"date": DAY})).json()["people"][0]
    assert a["review_pass_rate"] == 1.0 and a["targets_met"] == 3
    # The CSV carries the same numbers.
    r = await lead.get(f"{base}/team.csv", params={"date": DAY})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0].startswith("username,display_name,role,items,active_min,idle_min")
    assert (
        lines[1].startswith("ann-a,")
        and ",3,3.00,0.00,0.00,60.00,60.00,0.5000,1.0000,3,3," in lines[1]
    )
    assert lines[2].endswith("too_fast:annotate;long_idle")
    # Nobody else sees the team; the reads are audited.
    assert (await c1.get(f"{base}/team")).status_code == 403
    assert (await c1.get(f"{base}/team.csv")).status_code == 403
    outsider = await client_for(app, db, await make_user(db, "outsider"))
    assert (await outsider.get(f"{base}/team")).status_code == 404
    async with db.read() as s:
        actions = list(
            await s.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.project_id == project.id, AuditEvent.action.like("team.%")
                )
            )
        )
    assert sorted(set(actions)) == ["team.export", "team.read"]


async def test_my_progress_today_counts_todays_submits(db: Database, app: Any) -> None:
    project, (_, a1, _), (lead, c1, _) = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}"
    r = await c1.get(f"{base}/progress/today")
    assert r.status_code == 200
    assert r.json()["items"] == 0 and r.json()["targets"] == []
    await lead.post(f"{base}/targets", json={"metric": "items_per_day", "value": 2})
    task = await _lease(db, c1, project, utcnow() - timedelta(seconds=40))
    await _beat(db, a1, project, task["lease"]["id"], utcnow(), 30_000)
    await _submit(c1, project, task, 30_000)
    body = (await c1.get(f"{base}/progress/today")).json()
    assert body["items"] == 1 and body["active_ms"] >= 30_000
    assert body["targets"] == [
        {
            "metric": "items_per_day",
            "project_id": project.id,
            "stage": None,
            "target": 2.0,
            "actual": 1.0,
            "met": False,
        }
    ]
