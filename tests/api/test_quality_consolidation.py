"""Consolidation job, agreement per question, label and week with the coefficients beside
each measure, annotator reliability, and their CSV downloads."""

from __future__ import annotations

import csv as csv_module
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, item_ids, label, project_row

from truthline.db.models import Annotation, ConsolidatedResult, GoldScore
from truthline.db.session import Database
from truthline.jobs.worker import Worker
from truthline.policies import project_access
from truthline.services import consolidation, gold, quality_settings
from truthline.services.quality_data import Question
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
    # Leave one out: each is scored against the other two, not where those two split (annotator
    # 0 on b, 1 on b and d); annotator 0 then misses d only.
    zero, one = (people[a.id]["consensus"]["sentiment"] for a in anns[:2])
    assert (zero["n"], zero["correct"]) == (3, 2) and (one["n"], one["correct"]) == (2, 2)
    # The drill-down behind those numbers lists exactly the items that were scored.
    async with await client_for(app, db, lead) as c:
        for ann, n in ((anns[0], 3), (anns[1], 2)):
            r = await c.get(
                f"/api/v1/projects/{project.id}/quality/errors/items",
                params={"of": "scored", "annotator": ann.username, "question": "sentiment"},
            )
            assert r.status_code == 200, r.text
            assert len(r.json()["items"]) == n
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


# --- the coefficients beside each question's measure, agreement per week, CSV downloads -------
async def test_agreement_shows_fleiss_and_the_cohen_matrix(db: Database, app: Any) -> None:
    project, anns, lead = await _annotated(db, app)
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    async with await client_for(app, db, lead) as c:
        r = await c.get(f"/api/v1/projects/{project.id}/quality/agreement?n_boot=100")
        assert r.status_code == 200, r.text
        (q,) = r.json()["questions"]
        csv = await c.get(f"/api/v1/projects/{project.id}/quality/agreement?n_boot=0&format=csv")
    # counts per item (neg, neu, pos): [0,0,3], [2,0,1], [0,3,0], [2,0,1]: mean P_i = 2/3,
    # P_e = (4² + 3² + 5²) / 12² = 25/72, kappa = (2/3 - 25/72) / (1 - 25/72) = 23/47
    assert abs(q["fleiss_kappa"] - 23 / 47) < 1e-9 and q["fleiss_note"] is None
    assert q["fleiss_kappa_ci"][0] <= q["fleiss_kappa"] <= q["fleiss_kappa_ci"][1]
    names = [a.username for a in anns]
    cohen = q["cohen"]
    assert sorted(cohen["annotators"]) == sorted(names)
    at = {n: i for i, n in enumerate(cohen["annotators"])}

    def kappa(a: int, b: int) -> float:
        return cohen["matrix"][at[names[a]]][at[names[b]]]

    # 0 vs 1 and 1 vs 2: p_o 3/4, p_e 5/16 -> 7/11; 0 vs 2: p_o 1/2, p_e 6/16 -> 1/5
    assert abs(kappa(0, 1) - 7 / 11) < 1e-9 and abs(kappa(1, 2) - 7 / 11) < 1e-9
    assert abs(kappa(0, 2) - 0.2) < 1e-9 and kappa(0, 0) is None
    assert cohen["shared"][0][1] == 4
    assert {x["metric"] for x in q["labels"]} == {"binary_alpha"}
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"] == 'attachment; filename="agreement.csv"'
    lines = csv.text.splitlines()
    assert lines[0] == "question,kind,scope,name,metric,value,ci_low,ci_high,n,note"
    fleiss = next(line for line in lines if ",fleiss_kappa," in line).split(",")
    assert fleiss[:5] == ["sentiment", "classification", "question", "", "fleiss_kappa"]
    assert abs(float(fleiss[5]) - 23 / 47) < 1e-9
    first, last = sorted([names[0], names[2]], key=at.__getitem__)
    rows = list(csv_module.DictReader(io.StringIO(csv.text)))
    (pair,) = [r for r in rows if r["scope"] == "pair" and r["name"] == f"{first} / {last}"]
    assert pair["metric"] == "cohen_kappa" and abs(float(pair["value"]) - 0.2) < 1e-9
    assert pair["n"] == "4"


def _q(kind: str, **config: Any) -> Question:
    return Question("q", kind, {"name": "q", "kind": kind, **config})


