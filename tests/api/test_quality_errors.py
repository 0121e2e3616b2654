"""Error analysis views (JSON and CSV), drill-down of every kind, coaching, the reviewer and
lot tables as CSV, and the export facts."""

from __future__ import annotations

import csv as csv_module
import io
from typing import Any

from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, label, project_row

from truthline.db.session import Database
from truthline.policies import project_access
from truthline.services import audit, consolidation, quality_settings
from truthline.services.quality_export import quality_for_items

TAXONOMY = [
    {"code": "wrong_label", "title": "Wrong label", "section": "2.1"},
    {"code": "sloppy", "title": "Sloppy", "section": "3"},
]


async def _reviewed(db: Database, app: Any) -> tuple[Any, Any, Any, dict[str, int]]:
    lead, ann, rev = await make_user(db), await make_user(db), await make_user(db)
    project = await make_project(db, lead, members={ann: "annotator", rev: "reviewer"})
    await add_items(db, project, [{"id": f"i{n}", "text": f"t{n}"} for n in range(3)])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(
        db, access, {"review": {"mode": "all"}, "error_taxonomy": TAXONOMY}
    )
    labels = {"i0": "pos", "i1": "neg", "i2": "pos"}
    ids = {}
    async with await client_for(app, db, ann) as a:
        for _ in range(3):
            item_id, _, _ = await annotate_next(
                db, a, project, lambda i: label(labels[i["external_id"]])
            )
            ext = (await a.get(f"/api/v1/projects/{project.id}/items/{item_id}")).json()[
                "external_id"
            ]
            ids[ext] = item_id
    verdicts = {
        "i0": ("reject", ["wrong_label", "sloppy"]),
        "i1": ("accept", []),
        "i2": ("reject", ["wrong_label"]),
    }
    async with await client_for(app, db, rev) as c:
        for ext, (verdict, codes) in verdicts.items():
            item_id = ids[ext]
            target = (
                await c.get(f"/api/v1/projects/{project.id}/items/{item_id}/annotations")
            ).json()[-1]
            body = {
                "annotation_id": target["id"],
                "verdict": verdict,
                "error_codes": codes,
                "comment": f"note {ext}",
            }
            r = await c.post(f"/api/v1/projects/{project.id}/items/{item_id}/review", json=body)
            assert r.status_code == 201, r.text
    return project, lead, ann, ids


async def test_views_csv_and_drill_down(db: Database, app: Any) -> None:
    project, lead, ann, ids = await _reviewed(db, app)
    base = f"/api/v1/projects/{project.id}/quality/errors"
    async with await client_for(app, db, lead) as c:
        pareto = (await c.get(f"{base}/pareto")).json()["items"]
        assert [(p["code"], p["count"]) for p in pareto] == [("wrong_label", 2), ("sloppy", 1)]
        assert pareto[0]["section"] == "2.1" and abs(pareto[-1]["cumulative_share"] - 1) < 1e-9
        (who,) = (await c.get(f"{base}/by-annotator")).json()["items"]
        assert who["annotator"] == ann.username and who["reviewed"] == 3 and who["rejected"] == 2
        by_label = {r["label"]: r for r in (await c.get(f"{base}/by-label")).json()["items"]}
        assert by_label["pos"]["rejected"] == 2 and by_label["neg"]["error_rate"] == 0
        sections = (await c.get(f"{base}/by-section")).json()["items"]
        assert sections[0] == {"section": "2.1", "count": 2, "share": 2 / 3}
        weeks = (await c.get(f"{base}/by-week")).json()["items"]
        assert len(weeks) == 1 and weeks[0]["reviewed"] == 3
        trend = (await c.get(f"{base}/trend")).json()["items"]
        assert trend[0]["annotator"] == ann.username
        csv = await c.get(f"{base}/pareto?format=csv")
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.splitlines()[0] == "code,title,section,count,share,cumulative_share"
        cell = (await c.get(f"{base}/items?code=wrong_label&label=pos")).json()
        assert cell["items"] == [{"item_id": ids["i0"]}, {"item_id": ids["i2"]}]
        one = (await c.get(f"{base}/items?code=sloppy&annotator={ann.username}")).json()
        assert one["items"] == [{"item_id": ids["i0"]}]
        page = (await c.get(f"{base}/coaching?limit=1")).json()
        assert page["items"][0]["comment"] == "note i0" and page["next_cursor"]
        rest = (await c.get(f"{base}/coaching?limit=1&cursor={page['next_cursor']}")).json()
        assert rest["items"][0]["comment"] == "note i2"
        await consolidation.consolidate_project(db, await project_row(db, project.id))
        conf = (await c.get(f"{base}/confusion")).json()["questions"][0]
        assert conf["question"] == "sentiment" and sum(map(sum, conf["matrix"])) == 3
    async with await client_for(app, db, ann) as a:
        mine = (await a.get(f"{base}/coaching")).json()["items"]
        assert {m["item_id"] for m in mine} == {ids["i0"], ids["i2"]}
        assert (await a.get(f"{base}/pareto")).status_code == 403


