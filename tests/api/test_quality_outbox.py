"""The quality steps of a submit are enqueued in the submit's own transaction: a crash before
they ran is finished by the workers' periodic function, with the state the request would
have left; running them twice changes nothing; projects without them enqueue nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import item_ids, label, next_task, project_row, stage_of, submit

from truthline.db.models import (
    AnnotatorFlag,
    GoldScore,
    Item,
    ReviewBatch,
    ReviewTask,
    ReworkTask,
)
from truthline.db.models_outbox import QualityOutbox
from truthline.db.session import Database
from truthline.jobs import outbox
from truthline.jobs.worker import PERIODIC, load_builtin_jobs
from truthline.policies import project_access
from truthline.services import gold, quality_hooks, quality_settings, quality_wiring

NOW = timedelta(0)  # the periodic function with no grace: every due row is left over


async def _project(db: Database, quality: dict, n_items: int = 3) -> tuple[Any, Any, Any, Any]:
    lead, ann, rev = await make_user(db), await make_user(db), await make_user(db)
    project = await make_project(db, lead, members={ann: "annotator", rev: "reviewer"})
    await add_items(db, project, [{"id": f"i{n}", "text": f"t{n}"} for n in range(n_items)])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, quality)
    return project, lead, ann, rev


def _crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server stops right after the submit's commit: its quality steps never run."""

    async def stopped(db: Database, access: Any, stored: Any) -> dict[str, Any]:
        return {}

    monkeypatch.setattr(quality_wiring, "after_submit", stopped)


async def _annotate(c: httpx.AsyncClient, project: Any, answer: str) -> dict:
    task = await next_task(c, project)
    assert task["status"] == "assigned", task
    r = await submit(c, project, task["item"]["id"], label(answer), lease_id=task["lease"]["id"])
    assert r.status_code == 201, r.text
    return r.json()


async def _pending(db: Database, project_id: int) -> int:
    async with db.read() as s:
        return int(
            await s.scalar(
                select(func.count()).where(
                    QualityOutbox.project_id == project_id, QualityOutbox.done_at.is_(None)
                )
            )
            or 0
        )


async def _state(db: Database, project_id: int) -> dict[str, Any]:
    """Everything the quality steps write, keyed by external ids (comparable across projects)."""
    async with db.read() as s:
        ext = dict(
            (
                await s.execute(
                    select(Item.id, Item.external_id).where(Item.project_id == project_id)
                )
            ).all()
        )
        items = {
            i.external_id: (i.stage, i.slots_free, i.submitted_count)
            for i in await s.scalars(select(Item).where(Item.project_id == project_id))
        }
        scores = sorted(
            (ext[g.item_id], g.score, g.passed)
            for g in await s.scalars(select(GoldScore).where(GoldScore.project_id == project_id))
        )
        tasks = sorted(
            (ext[t.item_id], t.reason, t.reviews_needed, t.status, t.outcome)
            for t in await s.scalars(select(ReviewTask).where(ReviewTask.project_id == project_id))
        )
        rework = sorted(
            (ext[t.item_id], t.status, tuple(t.error_codes))
            for t in await s.scalars(select(ReworkTask).where(ReworkTask.project_id == project_id))
        )
        lots = [
            (b.status, b.sample_size, b.failures, sorted(ext[i] for i in b.item_ids.get("lot", [])))
            for b in await s.scalars(
                select(ReviewBatch)
                .where(ReviewBatch.project_id == project_id)
                .order_by(ReviewBatch.id)
            )
        ]
        flags = len(
            list(
                await s.scalars(select(AnnotatorFlag).where(AnnotatorFlag.project_id == project_id))
            )
        )
    return {
        "items": items,
        "gold": scores,
        "review": tasks,
        "rework": rework,
        "lots": lots,
        "flags": flags,
    }


