"""Quality in the browser: gold mixed into the queue with feedback, a review with a rejection
and rework, and the dashboard's drill-down from the error codes Pareto to the item."""

from __future__ import annotations

import re

import httpx
import orjson
import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, shot, sign_in

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


# ---- review lots and reviewer agreement (data made through the API) --------------------------
TEXT_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["positive", "negative"]}
    ],
}


def _person(server, username: str) -> httpx.Client:
    """A new user signed in through the API: a client with its session and CSRF token."""
    r = server.api("POST", "/users", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    c = httpx.Client(base_url=f"{server.url}/api/v1", timeout=10)
    me = c.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert me.status_code == 200, me.text
    c.headers["X-CSRF-Token"] = me.json()["csrf_token"]
    return c


def _project(server, name: str, n_items: int, quality: dict, people: dict[str, str]) -> int:
    r = server.api("POST", "/projects", json={"name": name, "schema": TEXT_SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for username, role in {"lead": "lead", **people}.items():
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": username, "role": role})
        assert r.status_code == 200, r.text
    rows = b"".join(
        orjson.dumps({"id": f"{name}-{n}", "text": f"t{n}"}) + b"\n" for n in range(n_items)
    )
    r = server.api(
        "POST", f"/projects/{pid}/imports?kind=items", files={"file": ("items.jsonl", rows)}
    )
    assert r.status_code == 201, r.text
    r = server.api("PUT", f"/projects/{pid}/quality/settings", json=quality)
    assert r.status_code == 200, r.text
    return pid


def _annotate_all(c: httpx.Client, pid: int, n: int) -> None:
    for _ in range(n):
        task = c.post(f"/projects/{pid}/queue/next", json={"stage": "annotate"}).json()
        assert task["status"] == "assigned", task
        body = {
            "result": {"sentiment": {"labels": ["positive"]}},
            "idempotency_key": f"{pid}-{task['item']['id']}",
            "lease_id": task["lease"]["id"],
        }
        r = c.post(f"/projects/{pid}/items/{task['item']['id']}/annotations", json=body)
        assert r.status_code == 201, r.text


def _judge(c: httpx.Client, pid: int, item_id: int, verdict: str) -> dict:
    (target,) = c.get(f"/projects/{pid}/items/{item_id}/annotations").json()
    body = {
        "annotation_id": target["id"],
        "verdict": verdict,
        "error_codes": ["sloppy"] if verdict != "accept" else [],
    }
    r = c.post(f"/projects/{pid}/items/{item_id}/review", json=body)
    assert r.status_code == 201, r.text
    return r.json()


TAXONOMY = [{"code": "sloppy", "title": "Sloppy work", "section": "1"}]


def test_a_rejected_lot_shows_its_items_in_rework(page, server) -> None:
    ann, rev = _person(server, "lotann"), _person(server, "lotrev")
    quality = {
        "review": {"mode": "random", "aql": 2.5, "lot_size": 13},  # Z1.4: sample 5 of 13
        "error_taxonomy": TAXONOMY,
    }
    pid = _project(server, "Lots", 13, quality, {"lotann": "annotator", "lotrev": "reviewer"})
    _annotate_all(ann, pid, 13)

    # The full lot drew its sample; the reviewer rejects the first sampled item.
    (lot,) = rev.get(f"/projects/{pid}/review/lots").json()["items"]
    assert lot["status"] == "sampling"
    detail = rev.get(f"/projects/{pid}/review/lots/{lot['id']}").json()
    sample = [i for i in detail["items"] if i["sampled"]]
    held = [i for i in detail["items"] if not i["sampled"]]
    assert sample and held, detail
    for n, item in enumerate(sample):
        _judge(rev, pid, item["item_id"], "reject" if n == 0 else "accept")

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=lots")
    row = page.get_by_test_id(f"lot-{lot['id']}")
    expect(row.get_by_test_id("lot-status")).to_have_text("rejected")
    expect(row.get_by_test_id("lot-failures")).to_have_text("1")
    row.click()
    view = page.get_by_test_id("lot-detail")
    expect(view.get_by_test_id("lot-detail-status")).to_have_text("rejected")
    expect(page.get_by_test_id("lot-rejected-note")).to_contain_text("rework")
    for item in held:
        line = page.get_by_test_id(f"lot-item-{item['external_id']}")
        expect(line.get_by_test_id("lot-item-stage")).to_have_text("rework")
        expect(line.get_by_test_id("lot-item-rework")).to_have_text("in rework (1 open)")
    shot(page, "review-lots")
    page.get_by_test_id(f"lot-item-{held[0]['external_id']}").click()
    expect(page.get_by_test_id("item-view")).to_contain_text(held[0]["external_id"])


def test_reviewer_agreement_after_two_reviewers_judge_the_same_items(page, server) -> None:
    ann, first, second = (_person(server, n) for n in ("agrann", "agrrev1", "agrrev2"))
    quality = {"review": {"mode": "all", "double_rate": 1.0}, "error_taxonomy": TAXONOMY}
    people = {"agrann": "annotator", "agrrev1": "reviewer", "agrrev2": "reviewer"}
    pid = _project(server, "Agreement", 2, quality, people)
    _annotate_all(ann, pid, 2)
    items = sorted(i["id"] for i in server.api("GET", f"/projects/{pid}/items").json()["items"])
    for item_id in items:
        assert _judge(first, pid, item_id, "accept")["item_stage"] == "review"
    assert _judge(second, pid, items[0], "accept")["item_stage"] == "done"
    assert _judge(second, pid, items[1], "reject")["item_stage"] == "rework"

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=settings")
    page.get_by_test_id("quality-view-reviewers").click()
    panel = page.get_by_test_id("reviewer-agreement")
    expect(panel.get_by_test_id("reviewed-twice")).to_have_text("2 (100%)")
    expect(panel.get_by_test_id("verdict-agreement")).to_have_text("50%")
    expect(panel.get_by_test_id("verdict-kappa")).to_have_text("0.00")
    expect(page.get_by_test_id("reviewer-pair-agrrev1-agrrev2")).to_contain_text("50%")
    expect(page.get_by_test_id("reviewer-codes")).to_contain_text("sloppy")


def test_lead_writes_the_gold_answer_of_an_item_nobody_annotated(page, server) -> None:
    pid = _project(server, "Written", 2, {}, {})
    items = server.api("GET", f"/projects/{pid}/items").json()["items"]
    target = next(i["id"] for i in items if i["external_id"] == "Written-0")
    explanation = "A complaint about the delivery is negative (guideline 2.2)."

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=items&item={target}")
    panel = page.get_by_test_id("gold-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("gold-mark")).to_be_disabled()  # no annotation to take it from
    page.get_by_test_id("gold-write").click()
    expect(page.get_by_test_id("gold-writing")).to_be_visible()
    page.get_by_test_id("gold-save-answer").click()  # nothing chosen yet: refused here
    expect(panel.get_by_test_id("error")).to_contain_text("Answer at least one question")
    _choose(page, "negative")
    page.get_by_test_id("gold-feedback-text").fill(explanation)
    page.get_by_test_id("gold-save-answer").click()
    expect(page.get_by_test_id("gold-state")).to_have_text("gold · manual")
    expect(page.get_by_test_id("gold-writing")).to_have_count(0)
    (entry,) = server.api("GET", f"/projects/{pid}/gold").json()["items"]
    assert entry["item_id"] == target and entry["feedback"] == explanation
    assert entry["answer"] == {"sentiment": {"labels": ["negative"]}}
    assert server.api("GET", f"/projects/{pid}/items/{target}").json()["stage"] == "gold"

    # Editing starts from the stored answer; cancelling leaves it as it was.
    page.get_by_test_id("gold-write").click()
    expect(page.get_by_role("radio", name=re.compile("negative"))).to_have_attribute(
        "aria-checked", "true"
    )
    _choose(page, "positive")
    page.get_by_test_id("gold-cancel-write").click()
    expect(page.get_by_test_id("gold-write")).to_be_visible()
    (again,) = server.api("GET", f"/projects/{pid}/gold").json()["items"]
    assert again["answer"] == {"sentiment": {"labels": ["negative"]}}


def test_a_confusion_cell_drills_down_to_its_items(page, server) -> None:
    ann = _person(server, "confann")
    pid = _project(server, "Confusion", 3, {}, {"confann": "annotator"})
    given = {"Confusion-0": "positive", "Confusion-1": "negative", "Confusion-2": "negative"}
    ids = {}
    for _ in given:
        task = ann.post(f"/projects/{pid}/queue/next", json={"stage": "annotate"}).json()
        assert task["status"] == "assigned", task
        item = task["item"]
        ids[item["external_id"]] = item["id"]
        body = {
            "result": {"sentiment": {"labels": [given[item["external_id"]]]}},
            "idempotency_key": f"conf-{item['id']}",
            "lease_id": task["lease"]["id"],
        }
        r = ann.post(f"/projects/{pid}/items/{item['id']}/annotations", json=body)
        assert r.status_code == 201, r.text

    # The lead consolidates from the dashboard, then opens one cell of the confusion matrix.
    sign_in(page, "lead", f"/lead/projects/{pid}?tab=quality&view=confusion")
    page.get_by_test_id("recompute-button").click()
    expect(page.get_by_test_id("recompute-status")).to_contain_text("Consolidated", timeout=20_000)
    page.get_by_test_id("quality-view-settings").click()
    page.get_by_test_id("quality-view-confusion").click()
    cell = page.get_by_test_id("confusion-sentiment-negative-negative")
    expect(cell).to_have_text("2")
    expect(page.get_by_test_id("confusion-csv")).to_have_attribute(
        "href", re.compile(r"/quality/errors/confusion\?format=csv$")
    )
    cell.click()
    drill = page.get_by_test_id("drill-down")
    expect(drill).to_contain_text("label given negative, consolidated negative")
    expect(page.get_by_test_id(f"drill-item-{ids['Confusion-1']}")).to_be_visible()
    expect(page.get_by_test_id(f"drill-item-{ids['Confusion-2']}")).to_be_visible()
    expect(page.get_by_test_id(f"drill-item-{ids['Confusion-0']}")).to_have_count(0)
    expect(page.get_by_test_id("coaching")).to_have_count(0)
    page.get_by_test_id(f"drill-item-{ids['Confusion-2']}").click()
    expect(page.get_by_test_id("item-view")).to_contain_text("Confusion-2")
