"""Qualification: a lead writes a quiz for the current guideline version; an annotator is
stopped by it, fails once and sees why, passes, and gets an item with the guideline beside it."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import orjson
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
QUESTION = "Praise that means the opposite is labelled"
EXPLANATION = "Section 2: sarcasm is negative, whatever the words say."


def png(color: tuple[int, int, int] = (40, 140, 90)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(out, format="PNG")
    return out.getvalue()


def make_project(server: Any, name: str, annotator: str, n_items: int = 2) -> int:
    """A project of our own (the server is shared by every browser test), with its people."""
    r = server.api("POST", "/users", json={"username": annotator, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = server.api("POST", "/projects", json={"name": name, "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for username, role in {"lead": "lead", annotator: "annotator"}.items():
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": username, "role": role})
        assert r.status_code == 200, r.text
    rows = b"".join(
        orjson.dumps({"id": f"{name}-{n}", "text": f"text {n}"}) + b"\n" for n in range(n_items)
    )
    r = server.api(
        "POST", f"/projects/{pid}/imports?kind=items", files={"file": ("items.jsonl", rows)}
    )
    assert r.status_code == 201, r.text
    return pid


def publish_with_image(server: Any, pid: int) -> int:
    """Version 1 of the guideline, showing one image; returns the image's id."""
    r = server.api(
        "POST", f"/projects/{pid}/guideline/assets", files={"file": ("sarcasm.png", png())}
    )
    assert r.status_code == 201, r.text
    asset = r.json()["id"]
    body = (
        "# Guide\n\n## 2 Sarcasm\n\nPraise that means the opposite is negative.\n\n"
        f"![A sarcastic review](asset:{asset})\n"
    )
    r = server.api("POST", f"/projects/{pid}/guideline/versions", json={"body": body})
    assert r.status_code == 201, r.text
    return asset