async def _scenario(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch, crash: bool
) -> tuple[int, list[dict]]:
    """A gold submit, an ordinary submit sent to review, a rejection and the rework edit;
    with ``crash`` every submit's steps are left to the periodic function."""
    project, lead, ann, rev = await _project(
        db,
        {
            "gold": {"rate": 1.0, "pass_threshold": 1.0, "flag_below": 0.5, "flag_window": 1},
            "review": {"mode": "all"},
            "error_taxonomy": [{"code": "wrong", "title": "Wrong"}],
        },
        n_items=2,
    )
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["i0"], label("neg"), "It is a complaint.")
    answers = []
    async with await client_for(app, db, ann) as a:
        for answer in ("pos", "pos"):  # the gold item first (rate 1), then i1
            with monkeypatch.context() as m:
                if crash:
                    _crash(m)
                answers.append(await _annotate(a, project, answer))
            if crash:
                assert await _pending(db, project.id) == 1
                assert await outbox.run_due(db, grace=NOW) == 1
            assert await _pending(db, project.id) == 0
        assert [x["item_id"] for x in answers] == [ids["i0"], ids["i1"]]
        assert await stage_of(db, ids["i1"]) == "review"
        async with await client_for(app, db, rev) as r:
            target = answers[1]["id"]
            body = {"annotation_id": target, "verdict": "reject", "error_codes": ["wrong"]}
            got = await r.post(f"/api/v1/projects/{project.id}/items/{ids['i1']}/review", json=body)
            assert got.status_code == 201 and got.json()["item_stage"] == "rework"
        with monkeypatch.context() as m:
            if crash:
                _crash(m)
            edit = await submit(a, project, ids["i1"], label("neg"), base_version=1)
            assert edit.status_code == 201, edit.text
            answers.append(edit.json())
        if crash:
            assert await stage_of(db, ids["i1"]) == "rework"  # the rework is still open
            assert await outbox.run_due(db, grace=NOW) == 1
    assert await stage_of(db, ids["i1"]) == "review"
    return project.id, answers


