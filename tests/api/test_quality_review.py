"""Review: verdicts, fixes, rework, sampling at the end of annotation, Z1.4 lots, and
reviewer agreement on the share reviewed twice."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, item_ids, label, run_hooks, stage_of, submit

from truthline.db.session import Database
from truthline.policies import project_access
from truthline.quality.sampling import sampling_plan
from truthline.services import gold, quality_settings
from truthline.services.review_sampling import unit_hash

TAXONOMY = [
    {"code": "wrong_label", "title": "Wrong label", "section": "2.1"},
    {"code": "sloppy", "title": "Sloppy", "section": "3"},
]


async def _setup(
    db: Database, review: dict, n_items: int = 2, reviewers: int = 1
) -> tuple[Any, Any, Any, list]:
    lead, ann = await make_user(db), await make_user(db)
    revs = [await make_user(db) for _ in range(reviewers)]
    members = {ann: "annotator", **dict.fromkeys(revs, "reviewer")}
    project = await make_project(db, lead, members=members)
    await add_items(db, project, [{"id": f"i{n}", "text": f"t{n}"} for n in range(n_items)])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, {"review": review, "error_taxonomy": TAXONOMY})
    return project, lead, ann, revs


async def _annotation_of(c: httpx.AsyncClient, project: Any, item_id: int) -> dict:
    r = await c.get(f"/api/v1/projects/{project.id}/items/{item_id}/annotations")
    assert r.status_code == 200, r.text
    return r.json()[-1]


async def _review(
    c: httpx.AsyncClient, project: Any, item_id: int, annotation_id: int, verdict: str, **kw: Any
) -> httpx.Response:
    body = {"annotation_id": annotation_id, "verdict": verdict, **kw}
    return await c.post(f"/api/v1/projects/{project.id}/items/{item_id}/review", json=body)


async def test_accept_ends_review_and_retry_is_idempotent(db: Database, app: Any) -> None:
    project, _, ann, (rev,) = await _setup(db, {"mode": "all"})
    async with await client_for(app, db, ann) as a:
        item_id, _, stage = await annotate_next(db, a, project, lambda i: label("pos"))
    assert stage == "review"
    async with await client_for(app, db, rev) as c:
        task = (
            await c.post(f"/api/v1/projects/{project.id}/queue/next", json={"stage": "review"})
        ).json()
        assert task["status"] == "assigned" and task["item"]["id"] == item_id
        target = await _annotation_of(c, project, item_id)
        key = str(uuid.uuid4())
        r = await _review(c, project, item_id, target["id"], "accept", idempotency_key=key)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["item_stage"] == "done" and body["fixed_annotation"] is None
        assert body["verdict"]["verdict"] == "accept" and body["verdict"]["annotator_id"] == ann.id
        again = await _review(c, project, item_id, target["id"], "accept", idempotency_key=key)
        assert again.status_code == 200 and again.json()["verdict"]["id"] == body["verdict"]["id"]
        dup = await _review(c, project, item_id, target["id"], "accept")
        assert dup.status_code == 409 and dup.json()["error"]["code"] == "already_reviewed"
        # the review lease was closed by the verdict
        nxt = (
            await c.post(f"/api/v1/projects/{project.id}/queue/next", json={"stage": "review"})
        ).json()
        assert nxt["status"] == "empty"
    assert await stage_of(db, item_id) == "done"


async def test_codes_are_checked_against_the_taxonomy(db: Database, app: Any) -> None:
    project, _, ann, (rev,) = await _setup(db, {"mode": "all"})
    async with await client_for(app, db, ann) as a:
        item_id, _, _ = await annotate_next(db, a, project, lambda i: label("pos"))
    async with await client_for(app, db, rev) as c:
        target = await _annotation_of(c, project, item_id)
        r = await _review(c, project, item_id, target["id"], "reject", error_codes=["nope"])
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_error_code"
        assert r.json()["error"]["details"]["field"] == "error_codes[0]"
        r = await _review(c, project, item_id, target["id"], "reject")
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "error_codes"
        r = await _review(c, project, item_id, target["id"], "fix", error_codes=["sloppy"])
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "fixed_result"
    async with await client_for(app, db, ann) as a:
        r = await _review(a, project, item_id, target["id"], "accept")
        assert r.status_code == 403


async def test_reject_sends_to_rework_and_back_to_review(db: Database, app: Any) -> None:
    project, _, ann, (rev,) = await _setup(db, {"mode": "all"})
    async with await client_for(app, db, ann) as a:
        item_id, _, _ = await annotate_next(db, a, project, lambda i: label("pos"))
    async with await client_for(app, db, rev) as c:
        target = await _annotation_of(c, project, item_id)
        r = await _review(
            c, project, item_id, target["id"], "reject",
            error_codes=["wrong_label", "wrong_label"], comment="It is negative: read the end.",
        )  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["item_stage"] == "rework"
        assert r.json()["verdict"]["error_codes"] == ["wrong_label"]
    async with await client_for(app, db, ann) as a:
        page = (await a.get(f"/api/v1/projects/{project.id}/rework")).json()
        (task,) = page["items"]
        assert task["item_id"] == item_id and task["notes"] == "It is negative: read the end."
        assert task["error_codes"] == ["wrong_label"] and task["base_version"] == 1
        mine = (await a.get(f"/api/v1/projects/{project.id}/items/{item_id}/reviews")).json()
        assert [v["verdict"] for v in mine] == ["reject"]
        r = await submit(a, project, item_id, label("neg"), base_version=1)
        assert r.status_code == 201, r.text
        extra, stage = await run_hooks(db, project.id, r.json())
        assert extra == {} and stage == "review"
        assert (await a.get(f"/api/v1/projects/{project.id}/rework")).json()["items"] == []
    async with await client_for(app, db, rev) as c:
        stale = await _review(c, project, item_id, target["id"], "accept")
        assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_annotation"
        fresh = await _annotation_of(c, project, item_id)
        r = await _review(c, project, item_id, fresh["id"], "accept")
        assert r.status_code == 201 and r.json()["item_stage"] == "done"


async def test_fix_stores_the_reviewers_version(db: Database, app: Any) -> None:
    project, _, ann, (rev,) = await _setup(db, {"mode": "all"})
    async with await client_for(app, db, ann) as a:
        item_id, _, _ = await annotate_next(db, a, project, lambda i: label("pos"))
    async with await client_for(app, db, rev) as c:
        target = await _annotation_of(c, project, item_id)
        bad = await _review(
            c, project, item_id, target["id"], "fix",
            error_codes=["wrong_label"], fixed_result={"sentiment": {"labels": ["nope"]}},
        )  # fmt: skip
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_annotation"
        r = await _review(
            c, project, item_id, target["id"], "fix",
            error_codes=["wrong_label"], fixed_result=label("neg"),
        )  # fmt: skip
        assert r.status_code == 201, r.text
        fixed = r.json()["fixed_annotation"]
        assert fixed["user_id"] == rev.id and fixed["stage"] == "review"
        assert fixed["result"] == label("neg") and fixed["version"] == 1
        assert fixed["meta"] == {"fixes_annotation_id": target["id"]}
        assert r.json()["verdict"]["fixed_annotation_id"] == fixed["id"]
        assert r.json()["item_stage"] == "done"
        # the annotator's version is untouched
        assert (await _annotation_of(c, project, item_id))["id"] in (target["id"], fixed["id"])


async def test_nobody_reviews_their_own_work(db: Database, app: Any) -> None:
    project, lead, _, _ = await _setup(db, {"mode": "all"})
    access = await project_access(db, lead, project.id, "members.manage")
    del access
    async with await client_for(app, db, lead) as c:
        item_id, _, _ = await annotate_next(db, c, project, lambda i: label("pos"))
        target = await _annotation_of(c, project, item_id)
        r = await _review(c, project, item_id, target["id"], "accept")
        assert r.status_code == 403 and r.json()["error"]["code"] == "review_own_work"


async def test_random_sampling_is_decided_by_the_item(db: Database, app: Any) -> None:
    project, _, ann, _ = await _setup(db, {"mode": "random", "rate": 0.5}, n_items=12)
    stages = {}
    async with await client_for(app, db, ann) as a:
        for _ in range(12):
            item_id, _, stage = await annotate_next(db, a, project, lambda i: label("pos"))
            stages[item_id] = stage
    expected = {i: "review" if unit_hash(project.id, i, "review") < 0.5 else "done" for i in stages}
    assert stages == expected
    assert "review" in stages.values() and "done" in stages.values()


async def _fill_lot(db: Database, app: Any, project: Any, ann: Any, n: int) -> list[str]:
    stages = []
    async with await client_for(app, db, ann) as a:
        for _ in range(n):
            stages.append((await annotate_next(db, a, project, lambda i: label("pos")))[2])
    return stages


async def test_rejected_lot_sends_held_items_to_rework(db: Database, app: Any) -> None:
    plan = sampling_plan(13, 2.5)  # code letter C: sample 5, Ac 0
    project, lead, ann, (rev,) = await _setup(
        db, {"mode": "random", "aql": 2.5, "lot_size": 13}, n_items=13
    )
    stages = await _fill_lot(db, app, project, ann, 13)
    assert stages[:12] == ["held"] * 12
    async with await client_for(app, db, lead) as c:
        (batch,) = (await c.get(f"/api/v1/projects/{project.id}/review/batches")).json()["items"]
    assert batch["status"] == "sampling" and batch["sample_size"] == plan.sample_size
    assert (batch["accept"], batch["reject"]) == (plan.accept, plan.reject)
    sample = batch["item_ids"]["sample"]
    async with await client_for(app, db, rev) as c:
        for n, item_id in enumerate(sample):
            target = await _annotation_of(c, project, item_id)
            verdict = "reject" if n == 0 else "accept"
            codes = ["sloppy"] if n == 0 else []
            r = await _review(c, project, item_id, target["id"], verdict, error_codes=codes)
            assert r.status_code == 201, r.text
    async with await client_for(app, db, lead) as c:
        (batch,) = (await c.get(f"/api/v1/projects/{project.id}/review/batches")).json()["items"]
    assert batch["status"] == "rejected" and batch["failures"] == 1
    ids = await item_ids(db, project.id)
    held = [i for i in ids.values() if i not in sample]
    assert {await stage_of(db, i) for i in held} == {"rework"}
    async with await client_for(app, db, ann) as a:
        rework = (await a.get(f"/api/v1/projects/{project.id}/rework?limit=500")).json()["items"]
    assert {t["item_id"] for t in rework} == {*held, sample[0]}


async def test_accepted_lot_and_early_close(db: Database, app: Any) -> None:
    project, lead, ann, (rev,) = await _setup(
        db, {"mode": "stratified", "rate": 0.5, "aql": 10.0, "lot_size": 50}, n_items=6
    )
    assert set(await _fill_lot(db, app, project, ann, 6)) == {"held"}
    async with await client_for(app, db, lead) as c:
        r = await c.post(f"/api/v1/projects/{project.id}/review/batches/close")
        assert r.status_code == 200, r.text
        batch = r.json()
        again = await c.post(f"/api/v1/projects/{project.id}/review/batches/close")
        assert again.status_code == 409 and again.json()["error"]["code"] == "no_open_batch"
    plan = sampling_plan(6, 10.0)
    assert batch["sample_size"] == plan.sample_size
    async with await client_for(app, db, rev) as c:
        for item_id in batch["item_ids"]["sample"]:
            target = await _annotation_of(c, project, item_id)
            assert (await _review(c, project, item_id, target["id"], "accept")).status_code == 201
    ids = await item_ids(db, project.id)
    assert {await stage_of(db, i) for i in ids.values()} == {"done"}


async def test_double_review_and_reviewer_agreement(db: Database, app: Any) -> None:
    project, lead, ann, revs = await _setup(
        db, {"mode": "all", "double_rate": 1.0}, n_items=2, reviewers=2
    )
    async with await client_for(app, db, ann) as a:
        items = [(await annotate_next(db, a, project, lambda i: label("pos")))[0] for _ in range(2)]
    for n, rev in enumerate(revs):
        async with await client_for(app, db, rev) as c:
            for k, item_id in enumerate(items):
                target = await _annotation_of(c, project, item_id)
                verdict = "reject" if (n == 1 and k == 1) else "accept"
                codes = ["sloppy"] if verdict == "reject" else []
                r = await _review(c, project, item_id, target["id"], verdict, error_codes=codes)
                assert r.status_code == 201
                assert r.json()["item_stage"] == (
                    "review" if n == 0 else ("rework" if k else "done")
                )
    async with await client_for(app, db, lead) as c:
        body = (await c.get(f"/api/v1/projects/{project.id}/quality/reviewers")).json()
    assert body["annotations_reviewed"] == 2 and body["reviewed_twice"] == 2
    assert body["percent_agreement"] == 0.5


async def test_lots_list_and_detail_show_a_rejected_lot(db: Database, app: Any) -> None:
    plan = sampling_plan(13, 2.5)
    project, lead, ann, (rev,) = await _setup(
        db, {"mode": "random", "aql": 2.5, "lot_size": 13}, n_items=13
    )
    await _fill_lot(db, app, project, ann, 13)
    base = f"/api/v1/projects/{project.id}/review/lots"
    async with await client_for(app, db, lead) as c:
        (lot,) = (await c.get(base)).json()["items"]
        assert {k: lot[k] for k in ("kind", "status", "lot_size", "item_count", "judged")} == {
            "kind": "lot", "status": "sampling", "lot_size": 13, "item_count": 13, "judged": 0,
        }  # fmt: skip
        assert (lot["aql"], lot["sample_size"], lot["accept"], lot["reject"]) == (
            2.5, plan.sample_size, plan.accept, plan.reject,
        )  # fmt: skip
        assert lot["failures"] == 0 and lot["decision"] is None and lot["decided_at"] is None
        sample = [i["item_id"] for i in (await c.get(f"{base}/{lot['id']}")).json()["items"]
                  if i["sampled"]]  # fmt: skip
    assert len(sample) == plan.sample_size
    async with await client_for(app, db, rev) as c:
        first = await _annotation_of(c, project, sample[0])
        r = await _review(c, project, sample[0], first["id"], "reject", error_codes=["sloppy"])
        assert r.status_code == 201, r.text
    async with await client_for(app, db, lead) as c:
        (lot,) = (await c.get(base)).json()["items"]
        assert (lot["status"], lot["judged"], lot["failures"]) == ("sampling", 1, 1)
    async with await client_for(app, db, rev) as c:
        for item_id in sample[1:]:
            target = await _annotation_of(c, project, item_id)
            assert (await _review(c, project, item_id, target["id"], "accept")).status_code == 201
    async with await client_for(app, db, lead) as c:
        (lot,) = (await c.get(base)).json()["items"]
        assert (lot["status"], lot["decision"], lot["failures"]) == ("rejected", "rejected", 1)
        assert lot["decided_at"] is not None
        detail = (await c.get(f"{base}/{lot['id']}")).json()
        page = (await c.get(f"{base}/{lot['id']}?limit=5")).json()
        rest = (await c.get(f"{base}/{lot['id']}?limit=50&cursor={page['next_cursor']}")).json()
        missing = await c.get(f"{base}/999999")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "lot_not_found"
    assert detail["status"] == "rejected" and detail["next_cursor"] is None
    ids = await item_ids(db, project.id)
    names = {v: k for k, v in ids.items()}
    rows = {i["item_id"]: i for i in detail["items"]}
    assert sorted(rows) == sorted(ids.values())
    assert [i["item_id"] for i in page["items"] + rest["items"]] == sorted(ids.values())
    for item_id, row in rows.items():
        # the held items and the defective one went to rework; the accepted sample is done
        back = item_id not in sample or item_id == sample[0]
        assert row["external_id"] == names[item_id]
        assert row["stage"] == ("rework" if back else "done")
        assert row["sampled"] == (item_id in sample) and row["judged"] == (item_id in sample)
        assert row["defective"] == (item_id == sample[0])
        assert (row["rework_open"], row["rework_done"]) == ((1, 0) if back else (0, 0))
        want = ("rework" if item_id == sample[0] else "accepted") if item_id in sample else None
        assert row["review_outcome"] == want
    # the annotator's edit closes the rework; the lot shows it
    async with await client_for(app, db, ann) as a:
        held = next(i for i in ids.values() if i not in sample)
        assert (await submit(a, project, held, label("neg"), base_version=1)).status_code == 201
    async with await client_for(app, db, lead) as c:
        again = (await c.get(f"{base}/{lot['id']}")).json()
    row = next(i for i in again["items"] if i["item_id"] == held)
    assert (row["stage"], row["rework_open"], row["rework_done"]) == ("review", 0, 1)
    async with await client_for(app, db, ann) as a:
        assert (await a.get(base)).status_code == 403


async def test_reviewer_agreement_kappa_pairs_and_codes(db: Database, app: Any) -> None:
    project, lead, ann, revs = await _setup(
        db, {"mode": "all", "double_rate": 1.0}, n_items=4, reviewers=2
    )
    async with await client_for(app, db, ann) as a:
        items = [(await annotate_next(db, a, project, lambda i: label("pos")))[0] for _ in range(4)]
    # first reviewer: accept, accept, reject(sloppy), reject(wrong_label)
    # second reviewer: accept, reject(sloppy), reject(sloppy), reject(sloppy)
    plans = [
        [("accept", []), ("accept", []), ("reject", ["sloppy"]), ("reject", ["wrong_label"])],
        [("accept", []), ("reject", ["sloppy"]), ("reject", ["sloppy"]), ("reject", ["sloppy"])],
    ]
    for rev, plan in zip(revs, plans, strict=True):
        async with await client_for(app, db, rev) as c:
            for item_id, (verdict, codes) in zip(items, plan, strict=True):
                target = await _annotation_of(c, project, item_id)
                r = await _review(c, project, item_id, target["id"], verdict, error_codes=codes)
                assert r.status_code == 201, r.text
    async with await client_for(app, db, lead) as c:
        r = await c.get(f"/api/v1/projects/{project.id}/quality/reviewers?n_boot=50")
        assert r.status_code == 200, r.text
        body = r.json()
    assert body["items_reviewed"] == 4 and body["items_reviewed_twice"] == 4
    assert body["share_reviewed_twice"] == 1.0 and body["reviewed_twice"] == 4
    assert body["verdict_agreement"] == 0.75 and body["percent_agreement"] == 0.75
    # first x second on accept/fix/reject: [[1, 0, 1], [0, 0, 0], [0, 0, 2]]
    assert body["verdicts"] == ["accept", "fix", "reject"]
    assert body["matrix"] == [[1, 0, 1], [0, 0, 0], [0, 0, 2]]
    # p_o = 3/4; p_e = (2/4 * 1/4) + (2/4 * 3/4) = 1/2; kappa = (0.75 - 0.5) / 0.5
    assert abs(body["kappa"] - 0.5) < 1e-9 and abs(body["pass_fail_kappa"] - 0.5) < 1e-9
    assert body["pass_fail_agreement"] == 0.75
    (pair,) = body["pairs"]
    names = sorted(r.username for r in revs)
    assert [pair["reviewer_a"], pair["reviewer_b"]] == names
    assert pair["shared"] == 4 and pair["agreement"] == 0.75 and abs(pair["kappa"] - 0.5) < 1e-9
    codes = {c["code"]: c for c in body["codes"]}
    assert set(codes) == {"sloppy", "wrong_label"}
    assert (codes["sloppy"]["either"], codes["sloppy"]["both"]) == (3, 1)
    assert codes["sloppy"]["agreement"] == 1 / 3 and codes["sloppy"]["title"] == "Sloppy"
    assert (codes["wrong_label"]["either"], codes["wrong_label"]["both"]) == (1, 0)
    assert codes["wrong_label"]["agreement"] == 0.0


async def test_reviewer_agreement_without_double_reviews(db: Database, app: Any) -> None:
    project, lead, _, _ = await _setup(db, {"mode": "all"})
    async with await client_for(app, db, lead) as c:
        body = (await c.get(f"/api/v1/projects/{project.id}/quality/reviewers")).json()
    assert body["items_reviewed"] == 0 and body["share_reviewed_twice"] is None
    assert body["kappa"] is None and body["verdict_agreement"] is None
    assert body["matrix"] == [[0, 0, 0]] * 3 and body["pairs"] == [] and body["codes"] == []


async def _team(
    db: Database,
    review: dict,
    n_items: int,
    annotators: int,
    overlap: int,
    gold: dict | None = None,
) -> tuple[Any, Any, list]:
    lead = await make_user(db)
    anns = [await make_user(db) for _ in range(annotators)]
    project = await make_project(
        db, lead, overlap=overlap, members=dict.fromkeys(anns, "annotator")
    )
    await add_items(db, project, [{"id": f"i{n}", "text": f"t{n}"} for n in range(n_items)])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(db, access, {"review": review, "gold": gold or {}})
    return project, lead, anns


@pytest.mark.parametrize(
    ("review", "n_items", "want"),
    [
        ({"mode": "stratified", "rate": 0.2, "lot_size": 10}, 10, 2),  # a pool: 20% of items
        (
            {"mode": "stratified", "aql": 2.5, "lot_size": 13},
            13,
            sampling_plan(13, 2.5).sample_size,  # a lot: Z1.4's n, in items
        ),
    ],
)
async def test_stratified_sample_counts_items_not_annotations(
    db: Database, app: Any, review: dict, n_items: int, want: int
) -> None:
    project, lead, anns = await _team(db, review, n_items, annotators=3, overlap=3)
    for k, ann in enumerate(anns):  # each item by all three, with labels that vary
        async with await client_for(app, db, ann) as a:
            for _ in range(n_items):
                await annotate_next(
                    db, a, project, lambda i, k=k: label(("pos", "neg")[(i["id"] + k) % 2])
                )
    async with await client_for(app, db, lead) as c:
        (batch,) = (await c.get(f"/api/v1/projects/{project.id}/review/batches")).json()["items"]
    sample = batch["item_ids"]["sample"]
    assert batch["sample_size"] == want and len(set(sample)) == want
    stages = [await stage_of(db, i) for i in (await item_ids(db, project.id)).values()]
    held = "done" if "aql" not in review else "held"
    assert sorted(stages) == sorted(["review"] * want + [held] * (n_items - want))


async def test_risk_sample_takes_recent_gold_failures_first(db: Database, app: Any) -> None:
    review = {"mode": "risk", "rate": 0.3, "lot_size": 10, "new_annotator_items": 0}
    gold_cfg = {"rate": 1.0, "flag_window": 1}
    project, lead, (bad, reformed, good) = await _team(
        db, review, 12, annotators=3, overlap=1, gold=gold_cfg
    )
    ids = await item_ids(db, project.id)
    access = await project_access(db, lead, project.id, "quality.manage")
    golden = {ids["i10"], ids["i11"]}
    for item_id in golden:
        await gold.set_gold(db, access, item_id, label("pos"))

    async def gold_task(person: Any, right: bool) -> None:
        async with await client_for(app, db, person) as a:
            _, extra, _ = await annotate_next(
                db, a, project, lambda i: label("pos" if right else "neg")
            )
        assert extra["gold"]["passed"] is right

    # bad failed its latest gold item; reformed failed one, then passed one since: with a
    # rolling window of one score, only bad counts as having failed gold lately.
    await gold_task(bad, right=False)
    await gold_task(reformed, right=False)
    await gold_task(reformed, right=True)
    await gold_task(good, right=True)
    await quality_settings.set_quality(
        db, access, {"review": review, "gold": {**gold_cfg, "rate": 0.0}}
    )
    by: dict[int, Any] = {}
    for person, n in ((bad, 3), (reformed, 3), (good, 4)):
        async with await client_for(app, db, person) as a:
            for _ in range(n):
                item_id, _, _ = await annotate_next(db, a, project, lambda i: label("pos"))
                by[item_id] = person
    async with await client_for(app, db, lead) as c:
        (batch,) = (await c.get(f"/api/v1/projects/{project.id}/review/batches")).json()["items"]
    sample = batch["item_ids"]["sample"]
    assert batch["sample_size"] == 3
    assert sorted(sample) == sorted(i for i, p in by.items() if p is bad)
    for item_id, person in by.items():
        assert await stage_of(db, item_id) == ("review" if person is bad else "done")