async def test_export_facts_per_item(db: Database, app: Any) -> None:
    project, _, _, ids = await _reviewed(db, app)
    p = await project_row(db, project.id)
    await consolidation.consolidate_project(db, p)
    async with db.read() as s:
        facts = await quality_for_items(s, p, [ids["i0"], ids["i1"]])
    first = facts[ids["i0"]]
    assert first["consolidated"]["sentiment"]["result"] == {"labels": ["pos"]}
    assert first["consolidated"]["sentiment"]["confidence"] == 1.0
    assert first["agreement"] == {"sentiment": None}  # one annotator: nothing to agree with
    assert [v["verdict"] for v in first["review"]] == ["reject"]
    assert first["review"][0]["error_codes"] == ["wrong_label", "sloppy"]
    assert first["gold"] is None
    assert facts[ids["i1"]]["review"][0]["verdict"] == "accept"


def _table(text: str) -> list[dict[str, str]]:
    return list(csv_module.DictReader(io.StringIO(text)))


async def test_every_error_view_downloads_as_named_csv(db: Database, app: Any) -> None:
    project, lead, ann, ids = await _reviewed(db, app)
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    base = f"/api/v1/projects/{project.id}/quality/errors"
    counts = "reviewed,accepted,fixed,rejected,error_rate,codes"
    want = {
        "pareto": ("code,title,section,count,share,cumulative_share",
                   {"code": "wrong_label", "count": "2"}),
        "by-annotator": (f"annotator,{counts}", {"annotator": ann.username, "rejected": "2"}),
        "by-label": (f"label,{counts}", {"label": "neg", "accepted": "1"}),
        "by-section": ("section,count,share", {"section": "2.1", "count": "2"}),
        "by-week": (f"week,{counts}", {"reviewed": "3"}),
        "trend": (f"annotator,week,{counts}", {"annotator": ann.username}),
        "coaching": ("verdict_id,item_id,annotator,verdict,error_codes,comment,"
                     "fixed_annotation_id,created_at", {"comment": "note i0"}),
        "items": ("item_id", {"item_id": str(ids["i0"])}),
        "confusion": ("question,given,consolidated,count",
                      {"given": "pos", "consolidated": "pos", "count": "2"}),
    }  # fmt: skip
    async with await client_for(app, db, lead) as c:
        for view, (header, known) in want.items():
            r = await c.get(f"{base}/{view}?format=csv")
            assert r.status_code == 200, (view, r.text)
            assert r.headers["content-type"].startswith("text/csv"), view
            assert r.headers["content-disposition"] == f'attachment; filename="{view}.csv"'
            assert r.text.splitlines()[0] == header, view
            assert any(known.items() <= row.items() for row in _table(r.text)), (view, r.text)
        empty = await c.get(f"{base}/items?format=csv&code=nothing")
        # An empty table keeps its header; a download is the whole table, not one page.
        for view in ("pareto", "by-label", "coaching"):
            r = await c.get(f"{base}/{view}?format=csv&code=nothing")
            assert r.text.splitlines() == [want[view][0]], view
        one = await c.get(f"{base}/coaching?format=csv&limit=1")
        assert len(_table(one.text)) == 2
    assert empty.text.splitlines() == ["item_id"]
    events = await audit.list_events(db, project.id, limit=500)
    downloads = [e for e in events if e.action == "quality.export"]
    assert {e.details["table"] for e in downloads} >= set(want)
    assert all(e.user_id == lead.id for e in downloads)


