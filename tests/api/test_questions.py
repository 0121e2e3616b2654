"""The questions portal: raising (with parking), routing, the thread, permissions, SLA clocks
with a fixed clock, escalation, FAQ promotion, releasing the parked item, the report."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models import Assignment
from truthline.db.models_questions import Question
from truthline.db.session import Database
from truthline.policies import project_access
from truthline.services import questions
from truthline.services.questions import append_faq, check_sla, percentile

GUIDE = "# Guide\n\n## 1 Scope\nLabel sentiment.\n\n## 2 Classes\npos means happy.\n"
MONDAY = datetime(2025, 11, 24, tzinfo=UTC)  # a Monday, in the past


def at(days: int, hours: float) -> datetime:
    return MONDAY + timedelta(days=days, hours=hours)


async def _setup(db: Database, app: Any, items: int = 3) -> dict[str, Any]:
    lead, ann, other, rev, viewer = [await make_user(db) for _ in range(5)]
    project = await make_project(
        db,
        lead,
        members={ann: "annotator", other: "annotator", rev: "reviewer", viewer: "viewer"},
    )
    await add_items(db, project, [{"id": f"i{n}", "text": f"text {n}"} for n in range(items)])
    return {
        "project": project,
        "users": {"lead": lead, "ann": ann, "other": other, "rev": rev, "viewer": viewer},
        "lead": await client_for(app, db, lead),
        "ann": await client_for(app, db, ann),
        "other": await client_for(app, db, other),
        "rev": await client_for(app, db, rev),
        "viewer": await client_for(app, db, viewer),
    }


async def _notes(c: Any) -> list[dict]:
    r = await c.get("/api/v1/notifications")
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def _raise(c: Any, pid: int, **body: Any) -> dict:
    r = await c.post(
        f"/api/v1/projects/{pid}/questions",
        json={"category": "guideline", "text": "Is sarcasm negative?", **body},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_raise_with_park_ends_the_lease_and_work_continues(db: Database, app: Any) -> None:
    t = await _setup(db, app, items=2)
    pid = t["project"].id
    task = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    item_id, lease_id = task["item"]["id"], task["lease"]["id"]
    draft = {"sentiment": {"labels": ["neg"]}}
    q = await _raise(
        t["ann"], pid, item_id=item_id, park=True, lease_id=lease_id, draft=draft, priority="high"
    )
    assert q["status"] == "open" and q["parked"] is True and q["item_id"] == item_id
    assert q["assignee"] is None and q["assignee_group"] == "leads"
    assert q["draft"] == draft and q["priority"] == "high" and q["clock"] == "response"
    assert q["asker"]["id"] == t["users"]["ann"].id and q["replies"] == []
    async with db.read() as s:
        lease = await s.get(Assignment, lease_id)
    assert lease.status == "skipped" and f"question #{q['id']}" in lease.skip_reason
    nxt = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    assert nxt["status"] == "assigned" and nxt["item"]["id"] != item_id
    [note] = await _notes(t["lead"])
    assert note["kind"] == "question.new" and note["link"] == f"/questions?id={q['id']}"
    assert await _notes(t["ann"]) == []
    # The lease has ended: parking it again is a conflict, and a park needs a lease.
    r = await t["ann"].post(
        f"/api/v1/projects/{pid}/questions",
        json={"category": "data", "text": "x", "park": True, "lease_id": lease_id},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "lease_ended"
    r = await t["ann"].post(
        f"/api/v1/projects/{pid}/questions", json={"category": "data", "text": "x", "park": True}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "park_needs_lease"


async def test_stored_draft_is_attached_when_none_is_sent(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    task = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    item_id = task["item"]["id"]
    saved = {"sentiment": {"labels": ["pos"]}}
    r = await t["ann"].put(f"/api/v1/projects/{pid}/items/{item_id}/draft", json={"result": saved})
    assert r.status_code == 200, r.text
    q = await _raise(t["ann"], pid, item_id=item_id)
    assert q["draft"] == saved and q["parked"] is False


async def test_bad_input_names_the_field(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    base = f"/api/v1/projects/{pid}/questions"
    r = await t["ann"].post(base, json={"category": "weather", "text": "x"})
    assert r.status_code == 422 and "category" in r.text
    r = await t["ann"].post(base, json={"category": "data", "text": "   "})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "text"
    r = await t["ann"].post(base, json={"category": "data", "text": "x", "item_id": 999999})
    assert r.status_code == 404 and r.json()["error"]["code"] == "item_not_found"
    r = await t["ann"].post(base, json={"category": "data", "text": "x", "guideline_section": "9"})
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "unknown_guideline_section",
        "message": "the current guideline has no section '9'",
        "details": {"field": "guideline_section", "value": "9"},
    }
    r = await t["ann"].post(base, json={"category": "data", "text": "x", "extra": 1})
    assert r.status_code == 422


async def test_routing_rule_assigns_and_the_assignee_answers(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid, other = t["project"].id, t["users"]["other"]
    r = await t["lead"].put(
        f"/api/v1/projects/{pid}/questions/settings", json={"routing": {"tool": other.id}}
    )
    assert r.status_code == 200 and r.json()["routing"] == {"tool": other.id}
    q = await _raise(t["ann"], pid, category="tool", text="The zoom does not work")
    assert q["assignee"]["id"] == other.id and q["assignee_group"] is None
    assert [n["kind"] for n in await _notes(t["other"])] == ["question.new"]
    assert await _notes(t["lead"]) == []  # routed away from the leads
    # The assignee (an annotator) may see and answer it; their list shows it too.
    url = f"/api/v1/projects/{pid}/questions/{q['id']}"
    got = (await t["other"].get(url)).json()
    assert got["can_answer"] is True and got["can_manage"] is False
    assert [
        x["id"] for x in (await t["other"].get(f"/api/v1/projects/{pid}/questions")).json()
    ] == [q["id"]]
    r = await t["other"].post(f"{url}/replies", json={"body": "Reload the page."})
    assert r.status_code == 201 and r.json()["status"] == "answered"
    # Other categories still go to the leads.
    q2 = await _raise(t["ann"], pid, category="data")
    assert q2["assignee_group"] == "leads"


async def test_thread_reply_resolve_reopen(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    q = await _raise(t["ann"], pid)
    url = f"/api/v1/projects/{pid}/questions/{q['id']}"
    r = await t["lead"].post(f"{url}/replies", json={"body": "Yes, label it neg."})
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["status"] == "answered" and got["first_response_at"] is not None
    assert got["clock"] == "resolution"
    assert [x["body"] for x in got["replies"]] == ["Yes, label it neg."]
    assert got["replies"][0]["author"]["id"] == t["users"]["lead"].id
    [note] = await _notes(t["ann"])
    assert note["kind"] == "question.answered" and note["title"].startswith("Your question")
    # A follow-up from the asker needs an answer again; the first response time stays.
    r = await t["ann"].post(f"{url}/replies", json={"body": "Even with a smiley?"})
    assert r.json()["status"] == "open"
    assert r.json()["first_response_at"] == got["first_response_at"]
    assert {n["kind"] for n in await _notes(t["lead"])} == {"question.new", "question.reply"}
    r = await t["ann"].post(f"{url}/resolve")
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert r.json()["clock"] is None and r.json()["resolved_at"] is not None
    r = await t["lead"].post(f"{url}/replies", json={"body": "late"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "question_resolved"
    r = await t["lead"].post(f"{url}/reopen")
    assert r.json()["status"] == "open" and r.json()["resolved_at"] is None
    r = await t["lead"].post(f"{url}/reopen")
    assert r.status_code == 409 and r.json()["error"]["code"] == "question_not_resolved"
    # The asker's own list and the lead's queue.
    mine = (await t["ann"].get("/api/v1/questions?scope=mine")).json()
    assert [x["id"] for x in mine] == [q["id"]] and mine[0]["project_name"] == t["project"].name
    queue = (await t["lead"].get("/api/v1/questions?scope=queue")).json()
    assert [x["id"] for x in queue] == [q["id"]]
    assert (await t["ann"].get("/api/v1/questions?scope=queue")).json() == []


async def test_permissions(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    stranger = await client_for(app, db, await make_user(db))
    q = await _raise(t["ann"], pid)
    base = f"/api/v1/projects/{pid}/questions"
    url = f"{base}/{q['id']}"
    for method, path in [("GET", base), ("GET", url), ("POST", base)]:
        r = await stranger.request(method, path, json={"category": "data", "text": "x"})
        assert r.status_code == 404, (method, path)
        assert r.json()["error"]["code"] == "project_not_found"
    assert (await t["viewer"].get(base)).status_code == 403
    assert (await t["viewer"].post(base, json={"category": "data", "text": "x"})).status_code == 403
    # Another annotator neither sees nor answers it; the reviewer does.
    assert (await t["other"].get(base)).json() == []
    r = await t["other"].get(url)
    assert r.status_code == 404 and r.json()["error"]["code"] == "question_not_found"
    assert (await t["other"].post(f"{url}/replies", json={"body": "x"})).status_code == 404
    assert (await t["rev"].get(url)).json()["can_answer"] is True
    assert (await t["rev"].post(f"{url}/replies", json={"body": "ok"})).status_code == 201
    # Only leads manage: settings, report, assignment, FAQ.
    for c in (t["ann"], t["rev"]):
        assert (await c.get(f"{base}/settings")).status_code == 403
        assert (await c.get(f"{base}/report")).status_code == 403
        assert (await c.put(f"{url}/assignee", json={"user_id": None})).status_code == 403
    r = await t["ann"].post(f"{url}/replies/1/faq")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    # The asker cannot release (that is for whoever answers).
    r = await t["ann"].post(f"{url}/release")
    assert r.status_code == 403


async def test_settings_defaults_and_validation(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    url = f"/api/v1/projects/{pid}/questions/settings"
    got = (await t["lead"].get(url)).json()
    assert got["calendar"]["tz"] == "UTC" and got["calendar"]["hours"]["0"] == [["09:00", "17:00"]]
    assert len(got["policies"]) == 16
    normal = next(
        p for p in got["policies"] if (p["category"], p["priority"]) == ("data", "normal")
    )
    assert normal == {
        "category": "data",
        "priority": "normal",
        "first_response_minutes": 240,
        "resolution_minutes": 960,
        "warn_before_minutes": 60,
        "escalation": ["leads", "admins"],
    }
    bad = [
        ({"calendar": {"tz": "Mars/Base"}}, "invalid_calendar"),
        ({"calendar": {"hours": {}}}, "invalid_calendar"),
        ({"routing": {"data": t["users"]["viewer"].id}}, "not_a_project_member"),
        ({"routing": {"weather": t["users"]["ann"].id}}, "invalid_category"),
        (
            {
                "policies": [
                    {
                        "category": "data",
                        "priority": "low",
                        "first_response_minutes": 100,
                        "resolution_minutes": 50,
                    }
                ]
            },
            "invalid_sla_policy",
        ),
        (
            {
                "policies": [
                    {
                        "category": "data",
                        "priority": "low",
                        "first_response_minutes": 10,
                        "resolution_minutes": 50,
                        "escalation": ["bosses"],
                    }
                ]
            },
            "invalid_escalation",
        ),
    ]
    for body, code in bad:
        r = await t["lead"].put(url, json=body)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == code, r.text
    r = await t["lead"].put(
        url,
        json={
            "calendar": {"tz": "Asia/Kolkata", "hours": {"0": [["10:00", "14:00"]]}},
            "policies": [
                {
                    "category": "data",
                    "priority": "urgent",
                    "first_response_minutes": 30,
                    "resolution_minutes": 120,
                    "warn_before_minutes": 10,
                    "escalation": [t["users"]["rev"].id, "leads"],
                }
            ],
        },
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["calendar"] == {
        "tz": "Asia/Kolkata",
        "hours": {"0": [["10:00", "14:00"]]},
        "holidays": [],
    }
    urgent = next(
        p for p in got["policies"] if (p["category"], p["priority"]) == ("data", "urgent")
    )
    assert urgent["escalation"] == [t["users"]["rev"].id, "leads"]
    assert urgent["first_response_minutes"] == 30


async def _access(db: Database, user: Any, project: Any) -> Any:
    return await project_access(db, user, project.id, "project.read")


async def test_sla_warning_and_escalation_with_a_fixed_clock(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    admin = await make_user(db, admin=True)
    project, ann = t["project"], t["users"]["ann"]
    access = await _access(db, ann, project)
    # Monday 15:00 UTC, normal priority, default calendar (Mon-Fri 09-17 UTC):
    # first answer due after 4 working hours = Tuesday 11:00 (warning an hour before);
    # resolution after 16 working hours = Wednesday 15:00 (warning at 14:00).
    q = await questions.raise_question(
        db, access, category="data", text="Broken image", now=at(0, 15)
    )
    assert q.response_due_at == at(1, 11) and q.response_warn_at == at(1, 10)
    assert q.resolution_due_at == at(2, 15) and q.resolution_warn_at == at(2, 14)

    assert await check_sla(db, at(1, 9.99)) == {"warned": 0, "escalated": 0}
    assert await check_sla(db, at(1, 10)) == {"warned": 1, "escalated": 0}
    assert await check_sla(db, at(1, 10.5)) == {"warned": 0, "escalated": 0}  # once only
    warnings = [n for n in await _notes(t["lead"]) if n["kind"] == "question.sla_warning"]
    assert len(warnings) == 1 and "first answer due in 60 min" in warnings[0]["title"]

    # The breach escalates to the next level: the leads hold it already, so the admins.
    # Two workers at once escalate it once.
    results = await asyncio.gather(check_sla(db, at(1, 11)), check_sla(db, at(1, 11)))
    assert sum(r["escalated"] for r in results) == 1
    async with db.read() as s:
        row = await s.get(Question, q.id)
    # Levels follow the chain (assignee 0, leads 1, admins 2): the leads step is passed over.
    assert row.status == "escalated" and row.escalation_level == 2
    assert row.assignee_group == "admins" and row.response_breached
    admin_c = await client_for(app, db, admin)
    assert [n["kind"] for n in await _notes(admin_c)] == ["question.escalated"]
    assert await check_sla(db, at(1, 12)) == {"warned": 0, "escalated": 0}
    # An answer now counts as late; the resolution clock still runs and can breach too.
    await questions.add_reply(
        db, await _access(db, admin, project), q.id, body="Skip it.", now=at(1, 12)
    )
    assert await check_sla(db, at(2, 14)) == {"warned": 1, "escalated": 0}
    assert await check_sla(db, at(2, 15)) == {"warned": 0, "escalated": 1}
    async with db.read() as s:
        row = await s.get(Question, q.id)
    assert row.resolution_breached and row.escalation_level == 2  # the chain has ended
    got = (await t["ann"].get(f"/api/v1/projects/{project.id}/questions/{q.id}")).json()
    assert got["breached"] is True and got["status"] == "escalated"
    # Nothing is left to do for it.
    assert await check_sla(db, at(9, 0)) == {"warned": 0, "escalated": 0}


async def test_escalation_chain_from_an_assignee(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    await t["lead"].put(
        f"/api/v1/projects/{project.id}/questions/settings",
        json={"routing": {"guideline": users["rev"].id}},
    )
    q = await questions.raise_question(
        db, await _access(db, users["ann"], project), category="guideline", text="?",
        priority="urgent", now=at(0, 9),
    )  # fmt: skip
    # Urgent: first answer in 1 working hour, resolution in 8.
    assert q.assignee_id == users["rev"].id
    assert q.response_due_at == at(0, 10) and q.resolution_due_at == at(0, 17)
    assert (await check_sla(db, at(0, 10)))["escalated"] == 1
    async with db.read() as s:
        row = await s.get(Question, q.id)
    assert (row.escalation_level, row.assignee_id, row.assignee_group) == (1, None, "leads")
    assert (await check_sla(db, at(0, 17)))["escalated"] == 1
    async with db.read() as s:
        row = await s.get(Question, q.id)
    assert (row.escalation_level, row.assignee_group) == (2, "admins")
    kinds = [n["kind"] for n in await _notes(t["rev"])]
    assert kinds.count("question.escalated") == 1  # told when it left them


async def test_a_backlog_of_answered_questions_does_not_hide_new_ones(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of two. Three answered questions sort first by their (past) warning instant but
    # have nothing due; the new question's warning is still sent. Later, three warnings at
    # once are sent over two pages in one call.
    monkeypatch.setattr(questions, "MAX_LIST", 2)
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    ann, lead = await _access(db, users["ann"], project), await _access(db, users["lead"], project)
    old = [
        await questions.raise_question(db, ann, category="other", text=f"old {i}", now=at(0, 9))
        for i in range(3)
    ]
    for q in old:
        await questions.add_reply(db, lead, q.id, body="Answered", now=at(0, 10))
    fresh = await questions.raise_question(db, ann, category="other", text="new", now=at(1, 9))
    assert fresh.response_warn_at == at(1, 12)
    assert await check_sla(db, at(1, 12.5)) == {"warned": 1, "escalated": 0}
    async with db.read() as s:
        row = await s.get(Question, fresh.id)
    assert row.response_warned
    assert old[0].resolution_warn_at == at(1, 16)
    # ...and the new question, unanswered past its deadline, is escalated in the same call.
    assert await check_sla(db, at(1, 16)) == {"warned": 3, "escalated": 1}


async def test_questions_escalated_without_a_warning_do_not_block_the_check(
    db: Database, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers down through the warning window: the first check escalates at once, and those
    # questions (never warned) must not fill the pages of later checks.
    monkeypatch.setattr(questions, "MAX_LIST", 2)
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    ann = await _access(db, users["ann"], project)
    for i in range(3):
        await questions.raise_question(db, ann, category="other", text=f"old {i}", now=at(0, 9))
    assert await check_sla(db, at(0, 14)) == {"warned": 0, "escalated": 3}
    fresh = await questions.raise_question(db, ann, category="other", text="new", now=at(1, 9))
    assert await check_sla(db, at(1, 12.5)) == {"warned": 1, "escalated": 0}
    async with db.read() as s:
        assert (await s.get(Question, fresh.id)).response_warned


async def test_answer_in_time_stops_the_response_clock(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    q = await questions.raise_question(
        db, await _access(db, users["ann"], project), category="other", text="?", now=at(0, 9)
    )
    await questions.add_reply(
        db, await _access(db, users["lead"], project), q.id, body="Yes", now=at(0, 10)
    )
    assert await check_sla(db, at(0, 13)) == {"warned": 0, "escalated": 0}
    async with db.read() as s:
        row = await s.get(Question, q.id)
    assert row.status == "answered" and not row.response_breached and not row.response_warned


async def test_sla_clock_uses_the_project_time_zone(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    r = await t["lead"].put(
        f"/api/v1/projects/{project.id}/questions/settings",
        json={"calendar": {"tz": "Asia/Kolkata", "holidays": ["2025-11-25"]}},
    )
    assert r.status_code == 200, r.text
    # Monday 10:00 UTC = 15:30 IST: 1.5 working hours left on Monday; Tuesday is a holiday;
    # 2.5 more hours from Wednesday 09:00 IST (03:30 UTC) -> 06:00 UTC.
    q = await questions.raise_question(
        db, await _access(db, users["ann"], project), category="data", text="?", now=at(0, 10)
    )
    assert q.response_due_at == at(2, 6)
    assert q.response_due_at.astimezone(UTC) == datetime(2025, 11, 26, 6, tzinfo=UTC)


async def test_promote_answer_to_guideline_faq(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    guide = f"/api/v1/projects/{pid}/guideline"
    assert (await t["lead"].post(f"{guide}/versions", json={"body": GUIDE})).status_code == 201
    q = await _raise(t["ann"], pid, guideline_section="§2", text="Is sarcasm negative?")
    assert q["guideline_section"] == "2" and q["guideline_version"] == 1
    url = f"/api/v1/projects/{pid}/questions/{q['id']}"
    reply = (await t["lead"].post(f"{url}/replies", json={"body": "Yes: label it neg."})).json()
    rid = reply["replies"][0]["id"]
    r = await t["lead"].post(f"{url}/replies/{rid}/faq")
    assert r.status_code == 201, r.text
    assert r.json() == {"reply_id": rid, "guideline_version": 2}
    current = (await t["ann"].get(guide)).json()["current"]
    assert current["version"] == 2 and current["requires_ack"] is False
    assert current["change_summary"] == "FAQ: Is sarcasm negative?"
    assert (
        current["body"] == GUIDE + "\n## FAQ\n\n**Q: Is sarcasm negative?**\n\nYes: label it neg.\n"
    )
    got = (await t["ann"].get(url)).json()
    assert got["replies"][0]["faq_version"] == 2
    assert "question.faq" in [n["kind"] for n in await _notes(t["ann"])]
    r = await t["lead"].post(f"{url}/replies/{rid}/faq")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_promoted"
    r = await t["lead"].post(f"{url}/replies/999999/faq")
    assert r.status_code == 404 and r.json()["error"]["code"] == "reply_not_found"


def test_faq_entries_go_to_the_end_of_the_faq_section() -> None:
    body = "# G\n\n## FAQ\n\n**Q: a**\n\nb\n\n## 9 Appendix\nz\n"
    assert append_faq(body, "c?", "d") == (
        "# G\n\n## FAQ\n\n**Q: a**\n\nb\n\n**Q: c?**\n\nd\n\n## 9 Appendix\nz\n"
    )
    assert append_faq("", "q", "a") == "## FAQ\n\n**Q: q**\n\na\n"


async def test_release_gives_the_parked_item_back_to_the_asker(db: Database, app: Any) -> None:
    t = await _setup(db, app, items=1)
    pid = t["project"].id
    task = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    item_id = task["item"]["id"]
    q = await _raise(t["ann"], pid, park=True, lease_id=task["lease"]["id"])
    assert q["item_id"] == item_id
    assert (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()["status"] == "empty"
    url = f"/api/v1/projects/{pid}/questions/{q['id']}"
    r = await t["lead"].post(f"{url}/replies", json={"body": "Label it neg.", "release_item": True})
    assert r.status_code == 201, r.text
    assert r.json()["parked"] is False and r.json()["released_at"] is not None
    released = [n for n in await _notes(t["ann"]) if n["kind"] == "question.released"]
    assert released[0]["link"] == f"/projects/{pid}/annotate"
    again = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    assert again["status"] == "assigned" and again["item"]["id"] == item_id
    r = await t["lead"].post(f"{url}/release")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_released"
    q2 = await _raise(t["ann"], pid)
    r = await t["lead"].post(f"/api/v1/projects/{pid}/questions/{q2['id']}/release")
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_parked"


async def test_reassign(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid, rev = t["project"].id, t["users"]["rev"]
    q = await _raise(t["ann"], pid)
    url = f"/api/v1/projects/{pid}/questions/{q['id']}/assignee"
    r = await t["lead"].put(url, json={"user_id": rev.id})
    assert r.status_code == 200 and r.json()["assignee"]["id"] == rev.id
    assert r.json()["response_due_at"] == q["response_due_at"]  # the promise stays
    assert [n["kind"] for n in await _notes(t["rev"])] == ["question.assigned"]
    r = await t["lead"].put(url, json={"user_id": t["users"]["viewer"].id})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_a_project_member"
    r = await t["lead"].put(url, json={"user_id": None})
    assert r.json()["assignee"] is None and r.json()["assignee_group"] == "leads"


async def test_report_on_fixed_data(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    asker = await _access(db, users["ann"], project)
    lead = await _access(db, users["lead"], project)
    # Three guideline questions raised Monday 09:00 (first answer due 13:00), answered after
    # 1 h, 2 h and 5 h (the last one late); the first two resolved after 3 h and 44 h
    # (resolution is due after 16 working hours: Tuesday 17:00).
    made = []
    for answer_after in (1, 2, 5):
        q = await questions.raise_question(db, asker, category="guideline", text="?", now=at(0, 9))
        await questions.add_reply(db, lead, q.id, body="a", now=at(0, 9 + answer_after))
        made.append(q)
    await questions.set_status(db, asker, made[0].id, "resolved", now=at(0, 12))
    await questions.set_status(db, asker, made[1].id, "resolved", now=at(2, 5))
    # One data question, never answered, past its deadlines at the time of the report.
    await questions.raise_question(db, asker, category="data", text="?", now=at(0, 9))
    data = await questions.report(db, lead, at(0, 0), at(1, 0), now=at(7, 0))
    g = data["by_category"]["guideline"]
    assert g == {
        "count": 3,
        "by_status": {"open": 0, "answered": 1, "resolved": 2, "escalated": 0},
        "response_median_s": 7200.0,
        "response_p90_s": 7200 + (18000 - 7200) * 0.8,
        "resolution_median_s": (10800 + 158400) / 2,
        "resolution_p90_s": 10800 + (158400 - 10800) * 0.9,
        "response_sla_pct": 66.7,
        "resolution_sla_pct": 33.3,  # one met, one late, one still open
    }
    assert data["by_category"]["data"]["response_sla_pct"] == 0.0
    assert data["by_category"]["tool"]["count"] == 0
    assert data["by_category"]["tool"]["response_sla_pct"] is None
    assert data["total"]["count"] == 4 and data["total"]["by_status"]["open"] == 1
    assert data["total"]["response_sla_pct"] == 50.0
    # The same through HTTP, as CSV.
    r = await t["lead"].get(
        f"/api/v1/projects/{project.id}/questions/report",
        params={"start": "2025-11-24T00:00:00Z", "end": "2025-11-25T00:00:00Z", "format": "csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:3] == ["category", "count", "open"]
    assert rows[1][0] == "guideline" and rows[1][1] == "3" and rows[-1][0] == "all"
    r = await t["lead"].get(
        f"/api/v1/projects/{project.id}/questions/report",
        params={"start": "2025-11-25T00:00:00Z", "end": "2025-11-24T00:00:00Z"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_range"
    raised = await questions.questions_raised_by(db, users["ann"].id, at(0, 0), at(1, 0))
    assert len(raised) == 4 and set(raised[0]) == {
        "id", "project_id", "item_id", "category", "priority", "status", "created_at",
        "first_response_at", "resolved_at", "breached",
    }  # fmt: skip
    assert [r["breached"] for r in raised] == [False, True, True, True]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([], 50, None), ([5.0], 90, 5.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.5), ([0.0, 10.0], 90, 9.0)],
)
def test_percentile(values: list[float], q: float, expected: float | None) -> None:
    assert percentile(values, q) == expected


async def test_notifications_read_and_unread(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    await _raise(t["ann"], pid)
    await _raise(t["ann"], pid, text="Another")
    assert (await t["lead"].get("/api/v1/notifications/unread")).json() == {"unread": 2}
    notes = await _notes(t["lead"])
    r = await t["lead"].post(f"/api/v1/notifications/{notes[0]['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    page = (await t["lead"].get("/api/v1/notifications?unread=true")).json()
    assert page["unread"] == 1 and [n["id"] for n in page["items"]] == [notes[1]["id"]]
    r = await t["ann"].post(f"/api/v1/notifications/{notes[1]['id']}/read")
    assert r.status_code == 404 and r.json()["error"]["code"] == "notification_not_found"
    assert (await t["lead"].post("/api/v1/notifications/read-all")).json() == {"unread": 0}


async def test_parked_assignment_is_recorded(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    pid = t["project"].id
    task = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    q = await _raise(t["ann"], pid, park=True, lease_id=task["lease"]["id"])
    async with db.read() as s:
        parked = await s.scalar(select(Question.parked_assignment_id).where(Question.id == q["id"]))
    assert parked == task["lease"]["id"]


async def test_question_by_id_for_links(db: Database, app: Any) -> None:
    t = await _setup(db, app)
    q = await _raise(t["ann"], t["project"].id)
    got = await t["ann"].get(f"/api/v1/questions/{q['id']}")
    assert got.status_code == 200 and got.json()["project_id"] == t["project"].id
    for c in (t["other"], t["viewer"]):
        r = await c.get(f"/api/v1/questions/{q['id']}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "question_not_found"
    assert (await t["ann"].get("/api/v1/questions/999999")).status_code == 404


async def test_sla_clock_uses_the_assignees_shift_calendar(db: Database, app: Any) -> None:
    from truthline.services import workforce

    t = await _setup(db, app)
    project, users = t["project"], t["users"]
    admin = await make_user(db, admin=True)
    rev = users["rev"]
    await workforce.set_timezone(db, admin, rev.id, "Asia/Kolkata")
    await workforce.set_schedule(
        db, admin, rev.id, [{"0": [["10:00", "12:00"]], "1": [["10:00", "12:00"]]}], None, []
    )
    await t["lead"].put(
        f"/api/v1/projects/{project.id}/questions/settings", json={"routing": {"data": rev.id}}
    )
    # Monday 09:00 UTC is 14:30 in Kolkata, after the reviewer's shift (10:00-12:00 IST):
    # the urgent hour starts on Tuesday at 10:00 IST (04:30 UTC).
    q = await questions.raise_question(
        db, await _access(db, users["ann"], project), category="data", text="?",
        priority="urgent", now=at(0, 9),
    )  # fmt: skip
    assert q.assignee_id == rev.id
    assert q.response_due_at == at(1, 5.5)
    # A question for the leads (no shift calendar) runs on the project's calendar.
    q2 = await questions.raise_question(
        db, await _access(db, users["ann"], project), category="tool", text="?",
        priority="urgent", now=at(0, 9),
    )  # fmt: skip
    assert q2.response_due_at == at(0, 10)


async def test_a_question_about_an_item_already_submitted(db: Database, app: Any) -> None:
    """Work that has moved on (submitted, now in review) can still be asked about."""
    t = await _setup(db, app, items=1)
    pid = t["project"].id
    task = (await t["ann"].post(f"/api/v1/projects/{pid}/queue/next")).json()
    item_id = task["item"]["id"]
    r = await t["ann"].post(
        f"/api/v1/projects/{pid}/items/{item_id}/annotations",
        json={
            "result": {"sentiment": {"labels": ["neg"]}},
            "lease_id": task["lease"]["id"],
            "idempotency_key": "k1",
        },
    )
    assert r.status_code in (200, 201), r.text
    q = await _raise(t["ann"], pid, item_id=item_id)
    assert q["item_id"] == item_id and q["parked"] is False
