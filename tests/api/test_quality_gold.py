"""Gold items: set, promote, remove; mixing into the queue; scoring, feedback, flags."""

from __future__ import annotations

import random
from typing import Any

import pytest
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import (
    annotate_next,
    item_ids,
    label,
    project_row,
    run_hooks,
    stage_of,
    submit,
)

from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict
from truthline.policies import project_access
from truthline.services import consolidation, gold, quality_hooks, quality_settings


async def _project(db: Database, gold_settings: dict, n_items: int = 4, people: int = 1) -> Any:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(people)]
    project = await make_project(db, lead, members=dict.fromkeys(anns, "annotator"))
    await add_items(db, project, [{"id": f"i{n}", "text": f"t{n}"} for n in range(n_items)])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, {"gold": gold_settings})
    return project, lead, anns


async def _lease_via_hook(db: Database, project_id: int, user_id: int) -> Any:
    async with db.write() as s:
        project = await project_row(db, project_id)
        got = await quality_hooks.before_lease(
            s, project, user_id, "annotate", utcnow(), random.Random(1)
        )
    return got


async def test_set_list_and_remove_gold(db: Database, app: Any) -> None:
    project, lead, _ = await _project(db, {})
    ids = await item_ids(db, project.id)
    async with await client_for(app, db, lead) as c:
        url = f"/api/v1/projects/{project.id}/items/{ids['i0']}/gold"
        bad = await c.put(url, json={"answer": {"sentiment": {"labels": ["nope"]}}})
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "invalid_annotation"
        empty = await c.put(url, json={"answer": {}})
        assert empty.status_code == 422
        r = await c.put(url, json={"answer": label("pos"), "feedback": "Clearly positive."})
        assert r.status_code == 200, r.text
        assert r.json()["answer"] == label("pos") and r.json()["source"] == "manual"
        assert await stage_of(db, ids["i0"]) == "gold"
        page = (await c.get(f"/api/v1/projects/{project.id}/gold")).json()
        assert [g["item_id"] for g in page["items"]] == [ids["i0"]]
        assert page["items"][0]["scored"] == 0
        assert (await c.delete(url)).status_code == 204
        assert await stage_of(db, ids["i0"]) == "annotate"
        again = await c.delete(url)
        assert again.status_code == 404 and again.json()["error"]["code"] == "gold_not_found"


async def test_gold_never_in_ordinary_queue_and_never_twice(db: Database, app: Any) -> None:
    project, lead, (ann,) = await _project(db, {"rate": 1.0}, n_items=3)
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["i0"], label("pos"))
    got = await _lease_via_hook(db, project.id, ann.id)
    assert got is not None
    lease, item = got
    assert item.id == ids["i0"] and lease.stage == "annotate" and lease.status == "leased"
    async with await client_for(app, db, ann) as c:
        # the ordinary queue hands out only the two other items, never the gold one
        seen = set()
        for _ in range(2):
            task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
            if task["lease"]["id"] == lease.id:  # resumes the live gold lease first
                r = await submit(c, project, item.id, label("pos"), lease_id=lease.id)
                assert r.status_code == 201
                await run_hooks(db, project.id, r.json())
                task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
            seen.add(task["item"]["id"])
            r = await submit(
                c, project, task["item"]["id"], label("neg"), lease_id=task["lease"]["id"]
            )
            assert r.status_code == 201
    assert ids["i0"] not in seen
    assert await _lease_via_hook(db, project.id, ann.id) is None  # already had it


async def test_gold_submit_is_scored_with_feedback(db: Database, app: Any) -> None:
    project, lead, (ann,) = await _project(db, {"rate": 1.0, "pass_threshold": 1.0})
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["i1"], label("neg"), "It complains about the price.")
    lease, item = await _lease_via_hook(db, project.id, ann.id)
    async with await client_for(app, db, ann) as c:
        r = await submit(c, project, item.id, label("pos"), lease_id=lease.id)
        assert r.status_code == 201
    extra, stage = await run_hooks(db, project.id, r.json())
    assert extra == {
        "gold": {"score": 0.0, "passed": False, "feedback": "It complains about the price."}
    }
    assert stage == "gold"
    async with await client_for(app, db, lead) as c:
        summary = (await c.get(f"/api/v1/projects/{project.id}/quality/gold")).json()
    assert summary["gold_items"] == 1 and summary["scored"] == 1 and summary["accuracy"] == 0.0
    (row,) = summary["annotators"]
    assert row["username"] == ann.username and row["passed"] == 0
    assert row["ci"][0] == 0.0 and 0 < row["ci"][1] < 1
    assert row["flagged"] is False