async def test_section_filter_and_drill_downs_of_every_kind(db: Database, app: Any) -> None:
    project, lead, ann, ids = await _reviewed(db, app)
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    base = f"/api/v1/projects/{project.id}/quality/errors"

    async def items(c: Any, query: str) -> list[int]:
        r = await c.get(f"{base}/items?{query}")
        assert r.status_code == 200, r.text
        return [row["item_id"] for row in r.json()["items"]]

    async with await client_for(app, db, lead) as c:
        assert await items(c, "section=2.1") == [ids["i0"], ids["i2"]]
        assert await items(c, "section=3") == [ids["i0"]]
        assert await items(c, "section=(none)") == []
        pareto = (await c.get(f"{base}/pareto?section=3")).json()["items"]
        assert [(p["code"], p["count"]) for p in pareto] == [("sloppy", 1), ("wrong_label", 1)]
        every = sorted(ids.values())
        assert await items(c, f"of=annotated&annotator={ann.username}") == every
        assert await items(c, f"of=annotated&annotator={ann.id}") == every
        assert await items(c, f"of=annotated&annotator={lead.username}") == []
        # one annotation per item: nothing was scored against a consensus, no gold
        assert await items(c, f"of=scored&annotator={ann.username}&question=sentiment") == []
        assert await items(c, f"of=gold&annotator={ann.username}") == []
        cell = "of=confusion&question=sentiment&given=pos&consolidated=pos"
        assert await items(c, cell) == [ids["i0"], ids["i2"]]
        assert await items(c, "of=confusion&given=neg&consolidated=neg") == [ids["i1"]]
        assert await items(c, "of=confusion&given=pos&consolidated=neg") == []
        assert await items(c, f"{cell}&annotator={lead.username}") == []
        page = (await c.get(f"{base}/items?{cell}&limit=1")).json()
        assert page["items"] == [{"item_id": ids["i0"]}] and page["next_cursor"]
        rest = await items(c, f"{cell}&cursor={page['next_cursor']}")
        assert rest == [ids["i2"]]
        missing = await c.get(f"{base}/items?of=scored&annotator={ann.username}")
        assert missing.status_code == 422
        assert missing.json()["error"]["details"]["field"] == "question"
        no_cell = await c.get(f"{base}/items?of=confusion&given=pos")
        assert no_cell.json()["error"]["details"]["field"] == "consolidated"
        wrong = await c.get(f"{base}/items?of=confusion&question=nope&given=a&consolidated=b")
        assert wrong.status_code == 422 and "nope" in wrong.json()["error"]["message"]
        assert (await c.get(f"{base}/items?of=everything")).status_code == 422


async def test_reviewer_agreement_and_lots_as_csv(db: Database, app: Any) -> None:
    project, lead, _, _ = await _reviewed(db, app)
    url = f"/api/v1/projects/{project.id}/quality/reviewers"
    async with await client_for(app, db, lead) as c:
        got = {t: await c.get(f"{url}?format=csv&n_boot=0&table={t}") for t in
               ("summary", "verdicts", "pairs", "codes")}  # fmt: skip
        bad = await c.get(f"{url}?format=csv&table=everything")
    for table, r in got.items():
        assert r.headers["content-disposition"] == f'attachment; filename="reviewers-{table}.csv"'
    summary = {row["measure"]: row["value"] for row in _table(got["summary"].text)}
    assert summary["annotations_reviewed"] == "3" and summary["reviewed_twice"] == "0"
    assert got["verdicts"].text.splitlines()[:2] == ["first,second,count", "accept,accept,0"]
    # nothing judged twice: the tables are empty, but keep their columns
    assert got["pairs"].text.splitlines() == ["reviewer_a,reviewer_b,shared,agreement,kappa"]
    assert got["codes"].text.splitlines() == ["code,title,either,both,agreement,kappa"]
    assert bad.status_code == 422

    lead, ann = await make_user(db), await make_user(db)
    lots = await make_project(db, lead, members={ann: "annotator"})
    await add_items(db, lots, [{"id": f"l{n}", "text": f"t{n}"} for n in range(13)])
    access = await project_access(db, lead, lots.id, "quality.manage")
    review = {"mode": "random", "aql": 2.5, "lot_size": 13}
    await quality_settings.set_quality(db, access, {"review": review})
    async with await client_for(app, db, ann) as a:
        for _ in range(13):
            await annotate_next(db, a, lots, lambda i: label("pos"))
    base = f"/api/v1/projects/{lots.id}/review/lots"
    async with await client_for(app, db, lead) as c:
        listed = await c.get(f"{base}?format=csv")
        (lot,) = _table(listed.text)
        detail = await c.get(f"{base}/{lot['id']}?format=csv")
        missing = await c.get(f"{base}/999999?format=csv")
    assert listed.headers["content-disposition"] == 'attachment; filename="lots.csv"'
    assert listed.text.splitlines()[0].startswith("id,kind,status,lot_size,item_count,aql,")
    assert (lot["kind"], lot["status"], lot["item_count"], lot["aql"]) == (
        "lot",
        "sampling",
        "13",
        "2.5",
    )
    name = f'attachment; filename="lot-{lot["id"]}-items.csv"'
    assert detail.headers["content-disposition"] == name
    rows = _table(detail.text)
    assert len(rows) == 13 and {r["lot_id"] for r in rows} == {lot["id"]}
    assert sum(r["sampled"] == "True" for r in rows) == int(lot["sample_size"])
    assert missing.status_code == 404
