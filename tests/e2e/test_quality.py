"""Quality in the browser: gold mixed into the queue with feedback, a review with a rejection
and rework, and the dashboard's drill-down from the error codes Pareto to the item."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.support import shot, sign_in

pytestmark = pytest.mark.e2e

GOLD_FEEDBACK = "Thanks and praise are positive (guideline 2.1)."
REJECT_COMMENT = "A complaint about the order: negative (guideline 2.2)."


def _item_id(server, project: str, external_id: str) -> int:
    pid = server.projects[project]
    page = server.api("GET", f"/projects/{pid}/items", params={"limit": 200}).json()
    return next(i["id"] for i in page["items"] if i["external_id"] == external_id)


def _stage(server, project: str, external_id: str) -> str:
    pid = server.projects[project]
    item = _item_id(server, project, external_id)
    return server.api("GET", f"/projects/{pid}/items/{item}").json()["stage"]


def _working_on(page, external_id: str) -> None:
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    expect(page.get_by_test_id("item-id")).to_have_text(re.compile(rf"item {external_id}$"))


def _choose(page, label: str) -> None:
    choice = page.get_by_role("radio", name=re.compile(label))
    choice.click()
    expect(choice).to_have_attribute("aria-checked", "true")


def test_gold_item_in_the_queue_with_feedback(page, server) -> None:
    pid = server.projects["Golden"]
    k1 = _item_id(server, "Golden", "k1")

    # A first annotator's answer on k1 becomes the reference.
    sign_in(page, "ann8", f"/projects/{pid}/annotate")
    _working_on(page, "k1")
    _choose(page, "positive")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("item-id")).not_to_have_text(re.compile(r"item k1$"))

    # The lead marks k1 as gold from that answer, with feedback, and sets the gold rate to 1.
    sign_in(page, "lead", f"/lead/projects/{pid}?tab=items&item={k1}")
    expect(page.get_by_test_id("item-view")).to_be_visible()
    expect(page.get_by_test_id("gold-mark")).to_be_enabled()
    page.get_by_test_id("gold-feedback-text").fill(GOLD_FEEDBACK)
    page.get_by_test_id("gold-mark").click()
    expect(page.get_by_test_id("gold-state")).to_be_visible()
    gold = server.api("GET", f"/projects/{pid}/gold").json()["items"]
    assert [(g["item_id"], g["feedback"]) for g in gold] == [(k1, GOLD_FEEDBACK)]
    assert gold[0]["answer"] == {"sentiment": {"labels": ["positive"]}}

    page.get_by_test_id("tab-quality").click()
    page.get_by_test_id("quality-view-settings").click()
    page.get_by_test_id("gold-rate").fill("1")
    page.get_by_test_id("quality-save").click()
    expect(page.get_by_test_id("quality-saved")).to_be_visible()
    settings = server.api("GET", f"/projects/{pid}/quality/settings").json()
    assert settings["gold"]["rate"] == 1

    # Another annotator gets the gold item like any other, answers wrongly, sees the feedback.
    sign_in(page, "ann9", f"/projects/{pid}/annotate")
    _working_on(page, "k1")
    expect(page.get_by_test_id("gold-state")).to_have_count(0)
    _choose(page, "negative")
    page.get_by_test_id("submit").click()
    toast = page.get_by_test_id("gold-feedback")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text(GOLD_FEEDBACK)

    # The lead sees the gold score.
    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=gold")
    row = page.get_by_test_id("gold-annotator-ann9")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("gold-mean")).to_have_text("0.00")
    expect(page.get_by_test_id(f"gold-item-{k1}")).to_be_visible()


def test_review_rejects_then_rework_then_accept(page, server) -> None:
    pid = server.projects["Reviewed"]
    r1 = _item_id(server, "Reviewed", "r1")

    # The lead turns review on for every item and defines one error code.
    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=settings")
    page.get_by_test_id("review-mode-all").check()
    page.get_by_test_id("taxonomy-add").click()
    page.get_by_test_id("taxonomy-code-0").fill("wrong label")
    expect(page.get_by_test_id("quality-save")).to_be_disabled()  # checked before it is sent
    page.get_by_test_id("taxonomy-code-0").fill("wrong_label")
    page.get_by_test_id("taxonomy-title-0").fill("Wrong label")
    page.get_by_test_id("taxonomy-section-0").fill("2")
    page.get_by_test_id("quality-save").click()
    expect(page.get_by_test_id("quality-saved")).to_be_visible()
    settings = server.api("GET", f"/projects/{pid}/quality/settings").json()
    assert settings["review"]["mode"] == "all"
    assert settings["error_taxonomy"] == [
        {"code": "wrong_label", "title": "Wrong label", "section": "2"}
    ]

    # The annotator submits.
    sign_in(page, "ann10", f"/projects/{pid}/annotate")
    _working_on(page, "r1")
    _choose(page, "positive")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert _stage(server, "Reviewed", "r1") == "review"

    # The reviewer rejects it with an error code and a comment.
    sign_in(page, "rev1", "/")
    page.get_by_test_id(f"start-{pid}-review").click()
    workspace = page.get_by_test_id("review-workspace")
    expect(workspace).to_have_attribute("data-phase", "working")
    expect(page.get_by_test_id("item-id")).to_have_text(re.compile(r"item r1$"))
    expect(page.get_by_test_id("review-showing")).to_contain_text("ann10")
    expect(page.get_by_role("radio", name=re.compile("positive"))).to_have_attribute(
        "aria-checked", "true"
    )
    page.keyboard.press("?")
    sheet = page.get_by_test_id("shortcut-sheet")
    expect(sheet).to_contain_text("reject it")
    page.keyboard.press("Escape")
    expect(sheet).to_have_count(0)
    page.keyboard.press("r")
    expect(page.get_by_test_id("reject-form")).to_be_visible()
    page.get_by_test_id("code-wrong_label").check()
    page.get_by_test_id("review-comment").fill(REJECT_COMMENT)
    shot(page, "review-workspace")
    page.get_by_test_id("review-send-reject").click()
    expect(workspace).to_have_attribute("data-phase", "empty")
    assert _stage(server, "Reviewed", "r1") == "rework"

    # The annotator finds it under rework with the note, fixes it and sends it back.
    sign_in(page, "ann10", "/")
    page.get_by_test_id(f"rework-link-{pid}").click()
    expect(page.get_by_test_id("rework-list")).to_contain_text(REJECT_COMMENT)
    page.get_by_test_id(f"rework-open-{r1}").click()
    notes = page.get_by_test_id("rework-notes")
    expect(notes).to_contain_text(REJECT_COMMENT)
    expect(notes).to_contain_text("Wrong label")
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    expect(page.get_by_role("radio", name=re.compile("positive"))).to_have_attribute(
        "aria-checked", "true"
    )
    _choose(page, "negative")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("rework-sent")).to_be_visible()
    expect(page.get_by_test_id("rework-empty")).to_be_visible()
    assert _stage(server, "Reviewed", "r1") == "review"

    # Back in review, the reviewer accepts it.
    sign_in(page, "rev1", f"/projects/{pid}/review")
    expect(workspace).to_have_attribute("data-phase", "working")
    expect(page.get_by_role("radio", name=re.compile("negative"))).to_have_attribute(
        "aria-checked", "true"
    )
    page.keyboard.press("a")
    expect(workspace).to_have_attribute("data-phase", "empty")
    assert _stage(server, "Reviewed", "r1") == "done"
    verdicts = server.api("GET", f"/projects/{pid}/items/{r1}/reviews").json()
    assert [(v["verdict"], v["error_codes"]) for v in verdicts] == [
        ("reject", ["wrong_label"]),
        ("accept", []),
    ]


def test_dashboard_drills_down_from_the_pareto_to_the_item(page, server) -> None:
    """Runs after the review test: its rejection is the one error code counted."""
    pid = server.projects["Reviewed"]
    r1 = _item_id(server, "Reviewed", "r1")
    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=errors")
    bar = page.get_by_test_id("pareto-bar-wrong_label")
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("pareto-csv")).to_have_attribute(
        "href", re.compile(r"/quality/errors/pareto\?format=csv$")
    )
    shot(page, "quality-dashboard")
    bar.click()
    drill = page.get_by_test_id("drill-down")
    expect(drill).to_contain_text("code wrong_label")
    page.get_by_test_id(f"drill-item-{r1}").click()
    view = page.get_by_test_id("item-view")
    expect(view).to_be_visible()
    expect(view).to_contain_text("r1")
    expect(page.get_by_test_id("item-reviews")).to_contain_text("wrong_label")
