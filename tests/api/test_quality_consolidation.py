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


# --- video tracks and multiple-choice Dawid-Skene ---------------------------------------------
VIDEO_SCHEMA = {
    "fields": [{"name": "video", "type": "video"}],
    "questions": [
        {"name": "objects", "kind": "video_track", "field": "video", "classes": ["car", "person"]}
    ],
}


def _track(track_id: str, label: str, dx: float, frames: tuple[int, int] = (0, 20)) -> dict:
    first, last = frames
    return {
        "id": track_id,
        "label": label,
        "keyframes": [
            {"frame": first, "x": 10 + dx, "y": 10, "w": 40, "h": 30, "outside": False},
            {"frame": last, "x": 50 + dx, "y": 10, "w": 40, "h": 30, "outside": False},
        ],
    }


# clip -> tracks of annotators 0, 1, 2: on "one" all three follow the car (a pixel or two
# apart) and only annotator 2 adds a person; on "two" the car is seen by annotators 0 and 1.
TRACKS = {
    "one": [
        [_track("t1", "car", 0)],
        [_track("t1", "car", 2)],
        [_track("t1", "car", 1), _track("t2", "person", 0, (30, 40))],
    ],
    "two": [[_track("t1", "car", 0)], [_track("t1", "car", 0)], []],
}


async def test_video_tracks_are_consolidated_and_agreed_on(
    db: Database, app: Any, settings: Settings
) -> None:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(3)]
    project = await make_project(
        db, lead, schema=VIDEO_SCHEMA, overlap=3, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(db, project, [{"id": k, "video": f"clips/{k}.mp4"} for k in TRACKS])
    for n, a in enumerate(anns):
        async with await client_for(app, db, a) as c:
            for _ in TRACKS:
                await annotate_next(
                    db,
                    c,
                    project,
                    lambda item, n=n: {"objects": {"tracks": TRACKS[item["external_id"]][n]}},
                )
    async with await client_for(app, db, lead) as c:
        r = await c.post(f"/api/v1/projects/{project.id}/consolidate")
        assert r.status_code == 202, r.text
        worker = Worker(settings)
        try:
            assert await worker.run_once()
        finally:
            await worker.db.dispose()
        done = (await c.get(f"/api/v1/jobs/{r.json()['id']}")).json()
        assert done["status"] == "succeeded", done
        assert done["result"]["questions"] == {"objects": 2}
        assert done["result"]["skipped"] == []
        r = await c.get(f"/api/v1/projects/{project.id}/quality/agreement?n_boot=200")
        assert r.status_code == 200, r.text
        (q,) = r.json()["questions"]
    stored = await _stored(db, project.id)
    one = stored["one"]
    (track,) = one.result["tracks"]  # the person drawn by one annotator of three is dropped
    assert track["label"] == "car" and track["id"] == "t1"
    assert [k["frame"] for k in track["keyframes"]] == [0, 20]
    # per-frame median of x = 10, 12, 11 at frame 0 and 50, 52, 51 at frame 20
    assert track["keyframes"][0]["x"] == 11 and track["keyframes"][1]["x"] == 51
    assert one.method == "video_track" and one.n_annotations == 3
    assert one.support["dropped"] == 1 and one.support["tracks"][0]["support"] == 3
    assert 0.5 < one.confidence < 1
    assert stored["two"].result["tracks"][0]["keyframes"] == TRACKS["two"][0][0]["keyframes"]
    assert q["kind"] == "video_track" and q["metric"] == "f1_per_annotator_pair"
    assert q["n_items"] == 2
    # Pairs (0, 1): 2 of 2 tracks matched on both clips -> F1 1; (0, 2) and (1, 2): the car
    # on "one" matched (3 tracks drawn), the car on "two" not (1 drawn) -> 2 x 1 / 4 = 0.5.
    assert abs(q["value"] - (1 + 0.5 + 0.5) / 3) < 1e-9
    assert q["ci"][0] <= q["value"] <= q["ci"][1]


# item -> labels chosen by annotators 0..3; annotator 3 ticks "sports" on everything.
TOPICS = {
    "a": [["news"], ["news"], ["news", "sports"], ["news", "sports"]],
    "b": [["sports"], ["sports"], ["sports"], ["sports"]],
    "c": [["news", "tech"], ["news", "tech"], ["tech"], ["news", "tech", "sports"]],
    "d": [["tech"], ["tech"], ["tech"], ["tech", "sports"]],
}
TOPIC_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {
            "name": "topics",
            "kind": "classification",
            "multiple": True,
            "min_choices": 0,
            "classes": ["news", "sports", "tech"],
        }
    ],
}


async def test_multiple_choice_dawid_skene(db: Database, app: Any) -> None:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(4)]
    project = await make_project(
        db, lead, schema=TOPIC_SCHEMA, overlap=4, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(db, project, [{"id": k, "text": k} for k in TOPICS])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, {"consolidation": {"method": "dawid_skene"}})
    for n, a in enumerate(anns):
        async with await client_for(app, db, a) as c:
            for _ in TOPICS:
                await annotate_next(
                    db,
                    c,
                    project,
                    lambda item, n=n: {"topics": {"labels": TOPICS[item["external_id"]][n]}},
                )
    summary = await consolidation.consolidate_project(db, await project_row(db, project.id))
    assert summary["questions"] == {"topics": 4} and summary["method"] == "dawid_skene"
    stored = await _stored(db, project.id)
    assert {k: v.result["labels"] for k, v in stored.items()} == {
        "a": ["news"],
        "b": ["sports"],
        "c": ["news", "tech"],
        "d": ["tech"],
    }
    a = stored["a"]
    assert a.method == "dawid_skene" and a.n_annotations == 4
    assert set(a.support["posterior"]) == {"news", "sports", "tech"}
    assert a.support["posterior"]["news"] >= 0.5 > a.support["posterior"]["sports"]
    assert set(a.support["confidence"]) == {"news", "sports"}
    assert 0.5 <= a.confidence <= 1
    async with await client_for(app, db, lead) as c:
        r = await c.get(f"/api/v1/projects/{project.id}/quality/annotators")
        assert r.status_code == 200, r.text
    people = {p["user_id"]: p for p in r.json()["annotators"]}
    sloppy = people[anns[3].id]["label_confusion"]["topics"]
    careful = people[anns[0].id]["label_confusion"]["topics"]
    assert set(sloppy) == {"news", "sports", "tech"}
    for matrix in (*sloppy.values(), *careful.values()):
        assert len(matrix) == 2 and all(abs(sum(row) - 1) < 1e-3 for row in matrix)
    # Annotator 3 says "sports" where it does not apply; annotator 0 never does.
    assert sloppy["sports"][0][1] > 0.5 > careful["sports"][0][1]
    assert people[anns[0].id]["confusion"] == {}