def test_span_overlap_f1_and_per_label_f1() -> None:
    q = _q("span", classes=["PER", "LOC", "ORG"])
    per = {"start": 0, "end": 5, "label": "PER"}
    loc = {"start": 10, "end": 15, "label": "LOC"}
    items = [{1: {"spans": [per, loc]}, 2: {"spans": [per, {**loc, "start": 11}]}}]
    got = consolidation._question_agreement(q, items, 0, 0, {})
    # exact: PER matches, LOC does not: 2 x 1 / 4; overlapping: both match
    assert got["metric"] == "f1" and got["value"] == 0.5 and got["overlap_f1"] == 1.0
    labels = {x["label"]: x for x in got["labels"]}
    assert (labels["PER"]["value"], labels["PER"]["chosen"], labels["PER"]["metric"]) == (
        1.0,
        2,
        "f1",
    )
    assert (labels["LOC"]["value"], labels["LOC"]["chosen"]) == (0.0, 2)
    assert (labels["ORG"]["value"], labels["ORG"]["chosen"]) == (None, 0)
    assert "fleiss_kappa" not in got and "wer" not in got


def test_box_mean_iou_and_per_label_f1() -> None:
    q = _q("bbox", classes=["car", "person"])
    car = {"x": 0, "y": 0, "w": 10, "h": 10, "label": "car"}
    items = [
        {1: {"boxes": [car]}, 2: {"boxes": [{**car, "x": 1}]}},
        {1: {"boxes": [{**car, "label": "person"}]}, 2: {"boxes": []}},
    ]
    got = consolidation._question_agreement(q, items, 50, 0, {})
    # the cars overlap 9 x 10 of 110: IoU 9/11; the person is drawn by one of two
    assert abs(got["mean_iou"] - 9 / 11) < 1e-9 and abs(got["value"] - 2 / 3) < 1e-9
    labels = {x["label"]: x for x in got["labels"]}
    assert labels["car"]["value"] == 1.0 and labels["person"]["value"] == 0.0
    assert labels["car"]["ci"] == [1.0, 1.0]


def test_free_text_and_transcription_give_wer_and_cer() -> None:
    free = consolidation._question_agreement(
        _q("free_text"), [{1: {"text": "the cat sat"}, 2: {"text": "the cat sat down"}}], 0, 0, {}
    )
    # ordered pairs: WER 1/3 and 1/4; CER 5/11 and 5/16
    assert abs(free["wer"] - 7 / 24) < 1e-9 and abs(free["cer"] - (5 / 11 + 5 / 16) / 2) < 1e-9
    assert free["value"] == free["cer"] and free["higher_is_better"] is False

    def seg(text: str) -> dict:
        return {"segments": [{"start": 0.0, "end": 1.0, "text": text}]}

    said = consolidation._question_agreement(
        _q("transcription"), [{1: seg("hello world"), 2: seg("hello word")}], 0, 0, {}
    )
    assert said["wer"] == said["value"] == 0.5
    assert abs(said["cer"] - (1 / 11 + 1 / 10) / 2) < 1e-9


def test_fleiss_is_absent_with_unequal_raters_and_says_why() -> None:
    q = _q("classification", classes=["a", "b"])
    items = [
        {1: {"labels": ["a"]}, 2: {"labels": ["a"]}},
        {1: {"labels": ["b"]}, 2: {"labels": ["b"]}, 3: {"labels": ["a"]}},
    ]
    got = consolidation._question_agreement(q, items, 0, 0, {1: "ann1", 2: "ann2", 3: "ann3"})
    assert got["fleiss_kappa"] is None
    assert got["fleiss_note"].startswith("items have 2 to 3 answers")
    assert got["cohen"]["annotators"] == ["ann1", "ann2", "ann3"]
    assert got["cohen"]["shared"][0] == [2, 2, 1]
    # ann1 and ann2 agree on both items, each with both labels: kappa 1
    assert got["cohen"]["matrix"][0][1] == 1.0 and got["cohen"]["matrix"][0][2] is None


async def test_agreement_per_week(db: Database, app: Any) -> None:
    project, _, lead = await _annotated(db, app)
    days = {"a": 6, "b": 7, "c": 13, "d": 14}  # January 2026: weeks 2 and 3
    weeks = {ext: datetime(2026, 1, day, 12, tzinfo=UTC) for ext, day in days.items()}
    ids = await item_ids(db, project.id)
    async with db.write() as s:
        for ext, when in weeks.items():
            await s.execute(
                update(Annotation).where(Annotation.item_id == ids[ext]).values(created_at=when)
            )
    async with await client_for(app, db, lead) as c:
        url = f"/api/v1/projects/{project.id}/quality/agreement/weekly"
        r = await c.get(f"{url}?n_boot=200")
        assert r.status_code == 200, r.text
        csv = await c.get(f"{url}?n_boot=0&format=csv")
        bad = await c.get(f"{url}?format=xml")
    first, second = r.json()["items"]
    assert (first["week"], second["week"]) == ("2026-W02", "2026-W03")
    assert first["question"] == "sentiment" and first["metric"] == "krippendorff_alpha_nominal"
    assert first["n_items"] == second["n_items"] == 2
    # week 2: units (pos, pos, pos) and (neg, neg, pos): D_o 2/6, D_e 16/30 -> alpha 3/8;
    # week 3: (neu, neu, neu) and (pos, neg, neg): D_o 2/6, D_e 22/30 -> alpha 6/11
    assert abs(first["value"] - 3 / 8) < 1e-9 and abs(second["value"] - 6 / 11) < 1e-9
    assert first["ci"][0] <= first["value"] <= first["ci"][1]
    assert csv.headers["content-disposition"] == 'attachment; filename="agreement-weekly.csv"'
    lines = csv.text.splitlines()
    assert lines[0] == "question,kind,week,metric,value,ci_low,ci_high,n_items,error"
    assert lines[1].startswith(
        "sentiment,classification,2026-W02,krippendorff_alpha_nominal,0.375,"
    )
    assert bad.status_code == 422 and "format" in bad.text


