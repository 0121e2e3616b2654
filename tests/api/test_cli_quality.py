"""`truthline consolidate` (a consolidate job, run here or by a worker) and `truthline
quality` (agreement, consolidation, gold per annotator and per question) on a small project."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next

from truthline.db.models import ConsolidatedResult, Item, Job
from truthline.db.session import Database
from truthline.jobs.worker import Worker, start_threads
from truthline.policies import project_access
from truthline.services import gold, quality_settings
from truthline.settings import Settings

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]},
        {"name": "topic", "kind": "classification", "classes": ["price", "service"]},
    ],
}
# item -> (sentiment, topic) of annotators 0, 1, 2
ANSWERS = {
    "a": [("pos", "price"), ("pos", "price"), ("pos", "price")],
    "b": [("neg", "price"), ("neg", "price"), ("pos", "price")],
    "c": [("neu", "price"), ("neu", "price"), ("neu", "price")],
    "d": [("pos", "price"), ("neg", "price"), ("neg", "price")],
    "g1": [("pos", "price"), ("pos", "service"), ("neg", "service")],
    "g2": [("neg", "service"), ("pos", "price"), ("neg", "price")],
}
GOLD = {
    "g1": {"sentiment": {"labels": ["pos"]}, "topic": {"labels": ["price"]}},
    "g2": {"sentiment": {"labels": ["neg"]}},
}


async def _project(db: Database, app: Any) -> tuple[Any, list[Any]]:
    lead = await make_user(db, admin=True)  # the CLI acts as the first admin
    anns = [await make_user(db) for _ in range(3)]
    project = await make_project(
        db, lead, schema=SCHEMA, overlap=3, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(db, project, [{"id": k, "text": k} for k in ANSWERS])
    access = await project_access(db, lead, project.id, "quality.manage")
    # every gold item first, then the others; a submit passes only when it is all right
    await quality_settings.set_quality(db, access, {"gold": {"rate": 1.0, "pass_threshold": 1}})
    async with db.read() as s:
        ids = dict((await s.execute(select(Item.external_id, Item.id))).all())
    for key, answer in GOLD.items():
        await gold.set_gold(db, access, ids[key], answer)

    def answer(item: dict, n: int) -> dict:
        sentiment, topic = ANSWERS[item["external_id"]][n]
        return {"sentiment": {"labels": [sentiment]}, "topic": {"labels": [topic]}}

    for n, a in enumerate(anns):
        async with await client_for(app, db, a) as c:
            for _ in ANSWERS:
                await annotate_next(db, c, project, lambda item, n=n: answer(item, n))
    return project, anns


def _cli(db: Database, tmp_path: Path, *args: str) -> Any:
    from typer.testing import CliRunner

    from truthline.cli import app as cli

    env = {"TRUTHLINE_DATABASE_URL": db.url, "TRUTHLINE_DATA_DIR": str(tmp_path)}
    return CliRunner().invoke(cli, list(args), env=env)


async def _jobs(db: Database) -> list[Job]:
    async with db.read() as s:
        return list(await s.scalars(select(Job).where(Job.kind == "consolidate").order_by(Job.id)))


async def _stored(db: Database, project_id: int) -> dict[tuple[str, str], ConsolidatedResult]:
    async with db.read() as s:
        rows = await s.execute(
            select(Item.external_id, ConsolidatedResult)
            .join(Item, Item.id == ConsolidatedResult.item_id)
            .where(ConsolidatedResult.project_id == project_id)
        )
        return {(key, r.question): r for key, r in rows.all()}


async def test_consolidate_runs_the_job_here_without_workers(
    db: Database, app: Any, tmp_path: Path
) -> None:
    project, _ = await _project(db, app)
    res = await asyncio.to_thread(_cli, db, tmp_path, "consolidate", project.name, "--grace", "0")
    assert res.exit_code == 0, res.output
    (job,) = await _jobs(db)
    assert f"consolidate job {job.id} queued for {project.name}" in res.stdout
    assert "sentiment: 6 items consolidated" in res.stdout
    assert "topic: 6 items consolidated" in res.stdout
    assert job.status == "succeeded" and job.payload == {"project_id": project.id}
    assert job.locked_by and job.locked_by.endswith(":cli") and job.attempts == 1
    assert job.result["questions"] == {"sentiment": 6, "topic": 6}
    assert (job.progress_done, job.progress_total) == (6, 6)
    stored = await _stored(db, project.id)
    got = {k: r.result["labels"] for k, r in stored.items() if k[1] == "sentiment"}
    assert got == {
        ("a", "sentiment"): ["pos"],
        ("b", "sentiment"): ["neg"],
        ("c", "sentiment"): ["neu"],
        ("d", "sentiment"): ["neg"],
        ("g1", "sentiment"): ["pos"],
        ("g2", "sentiment"): ["neg"],
    }
    assert stored["g1", "topic"].result == {"labels": ["service"]}
    assert abs(stored["b", "sentiment"].confidence - 2 / 3) < 1e-9
    assert stored["b", "sentiment"].support == {"n": 3, "votes": [["neg", 2], ["pos", 1]]}


async def test_consolidate_no_wait_enqueues_what_a_worker_runs(
    db: Database, app: Any, tmp_path: Path, settings: Settings
) -> None:
    project, _ = await _project(db, app)
    res = await asyncio.to_thread(_cli, db, tmp_path, "consolidate", str(project.id), "--no-wait")
    assert res.exit_code == 0, res.output
    (job,) = await _jobs(db)
    assert f"consolidate job {job.id} queued" in res.stdout
    assert f"truthline jobs show {job.id}" in res.output
    assert job.status == "queued" and await _stored(db, project.id) == {}
    worker = Worker(settings)
    try:
        assert await worker.run_once()
    finally:
        await worker.db.dispose()
    (job,) = await _jobs(db)
    assert job.status == "succeeded" and job.result["questions"] == {"sentiment": 6, "topic": 6}


async def test_consolidate_follows_a_running_worker(
    db: Database, app: Any, tmp_path: Path, settings: Settings
) -> None:
    project, _ = await _project(db, app)
    stop, threads = start_threads(settings, 1)
    try:
        res = await asyncio.to_thread(
            _cli, db, tmp_path, "consolidate", project.name, "--grace", "30"
        )
    finally:
        stop.set()
        for t in threads:
            await asyncio.to_thread(t.join, 30)
    assert res.exit_code == 0, res.output
    (job,) = await _jobs(db)
    assert job.status == "succeeded" and "embedded-0" in (job.locked_by or "")
    assert "sentiment: 6 items consolidated" in res.stdout


async def test_consolidate_refuses_an_unknown_project(db: Database, tmp_path: Path) -> None:
    await make_user(db, admin=True)
    res = await asyncio.to_thread(_cli, db, tmp_path, "consolidate", "no-such-project")
    assert res.exit_code == 1 and "no-such-project" in res.output
    assert await _jobs(db) == []


async def test_quality_prints_gold_per_question(db: Database, app: Any, tmp_path: Path) -> None:
    project, anns = await _project(db, app)
    res = await asyncio.to_thread(_cli, db, tmp_path, "consolidate", project.name, "--grace", "0")
    assert res.exit_code == 0, res.output
    res = await asyncio.to_thread(
        _cli, db, tmp_path, "quality", project.name, "--json", "--n-boot", "0"
    )
    assert res.exit_code == 0, res.output
    report = orjson.loads(res.stdout)
    g = report["gold"]
    # sentiment: g1 right, right, wrong; g2 right, wrong, right. topic (g1 only): right,
    # wrong, wrong. A submit passes when every question of its gold answer is right.
    assert g["questions"] == [
        {"question": "sentiment", "kind": "classification", "gold_items": 2, "scored": 6,
         "mean_score": 4 / 6, "pass_rate": 4 / 6},
        {"question": "topic", "kind": "classification", "gold_items": 1, "scored": 3,
         "mean_score": 1 / 3, "pass_rate": 1 / 3},
    ]  # fmt: skip
    assert (g["gold_items"], g["scored"], g["accuracy"]) == (2, 6, 3 / 6)
    people = {a["user_id"]: (a["scored"], a["passed"]) for a in g["annotators"]}
    assert people == {anns[0].id: (2, 2), anns[1].id: (2, 0), anns[2].id: (2, 1)}
    assert [(c["question"], c["items"]) for c in report["consolidation"]] == [
        ("sentiment", 6),
        ("topic", 6),
    ]
    assert [q["question"] for q in report["agreement"]] == ["sentiment", "topic"]
    assert report["agreement"][0]["n_items"] == 6

    res = await asyncio.to_thread(_cli, db, tmp_path, "quality", project.name, "--n-boot", "0")
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "gold per question" in text
    sentiment = next(line for line in text.splitlines() if "sentiment" in line and "0.667" in line)
    assert "│ 2 " in sentiment and "│ 6 " in sentiment
    topic = next(line for line in text.splitlines() if " topic " in line and "0.333" in line)
    assert "│ 1 " in topic and "│ 3 " in topic