def test_quiz_gate(page, browser, server) -> None:
    suffix = uuid.uuid4().hex[:6]
    annotator = f"quiz{suffix}"
    pid = make_project(server, f"Quiz {suffix}", annotator)
    asset = publish_with_image(server, pid)

    # The lead writes a two-question quiz on version 1.
    sign_in(page, "lead", f"/lead/projects/{pid}")
    page.get_by_test_id("tab-qualification").click()
    editor = page.get_by_test_id("quiz-editor")
    expect(editor).to_contain_text("Quiz of guideline version 1")
    expect(page.get_by_test_id("quiz-in-force")).to_contain_text("No quiz is in force")
    page.get_by_test_id("quiz-pass-mark").fill("100")
    page.get_by_test_id("quiz-max-attempts").fill("3")
    editor.get_by_test_id("quiz-add-question").click()
    q1 = editor.get_by_test_id("quiz-edit-1")
    q1.get_by_test_id("quiz-question-text").fill(QUESTION)
    q1.get_by_test_id("quiz-option-0").fill("positive")
    q1.get_by_test_id("quiz-option-1").fill("negative")
    q1.get_by_test_id("quiz-correct-1").check()
    q1.get_by_test_id("quiz-question-explanation").fill(EXPLANATION)
    editor.get_by_test_id("quiz-add-question").click()
    q2 = editor.get_by_test_id("quiz-edit-2")
    q2.get_by_test_id("quiz-question-text").fill("Which are labels of this project?")
    q2.get_by_test_id("quiz-question-kind").select_option("multiple")
    q2.get_by_test_id("quiz-add-option").click()
    q2.get_by_test_id("quiz-option-0").fill("positive")
    q2.get_by_test_id("quiz-option-1").fill("blue")
    q2.get_by_test_id("quiz-option-2").fill("negative")
    q2.get_by_test_id("quiz-correct-0").check()
    q2.get_by_test_id("quiz-correct-2").check()
    q2.get_by_test_id("quiz-question-explanation").fill("Only the two sentiments.")
    expect(page.get_by_test_id("quiz-problems")).to_have_count(0)
    shot(page, "qualification-editor")
    page.get_by_test_id("quiz-save").click()
    expect(page.get_by_test_id("quiz-saved")).to_be_visible()
    expect(page.get_by_test_id("quiz-in-force")).to_contain_text("version 1")
    # The answers are stored as written.
    saved = server.api("GET", f"/projects/{pid}/qualification/quizzes").json()
    assert [q["correct"] for q in saved[0]["questions"]] == [[1], [0, 2]]

    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(ann, annotator, f"/projects/{pid}/annotate")
        workspace = ann.get_by_test_id("workspace")
        expect(workspace).to_have_attribute("data-phase", "qualification_required")
        gate = ann.get_by_test_id("quiz-gate")
        expect(gate).to_contain_text("Qualification quiz for guideline version 1")
        expect(gate.get_by_test_id("quiz-attempts-left")).to_have_text("3")
        expect(ann.get_by_test_id("submit")).to_be_disabled()
        # The page never received the answers.
        assert "Only the two sentiments" not in ann.content()

        # A first attempt with the first question wrong.
        gate.get_by_test_id("quiz-q1-0").check()
        gate.get_by_test_id("quiz-q2-0").check()
        gate.get_by_test_id("quiz-q2-2").check()
        gate.get_by_test_id("quiz-submit").click()
        expect(gate.get_by_test_id("quiz-verdict")).to_contain_text("Not passed: 50% correct")
        missed = gate.get_by_test_id("quiz-missed-q1")
        expect(missed).to_contain_text(QUESTION)
        expect(missed.get_by_test_id("quiz-explanation")).to_have_text(EXPLANATION)
        expect(gate.get_by_test_id("quiz-missed-q2")).to_have_count(0)
        shot(ann, "qualification-failed")
        expect(workspace).to_have_attribute("data-phase", "qualification_required")

        # The second attempt passes and the queue opens.
        gate.get_by_test_id("quiz-retry").click()
        gate.get_by_test_id("quiz-q1-1").check()
        gate.get_by_test_id("quiz-q2-0").check()
        gate.get_by_test_id("quiz-q2-2").check()
        gate.get_by_test_id("quiz-submit").click()
        expect(gate.get_by_test_id("quiz-verdict")).to_contain_text("Passed: 100% correct")
        gate.get_by_test_id("quiz-continue").click()
        expect(workspace).to_have_attribute("data-phase", "working")
        expect(ann.get_by_test_id("item-id")).to_contain_text(f"Quiz {suffix}-")

        # The guideline beside the item shows its image, loaded from our server.
        pane = ann.get_by_test_id("instructions")
        img = pane.get_by_role("img", name="A sarcastic review")
        expect(img).to_have_attribute("src", f"/api/v1/guideline-assets/{asset}")
        ann.wait_for_function(
            "el => el.complete && el.naturalWidth === 60", arg=img.element_handle()
        )
        assert not errors, f"uncaught errors in the annotator's page: {errors}"
    finally:
        ctx.close()

    # The lead sees the result per person.
    results = page.get_by_test_id("quiz-results")
    results.get_by_role("button", name="Refresh").click()
    row = results.get_by_test_id(f"quiz-result-{annotator}")
    expect(row.get_by_test_id("quiz-result-status")).to_have_text("passed")
    expect(row).to_contain_text("100%")
    expect(results.get_by_test_id("quiz-passed-count")).to_contain_text("1 of 1")


def test_outsiders_cannot_read_guideline_images(server) -> None:
    suffix = uuid.uuid4().hex[:6]
    pid = make_project(server, f"Private {suffix}", f"priv{suffix}", n_items=1)
    asset = publish_with_image(server, pid)
    outsider = f"out{suffix}"
    r = server.api("POST", "/users", json={"username": outsider, "password": PASSWORD})
    assert r.status_code == 201, r.text
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=10) as c:
        assert c.post("/auth/login", json={"username": outsider, "password": PASSWORD}).is_success
        assert c.get(f"/guideline-assets/{asset}").status_code == 404
    got = server.api("GET", f"/guideline-assets/{asset}")
    assert got.status_code == 200 and got.content == png()


GOLD_FEEDBACK = "Sarcasm reads as praise: see section 2."