async def test_a_crash_after_the_commit_is_finished_by_the_workers(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    normal_id, normal = await _scenario(db, app, monkeypatch, crash=False)
    crashed_id, crashed = await _scenario(db, app, monkeypatch, crash=True)
    assert normal[0]["gold"] == {"score": 0.0, "passed": False, "feedback": "It is a complaint."}
    assert all(a.get("gold") is None for a in crashed)  # the steps ran after the answers
    want = await _state(db, normal_id)
    assert want["gold"] == [("i0", 0.0, False)] and want["flags"] == 1
    assert want["review"] == [("i1", "rework", 1, "open", None)]
    assert want["rework"] == [("i1", "done", ("wrong",))]
    assert await _state(db, crashed_id) == want


async def test_a_crash_in_a_lot_is_finished_with_the_same_decision(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lot of 2 is inspected whole, so both projects draw the same sample.
    quality = {"review": {"mode": "random", "aql": 2.5, "lot_size": 2}}
    states = []
    for crash in (False, True):
        project, _, ann, _ = await _project(db, quality, n_items=2)
        async with await client_for(app, db, ann) as a:
            for _ in range(2):
                with monkeypatch.context() as m:
                    if crash:
                        _crash(m)
                    await _annotate(a, project, "pos")
        if crash:
            assert {await stage_of(db, i) for i in (await item_ids(db, project.id)).values()} == {
                "done"
            }
            assert await outbox.run_due(db, grace=NOW) == 2
        states.append(await _state(db, project.id))
    assert states[0]["lots"] == [("sampling", 2, None, ["i0", "i1"])]
    assert states[1] == states[0]


async def test_running_the_steps_twice_leaves_the_state_of_once(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, lead, ann, _ = await _project(
        db, {"gold": {"rate": 1.0}, "review": {"mode": "all"}}, n_items=2
    )
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["i0"], label("neg"))
    stored = []
    async with await client_for(app, db, ann) as a:
        with monkeypatch.context() as m:
            _crash(m)
            stored = [await _annotate(a, project, "pos") for _ in range(2)]
    row = await project_row(db, project.id)
    first = [await quality_wiring.run_quality_steps(db, row, x["id"]) for x in stored]
    assert first[0] == {"gold": {"score": 0.0, "passed": False, "feedback": ""}}
    once = await _state(db, project.id)
    assert once["review"] == [("i1", "all", 1, "open", None)] and len(once["gold"]) == 1
    assert [await quality_wiring.run_quality_steps(db, row, x["id"]) for x in stored] == [None] * 2
    assert await outbox.run_due(db, grace=NOW) == 0
    assert await _state(db, project.id) == once
    # Each step is idempotent on its own too: one gold score per annotation, one rework closing.
    from truthline.db.models import Annotation

    async with db.write() as s:
        annotation = await s.get(Annotation, stored[0]["id"])
        item = await s.get(Item, ids["i0"])
        assert annotation is not None and item is not None
        again = await quality_hooks.after_submit(s, row, item, annotation)
    assert again == {"gold": {"score": 0.0, "passed": False, "feedback": ""}}
    assert await _state(db, project.id) == once


async def test_two_workers_at_once_run_each_row_once(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, ann, _ = await _project(db, {"review": {"mode": "all"}}, n_items=3)
    async with await client_for(app, db, ann) as a:
        with monkeypatch.context() as m:
            _crash(m)
            for _ in range(3):
                await _annotate(a, project, "pos")
    ran = await asyncio.gather(outbox.run_due(db, grace=NOW), outbox.run_due(db, grace=NOW))
    assert sum(ran) == 3 and await _pending(db, project.id) == 0
    state = await _state(db, project.id)
    assert [t[:4] for t in state["review"]] == [(f"i{n}", "all", 1, "open") for n in range(3)]


async def test_recent_rows_are_left_to_the_request(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, ann, _ = await _project(db, {"review": {"mode": "all"}}, n_items=1)
    async with await client_for(app, db, ann) as a:
        with monkeypatch.context() as m:
            _crash(m)
            await _annotate(a, project, "pos")
    assert await outbox.run_due(db) == 0  # within the grace period
    assert await _pending(db, project.id) == 1
    load_builtin_jobs()
    assert PERIODIC["quality.outbox"] is outbox.finish_quality_steps


async def test_a_failing_step_is_retried_by_the_workers(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, ann, _ = await _project(db, {"review": {"mode": "all"}}, n_items=1)

    async def broken(*args: Any) -> str:
        raise RuntimeError("sampling failed")

    async with await client_for(app, db, ann) as a:
        with monkeypatch.context() as m:
            m.setattr(quality_hooks, "on_annotate_complete", broken)
            answer = await _annotate(a, project, "pos")  # still acknowledged: it is stored
    assert await stage_of(db, answer["item_id"]) == "done"
    async with db.read() as s:
        row = await s.scalar(
            select(QualityOutbox).where(QualityOutbox.annotation_id == answer["id"])
        )
    assert row is not None and row.attempts == 1 and row.done_at is None
    assert row.error == "RuntimeError: sampling failed"
    assert await outbox.run_due(db, grace=NOW) == 1
    assert await stage_of(db, answer["item_id"]) == "review"


async def test_projects_without_post_submit_quality_enqueue_nothing(db: Database, app: Any) -> None:
    project, _, ann, _ = await _project(
        db, {"gold": {"pause_flagged": True, "flag_below": 0.5}}, n_items=2
    )
    async with await client_for(app, db, ann) as a:
        first = await _annotate(a, project, "pos")
        assert "gold" not in first
    async with db.read() as s:
        rows = await s.scalar(select(func.count()).where(QualityOutbox.project_id == project.id))
    assert rows == 0 and await stage_of(db, first["item_id"]) == "done"
    assert await outbox.run_due(db, grace=NOW) == 0