async def test_annotators_and_gold_as_csv(db: Database, app: Any) -> None:
    project, anns, lead = await _annotated(db, app)
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    await gold.set_gold(db, access, ids["c"], label("neu"), "Neither.")
    async with db.write() as s:
        annotation = await s.scalar(
            select(Annotation.id).where(
                Annotation.item_id == ids["c"], Annotation.user_id == anns[0].id
            )
        )
        s.add(GoldScore(project_id=project.id, item_id=ids["c"], user_id=anns[0].id,
                        annotation_id=annotation, score=1.0, passed=True))  # fmt: skip
    base = f"/api/v1/projects/{project.id}"
    async with await client_for(app, db, lead) as c:
        people = await c.get(f"{base}/quality/annotators?format=csv")
        body = (await c.get(f"{base}/quality/annotators")).json()
        summary = await c.get(f"{base}/quality/gold?format=csv")
        items = await c.get(f"{base}/gold?format=csv")
    assert people.headers["content-disposition"] == 'attachment; filename="annotators.csv"'
    rows = list(csv_module.DictReader(io.StringIO(people.text)))
    assert list(rows[0])[:6] == ["user_id", "username", "items", "gold_scored", "gold_accuracy",
                                 "sentiment: n"]  # fmt: skip
    mine = next(r for r in rows if r["username"] == anns[0].username)
    (score,) = [
        a["consensus"]["sentiment"] for a in body["annotators"] if a["user_id"] == anns[0].id
    ]
    # scored on 3 of its 4 items: on b the two others split, so there is no majority
    assert (mine["items"], mine["sentiment: n"]) == ("4", "3")
    assert float(mine["sentiment: accuracy"]) == score["accuracy"]
    assert (mine["gold_scored"], mine["gold_accuracy"]) == ("1", "1.0")
    assert summary.headers["content-disposition"] == 'attachment; filename="gold.csv"'
    (row,) = csv_module.DictReader(io.StringIO(summary.text))
    assert (row["username"], row["scored"], row["accuracy"]) == (anns[0].username, "1", "1.0")
    assert items.headers["content-disposition"] == 'attachment; filename="gold-items.csv"'
    assert (
        items.text.splitlines()[0] == "item_id,source,feedback,scored,mean_score,answer,created_at"
    )
    (gold_row,) = csv_module.DictReader(io.StringIO(items.text))
    assert (gold_row["item_id"], gold_row["feedback"], gold_row["scored"]) == (
        str(ids["c"]),
        "Neither.",
        "1",
    )
    assert gold_row["answer"] == '{"sentiment":{"labels":["neu"]}}'


async def test_label_confusion_of_multiple_choice_in_annotators_schema(
    db: Database, app: Any
) -> None:
    """The multi-label confusion is part of the documented answer (OpenAPI), not an extra."""
    spec = app.openapi()
    row = spec["components"]["schemas"]["AnnotatorReliabilityRow"]["properties"]
    assert "label_confusion" in row


async def test_cli_quality_tables_show_the_coefficients(
    db: Database, app: Any, capsys: Any, monkeypatch: Any
) -> None:
    from rich.console import Console

    from truthline import cli

    monkeypatch.setattr(cli, "out", Console(width=250))

    project, anns, _ = await _annotated(db, app)
    p = await project_row(db, project.id)
    await consolidation.consolidate_project(db, p)
    report = {
        "agreement": await consolidation.project_agreement(db, p, n_boot=0),
        "consolidation": await consolidation.consolidation_summary(db, p),
        "gold": {"gold_items": 0, "accuracy": None, "annotators": []},
    }
    cli._print_quality(report)
    printed = capsys.readouterr().out
    assert "Fleiss' kappa 0.489" in printed
    assert "agreement per label" in printed and "binary_alpha" in printed
    assert "Cohen's kappa" in printed and "0.636 (4)" in printed