async def test_flag_and_pause_under_threshold(db: Database, app: Any) -> None:
    project, lead, (ann,) = await _project(
        db,
        {
            "rate": 1.0,
            "flag_below": 0.8,
            "flag_window": 1,
            "pause_flagged": True,
            "feedback": False,
        },
    )
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["i2"], label("neu"))
    lease, item = await _lease_via_hook(db, project.id, ann.id)
    async with await client_for(app, db, ann) as c:
        r = await submit(c, project, item.id, label("pos"), lease_id=lease.id)
    assert "gold" not in r.text  # feedback off: the submit says nothing of gold
    try:
        await _lease_via_hook(db, project.id, ann.id)
    except Conflict as exc:
        assert exc.code == "annotator_paused"
    else:
        raise AssertionError("a paused annotator got a task")
    async with await client_for(app, db, lead) as c:
        summary = (await c.get(f"/api/v1/projects/{project.id}/quality/gold")).json()
        assert summary["annotators"][0]["paused"] is True
        url = f"/api/v1/projects/{project.id}/quality/flags/{ann.id}"
        assert (await c.delete(url)).status_code == 204
        assert (await c.delete(url)).json()["error"]["code"] == "flag_not_found"
    assert await _lease_via_hook(db, project.id, ann.id) is None  # no gold left, not paused


async def test_promote_from_consolidated(db: Database, app: Any) -> None:
    project, lead, (ann,) = await _project(db, {}, n_items=1)
    ids = await item_ids(db, project.id)
    async with await client_for(app, db, lead) as c:
        url = f"/api/v1/projects/{project.id}/items/{ids['i0']}/gold/promote"
        r = await c.post(url, json={})
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_consolidated"
        async with await client_for(app, db, ann) as a:
            await annotate_next(db, a, project, lambda item: label("neu"))
        await consolidation.consolidate_project(db, await project_row(db, project.id))
        r = await c.post(url, json={"feedback": "neutral"})
        assert r.status_code == 200, r.text
        assert r.json()["answer"] == label("neu") and r.json()["source"] == "consolidated"


def _keys(body: Any) -> Any:
    """The shape of a JSON body: its keys, recursively, without the values."""
    if isinstance(body, dict):
        return {k: _keys(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_keys(v) for v in body[:1]]
    return None


@pytest.mark.parametrize("feedback", [False, True])
async def test_annotators_cannot_tell_a_gold_task(db: Database, app: Any, feedback: bool) -> None:
    project, lead, (ann,) = await _project(db, {"rate": 1.0, "feedback": feedback}, n_items=4)
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    for name in ("i0", "i1"):
        await gold.set_gold(db, access, ids[name], label("neg"), "Read the last line.")
    base = f"/api/v1/projects/{project.id}"
    bodies: list[str] = []
    async with await client_for(app, db, ann) as c:
        first = await c.post(f"{base}/queue/next", json={"stage": "annotate"})
        beside = await c.post(
            f"{base}/queue/next", json={"exclude_item_ids": [first.json()["item"]["id"]]}
        )
        bodies += [first.text, beside.text]
        tasks = [first.json(), beside.json()]
        assert {t["item"]["id"] for t in tasks} == {ids["i0"], ids["i1"]}  # both gold
        for t in tasks:
            assert (t["item"]["stage"], t["item"]["submitted_count"]) == ("annotate", 0)
            assert t["lease"]["stage"] == "annotate"
        gold_id, lease_id = tasks[0]["item"]["id"], tasks[0]["lease"]["id"]
        item_url = f"{base}/items/{gold_id}"
        saved = await c.put(f"{item_url}/draft", json={"result": label("pos")})
        assert saved.status_code == 200, saved.text
        before = await c.get(item_url)
        assert before.json()["stage"] == "annotate" and before.json()["submitted_count"] == 0
        bodies += [saved.text, (await c.get(f"{item_url}/draft")).text, before.text]
        answer = await submit(c, project, gold_id, label("pos"), lease_id=lease_id)
        assert answer.status_code == 201, answer.text
        after = await c.get(item_url)
        assert (after.json()["stage"], after.json()["submitted_count"]) == ("done", 1)
        history = await c.get("/api/v1/me/history", params={"project": project.id})
        assert history.status_code == 200 and history.json()["items"][0]["item"]["stage"] == "done"
        bodies += [after.text, history.text, (await c.get(f"{item_url}/annotations")).text]
        # An ordinary task, once the gold ones are used up, has the same shape.
        await submit(
            c, project, tasks[1]["item"]["id"], label("neg"), lease_id=tasks[1]["lease"]["id"]
        )
        plain = await c.post(f"{base}/queue/next", json={"stage": "annotate"})
        assert plain.json()["item"]["id"] not in (ids["i0"], ids["i1"])
        plain_answer = await submit(
            c,
            project,
            plain.json()["item"]["id"],
            label("pos"),
            lease_id=plain.json()["lease"]["id"],
        )
    assert _keys(plain.json()) == _keys(first.json())
    for body in bodies:
        assert "gold" not in body.lower(), body
    if feedback:
        assert answer.json()["gold"] == {
            "score": 0.0, "passed": False, "feedback": "Read the last line."
        }  # fmt: skip
        assert "gold" not in plain_answer.text
    else:
        assert "gold" not in answer.text.lower(), answer.text
        assert _keys(answer.json()) == _keys(plain_answer.json())
    async with await client_for(app, db, lead) as c:
        seen = (await c.get(f"{base}/items/{gold_id}")).json()
    assert seen["stage"] == "gold"  # a lead still sees the truth
