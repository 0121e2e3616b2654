"""A reviewer's fix stands in for the annotation it corrected when answers are consolidated,
and so in the consensus each annotator is compared with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, label

from truthline.db.models import ConsolidatedResult, Item
from truthline.db.session import Database
from truthline.jobs.worker import Worker
from truthline.policies import project_access
from truthline.services import quality_settings
from truthline.settings import Settings

TAXONOMY = [{"code": "wrong_label", "title": "Wrong label"}]
VOTES = {"x": "neu", "y": "pos"}  # both annotators give the same label


async def _consolidate(c: Any, project: Any, settings: Settings) -> None:
    r = await c.post(f"/api/v1/projects/{project.id}/consolidate")
    assert r.status_code == 202, r.text
    worker = Worker(settings)
    try:
        assert await worker.run_once()
    finally:
        await worker.db.dispose()
    assert (await c.get(f"/api/v1/jobs/{r.json()['id']}")).json()["status"] == "succeeded"


async def _stored(db: Database, project_id: int) -> dict[str, ConsolidatedResult]:
    async with db.read() as s:
        rows = await s.execute(
            select(Item.external_id, ConsolidatedResult)
            .join(Item, Item.id == ConsolidatedResult.item_id)
            .where(ConsolidatedResult.project_id == project_id)
        )
        return dict(rows.all())  # type: ignore[arg-type]


async def test_fixed_version_replaces_the_annotators_answer(
    db: Database, app: Any, settings: Settings
) -> None:
    lead, rev = await make_user(db), await make_user(db)
    anns = [await make_user(db) for _ in range(2)]
    members = {**dict.fromkeys(anns, "annotator"), rev: "reviewer"}
    project = await make_project(db, lead, overlap=2, members=members)
    await add_items(db, project, [{"id": k, "text": k} for k in VOTES])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(
        db, access, {"review": {"mode": "all"}, "error_taxonomy": TAXONOMY}
    )
    for a in anns:
        async with await client_for(app, db, a) as c:
            for _ in VOTES:
                await annotate_next(db, c, project, lambda item: label(VOTES[item["external_id"]]))
    async with db.read() as s:
        ids = dict((await s.execute(select(Item.external_id, Item.id))).all())

    async with await client_for(app, db, lead) as c:
        await _consolidate(c, project, settings)
        before = await _stored(db, project.id)
        assert before["x"].result == label("neu")["sentiment"] and before["x"].confidence == 1.0

    async with await client_for(app, db, rev) as c:
        url = f"/api/v1/projects/{project.id}/items/{ids['x']}"
        versions = (await c.get(f"{url}/annotations")).json()
        target = {v["user_id"]: v for v in versions}
        r = await c.post(f"{url}/review", json={
            "annotation_id": target[anns[1].id]["id"], "verdict": "fix",
            "error_codes": ["wrong_label"], "fixed_result": label("pos"),
        })  # fmt: skip
        assert r.status_code == 201, r.text
        r = await c.post(f"{url}/review", json={
            "annotation_id": target[anns[0].id]["id"], "verdict": "accept", "error_codes": [],
        })  # fmt: skip
        assert r.status_code == 201, r.text

    async with await client_for(app, db, lead) as c:
        await _consolidate(c, project, settings)
        after = await _stored(db, project.id)
        # neu (annotator 0) against pos (the reviewer's fix of annotator 1's neu): a tie that
        # goes to the earlier class
        assert after["x"].result == {"labels": ["pos"]} and after["x"].confidence == 0.5
        assert after["x"].support == {"n": 2, "votes": [["pos", 1], ["neu", 1]]}
        assert after["x"].n_annotations == 2
        assert after["y"].result == {"labels": ["pos"]} and after["y"].confidence == 1.0
        r = await c.get(f"/api/v1/projects/{project.id}/quality/annotators")
        assert r.status_code == 200, r.text
        people = {a["user_id"]: a["consensus"]["sentiment"] for a in r.json()["annotators"]}
    # Each annotator's own answers (neu on x, pos on y) are compared with the consensus that
    # the fix moved: both are now right on y only.
    assert (people[anns[0].id]["n"], people[anns[0].id]["correct"]) == (2, 1)
    assert (people[anns[1].id]["n"], people[anns[1].id]["correct"]) == (2, 1)

    # The annotator edits the version the fix corrected: their newer version counts again.
    async with await client_for(app, db, anns[1]) as c:
        r = await c.post(
            f"/api/v1/projects/{project.id}/items/{ids['x']}/annotations",
            json={"result": label("neg"), "idempotency_key": "edit-1", "base_version": 1},
        )
        assert r.status_code == 201, r.text
    async with await client_for(app, db, lead) as c:
        await _consolidate(c, project, settings)
    edited = (await _stored(db, project.id))["x"]
    assert edited.result == {"labels": ["neg"]}
    assert edited.support == {"n": 2, "votes": [["neg", 1], ["neu", 1]]}
