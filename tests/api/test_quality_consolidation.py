"""Consolidation job, agreement per question and label, annotator reliability."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, label, project_row

from truthline.db.models import ConsolidatedResult
from truthline.db.session import Database
from truthline.jobs.worker import Worker
from truthline.policies import project_access
from truthline.services import consolidation, quality_settings
from truthline.settings import Settings

# item -> labels of annotators 0, 1, 2
VOTES = {
    "a": ["pos", "pos", "pos"],
    "b": ["neg", "neg", "pos"],
    "c": ["neu", "neu", "neu"],
    "d": ["pos", "neg", "neg"],
}


async def _annotated(db: Database, app: Any, method: str = "majority") -> tuple[Any, list, Any]:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(3)]
    project = await make_project(db, lead, overlap=3, members=dict.fromkeys(anns, "annotator"))
    await add_items(db, project, [{"id": k, "text": k} for k in VOTES])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, {"consolidation": {"method": method}})
    for n, a in enumerate(anns):
        async with await client_for(app, db, a) as c:
            for _ in VOTES:
                await annotate_next(
                    db, c, project, lambda item, n=n: label(VOTES[item["external_id"]][n])
                )
    return project, anns, lead


async def _stored(db: Database, project_id: int) -> dict[str, ConsolidatedResult]:
    from truthline.db.models import Item

    async with db.read() as s:
        rows = await s.execute(
            select(Item.external_id, ConsolidatedResult)
            .join(Item, Item.id == ConsolidatedResult.item_id)
            .where(ConsolidatedResult.project_id == project_id)
        )
        return dict(rows.all())  # type: ignore[arg-type]


async def test_job_consolidates_by_majority(db: Database, app: Any, settings: Settings) -> None:
    project, _, lead = await _annotated(db, app)
    async with await client_for(app, db, lead) as c:
        r = await c.post(f"/api/v1/projects/{project.id}/consolidate")
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["kind"] == "consolidate" and job["status"] == "queued"
        worker = Worker(settings)
        try:
            assert await worker.run_once()
        finally:
            await worker.db.dispose()
        done = (await c.get(f"/api/v1/jobs/{job['id']}")).json()
    assert done["status"] == "succeeded", done
    assert done["result"]["questions"] == {"sentiment": 4}
    assert done["progress_done"] == 4
    stored = await _stored(db, project.id)
    assert {k: v.result["labels"] for k, v in stored.items()} == {
        "a": ["pos"],
        "b": ["neg"],
        "c": ["neu"],
        "d": ["neg"],
    }
    assert stored["a"].confidence == 1.0
    assert abs(stored["b"].confidence - 2 / 3) < 1e-9
    assert stored["b"].n_annotations == 3 and stored["b"].method == "majority"


async def test_recompute_replaces_and_dawid_skene(db: Database, app: Any) -> None:
    project, _, _ = await _annotated(db, app, method="dawid_skene")
    p = await project_row(db, project.id)
    first = await consolidation.consolidate_project(db, p)
    again = await consolidation.consolidate_project(db, p)
    assert first["questions"] == again["questions"] == {"sentiment": 4}
    stored = await _stored(db, project.id)
    assert len(stored) == 4
    assert stored["c"].method == "dawid_skene"
    assert stored["c"].result == {"labels": ["neu"]}
    assert set(stored["c"].support["posterior"]) == {"pos", "neg", "neu"}
    assert 0.5 < stored["c"].confidence <= 1.0


async def test_agreement_and_annotators(db: Database, app: Any) -> None:
    project, anns, lead = await _annotated(db, app)
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    async with await client_for(app, db, lead) as c:
        r = await c.get(f"/api/v1/projects/{project.id}/quality/agreement?n_boot=200")
        assert r.status_code == 200, r.text
        (q,) = r.json()["questions"]
        assert q["question"] == "sentiment" and q["metric"] == "krippendorff_alpha_nominal"
        assert q["n_items"] == 4
        assert q["ci"][0] <= q["value"] <= q["ci"][1]
        per_label = {x["label"]: x for x in q["labels"]}
        assert set(per_label) == {"pos", "neg", "neu"}
        assert per_label["neu"]["chosen"] == 3
        r = await c.get(f"/api/v1/projects/{project.id}/quality/annotators")
        assert r.status_code == 200, r.text
        body = r.json()
    people = {a["user_id"]: a for a in body["annotators"]}
    # annotator 0 disagrees with the consolidated label on item d only
    assert people[anns[0].id]["consensus"]["sentiment"]["correct"] == 3
    assert people[anns[1].id]["consensus"]["sentiment"]["correct"] == 4
    matrix = people[anns[0].id]["confusion"]["sentiment"]
    assert len(matrix) == 3 and all(abs(sum(row) - 1) < 1e-3 for row in matrix)
    assert body["labels"]["sentiment"] == ["pos", "neg", "neu"]


async def test_annotators_cannot_read_quality(db: Database, app: Any) -> None:
    lead, ann = await make_user(db), await make_user(db)
    project = await make_project(db, lead, members={ann: "annotator"})
    async with await client_for(app, db, ann) as c:
        for path in ("quality/agreement", "quality/annotators", "quality/gold"):
            r = await c.get(f"/api/v1/projects/{project.id}/{path}")
            assert r.status_code == 403, path
        assert (await c.post(f"/api/v1/projects/{project.id}/consolidate")).status_code == 403
