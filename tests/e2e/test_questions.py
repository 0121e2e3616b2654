"""Questions: an annotator asks about a task and parks the item, works on; the lead answers from
the questions queue, releases the item and adds the answer to the guideline's FAQ; the annotator
is notified, reads the answer and finds it in the guideline beside the next task."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, VIEWPORT, shot, sign_in

pytestmark = pytest.mark.e2e

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["positive", "negative"]}
    ],
}
GUIDE = "# Sentiment\n\n## 1 Scope\n\nLabel the feeling.\n\n## 2 Classes\n\nPositive is happy.\n"
QUESTION = "Is sarcastic praise positive or negative?"
ANSWER = "Negative: label what the writer means, not the words."


def _setup(server: Any, schema: dict | None = None) -> tuple[str, int]:
    """A project of its own with two items and a guideline, and an annotator on it."""
    suffix = uuid.uuid4().hex[:6]
    username = f"quinn{suffix}"
    r = server.api("POST", "/users", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    body = {"name": f"Questions {suffix}", "schema": schema or SCHEMA}
    r = server.api("POST", "/projects", json=body)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for who, role in ((username, "annotator"), ("lead", "lead")):
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": who, "role": role})
        assert r.status_code == 200, r.text
    rows = b'{"id": "q-1", "text": "Oh great, another delay."}\n{"id": "q-2", "text": "Fine."}\n'
    r = server.api("POST", f"/projects/{pid}/imports", files={"file": ("items.jsonl", rows)})
    assert r.status_code in (201, 202), r.text
    r = server.api("POST", f"/projects/{pid}/guideline/versions", json={"body": GUIDE})
    assert r.status_code == 201, r.text
    return username, pid


def test_raise_answer_and_promote_to_faq(page, browser, server) -> None:
    username, pid = _setup(server)
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # The annotator asks from the task, attaches the section and parks the item.
        sign_in(ann, username, f"/projects/{pid}/annotate")
        workspace = ann.get_by_test_id("workspace")
        expect(workspace).to_have_attribute("data-phase", "working")
        expect(ann.get_by_test_id("item-id")).to_contain_text("q-1")
        ann.get_by_test_id("raise-question").click()
        dialog = ann.get_by_test_id("question-dialog")
        expect(dialog.get_by_test_id("question-category-guideline")).to_be_checked()
        dialog.get_by_test_id("question-text").fill(QUESTION)
        dialog.get_by_test_id("question-section").select_option("2")
        dialog.get_by_test_id("question-park").check()
        shot(ann, "questions-raise")
        dialog.get_by_test_id("question-send").click()
        expect(ann.get_by_test_id("question-sent")).to_contain_text("the item is parked")
        expect(dialog).to_have_count(0)
        # Work goes on with the next item.
        expect(ann.get_by_test_id("item-id")).to_contain_text("q-2")
        expect(workspace).to_have_attribute("data-phase", "working")

        # The lead finds it in the queue with its SLA clock, answers, releases the item.
        sign_in(page, "lead", "/questions?view=queue")
        row = page.get_by_test_id("question-row").filter(has_text=QUESTION)
        expect(row).to_have_count(1)
        expect(row.get_by_test_id("sla-badge")).to_contain_text("answer")
        row.get_by_role("button").click()
        detail = page.get_by_test_id("question-detail")
        expect(detail.get_by_test_id("question-text-shown")).to_have_text(QUESTION)
        expect(detail).to_contain_text("item q-1")
        expect(detail).to_contain_text("item parked")
        expect(detail).to_contain_text("guideline §2 (v1)")
        expect(detail.get_by_test_id("reply-release")).to_be_checked()
        detail.get_by_test_id("reply-body").fill(ANSWER)
        detail.get_by_test_id("reply-send").click()
        expect(detail.get_by_test_id("question-status")).to_have_text("answered")
        expect(detail.get_by_test_id("question-reply")).to_have_count(1)
        expect(detail).to_contain_text("item released to the asker")
        # The answer goes into the guideline's FAQ as a new version.
        detail.get_by_test_id("promote-faq").click()
        expect(detail.get_by_test_id("reply-faq")).to_have_text("in guideline v2 FAQ")
        expect(detail.get_by_test_id("promote-faq")).to_have_count(0)
        shot(page, "questions-thread")
        current = server.api("GET", f"/projects/{pid}/guideline").json()["current"]
        assert current["version"] == 2 and current["change_summary"] == f"FAQ: {QUESTION}"
        assert current["body"].endswith(f"## FAQ\n\n**Q: {QUESTION}**\n\n{ANSWER}\n")

        # The lead console lists it with the report beside.
        page.goto(f"/lead/projects/{pid}?tab=questions")
        page.get_by_test_id("questions-open-only").uncheck()
        expect(page.get_by_test_id("questions-tab").get_by_test_id("question-row")).to_have_count(1)
        page.get_by_test_id("questions-part-report").click()
        guideline_row = page.get_by_test_id("report-row").filter(has_text="Guideline unclear")
        expect(guideline_row.locator("td").first).to_have_text("1")
        shot(page, "questions-report")

        # The annotator is notified, reads the answer, and the item is offered again.
        ann.goto("/questions")
        expect(ann.get_by_test_id("questions-tab-mine")).to_have_text("Asked by me (1)")
        expect(ann.get_by_test_id("notifications-count")).to_have_text("3")
        ann.get_by_test_id("notifications-bell").click()
        notes = ann.get_by_test_id("notification-item")
        expect(notes.filter(has_text="was answered")).to_have_count(1)
        expect(notes.filter(has_text="back in your queue")).to_have_count(1)
        expect(notes.filter(has_text="in the guideline FAQ")).to_have_count(1)
        shot(ann, "questions-notifications")
        notes.filter(has_text="was answered").click()
        mine = ann.get_by_test_id("question-detail")
        expect(mine.get_by_test_id("question-reply")).to_contain_text(ANSWER)
        expect(ann.get_by_test_id("notifications-count")).to_have_text("2")
        # Beside the task, the guideline in force now carries the FAQ entry.
        ann.goto(f"/projects/{pid}/annotate")
        expect(ann.get_by_test_id("guideline-version")).to_have_text("Guideline v2")
        expect(ann.get_by_test_id("instructions")).to_contain_text(ANSWER)
        # The released item is offered again (after the task in hand, when one is held).
        item = ann.get_by_test_id("item-id")
        expect(item).to_contain_text(re.compile(r"q-[12]"))
        if "q-2" in item.inner_text():
            ann.get_by_role("button", name="positive").first.click()
            ann.get_by_test_id("submit").click()
        expect(item).to_contain_text("q-1")
        assert not errors, f"uncaught errors in the annotator's page: {errors}"
    finally:
        ctx.close()


def test_ask_from_a_guideline_section(page, browser, server) -> None:
    """From a numbered section of the guideline beside the task, and from the whole text in the
    acknowledgement gate: the question names the section and carries no item; a "§2" in a
    question's help links to that section."""
    helped = {
        "fields": SCHEMA["fields"],
        "questions": [{**SCHEMA["questions"][0], "help": "Irony and praise: see §2, not §9."}],
    }
    username, pid = _setup(server, helped)
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(ann, username, f"/projects/{pid}/annotate")
        expect(ann.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
        pane = ann.get_by_test_id("instructions")
        # The help's "§2" scrolls the guideline there; "§9" names no section and stays text.
        help_text = ann.get_by_test_id("help-sentiment")
        expect(help_text).to_have_text("Irony and praise: see §2, not §9.")
        expect(help_text.get_by_role("link")).to_have_count(1)
        help_text.get_by_test_id("help-section-link-sentiment-2").click()
        expect(pane.locator("#guideline-2")).to_be_focused()

        # Every numbered section can be asked about; the form has the section and no item.
        expect(pane.get_by_role("button", name=re.compile("Ask about section"))).to_have_count(2)
        pane.get_by_test_id("ask-section-2").click()
        dialog = ann.get_by_test_id("question-dialog")
        expect(dialog.get_by_role("heading")).to_have_text("Ask about §2 of the guideline")
        expect(dialog.get_by_test_id("question-section")).to_have_value("2")
        expect(dialog.get_by_test_id("question-about-section")).to_contain_text("no item")
        expect(dialog.get_by_test_id("question-park")).to_have_count(0)
        dialog.get_by_test_id("question-text").fill("Does irony count as a class of its own?")
        shot(ann, "questions-from-section")
        dialog.get_by_test_id("question-send").click()
        sent = ann.get_by_test_id("question-sent")
        expect(sent).to_contain_text("sent")
        expect(sent).not_to_contain_text("parked")
        expect(dialog).to_have_count(0)
        # The task in hand is still there.
        expect(ann.get_by_test_id("item-id")).to_contain_text("q-1")

        # A new version requiring acknowledgement: asked about from the whole text in the gate.
        r = server.api(
            "POST",
            f"/projects/{pid}/guideline/versions",
            json={"body": GUIDE + "\n## 3 Irony\n\nIrony is negative.\n", "requires_ack": True},
        )
        assert r.status_code == 201, r.text
        ann.goto(f"/projects/{pid}/annotate")
        gate = ann.get_by_test_id("guideline-gate")
        expect(gate).to_be_visible()
        gate.get_by_test_id("gate-whole").click()
        gate.get_by_test_id("ask-section-3").click()
        expect(dialog.get_by_test_id("question-section")).to_have_value("3")
        expect(dialog.get_by_test_id("question-park")).to_have_count(0)
        dialog.get_by_test_id("question-text").fill("Is mild irony negative too?")
        dialog.get_by_test_id("question-send").click()
        expect(ann.get_by_test_id("question-sent")).to_be_visible()
        expect(gate).to_be_visible()  # still to confirm
        assert not errors, f"uncaught errors in the annotator's page: {errors}"
    finally:
        ctx.close()

    asked = server.api("GET", f"/projects/{pid}/questions").json()
    assert sorted(
        (q["guideline_section"], q["item_id"], q["guideline_version"]) for q in asked
    ) == [
        ("2", None, 1),
        ("3", None, 2),
    ]
    # The lead sees it in the queue, about the section and no item.
    sign_in(page, "lead", "/questions?view=queue")
    row = page.get_by_test_id("question-row").filter(has_text="irony count as a class")
    expect(row).to_have_count(1)
    row.get_by_role("button").click()
    detail = page.get_by_test_id("question-detail")
    expect(detail).to_contain_text("guideline §2 (v1)")
    expect(detail).not_to_contain_text("item q-")
