"""Targets: CRUD for leads, validation, resolution (person > role > project default, weekday
over every day) through the annotator's progress, project activity settings, permissions."""

from __future__ import annotations

import uuid
from typing import Any

from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.session import Database
from truthline.db.types import utcnow


async def _setup(db: Database, app: Any) -> tuple[Any, ...]:
    lead_user, a1, a2 = await make_user(db), await make_user(db), await make_user(db)
    reviewer, viewer = await make_user(db), await make_user(db)
    project = await make_project(
        db,
        lead_user,
        members={a1: "annotator", a2: "annotator", reviewer: "reviewer", viewer: "viewer"},
    )
    await add_items(db, project, [{"id": f"i{n}", "text": "t"} for n in range(4)])
    users = (lead_user, a1, a2, reviewer, viewer)
    return project, users, [await client_for(app, db, u) for u in users]


async def test_leads_create_change_and_delete_targets(db: Database, app: Any) -> None:
    project, (_, a1, *_), (lead, c1, _, rev, view) = await _setup(db, app)
    url = f"/api/v1/projects/{project.id}/targets"
    r = await lead.post(url, json={"metric": "items_per_day", "value": 200, "stage": "annotate"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert {k: created[k] for k in ("metric", "value", "user_id", "role", "stage", "weekday")} == {
        "metric": "items_per_day",
        "value": 200.0,
        "user_id": None,
        "role": None,
        "stage": "annotate",
        "weekday": None,
    }
    again = await lead.post(
        url, json={"metric": "items_per_day", "value": 100, "stage": "annotate"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "target_exists"
    mine = await lead.post(url, json={"metric": "items_per_day", "value": 150, "user_id": a1.id})
    assert mine.status_code == 201
    r = await lead.patch(f"{url}/{created['id']}", json={"value": 180})
    assert r.status_code == 200 and r.json()["value"] == 180.0
    # Changing the scope onto another target's is a conflict.
    r = await lead.patch(f"{url}/{mine.json()['id']}", json={"user_id": None, "stage": "annotate"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "target_exists"
    assert [t["value"] for t in (await view.get(url)).json()] == [180.0, 150.0]
    assert (await rev.get(url)).status_code == 200
    assert (await c1.get(url)).status_code == 403
    assert (await c1.post(url, json={"metric": "items_per_day", "value": 1})).status_code == 403
    assert (await rev.delete(f"{url}/{created['id']}")).status_code == 403
    assert (await lead.delete(f"{url}/{created['id']}")).status_code == 204
    r = await lead.delete(f"{url}/{created['id']}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "target_not_found"
    outsider = await client_for(app, db, await make_user(db))
    assert (await outsider.get(url)).status_code == 404


async def test_bad_targets_are_refused_with_the_field(db: Database, app: Any) -> None:
    project, (_, a1, *_), (lead, *_) = await _setup(db, app)
    stranger = await make_user(db)
    url = f"/api/v1/projects/{project.id}/targets"
    cases = [
        ({"metric": "smiles_per_day", "value": 1}, None, "metric"),
        ({"metric": "items_per_day", "value": -1}, None, "value"),
        ({"metric": "items_per_day", "value": 1, "weekday": 7}, None, "weekday"),
        ({"metric": "items_per_day", "value": 1, "stage": "dance"}, None, "stage"),
        ({"metric": "items_per_day", "value": 1, "colour": "red"}, None, "colour"),
        ({"metric": "gold_accuracy", "value": 1.5}, "target_value_out_of_range", "value"),
        (
            {"metric": "items_per_day", "value": 1, "user_id": a1.id, "role": "annotator"},
            "target_scope_ambiguous",
            "role",
        ),
        (
            {"metric": "items_per_day", "value": 1, "user_id": stranger.id},
            "target_user_not_member",
            "user_id",
        ),
    ]
    for body, code, field in cases:
        r = await lead.post(url, json=body)
        assert r.status_code == 422, (body, r.text)
        error = r.json()["error"]
        if code is not None:
            assert error["code"] == code and error["details"]["field"] == field, error
        else:
            assert field in r.text, r.text
    r = await lead.patch(f"{url}/999999", json={"value": 1})
    assert r.status_code == 404 and r.json()["error"]["code"] == "target_not_found"
    assert (await lead.get(url)).json() == []


async def _submit_one(c: Any, project: Any) -> None:
    task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    r = await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
        json={
            "result": {"sentiment": {"labels": ["pos"]}},
            "lease_id": task["lease"]["id"],
            "idempotency_key": uuid.uuid4().hex,
            "active_ms": 1000,
        },
    )
    assert r.status_code == 201, r.text


async def test_the_person_beats_the_role_beats_the_project(db: Database, app: Any) -> None:
    project, (_, a1, _, _, _), (lead, c1, c2, rev, view) = await _setup(db, app)
    url = f"/api/v1/projects/{project.id}/targets"
    today = utcnow().weekday()
    for body in (
        {"metric": "items_per_day", "value": 10},
        {"metric": "items_per_day", "value": 5, "role": "annotator"},
        {"metric": "items_per_day", "value": 2, "user_id": a1.id},
        {"metric": "items_per_day", "value": 4, "role": "annotator", "weekday": today},
        {"metric": "items_per_day", "value": 99, "role": "annotator", "weekday": (today + 1) % 7},
        {"metric": "gold_accuracy", "value": 0.9},
    ):
        assert (await lead.post(url, json=body)).status_code == 201
    await _submit_one(c1, project)
    await _submit_one(c1, project)
    progress = f"/api/v1/projects/{project.id}/progress/today"
    mine = (await c1.get(progress)).json()
    assert mine["items"] == 2
    got = {t["metric"]: (t["target"], t["actual"], t["met"]) for t in mine["targets"]}
    assert got == {"items_per_day": (2.0, 2.0, True), "gold_accuracy": (0.9, None, None)}
    theirs = (await c2.get(progress)).json()
    got = {t["metric"]: (t["target"], t["actual"], t["met"]) for t in theirs["targets"]}
    assert got == {"items_per_day": (4.0, 0.0, False), "gold_accuracy": (0.9, None, None)}
    reviewer = (await rev.get(progress)).json()
    assert {t["metric"]: t["target"] for t in reviewer["targets"]}["items_per_day"] == 10.0
    assert (await view.get(progress)).status_code == 403


async def test_activity_settings(db: Database, app: Any) -> None:
    project, _, (lead, c1, _, _, view) = await _setup(db, app)
    url = f"/api/v1/projects/{project.id}/activity-settings"
    defaults = (await view.get(url)).json()
    assert defaults == {
        "max_gap_s": 75,
        "idle_after_s": 60,
        "session_gap_s": 900,
        "too_fast_ratio": 0.3,
        "too_fast_min_s": 0.0,
        "long_idle_share": 0.5,
        "fix_counts_as_pass": False,
        "updated_at": None,
    }
    r = await lead.patch(url, json={"too_fast_min_s": 4, "session_gap_s": 600})
    assert r.status_code == 200, r.text
    assert (r.json()["too_fast_min_s"], r.json()["session_gap_s"], r.json()["max_gap_s"]) == (
        4.0,
        600,
        75,
    )
    r = await lead.patch(url, json={"long_idle_share": 1.5})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "activity_setting_out_of_range"
    assert r.json()["error"]["details"] == {"field": "long_idle_share", "value": 1.5}
    assert (await lead.patch(url, json={"max_gap_s": None})).status_code == 422
    assert (await lead.patch(url, json={"speed": 1})).status_code == 422
    assert (await c1.patch(url, json={"max_gap_s": 100})).status_code == 403
    assert (await c1.get(url)).status_code == 403
    # The idle window reaches the annotator's workspace through their progress.
    progress = f"/api/v1/projects/{project.id}/progress/today"
    assert (await c1.get(progress)).json()["idle_after_s"] == 60
    r = await lead.patch(url, json={"idle_after_s": 120})
    assert r.status_code == 200 and r.json()["idle_after_s"] == 120
    assert (await c1.get(progress)).json()["idle_after_s"] == 120
    r = await lead.patch(url, json={"idle_after_s": 5})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "idle_after_s"