def test_gold_item_quiz(page, browser, server) -> None:
    """A quiz made of a gold item: the lead picks it, the annotator annotates it with the
    workspace's tool, misses it once without ever receiving its answer, then passes."""
    suffix = uuid.uuid4().hex[:6]
    annotator = f"gold{suffix}"
    pid = make_project(server, f"Gold quiz {suffix}", annotator, n_items=3)
    r = server.api("POST", f"/projects/{pid}/guideline/versions", json={"body": "# Guide\n"})
    assert r.status_code == 201, r.text
    items = server.api("GET", f"/projects/{pid}/items").json()["items"]
    gold = next(i for i in items if i["external_id"].endswith("-0"))
    r = server.api(
        "PUT",
        f"/projects/{pid}/items/{gold['id']}/gold",
        json={"answer": {"sentiment": {"labels": ["negative"]}}, "feedback": GOLD_FEEDBACK},
    )
    assert r.status_code == 200, r.text

    # The lead builds a one-item quiz from the project's gold items.
    sign_in(page, "lead", f"/lead/projects/{pid}")
    page.get_by_test_id("tab-qualification").click()
    editor = page.get_by_test_id("quiz-editor")
    page.get_by_test_id("quiz-pass-mark").fill("100")
    editor.get_by_test_id("quiz-add-gold").click()
    entry = editor.get_by_test_id("quiz-edit-1")
    expect(entry).to_have_attribute("data-kind", "gold")
    expect(page.get_by_test_id("quiz-problems")).to_contain_text("pick a gold item")
    entry.get_by_test_id("quiz-gold-item").select_option(str(gold["id"]))
    expect(entry.get_by_test_id("quiz-gold-expected")).to_have_text(
        "Expected answer: sentiment: negative"
    )
    entry.get_by_test_id("quiz-gold-text").fill("Label the review")
    page.get_by_test_id("quiz-save").click()
    expect(page.get_by_test_id("quiz-saved")).to_be_visible()
    saved = server.api("GET", f"/projects/{pid}/qualification/quizzes").json()
    assert saved[0]["questions"][0]["item_id"] == gold["id"]

    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        state_url = f"/api/v1/projects/{pid}/qualification"
        with ann.expect_response(lambda resp: resp.url.endswith(state_url)) as asked:
            sign_in(ann, annotator, f"/projects/{pid}/annotate")
        body = asked.value.text()
        assert gold["data"]["text"] in body
        assert "labels" not in body and GOLD_FEEDBACK not in body
        workspace = ann.get_by_test_id("workspace")
        expect(workspace).to_have_attribute("data-phase", "qualification_required")
        gate = ann.get_by_test_id("quiz-gate")
        g1 = gate.get_by_test_id("quiz-q-g1")
        expect(g1).to_contain_text("Label the review")
        expect(g1).to_contain_text(gold["data"]["text"])
        expect(gate.get_by_test_id("quiz-answered")).to_have_text("0 of 1 answered")

        # The workspace's classification tool answers it; the wrong class fails.
        g1.get_by_test_id("class-sentiment-positive").click()
        expect(gate.get_by_test_id("quiz-answered")).to_have_text("1 of 1 answered")
        shot(ann, "qualification-gold")
        with ann.expect_response(lambda resp: "/qualification/attempts" in resp.url) as sent:
            gate.get_by_test_id("quiz-submit").click()
        assert sent.value.status == 201
        assert "negative" not in sent.value.text()
        expect(gate.get_by_test_id("quiz-verdict")).to_contain_text("Not passed: 0% correct")
        missed = gate.get_by_test_id("quiz-missed-g1")
        expect(missed.get_by_test_id("quiz-gold-score")).to_contain_text("scored 0%")
        expect(missed.get_by_test_id("quiz-explanation")).to_have_text(GOLD_FEEDBACK)

        # Another attempt starts from a blank item; the right class passes.
        gate.get_by_test_id("quiz-retry").click()
        g1 = gate.get_by_test_id("quiz-q-g1")
        expect(g1.get_by_test_id("class-sentiment-positive")).to_have_attribute(
            "aria-checked", "false"
        )
        g1.get_by_test_id("class-sentiment-negative").click()
        gate.get_by_test_id("quiz-submit").click()
        expect(gate.get_by_test_id("quiz-verdict")).to_contain_text("Passed: 100% correct")
        gate.get_by_test_id("quiz-continue").click()
        expect(workspace).to_have_attribute("data-phase", "working")
        assert not errors, f"uncaught errors in the annotator's page: {errors}"
    finally:
        ctx.close()
