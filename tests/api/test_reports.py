"""Daily status reports and the team roll-up: exact numbers on fixed data, CSV, PDF, who may
read what, the end-of-day snapshots and the CLI."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from tests.factories import add_items, client_for, make_project, make_user
from tests.quality_support import item_ids, label, next_task, submit

from truthline.db.models import (
    Annotation,
    Assignment,
    AuditEvent,
    GoldScore,
    GuidelineAck,
    ReviewVerdict,
)
from truthline.db.models_activity import ActivityEvent
from truthline.db.models_questions import Question
from truthline.db.models_reports import ReportSnapshot
from truthline.db.session import Database
from truthline.jobs import reports as report_job
from truthline.policies import project_access
from truthline.services import quality_settings, reports

DAY = date(2026, 3, 10)
TAXONOMY = [
    {"code": "wrong_label", "title": "Wrong label", "section": "2"},
    {"code": "sloppy", "title": "Sloppy", "section": "3"},
]
# external id -> (label given, local time of the submit, active ms sent with it)
SUBMITS = {
    "n1": ("pos", datetime(2026, 3, 10, 9, 5, tzinfo=UTC), 60_000),
    "n2": ("neg", datetime(2026, 3, 10, 9, 40, tzinfo=UTC), 45_000),
    "g1": ("pos", datetime(2026, 3, 10, 10, 15, tzinfo=UTC), 30_000),
    "g2": ("pos", datetime(2026, 3, 10, 14, 30, tzinfo=UTC), 50_000),
    "late": ("neu", datetime(2026, 3, 9, 23, 50, tzinfo=UTC), 40_000),  # the day before
}
GOLD = {"g1": "pos", "g2": "neg"}  # g1 is answered right, g2 wrong
VERDICTS = {  # external id -> (verdict, codes, when)
    "n1": ("accept", [], datetime(2026, 3, 10, 11, 0, tzinfo=UTC)),
    "n2": ("reject", ["wrong_label", "sloppy"], datetime(2026, 3, 10, 11, 10, tzinfo=UTC)),
    "g1": ("reject", ["wrong_label"], datetime(2026, 3, 10, 11, 20, tzinfo=UTC)),
}
ACKED_AT = datetime(2026, 3, 10, 8, 55, tzinfo=UTC)
QUESTION_AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class World:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


async def _at(db: Database, model: Any, where: Any, when: datetime, column: str) -> None:
    async with db.write() as s:
        await s.execute(update(model).where(where).values({column: when}))


async def _world(db: Database, app: Any) -> World:
    lead, ann, rev, other = [await make_user(db) for _ in range(4)]
    ann_name = "Ana Lívia"
    async with db.write() as s:
        ann.display_name = ann_name
        await s.merge(ann)
    admin = await make_user(db, admin=True)
    outsider = await make_user(db)
    project = await make_project(
        db, lead, members={ann: "annotator", rev: "reviewer", other: "annotator"}
    )
    await add_items(db, project, [{"id": k, "text": f"text {k}"} for k in SUBMITS])
    access = await project_access(db, lead, project.id, "quality.manage")
    await quality_settings.set_quality(
        db, access, {"review": {"mode": "all"}, "gold": {"rate": 1.0}, "error_taxonomy": TAXONOMY}
    )
    ids = await item_ids(db, project.id)
    w = World(lead=lead, ann=ann, rev=rev, other=other, admin=admin, outsider=outsider,
              project=project, ids=ids)  # fmt: skip
    w.c = {name: await client_for(app, db, u) for name, u in (
        ("lead", lead), ("ann", ann), ("rev", rev), ("other", other), ("admin", admin),
        ("outsider", outsider))}  # fmt: skip
    base = f"/api/v1/projects/{project.id}"
    for ext, answer in GOLD.items():
        r = await w.c["lead"].put(f"{base}/items/{ids[ext]}/gold", json={"answer": label(answer)})
        assert r.status_code == 200, r.text
    first = {"body": "# G\n", "requires_ack": True}
    r = await w.c["lead"].post(f"{base}/guideline/versions", json=first)
    assert r.status_code == 201, r.text
    assert (await w.c["ann"].post(f"{base}/guideline/ack", json={"version": 1})).status_code == 200
    await _at(db, GuidelineAck, GuidelineAck.user_id == ann.id, ACKED_AT, "acked_at")
    for _ in SUBMITS:
        task = await next_task(w.c["ann"], project)
        assert task["status"] == "assigned", task
        ext = task["item"]["external_id"]
        answer, when, active = SUBMITS[ext]
        r = await submit(w.c["ann"], project, task["item"]["id"], label(answer),
                         lease_id=task["lease"]["id"], active_ms=active)  # fmt: skip
        assert r.status_code == 201, r.text
        await _at(db, Annotation, Annotation.id == r.json()["id"], when, "created_at")
        await _at(db, GoldScore, GoldScore.annotation_id == r.json()["id"], when, "created_at")
        # The lease lasted exactly the active time the client reported, ending at the submit.
        lease = task["lease"]["id"]
        await _at(db, Assignment, Assignment.id == lease, when - timedelta(milliseconds=active),
                  "leased_at")  # fmt: skip
        await _at(db, Assignment, Assignment.id == lease, when, "finished_at")
        await _at(db, ActivityEvent, ActivityEvent.assignment_id == lease, when, "at")
    for ext, (verdict, codes, when) in VERDICTS.items():
        anns = (await w.c["rev"].get(f"{base}/items/{ids[ext]}/annotations")).json()
        r = await w.c["rev"].post(f"{base}/items/{ids[ext]}/review", json={
            "annotation_id": anns[-1]["id"], "verdict": verdict, "error_codes": codes})  # fmt: skip
        assert r.status_code == 201, r.text
        vid = r.json()["verdict"]["id"]
        await _at(db, ReviewVerdict, ReviewVerdict.id == vid, when, "created_at")
    for target in ({"metric": "items_per_day", "value": 3},
                   {"metric": "gold_accuracy", "value": 0.8}):  # fmt: skip
        r = await w.c["lead"].post(f"{base}/targets", json=target)
        assert r.status_code == 201, r.text
    r = await w.c["ann"].post(f"{base}/questions", json={
        "category": "guideline", "priority": "high", "text": "Is sarcasm negative?"})  # fmt: skip
    assert r.status_code == 201, r.text
    w.question_id = r.json()["id"]
    await _at(db, Question, Question.id == w.question_id, QUESTION_AT, "created_at")
    # A new version to confirm after the day's work: pending in the report.
    second = {"body": "# G2\n", "requires_ack": True}
    r = await w.c["lead"].post(f"{base}/guideline/versions", json=second)
    assert r.status_code == 201
    return w


async def _close(w: World) -> None:
    for c in w.c.values():
        await c.aclose()


def _daily(c: httpx.AsyncClient, **params: Any) -> Any:
    return c.get("/api/v1/reports/daily", params={"date": DAY.isoformat(), **params})


async def test_daily_report_has_the_known_numbers(db: Database, app: Any) -> None:
    w = await _world(db, app)
    try:
        r = await _daily(w.c["ann"])
        assert r.status_code == 200, r.text
        body = r.json()
        p = w.project
        assert body["person"] == {"id": w.ann.id, "username": w.ann.username,
                                  "display_name": "Ana Lívia"}  # fmt: skip
        assert body["day"] == "2026-03-10" and body["tz"] == "UTC" and not body["partial"]
        assert body["start"].startswith("2026-03-10T00:00:00")
        assert body["end"].startswith("2026-03-11T00:00:00")
        assert body["items"] == 4
        assert [(x["project"], x["stage"], x["items"]) for x in body["work"]] == [
            (p.name, "annotate", 4)
        ]
        assert body["hourly"] == [
            {"project_id": p.id, "hour": 9, "items": 2},
            {"project_id": p.id, "hour": 10, "items": 1},
            {"project_id": p.id, "hour": 14, "items": 1},
        ]
        q = body["quality"]
        assert (q["gold_scored"], q["gold_passed"], q["gold_accuracy"]) == (2, 1, 0.5)
        assert (q["accept"], q["fix"], q["reject"]) == (1, 0, 2)
        assert q["pass_rate"] == pytest.approx(1 / 3)
        assert q["reviews_given"] == 0
        assert q["top_error_codes"] == [
            {"code": "wrong_label", "count": 2},
            {"code": "sloppy", "count": 1},
        ]
        assert body["guidelines_acknowledged"] == [
            {"project_id": p.id, "project": p.name, "version": 1,
             "acked_at": body["guidelines_acknowledged"][0]["acked_at"]}
        ]  # fmt: skip
        assert body["guidelines_acknowledged"][0]["acked_at"].startswith("2026-03-10T08:55")
        assert body["guidelines_pending"] == [
            {"project_id": p.id, "project": p.name, "version": 2, "since": 1}
        ]
        assert [(x["stage"], x["active_ms"]) for x in body["work"]] == [("annotate", 185_000)]
        t = body["time"]
        assert (t["active_ms"], t["idle_ms"], t["hidden_ms"]) == (185_000, 0, 0)
        # Sessions join active time across gaps under 15 minutes: these are 4 apart.
        assert [(x["start"][11:19], x["end"][11:19], x["active_ms"]) for x in t["sessions"]] == [
            ("09:04:00", "09:05:00", 60_000), ("09:39:15", "09:40:00", 45_000),
            ("10:14:30", "10:15:00", 30_000), ("14:29:10", "14:30:00", 50_000),
        ]  # fmt: skip
        assert [b["duration_ms"] for b in t["breaks"]] == [2_055_000, 2_070_000, 15_250_000]
        assert sorted((g["metric"], g["actual"], g["met"]) for g in body["throughput"]) == [
            ("gold_accuracy", 0.5, False), ("items_per_day", 4, True)]  # fmt: skip
        (question,) = body["questions"]
        assert question["id"] == w.question_id and question["item_id"] is None
        assert (question["category"], question["priority"]) == ("guideline", "high")
        assert question["resolved_at"] is None and question["project"] == p.name
        # The reviewer's day: three reviews given, nothing annotated.
        rev = (await _daily(w.c["rev"])).json()
        assert rev["items"] == 0 and rev["quality"]["reviews_given"] == 3
        # The day before holds only the late submit.
        before = (await _daily(w.c["ann"], date="2026-03-09")).json()
        assert before["items"] == 1 and before["hourly"][0]["hour"] == 23
        async with db.read() as s:
            audited = await s.scalar(
                select(func.count()).where(AuditEvent.action == "report.daily.read")
            )
        assert audited == 3
    finally:
        await _close(w)


async def test_csv_matches_the_json(db: Database, app: Any) -> None:
    w = await _world(db, app)
    try:
        body = (await _daily(w.c["ann"])).json()
        r = await _daily(w.c["ann"], format="csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert list(rows[0]) == ["section", "row", "project", "stage", "key", "value"]
        cell = {(x["section"], x["row"], x["key"]): x for x in rows}
        assert cell[("person", "1", "display_name")]["value"] == "Ana Lívia"
        assert cell[("work", "1", "items")]["value"] == "4"
        assert cell[("work", "1", "items")]["project"] == w.project.name
        assert cell[("quality", "1", "gold_accuracy")]["value"] == "0.5"
        assert cell[("quality", "1", "reject")]["value"] == "2"
        assert cell[("error_codes", "1", "code")]["value"] == "wrong_label"
        assert cell[("error_codes", "1", "count")]["value"] == "2"
        assert cell[("guidelines_pending", "1", "version")]["value"] == "2"
        hours = {x["key"]: int(x["value"]) for x in rows if x["section"] == "items_per_hour"}
        assert hours == {"09:00": 2, "10:00": 1, "14:00": 1}
        assert cell[("time", "1", "active_ms")]["value"] == str(body["time"]["active_ms"])
        assert cell[("sessions", "4", "active_ms")]["value"] == "50000"
        assert cell[("questions", "1", "status")]["value"] == body["questions"][0]["status"]
    finally:
        await _close(w)


def _pixels_vary(png: Path) -> bool:
    from PIL import Image, ImageStat

    with Image.open(png) as im:
        stat = ImageStat.Stat(im.convert("L"))
    return stat.var[0] > 10.0


async def test_pdf_renders_with_the_numbers(db: Database, app: Any, tmp_path: Path) -> None:
    w = await _world(db, app)
    try:
        r = await _daily(w.c["lead"], user=w.ann.username, format="pdf")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
        pdf = tmp_path / "daily.pdf"
        pdf.write_bytes(r.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
        )
        (png,) = tmp_path.glob("p*.png")
        assert _pixels_vary(png)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "Ana Lívia" in text and "2026-03-10" in text
        assert "50.0%" in text and "33.3%" in text and "wrong_label" in text
        team = await w.c["lead"].get(
            f"/api/v1/projects/{w.project.id}/reports/team",
            params={"date": DAY.isoformat(), "format": "pdf"},
        )
        assert team.status_code == 200 and team.content[:5] == b"%PDF-"
        (tmp_path / "team.pdf").write_bytes(team.content)
        text = subprocess.run(["pdftotext", str(tmp_path / "team.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip
        assert w.ann.username in text and w.rev.username in text
    finally:
        await _close(w)


async def test_who_may_read_which_report(db: Database, app: Any) -> None:
    w = await _world(db, app)
    try:
        ann = w.ann.username
        # A second project where the annotator also works, led by someone else.
        lead2 = await make_user(db)
        p2 = await make_project(db, lead2, members={w.ann: "annotator"})
        await add_items(db, p2, [{"id": "x", "text": "x"}])
        async with await client_for(app, db, w.ann) as c:
            t = await next_task(c, p2)
            assert (await submit(c, p2, t["item"]["id"], label("pos"),
                                 lease_id=t["lease"]["id"])).status_code == 201  # fmt: skip
        today = (await w.c["ann"].get("/api/v1/reports/daily")).json()
        assert {x["project_id"] for x in today["work"]} == {p2.id}
        lead_view = (await w.c["lead"].get("/api/v1/reports/daily", params={"user": ann})).json()
        assert lead_view["partial"] and lead_view["work"] == []
        assert lead_view["time"]["idle_ms"] is None and lead_view["time"]["sessions"] == []
        assert (await _daily(w.c["lead"], user=str(w.ann.id))).json()["items"] == 4
        admin_view = await w.c["admin"].get("/api/v1/reports/daily", params={"user": ann})
        assert admin_view.json()["items"] == 1 and not admin_view.json()["partial"]
        # A fellow annotator shares the project but leads nothing: 403; a stranger: 404.
        r = await _daily(w.c["other"], user=ann)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        r = await _daily(w.c["outsider"], user=ann)
        assert r.status_code == 404 and r.json()["error"]["code"] == "user_not_found"
        for odd in ("99999999999999999999999", "१२", "😀"):
            r = await _daily(w.c["lead"], user=odd)
            assert r.status_code == 404 and r.json()["error"]["code"] == "user_not_found", odd
        r = await _daily(w.c["lead"], user="nobody-here")
        assert r.status_code == 404 and r.json()["error"]["details"]["value"] == "nobody-here"
        for bad in ("2026-02-30", "10/03/2026", "yesterday", "0001-01-01", "9999-12-31"):
            r = await _daily(w.c["ann"], date=bad)
            assert r.status_code == 422, bad
            assert r.json()["error"]["code"] == "invalid_date"
            assert r.json()["error"]["details"] == {"field": "date", "value": bad}
        r = await _daily(w.c["ann"], format="xlsx")
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "format"
        r = await _daily(w.c["ann"], source="cache")
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_source"
        team = f"/api/v1/projects/{w.project.id}/reports/team"
        assert (await w.c["ann"].get(team)).status_code == 403
        assert (await w.c["outsider"].get(team)).status_code == 404
        r = await w.c["lead"].get(team, params={"date": "2026-13-01"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_date"
        r = await w.c["lead"].get("/api/v1/projects/999999/reports/team")
        assert r.status_code == 404 and r.json()["error"]["code"] == "project_not_found"
    finally:
        await _close(w)


async def test_team_roll_up(db: Database, app: Any) -> None:
    w = await _world(db, app)
    try:
        url = f"/api/v1/projects/{w.project.name}/reports/team"
        r = await w.c["lead"].get(url, params={"date": DAY.isoformat()})
        assert r.status_code == 200, r.text
        body = r.json()
        rows = {x["person"]["username"]: x for x in body["rows"]}
        assert set(rows) == {w.ann.username, w.rev.username}  # "other" did nothing
        a = rows[w.ann.username]
        assert (a["items"], a["gold_scored"], a["gold_accuracy"]) == (4, 2, 0.5)
        assert (a["accept"], a["fix"], a["reject"]) == (1, 0, 2)
        assert rows[w.rev.username]["reviews_given"] == 3
        t = body["totals"]
        assert (t["items"], t["reviews_given"], t["gold_scored"], t["reject"]) == (4, 3, 2, 2)
        assert (t["gold_passed"], t["gold_accuracy"]) == (1, 0.5)
        assert t["pass_rate"] == pytest.approx(1 / 3)
        r = await w.c["lead"].get(url, params={"date": DAY.isoformat(), "format": "csv"})
        table = list(csv.DictReader(io.StringIO(r.text)))
        assert [x["username"] for x in table] == [*sorted(rows, key=str.lower), "total"]
        assert table[-1]["items"] == "4" and table[-1]["reviews_given"] == "3"
        empty = (await w.c["lead"].get(url, params={"date": "2026-03-12"})).json()
        assert empty["rows"] == [] and empty["totals"]["items"] == 0
    finally:
        await _close(w)


async def test_snapshot_is_stored_once_at_the_end_of_the_day(db: Database, app: Any) -> None:
    w = await _world(db, app)
    try:
        # Late on 10 March only the 9th is over: the annotator worked then.
        evening = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
        assert await report_job.store_due_reports(db, now=evening, memo=report_job.Memo()) == 1
        morning = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
        # Two hosts, each with its own memory, at the same time: one row per person and day.
        counts = await asyncio.gather(
            report_job.store_due_reports(db, now=morning, memo=report_job.Memo()),
            report_job.store_due_reports(db, now=morning, memo=report_job.Memo()),
        )
        # Now the 10th is over: the annotator and the reviewer worked that day.
        assert sum(counts) == 2
        memo = report_job.Memo()
        assert await report_job.store_due_reports(db, now=morning, memo=memo) == 0
        assert await report_job.store_due_reports(db, now=morning, memo=memo) == 0
        async with db.read() as s:
            rows = (await s.execute(select(ReportSnapshot.user_id, ReportSnapshot.day,
                                           ReportSnapshot.items))).all()  # fmt: skip
        assert sorted(rows) == sorted([(w.ann.id, DAY, 4), (w.ann.id, date(2026, 3, 9), 1),
                                       (w.rev.id, DAY, 0)])  # fmt: skip
        hist = (await w.c["ann"].get("/api/v1/reports/daily/history")).json()
        assert [(h["day"], h["items"], h["partial"]) for h in hist] == [
            ("2026-03-10", 4, False), ("2026-03-09", 1, False)]  # fmt: skip
        stored = (await _daily(w.c["ann"], source="stored")).json()
        assert stored["items"] == 4 and stored["quality"]["gold_accuracy"] == 0.5
        lead_hist = await w.c["lead"].get("/api/v1/reports/daily/history",
                                          params={"user": w.ann.username})  # fmt: skip
        assert [h["partial"] for h in lead_hist.json()] == [True, True]
        r = await _daily(w.c["ann"], source="stored", date="2026-03-01")
        assert r.status_code == 404 and r.json()["error"]["code"] == "report_not_found"
        # The worker's periodic entry point is registered, does the same, stores nothing twice.
        from truthline.jobs.worker import PERIODIC, load_builtin_jobs

        load_builtin_jobs()
        assert PERIODIC["reports.daily"] is report_job.store_daily_reports
        await report_job.store_daily_reports(db, None)  # type: ignore[arg-type]
        async with db.read() as s:
            assert await s.scalar(select(func.count()).select_from(ReportSnapshot)) == 3
    finally:
        await _close(w)


def test_snapshot_round_trips_and_restricts() -> None:
    report = reports.DailyReport.model_validate(
        {
            "person": {"id": 1, "username": "a", "display_name": "A"},
            "day": "2026-03-10", "tz": "UTC",
            "start": "2026-03-10T00:00:00Z", "end": "2026-03-11T00:00:00Z",
            "generated_at": "2026-03-11T00:00:00Z", "partial": False, "items": 5,
            "work": [{"project_id": 1, "project": "p", "stage": "annotate", "items": 3,
                      "active_ms": 1000},
                     {"project_id": 2, "project": "q", "stage": "annotate", "items": 2,
                      "active_ms": 500}],
            "time": {"active_ms": 1500, "idle_ms": 10, "hidden_ms": 5, "sessions": [],
                     "breaks": []},
            "throughput": [],
            "quality": {"gold_scored": 0, "gold_passed": 0, "gold_accuracy": None, "accept": 2,
                        "fix": 0, "reject": 1, "pass_rate": 2 / 3, "reviews_given": 0,
                        "top_error_codes": [],
                        "by_project": [
                            {"project_id": 1, "project": "p", "gold_scored": 0,
                             "gold_passed": 0, "accept": 2, "fix": 0, "reject": 0,
                             "reviews_given": 0, "error_codes": {}},
                            {"project_id": 2, "project": "q", "gold_scored": 0,
                             "gold_passed": 0, "accept": 0, "fix": 0, "reject": 1,
                             "reviews_given": 0, "error_codes": {"x": 1}}]},
            "questions": [], "guidelines_acknowledged": [], "guidelines_pending": [],
            "hourly": [{"project_id": 1, "hour": 9, "items": 3},
                       {"project_id": 2, "hour": 9, "items": 2}],
        }
    )  # fmt: skip
    again = reports.DailyReport.model_validate(report.model_dump(mode="json"))
    assert again == report
    only = reports.restrict(report, {1})
    assert only.partial and only.items == 3 and only.time.active_ms == 1000
    assert only.time.idle_ms is None and only.items_per_hour()[9] == 3
    assert (only.quality.accept, only.quality.reject, only.quality.pass_rate) == (2, 0, 1.0)
    assert only.quality.top_error_codes == []


async def test_cli_writes_json_csv_and_pdf(db: Database, app: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from truthline.cli import app as cli

    w = await _world(db, app)
    await _close(w)
    env = {"TRUTHLINE_DATABASE_URL": db.url, "TRUTHLINE_DATA_DIR": str(tmp_path)}
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, list(args), env=env)

    out = tmp_path / "a.json"
    res = await asyncio.to_thread(
        run, "report", "daily", "--user", w.ann.username, "--date", "2026-03-10", "--out", str(out)
    )
    assert res.exit_code == 0, res.output
    import orjson

    body = orjson.loads(out.read_bytes())
    assert body["items"] == 4 and body["quality"]["gold_accuracy"] == 0.5
    res = await asyncio.to_thread(
        run, "report", "daily", "--user", w.ann.username, "--date", "2026-03-10",
        "--format", "csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {(r["section"], r["key"]): r["value"] for r in rows}[("work", "items")] == "4"
    pdf = tmp_path / "a.pdf"
    res = await asyncio.to_thread(
        run, "report", "daily", "--user", w.ann.username, "--date", "2026-03-10",
        "--format", "pdf", "--out", str(pdf),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Ana Lívia" in text and "Schedule" in text and "No schedule on record" in text
    res = await asyncio.to_thread(
        run, "report", "team", "--project", w.project.name, "--date", "2026-03-10",
        "--format", "pdf",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.stdout_bytes[:5] == b"%PDF-"
    res = await asyncio.to_thread(
        run, "report", "team", "--project", w.project.name, "--date", "2026-03-10",
        "--format", "csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(res.stdout)))
    assert table[-1]["username"] == "total" and table[-1]["items"] == "4"
    res = await asyncio.to_thread(run, "report", "daily", "--user", w.ann.username,
                                  "--date", "10.3.2026")  # fmt: skip
    assert res.exit_code == 1 and "YYYY-MM-DD" in res.output
    res = await asyncio.to_thread(run, "report", "daily", "--user", "nobody-here",
                                  "--date", "2026-03-10")  # fmt: skip
    assert res.exit_code == 1 and "nobody-here" in res.output


# --- the schedule: scheduled time, active time inside and outside it, flags -----------------------
IST = "Asia/Kolkata"  # UTC+5:30 all year
ROTATION = {
    "weeks": [
        {str(d): [["09:00", "17:00"]] for d in range(5)},  # week 0: days
        {str(d): [["14:00", "18:00"], ["19:00", "23:00"]] for d in range(5)},  # week 1: late
    ],
    "rotation_start": "2026-03-04",  # a Wednesday: its week, from Monday 2 March, is week 0
    "time_off": ["2026-03-12"],
}
HOUR = 3_600_000
MINUTE = 60_000


async def _work(
    db: Database, user: Any, project: Any, item_id: int, start: datetime, minutes: int
) -> None:
    """A lease worked without a pause from ``start``: a heartbeat each minute, then a submit."""
    async with db.write() as s:
        lease = Assignment(
            project_id=project.id, item_id=item_id, user_id=user.id, stage="annotate",
            status="submitted", leased_at=start, expires_at=start + timedelta(hours=2),
            finished_at=start + timedelta(minutes=minutes), active_ms=minutes * MINUTE,
        )  # fmt: skip
        s.add(lease)
        await s.flush()
        for n in range(1, minutes + 1):
            s.add(
                ActivityEvent(
                    user_id=user.id, project_id=project.id, assignment_id=lease.id,
                    at=start + timedelta(minutes=n), kind="submit" if n == minutes else "heartbeat",
                    state="active", client_active_ms=n * MINUTE,
                )
            )  # fmt: skip


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _rota_world(db: Database, app: Any) -> World:
    """A person in India on a two-week rotation who works on two projects, an idle colleague
    on a UTC day schedule, and a member without any schedule."""
    lead, lead_b, rota, idle, plain = [await make_user(db) for _ in range(5)]
    admin = await make_user(db, admin=True)
    a = await make_project(db, lead, members={rota: "annotator", idle: "annotator",
                                              plain: "annotator"})  # fmt: skip
    b = await make_project(db, lead_b, members={rota: "annotator"})
    await add_items(db, a, [{"id": f"a{n}", "text": "t"} for n in range(3)])
    await add_items(db, b, [{"id": "b0", "text": "t"}])
    ids_a, ids_b = await item_ids(db, a.id), await item_ids(db, b.id)
    w = World(lead=lead, rota=rota, idle=idle, plain=plain, a=a, b=b)
    w.c = {name: await client_for(app, db, u) for name, u in (
        ("lead", lead), ("rota", rota), ("admin", admin))}  # fmt: skip
    people = "/api/v1/people"
    r = await w.c["admin"].put(f"{people}/{rota.id}/timezone", json={"timezone": IST})
    assert r.status_code == 200, r.text
    r = await w.c["admin"].put(f"{people}/{rota.id}/schedule", json=ROTATION)
    assert r.status_code == 200, r.text
    r = await w.c["admin"].put(
        f"{people}/{idle.id}/schedule", json={"weeks": [ROTATION["weeks"][0]]}
    )
    assert r.status_code == 200, r.text
    # Tuesday 10 March is in week 1: shifts 14:00-18:00 and 19:00-23:00 IST, that is
    # 08:30-12:30 and 13:30-17:30 UTC; the local day runs from 18:30 UTC on the 9th.
    await _work(db, rota, a, ids_a["a0"], _utc("2026-03-10T07:30"), 90)  # 13:00-14:30: 60 out
    await _work(db, rota, b, ids_b["b0"], _utc("2026-03-10T13:30"), 60)  # 19:00-20:00: all in
    await _work(db, rota, a, ids_a["a1"], _utc("2026-03-10T18:00"), 20)  # 23:30-23:50: out
    # Thursday 12 March is time off, worked anyway for 45 minutes.
    await _work(db, rota, a, ids_a["a2"], _utc("2026-03-12T04:30"), 45)
    return w


async def test_daily_report_against_a_rotating_schedule(db: Database, app: Any) -> None:
    w = await _rota_world(db, app)
    try:
        body = (await _daily(w.c["rota"])).json()
        assert (body["tz"], body["start"][:16], body["end"][:16]) == (
            IST, "2026-03-09T18:30", "2026-03-10T18:30")  # fmt: skip
        assert body["time"]["active_ms"] == 170 * MINUTE
        sc = body["schedule"]
        assert (sc["has_schedule"], sc["week"], sc["time_off"]) == (True, 1, False)
        assert [(x["local"], x["start"][11:16], x["end"][11:16]) for x in sc["shifts"]] == [
            ("14:00-18:00", "08:30", "12:30"), ("19:00-23:00", "13:30", "17:30")]  # fmt: skip
        assert (sc["scheduled_ms"], sc["scheduled_so_far_ms"]) == (8 * HOUR, 8 * HOUR)
        assert (sc["active_in_schedule_ms"], sc["active_outside_schedule_ms"]) == (
            90 * MINUTE, 80 * MINUTE)  # fmt: skip
        assert sc["share_of_scheduled"] == pytest.approx(170 / 480)
        assert sc["by_project"] == [
            {"project_id": w.a.id, "project": w.a.name, "active_in_schedule_ms": 30 * MINUTE,
             "active_outside_schedule_ms": 80 * MINUTE},
            {"project_id": w.b.id, "project": w.b.name, "active_in_schedule_ms": 60 * MINUTE,
             "active_outside_schedule_ms": 0},
        ]  # fmt: skip
        assert body["flags"] == [
            {"code": "under_scheduled_time",
             "message": "worked less than 50% of the scheduled time: 2 h 50 min active of "
                        "8 h 00 min scheduled"},
            {"code": "outside_schedule",
             "message": "1 h 20 min active outside the scheduled hours"},
        ]  # fmt: skip

        # A week earlier the rotation is in week 0: 09:00-17:00, nothing worked.
        before = (await _daily(w.c["rota"], date="2026-03-03")).json()
        assert (before["schedule"]["week"], before["schedule"]["scheduled_ms"]) == (0, 8 * HOUR)
        assert [x["local"] for x in before["schedule"]["shifts"]] == ["09:00-17:00"]
        assert before["schedule"]["shifts"][0]["start"][11:16] == "03:30"
        assert before["schedule"]["active_in_schedule_ms"] == 0
        assert [f["code"] for f in before["flags"]] == ["under_scheduled_time"]
        # Time off, worked anyway.
        off = (await _daily(w.c["rota"], date="2026-03-12")).json()
        assert (off["schedule"]["time_off"], off["schedule"]["scheduled_ms"]) == (True, 0)
        assert off["schedule"]["shifts"] == [] and off["schedule"]["share_of_scheduled"] is None
        assert off["schedule"]["active_outside_schedule_ms"] == 45 * MINUTE
        assert off["flags"] == [
            {
                "code": "no_shift_scheduled",
                "message": "no shift scheduled (time off), yet 45 min active",
            }
        ]
        # Saturday: no hours that day and nothing worked, so nothing to flag.
        weekend = (await _daily(w.c["rota"], date="2026-03-14")).json()
        assert weekend["schedule"]["scheduled_ms"] == 0 and weekend["flags"] == []

        # The lead of project A sees A's part only, and the flags judge that part.
        lead_view = (await _daily(w.c["lead"], user=w.rota.username)).json()
        sc = lead_view["schedule"]
        assert lead_view["partial"] and sc["scheduled_ms"] == 8 * HOUR
        assert [r["project_id"] for r in sc["by_project"]] == [w.a.id]
        assert (sc["active_in_schedule_ms"], sc["active_outside_schedule_ms"]) == (
            30 * MINUTE, 80 * MINUTE)  # fmt: skip
        assert sc["share_of_scheduled"] == pytest.approx(110 / 480)
        assert [f["message"] for f in lead_view["flags"]] == [
            "worked less than 50% of the scheduled time: 1 h 50 min active on the projects "
            "shown of 8 h 00 min scheduled",
            "1 h 20 min active on the projects shown outside the scheduled hours",
        ]

        # Someone without a schedule: the section says so and nothing is flagged.
        plain = (await _daily(w.c["admin"], user=w.plain.username)).json()
        assert plain["schedule"] == {
            "has_schedule": False, "week": None, "time_off": False, "shifts": [],
            "scheduled_ms": 0, "scheduled_so_far_ms": 0, "active_in_schedule_ms": None,
            "active_outside_schedule_ms": None, "share_of_scheduled": None, "by_project": [],
        }  # fmt: skip
        assert plain["flags"] == []

        # CSV and PDF carry the same figures.
        rows = list(csv.DictReader(io.StringIO((await _daily(w.c["rota"], format="csv")).text)))
        cell = {(x["section"], x["row"], x["key"]): x["value"] for x in rows}
        assert cell[("schedule", "1", "scheduled_ms")] == str(8 * HOUR)
        assert cell[("schedule", "1", "active_outside_schedule_ms")] == str(80 * MINUTE)
        assert cell[("shifts", "2", "local")] == "19:00-23:00"
        assert cell[("flags", "2", "code")] == "outside_schedule"
        pdf = await _daily(w.c["rota"], format="pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    finally:
        await _close(w)


async def test_team_roll_up_sets_scheduled_against_active(db: Database, app: Any) -> None:
    w = await _rota_world(db, app)
    try:
        url = f"/api/v1/projects/{w.a.id}/reports/team"
        body = (await w.c["lead"].get(url, params={"date": DAY.isoformat()})).json()
        rows = {x["person"]["username"]: x for x in body["rows"]}
        # The idle colleague was scheduled, so is listed; the member without a schedule is not.
        assert set(rows) == {w.rota.username, w.idle.username}
        r = rows[w.rota.username]
        assert (r["active_ms"], r["scheduled_ms"]) == (110 * MINUTE, 8 * HOUR)
        assert (r["active_in_schedule_ms"], r["active_outside_schedule_ms"]) == (
            30 * MINUTE, 80 * MINUTE)  # fmt: skip
        assert r["flags"] == ["under_scheduled_time", "outside_schedule"]
        i = rows[w.idle.username]
        assert (i["items"], i["active_ms"], i["scheduled_ms"]) == (0, 0, 8 * HOUR)
        assert (i["active_in_schedule_ms"], i["flags"]) == (0, ["under_scheduled_time"])
        t = body["totals"]
        assert (t["scheduled_ms"], t["active_in_schedule_ms"], t["active_outside_schedule_ms"]) == (
            16 * HOUR, 30 * MINUTE, 80 * MINUTE)  # fmt: skip
        table = list(csv.DictReader(io.StringIO(
            (await w.c["lead"].get(url, params={"date": DAY.isoformat(), "format": "csv"})).text
        )))  # fmt: skip
        by_name = {x["username"]: x for x in table}
        assert by_name[w.rota.username]["flags"] == "under_scheduled_time;outside_schedule"
        assert by_name["total"]["scheduled_ms"] == str(16 * HOUR)
        # Saturday: nobody was scheduled and nobody worked on A.
        saturday = (await w.c["lead"].get(url, params={"date": "2026-03-14"})).json()
        assert saturday["rows"] == [] and saturday["totals"]["scheduled_ms"] is None
    finally:
        await _close(w)


async def test_scheduled_days_are_stored_even_when_not_worked(db: Database, app: Any) -> None:
    w = await _rota_world(db, app)
    try:
        # Early on Wednesday 11 March (UTC) every local 10 March is over, and the 9th too.
        now = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
        assert await report_job.store_due_reports(db, now=now, memo=report_job.Memo()) == 4
        async with db.read() as s:
            stored = sorted((await s.execute(
                select(ReportSnapshot.user_id, ReportSnapshot.day, ReportSnapshot.active_ms)
            )).all())  # fmt: skip
        # The rota worked the 10th; on the 9th (week 1, scheduled) they did nothing. The idle
        # colleague was scheduled both days; the member without a schedule gets nothing.
        assert stored == sorted([
            (w.rota.id, date(2026, 3, 9), 0), (w.rota.id, DAY, 170 * MINUTE),
            (w.idle.id, date(2026, 3, 9), 0), (w.idle.id, DAY, 0),
        ])  # fmt: skip
        snap = (await _daily(w.c["admin"], user=w.idle.username, source="stored")).json()
        assert [f["code"] for f in snap["flags"]] == ["under_scheduled_time"]
        assert snap["schedule"]["scheduled_ms"] == 8 * HOUR
        # The lead's view of a stored report keeps the schedule of their projects' rows.
        lead = (await _daily(w.c["lead"], user=w.rota.username, source="stored")).json()
        assert lead["partial"] and lead["schedule"]["active_outside_schedule_ms"] == 80 * MINUTE
    finally:
        await _close(w)
