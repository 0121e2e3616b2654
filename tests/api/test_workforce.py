"""Workforce over HTTP: teams, skills, time zones, schedules, requirements, and queue routing
by language and skill, with prefetching (exclude_item_ids)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import BindParameter, bindparam, text
from sqlalchemy.sql import visitors
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import item_ids, label

from truthline.db.session import Database
from truthline.services import workforce
from truthline.services.queue import _statements, routing_params
from truthline.services.workforce import Routing

NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}


async def _people(db: Database, app: Any, n: int) -> tuple[Any, httpx.AsyncClient, list[Any]]:
    admin = await make_user(db, admin=True)
    users = [await make_user(db) for _ in range(n)]
    return admin, await client_for(app, db, admin), users


async def _next(c: httpx.AsyncClient, project: Any, **body: Any) -> dict:
    r = await c.post(f"/api/v1/projects/{project.id}/queue/next", json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def _submit(c: httpx.AsyncClient, project: Any, task: dict) -> None:
    r = await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
        json={
            "result": {"sentiment": {"labels": ["pos"]}},
            "lease_id": task["lease"]["id"],
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert r.status_code == 201, r.text


def _err(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code, err
    return err


# --- teams ----------------------------------------------------------------------------------------
async def test_teams_crud_and_who_manages_members(db: Database, app: Any) -> None:
    _, admin, (lead, member, other, outsider) = await _people(db, app, 4)
    r = await admin.post("/api/v1/teams", json={"name": "Hindi audio", "description": "north"})
    assert r.status_code == 201, r.text
    team = r.json()
    assert (team["name"], team["description"], team["members"]) == ("Hindi audio", "north", [])
    _err(await admin.post("/api/v1/teams", json={"name": "Hindi audio"}), 409, "team_name_taken")
    err = _err(
        await admin.post("/api/v1/teams", json={"name": " padded"}), 422, "invalid_team_name"
    )
    assert err["details"] == {"field": "name", "value": " padded"}
    async with await client_for(app, db, lead) as lc:
        _err(await lc.post("/api/v1/teams", json={"name": "x"}), 403, "admin_only")
        r = await admin.put(
            f"/api/v1/teams/{team['id']}/members/{lead.username}", json={"role": "lead"}
        )
        assert r.status_code == 200 and r.json()["role"] == "lead"
        # The team lead adds a plain member by username, but may not name another lead.
        r = await lc.put(f"/api/v1/teams/Hindi audio/members/{member.id}", json={})
        assert r.status_code == 200 and r.json() == {
            "user": {**r.json()["user"], "username": member.username},
            "role": "member",
        }
        r = await lc.put(f"/api/v1/teams/{team['id']}/members/{other.id}", json={"role": "lead"})
        _err(r, 403, "forbidden")
        r = await lc.put(f"/api/v1/teams/{team['id']}/members/{other.id}", json={"role": "boss"})
        assert _err(r, 422, "invalid_team_role")["details"] == {"field": "role", "value": "boss"}
        await lc.put(f"/api/v1/teams/{team['id']}/members/{other.id}", json={})
        assert (
            await lc.delete(f"/api/v1/teams/{team['id']}/members/{other.id}")
        ).status_code == 204
        r = await lc.delete(f"/api/v1/teams/{team['id']}/members/{other.id}")
        _err(r, 404, "team_member_not_found")
        listed = (await lc.get("/api/v1/teams")).json()
        assert [(m["user"]["username"], m["role"]) for m in listed[0]["members"]] == sorted(
            [(lead.username, "lead"), (member.username, "member")]
        )
    async with await client_for(app, db, outsider) as oc:
        assert (await oc.get("/api/v1/teams")).json() == []
        r = await oc.put(f"/api/v1/teams/{team['id']}/members/{outsider.id}", json={})
        _err(r, 404, "team_not_found")
    r = await admin.patch(f"/api/v1/teams/{team['id']}", json={"name": "Hindi"})
    assert r.status_code == 200 and r.json()["name"] == "Hindi" and len(r.json()["members"]) == 2
    _err(await admin.get("/api/v1/people?team=nope"), 404, "team_not_found")
    assert (await admin.delete(f"/api/v1/teams/{team['id']}")).status_code == 204
    assert (await admin.get("/api/v1/teams")).json() == []


# --- people ---------------------------------------------------------------------------------------
async def test_skills_are_validated_and_only_admins_and_team_leads_edit(
    db: Database, app: Any
) -> None:
    owner, admin, (ann, tl, plead, stranger) = await _people(db, app, 4)
    project = await make_project(db, plead, members={ann: "annotator"})
    r = await admin.put(f"/api/v1/people/{ann.id}/skills/lang:hi", json={"level": 4})
    assert r.status_code == 200 and r.json() == {"tag": "lang:hi", "level": 4}
    err = _err(await admin.put(f"/api/v1/people/{ann.id}/skills/Lang:HI", json={}), 422,
               "invalid_skill_tag")  # fmt: skip
    assert err["details"] == {"field": "tag", "value": "Lang:HI"}
    for bad in ("nocolon", "lang:", ":hi", "lang:h i"):
        r = await admin.put(f"/api/v1/people/{ann.id}/skills/{bad}", json={})
        assert r.status_code in (404, 422), bad  # an empty path segment is no route at all
    r = await admin.put(f"/api/v1/people/{ann.id}/skills/modality:audio", json={"level": 6})
    assert _err(r, 422, "invalid_skill_level")["details"] == {"field": "level", "value": 6}
    _err(await admin.put("/api/v1/people/nobody/skills/lang:hi", json={}), 404, "person_not_found")

    async with await client_for(app, db, ann) as me:
        mine = (await me.get("/api/v1/people/me")).json()
        assert mine["skills"] == [{"tag": "lang:hi", "level": 4}] and mine["languages"] == ["hi"]
        _err(await me.put("/api/v1/people/me/skills/lang:en", json={}), 403, "forbidden")
        r = await me.put("/api/v1/people/me/timezone", json={"timezone": "Asia/Kolkata"})
        assert r.status_code == 200 and r.json() == {"timezone": "Asia/Kolkata"}
        r = await me.put("/api/v1/people/me/timezone", json={"timezone": "Mars/Olympus"})
        err = _err(r, 422, "invalid_timezone")
        assert err["details"] == {"field": "timezone", "value": "Mars/Olympus"}
    async with await client_for(app, db, stranger) as sc:
        _err(await sc.get(f"/api/v1/people/{ann.username}"), 404, "person_not_found")
        assert [p["user"]["id"] for p in (await sc.get("/api/v1/people")).json()] == [stranger.id]
    # A project lead reads the members of their projects but does not edit them.
    async with await client_for(app, db, plead) as pc:
        got = (await pc.get(f"/api/v1/people/{ann.id}")).json()
        assert got["timezone"] == "Asia/Kolkata"
        _err(await pc.put(f"/api/v1/people/{ann.id}/skills/lang:en", json={}), 403, "forbidden")
        names = {p["user"]["username"] for p in (await pc.get("/api/v1/people")).json()}
        assert names == {ann.username, plead.username}
        r = await pc.get(f"/api/v1/people?project={project.id}&skill=lang:hi&min_level=4")
        assert [p["user"]["id"] for p in r.json()] == [ann.id]
        r = await pc.get(f"/api/v1/people?project={project.id}&skill=lang:hi&min_level=5")
        assert r.json() == []
    # A team lead edits the members of their team.
    team = (await admin.post("/api/v1/teams", json={"name": "t"})).json()
    await admin.put(f"/api/v1/teams/{team['id']}/members/{tl.id}", json={"role": "lead"})
    await admin.put(f"/api/v1/teams/{team['id']}/members/{ann.id}", json={})
    async with await client_for(app, db, tl) as tc:
        r = await tc.put(f"/api/v1/people/{ann.id}/skills/lang:en", json={"level": None})
        assert r.status_code == 200
        assert (await tc.delete(f"/api/v1/people/{ann.id}/skills/lang:hi")).status_code == 204
        _err(await tc.delete(f"/api/v1/people/{ann.id}/skills/lang:hi"), 404, "skill_not_found")
        got = (await tc.get(f"/api/v1/people?team={team['id']}&skill=lang:en")).json()
        assert [(p["user"]["id"], p["languages"], p["teams"][0]["name"]) for p in got] == [
            (ann.id, ["en"], "t")
        ]
    assert owner.is_admin


async def test_schedule_rotation_time_off_and_availability(db: Database, app: Any) -> None:
    _, admin, (ann,) = await _people(db, app, 1)
    url = f"/api/v1/people/{ann.id}/schedule"
    _err(await admin.get(url), 404, "schedule_not_found")
    night = {"0": [["22:00", "24:00"]], "1": [["00:00", "06:00"]]}
    r = await admin.put(url, json={"weeks": [NINE_TO_FIVE, night]})
    assert _err(r, 422, "invalid_schedule")["details"]["field"] == "rotation_start"
    r = await admin.put(url, json={"weeks": [{"0": [["17:00", "09:00"]]}]})
    err = _err(r, 422, "invalid_schedule")
    assert err["details"]["field"] == "weeks[0]" and "17:00-09:00" in err["message"]
    r = await admin.put(url, json={"weeks": [{"7": [["09:00", "10:00"]]}]})
    _err(r, 422, "invalid_schedule")
    r = await admin.put(url, json={"weeks": [NINE_TO_FIVE], "time_off": ["2026-13-01"]})
    assert _err(r, 422, "invalid_schedule")["details"]["field"] == "time_off[0]"
    _err(await admin.put(url, json={"weeks": []}), 422, "invalid_schedule")
    await admin.put(f"/api/v1/people/{ann.id}/timezone", json={"timezone": "Europe/Berlin"})
    r = await admin.put(
        url,
        json={
            "weeks": [NINE_TO_FIVE, night],
            "rotation_start": "2026-03-18",  # a Wednesday: its week (from Monday 16) is week 0
            "time_off": ["2026-03-17", "2026-03-17"],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["weeks"][1] == {"0": [["22:00", "24:00"]], "1": [["00:00", "06:00"]]}
    assert r.json()["time_off"] == ["2026-03-17"]
    r = await admin.get(f"/api/v1/people/{ann.id}/availability?start=2026-03-16&days=15")
    days = {d["date"]: d for d in r.json()["days"]}
    assert days["2026-03-16"]["hours"] == [["09:00", "17:00"]] and days["2026-03-16"]["week"] == 0
    assert days["2026-03-17"]["off"] and days["2026-03-17"]["working_minutes"] == 0
    assert days["2026-03-23"]["week"] == 1 and days["2026-03-23"]["hours"] == [["22:00", "24:00"]]
    # 29 March 2026: Berlin moves to summer time, a 23-hour day.
    dst = days["2026-03-29"]
    assert dst["start"].startswith("2026-03-28T23:00") and dst["end"].startswith("2026-03-29T22:00")
    assert days["2026-03-30"]["week"] == 0 and days["2026-03-30"]["working_minutes"] == 480
    _err(await admin.get(f"/api/v1/people/{ann.id}/availability?start=soon"), 422, "invalid_date")
    # The interface the SLA clock and the reports use.
    cal = await workforce.calendar_of(db, ann.id)
    assert cal is not None
    monday = datetime(2026, 3, 23, 21, 0, tzinfo=UTC)  # 22:00 Berlin, week 1
    assert cal.is_working(monday) and not cal.is_working(datetime(2026, 3, 16, 21, tzinfo=UTC))
    assert await workforce.timezone_of(db, ann.id) == "Europe/Berlin"
    lo, hi = await workforce.day_bounds(db, ann.id, date(2026, 10, 25))
    assert hi - lo == timedelta(hours=25)
    assert (await admin.delete(url)).status_code == 204
    assert await workforce.calendar_of(db, ann.id) is None
    assert await workforce.timezone_of(db, 10**9) == "UTC"


# --- requirements and routing ---------------------------------------------------------------------
async def _routing_project(db: Database, app: Any, people: int = 2, **kw: Any) -> tuple:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(people)]
    project = await make_project(db, lead, members=dict.fromkeys(anns, "annotator"), **kw)
    return (
        project,
        await client_for(app, db, lead),
        anns,
        [await client_for(app, db, a) for a in anns],
    )


async def test_requirements_validation_and_permissions(db: Database, app: Any) -> None:
    project, lead, (ann,), (ac,) = await _routing_project(db, app, 1)
    url = f"/api/v1/projects/{project.id}/requirements"
    assert (await ac.get(url)).json() == {
        "skills": {},
        "language_field": "language",
        "eligible": None,
    }
    body = {"skills": {"*": [{"tag": "modality:audio", "min_level": 3}]}, "language_field": "lang"}
    _err(await ac.put(url, json=body), 403, "forbidden")
    r = await lead.put(url, json=body)
    assert r.status_code == 200 and r.json() == {
        "skills": {"*": [{"tag": "modality:audio", "min_level": 3}]},
        "language_field": "lang",
        "eligible": {"annotate": [], "review": []},
    }
    r = await lead.put(url, json={"skills": {"qa": [{"tag": "lang:hi"}]}})
    assert _err(r, 422, "invalid_requirement")["details"] == {"field": "skills.qa", "value": "qa"}
    r = await lead.put(url, json={"skills": {"*": [{"tag": "Hindi"}]}})
    assert _err(r, 422, "invalid_skill_tag")["details"]["field"] == "skills.*[0].tag"
    r = await lead.put(url, json={"language_field": "data.language"})
    _err(r, 422, "invalid_language_field")
    r = await lead.put(url, json={"skills": {"*": [{"tag": "lang:hi", "min_level": 0}]}})
    _err(r, 422, "invalid_skill_level")


async def test_required_skills_gate_the_stage(db: Database, app: Any) -> None:
    project, lead, (ann,), (ac,) = await _routing_project(db, app, 1)
    admin = await client_for(app, db, await make_user(db, admin=True))
    await add_items(db, project, [{"id": "a", "text": "x"}])
    url = f"/api/v1/projects/{project.id}/requirements"
    need = {"*": [{"tag": "modality:audio", "min_level": 3}], "review": [{"tag": "role:qa"}]}
    await lead.put(url, json={"skills": need})
    nxt = f"/api/v1/projects/{project.id}/queue/next"
    err = _err(await ac.post(nxt, json={}), 403, "skills_required")
    assert err["details"] == {
        "stage": "annotate",
        "missing": [{"tag": "modality:audio", "min_level": 3, "level": None}],
    }
    assert "modality:audio (level 3+)" in err["message"]
    await admin.put(f"/api/v1/people/{ann.id}/skills/modality:audio", json={"level": 2})
    err = _err(await ac.post(nxt, json={}), 403, "skills_required")
    assert err["details"]["missing"][0]["level"] == 2
    await admin.put(f"/api/v1/people/{ann.id}/skills/modality:audio", json={"level": 3})
    assert (await _next(ac, project))["status"] == "assigned"
    got = (await lead.get(url)).json()["eligible"]
    assert got == {"annotate": [ann.username], "review": []}
    # Admins are exempt (they check the queue).
    assert (await _next(admin, project))["status"] in ("empty", "all_leased")


async def test_language_routing(db: Database, app: Any) -> None:
    project, _, (plain, hindi, both), clients = await _routing_project(db, app, 3)
    pc, hc, bc = clients
    admin = await client_for(app, db, await make_user(db, admin=True))
    await admin.put(f"/api/v1/people/{hindi.id}/skills/lang:hi", json={})
    for tag in ("lang:hi", "lang:en"):
        await admin.put(f"/api/v1/people/{both.id}/skills/{tag}", json={})
    rows = [{"id": f"hi{n}", "text": "namaste", "language": "hi", "priority": 9} for n in range(5)]
    rows += [
        {"id": "HI-upper", "text": "x", "language": "HI", "priority": 8},
        {"id": "en", "text": "hello", "language": "en", "priority": 7},
        {"id": "blank", "text": "?", "language": "", "priority": 6},
        {"id": "none", "text": "?", "priority": 5},
        {"id": "de", "text": "hallo", "language": "de", "priority": 10},
    ]
    await add_items(db, project, rows)
    # Without lang:hi the Hindi items (above in priority) are passed over, never handed out.
    got = []
    while (task := await _next(pc, project))["status"] == "assigned":
        got.append(task["item"]["external_id"])
        await _submit(pc, project, task)
    assert got == ["blank", "none"]
    got = []
    while (task := await _next(hc, project))["status"] == "assigned":
        got.append(task["item"]["external_id"])
        await _submit(hc, project, task)
    assert got == ["hi0", "hi1", "hi2", "hi3", "hi4", "HI-upper"]
    task = await _next(bc, project)
    assert task["item"]["external_id"] == "en"
    await _submit(bc, project, task)
    # Nobody speaks German: the item waits without blocking anyone.
    assert (await _next(bc, project))["status"] == "empty"
    assert (await _next(admin, project))["item"]["external_id"] == "de"


async def test_language_field_in_meta_and_routing_off(db: Database, app: Any) -> None:
    project, lead, (plain, hindi), (pc, hc) = await _routing_project(db, app, 2)
    admin = await client_for(app, db, await make_user(db, admin=True))
    await admin.put(f"/api/v1/people/{hindi.id}/skills/lang:hi", json={})
    await add_items(
        db,
        project,
        [
            {"id": "m", "text": "x", "meta": {"lang": "hi"}, "priority": 2},
            {"id": "d", "text": "y", "language": "hi", "priority": 1},
        ],
    )
    url = f"/api/v1/projects/{project.id}/requirements"
    assert (await lead.put(url, json={"language_field": "meta.lang"})).status_code == 200
    assert (await _next(pc, project))["item"]["external_id"] == "d"
    assert (await _next(hc, project))["item"]["external_id"] == "m"
    await lead.put(url, json={"language_field": None})
    task = await _next(pc, project, exclude_item_ids=[])
    assert task["item"]["external_id"] == "d"  # still the live lease


async def test_skill_changes_take_effect_at_once(db: Database, app: Any) -> None:
    project, _, (ann,), (ac,) = await _routing_project(db, app, 1)
    admin = await client_for(app, db, await make_user(db, admin=True))
    await add_items(db, project, [{"id": "h", "text": "x", "language": "hi"}])
    assert (await _next(ac, project))["status"] == "empty"
    await admin.put(f"/api/v1/people/{ann.id}/skills/lang:hi", json={})
    assert (await _next(ac, project))["item"]["external_id"] == "h"


# --- prefetching --------------------------------------------------------------------------------
async def test_exclude_item_ids_leases_a_second_task(db: Database, app: Any) -> None:
    project, _, (ann, other), (ac, oc) = await _routing_project(db, app, 2)
    await add_items(
        db, project, [{"id": f"i{n}", "text": "t", "priority": 9 - n} for n in range(4)]
    )
    first = await _next(ac, project)
    assert first["item"]["external_id"] == "i0"
    second = await _next(ac, project, exclude_item_ids=[first["item"]["id"]])
    assert second["item"]["external_id"] == "i1"
    assert second["lease"]["id"] != first["lease"]["id"]
    # Both leases are live; a reload resumes the task at hand (the older lease)...
    r = await ac.post(f"/api/v1/leases/{first['lease']['id']}/heartbeat", json={"active_ms": 5})
    assert r.status_code == 200
    assert (await _next(ac, project))["lease"]["id"] == first["lease"]["id"]
    # ...and a prefetch after the reload resumes the prefetched lease instead of a third.
    again = await _next(ac, project, exclude_item_ids=[first["item"]["id"]])
    assert again["lease"]["id"] == second["lease"]["id"]
    both = [first["item"]["id"], second["item"]["id"]]
    err = _err(await ac.post(f"/api/v1/projects/{project.id}/queue/next",
                             json={"exclude_item_ids": both}), 409, "lease_limit")  # fmt: skip
    assert err["details"] == {"limit": 2}
    assert (await _next(oc, project))["item"]["external_id"] == "i2"
    # The client's flow: submit the task at hand, show the prefetched one, prefetch the next.
    await _submit(ac, project, first)
    third = await _next(ac, project, exclude_item_ids=[second["item"]["id"]])
    assert third["item"]["external_id"] == "i3"
    await _submit(ac, project, second)
    last = await _next(ac, project, exclude_item_ids=[third["item"]["id"]])
    assert last["status"] == "all_leased"
    r = await ac.post(f"/api/v1/projects/{project.id}/queue/next",
                      json={"exclude_item_ids": list(range(1, 52))})  # fmt: skip
    assert r.status_code == 422
    r = await ac.post(f"/api/v1/projects/{project.id}/queue/next", json={"exclude_item_ids": [0]})
    assert r.status_code == 422


async def test_exclude_item_ids_skips_an_item_not_leased(db: Database, app: Any) -> None:
    project, _, _, (ac,) = await _routing_project(db, app, 1)
    await add_items(
        db, project, [{"id": "a", "text": "t", "priority": 2}, {"id": "b", "text": "t"}]
    )
    first = await _next(ac, project)
    await ac.post(f"/api/v1/leases/{first['lease']['id']}/release")
    # The released item is free again, but the client asked for something else.
    got = await _next(ac, project, exclude_item_ids=[first["item"]["id"]])
    assert got["item"]["external_id"] == "b"


async def test_a_prefetch_is_replaced_by_gold_at_the_gold_rate(db: Database, app: Any) -> None:
    project, lead, (ann,), (ac,) = await _routing_project(db, app, 1)
    await add_items(
        db, project, [{"id": f"i{n}", "text": "t", "priority": 9 - n} for n in range(3)]
    )
    ids = await item_ids(db, project.id)
    r = await lead.put(f"/api/v1/projects/{project.id}/items/{ids['i2']}/gold",
                       json={"answer": label("pos")})  # fmt: skip
    assert r.status_code == 200, r.text
    r = await lead.put(f"/api/v1/projects/{project.id}/quality/settings",
                       json={"gold": {"rate": 1.0}})  # fmt: skip
    assert r.status_code == 200, r.text
    first = await _next(ac, project)
    assert first["item"]["id"] == ids["i2"]  # the gold item, as the first task
    second = await _next(ac, project, exclude_item_ids=[ids["i2"]])
    assert second["item"]["external_id"] == "i0"  # no gold left for this person
    await _submit(ac, project, first)
    # With the gold item done, the live prefetched lease is what a reload resumes.
    assert (await _next(ac, project))["lease"]["id"] == second["lease"]["id"]


async def test_gold_comes_as_the_prefetched_task(db: Database, app: Any) -> None:
    project, lead, (ann,), (ac,) = await _routing_project(db, app, 1)
    await add_items(
        db, project, [{"id": f"i{n}", "text": "t", "priority": 9 - n} for n in range(3)]
    )
    ids = await item_ids(db, project.id)
    first = await _next(ac, project)
    assert first["item"]["external_id"] == "i0"
    await lead.put(f"/api/v1/projects/{project.id}/items/{ids['i2']}/gold",
                   json={"answer": label("pos")})  # fmt: skip
    await lead.put(f"/api/v1/projects/{project.id}/quality/settings", json={"gold": {"rate": 1.0}})
    second = await _next(ac, project, exclude_item_ids=[first["item"]["id"]])
    assert second["item"]["id"] == ids["i2"] and second["lease"]["id"] != first["lease"]["id"]
    # Two live leases: a third is refused, gold or not.
    r = await ac.post(f"/api/v1/projects/{project.id}/queue/next",
                      json={"exclude_item_ids": [first["item"]["id"], ids["i2"]]})  # fmt: skip
    _err(r, 409, "lease_limit")


# --- the claim still walks the partial index --------------------------------------------------
async def test_claim_with_routing_uses_the_queue_index(db: Database) -> None:
    is_pg = not db.is_sqlite
    source, params = routing_params(Routing(("hi", "en"), "language"))
    values = {"b_uid": 1, "b_pid": 1, "b_stage": "annotate", **params, "b_exclude": [5, 6]}
    stmt = _with_values(_statements(is_pg).claim_for(source, True), values)
    async with db.write_conn() as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if is_pg:  # on a small table the planner prefers a scan; ask whether the index fits
            await conn.execute(text("SET LOCAL enable_seqscan = off"))
        explain = "EXPLAIN " if is_pg else "EXPLAIN QUERY PLAN "
        plan = "\n".join(str(r[-1]) for r in (await conn.exec_driver_sql(explain + sql)).all())
        await conn.rollback()
    assert "json_extract" in sql or "->>" in sql, sql
    assert "ix_items_queue" in plan, (sql, plan)
    if not is_pg:
        assert "uq_assignments_item_stage_user" in plan, plan


def _with_values(stmt: Any, values: dict[str, Any]) -> Any:
    """The statement with its named parameters bound (to render it with literal values)."""

    def bind(e: Any) -> Any:
        if isinstance(e, BindParameter) and e.key in values:
            return bindparam(e.key, values[e.key], type_=e.type, expanding=e.expanding)
        return None

    return visitors.replacement_traverse(stmt, {}, bind)  # type: ignore[call-overload]
