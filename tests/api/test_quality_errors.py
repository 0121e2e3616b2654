"""Error analysis views (JSON and CSV), drill-down, coaching, and the export facts."""

from __future__ import annotations

from typing import Any

from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import annotate_next, label, project_row

from truthline.db.session import Database
from truthline.policies import project_access
from truthline.services import consolidation, quality_settings
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
