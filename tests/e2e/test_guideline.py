"""Guidelines: a lead publishes a version that requires acknowledgement; the annotator is stopped
by the changes until they confirm, then works on; the lead sees the confirmation."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.e2e.seed import GUIDELINE_V1
from tests.e2e.support import VIEWPORT, shot, sign_in

pytestmark = pytest.mark.e2e

OLD_RULE = "Facts without a feeling."
NEW_RULE = "Facts without a feeling, and questions that do not complain."
GUIDELINE_V2 = GUIDELINE_V1.replace(OLD_RULE, NEW_RULE) + (
    "\n## 3 Sarcasm\n\nPraise that means the opposite is negative.\n"
)
SUMMARY = "Questions are neutral; new section 3 on sarcasm."


def _annotate_under_v1(server: Any, pid: int, result: dict | None = None) -> str:
    """Annotates one item while version 1 is in force (as the admin: the gate does not apply)."""
    taken = server.api("POST", f"/projects/{pid}/queue/next", json={"stage": "annotate"}).json()
    assert taken["status"] == "assigned", taken
    item = taken["item"]
    r = server.api(
        "POST",
        f"/projects/{pid}/items/{item['id']}/annotations",
        json={
            "result": result or {"sentiment": {"labels": ["positive"]}},
            "lease_id": taken["lease"]["id"],
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert r.status_code in (200, 201), r.text
    return item["external_id"]


def test_acknowledgement_gate(page, browser, server) -> None:
    pid = server.projects["Guide"]
    done_under_v1 = _annotate_under_v1(server, pid)

    # The lead writes version 2 beside its preview and publishes it as requiring acknowledgement.
    sign_in(page, "lead", f"/lead/projects/{pid}")
    page.get_by_test_id("tab-guideline").click()
    editor = page.get_by_test_id("guideline-editor")
    expect(editor.get_by_test_id("guideline-current")).to_contain_text("current version 1")
    text = page.get_by_test_id("guideline-text")
    expect(text).to_have_value(GUIDELINE_V1)
    expect(page.get_by_test_id("guideline-publish")).to_be_disabled()  # nothing changed yet
    text.fill(GUIDELINE_V2)
    preview = page.get_by_test_id("guideline-preview")
    expect(preview.get_by_role("heading", name="3 Sarcasm")).to_be_visible()
    expect(preview).to_contain_text(NEW_RULE)
    expect(page.get_by_test_id("guideline-sections")).to_contain_text("§3 Sarcasm")
    page.get_by_test_id("guideline-summary").fill(SUMMARY)
    page.get_by_test_id("guideline-requires-ack").check()
    publish = page.get_by_test_id("guideline-publish")
    expect(publish).to_have_text("Publish version 2 (requires acknowledgement)")
    shot(page, "guideline-editor")
    publish.click()
    expect(page.get_by_test_id("guideline-published")).to_have_text("Published version 2.")
    versions = page.get_by_test_id("guideline-versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("guideline-version-2")).to_contain_text("requires acknowledgement")
    expect(page.get_by_test_id("guideline-version-2")).to_contain_text(SUMMARY)

    # Nobody has confirmed version 2 yet; the item done under version 1 is listed.
    detail = page.get_by_test_id("guideline-version-detail")
    expect(detail.get_by_test_id("ack-ann7")).to_contain_text("not yet")
    expect(detail.get_by_test_id("ack-lead")).to_contain_text("not required")
    affected = detail.get_by_test_id("guideline-affected")
    expect(affected.locator("tbody tr")).to_have_count(1)
    expect(affected).to_contain_text(done_under_v1)
    page.get_by_test_id("affected-label").fill("negative")
    page.get_by_test_id("affected-filter").click()
    expect(page.get_by_test_id("affected-count")).to_contain_text("0 items")
    page.get_by_test_id("affected-label").fill("positive")
    page.get_by_test_id("affected-filter").click()
    expect(affected.locator("tbody tr")).to_have_count(1)

    # The annotator sees the badge, and the workspace stops them with the differences.
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(ann, "ann7", "/")
        badge = ann.get_by_test_id(f"guideline-pending-{pid}")
        expect(badge).to_have_text("New guideline to confirm: v2")
        ann.get_by_test_id(f"start-{pid}-annotate").click()
        workspace = ann.get_by_test_id("workspace")
        expect(workspace).to_have_attribute("data-phase", "ack_required")
        gate = ann.get_by_test_id("guideline-gate")
        expect(gate).to_contain_text("please read version 2")
        expect(gate.get_by_test_id("gate-since")).to_contain_text("last confirmed version 1")
        expect(gate.get_by_test_id("gate-summaries")).to_contain_text(SUMMARY)
        diff = gate.get_by_test_id("guideline-diff")
        expect(diff.locator('tr[data-kind="remove"]')).to_have_count(1)
        expect(diff.locator('tr[data-kind="remove"]')).to_contain_text(OLD_RULE)
        expect(diff.locator('tr[data-kind="add"]').filter(has_text=NEW_RULE)).to_have_count(1)
        expect(diff.locator('tr[data-kind="add"]').filter(has_text="## 3 Sarcasm")).to_have_count(1)
        expect(ann.get_by_test_id("submit")).to_be_disabled()
        shot(ann, "guideline-gate")

        # Confirming lets the queue continue, with version 2 beside the task.
        gate.get_by_test_id("guideline-ack").click()
        expect(workspace).to_have_attribute("data-phase", "working")
        expect(ann.get_by_test_id("item-id")).to_contain_text("g2")
        expect(ann.get_by_test_id("guideline-version")).to_have_text("Guideline v2")
        pane = ann.get_by_test_id("instructions")
        expect(pane).to_contain_text(NEW_RULE)
        # The question's section link scrolls the guideline to that section.
        link = ann.get_by_test_id("section-link-sentiment")
        expect(link).to_have_text("§2")
        link.click()
        expect(pane.locator("#guideline-2")).to_be_in_viewport()
        expect(pane.locator("#guideline-2")).to_be_focused()
        ann.get_by_role("radio", name=re.compile("neutral")).click()
        ann.get_by_test_id("submit").click()
        expect(workspace).to_have_attribute("data-phase", "empty")

        ann.goto("/")
        expect(ann.get_by_test_id(f"work-{pid}")).to_be_visible()
        expect(ann.get_by_test_id(f"guideline-pending-{pid}")).to_have_count(0)
        assert not errors, f"uncaught errors in the annotator's page: {errors}"
    finally:
        ctx.close()

    # The lead's acknowledgement report shows the confirmation.
    detail.get_by_test_id("guideline-acks").get_by_role("button", name="Refresh").click()
    expect(detail.get_by_test_id("ack-ann7")).not_to_contain_text("not yet")
    expect(detail.get_by_test_id("ack-ann7").get_by_test_id("acked-at")).to_have_text(
        re.compile(r"\d")
    )
    expect(detail.get_by_test_id("guideline-ack-count")).to_contain_text("1 of 1")

    # An affected item opens in the read-only item view.
    affected.get_by_role("link", name=done_under_v1).click()
    expect(page.get_by_test_id("item-view")).to_contain_text(f"Item {done_under_v1}")


def test_images_and_recheck(page, browser, server) -> None:
    """The lead adds an image to the next version from a file, publishes it, and sends the item
    annotated under the older version back to its annotator; the image shows beside the task."""
    from tests.e2e.test_qualification import make_project, png

    suffix = uuid.uuid4().hex[:6]
    annotator = f"img{suffix}"
    pid = make_project(server, f"Images {suffix}", annotator)
    review = {"review": {"mode": "random", "rate": 0}}
    assert server.api("PUT", f"/projects/{pid}/quality/settings", json=review).status_code == 200
    v1 = "# Guide\n\n## 1 Scope\n\nLabel the sentiment.\n"
    assert server.api("POST", f"/projects/{pid}/guideline/versions", json={"body": v1}).is_success
    done_under_v1 = _annotate_under_v1(server, pid)

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=guideline")
    text = page.get_by_test_id("guideline-text")
    expect(text).to_have_value(v1)
    text.press("End")
    text.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    page.get_by_test_id("guideline-image-input").set_input_files(
        {"name": "positive example.png", "mimeType": "image/png", "buffer": png((200, 60, 60))}
    )
    expect(page.get_by_test_id("guideline-upload-note")).to_contain_text("(60×40)")
    expect(text).to_have_value(re.compile(r"!\[positive example\]\(asset:\d+\)\n?$"))
    asset = re.search(r"asset:(\d+)", text.input_value()).group(1)  # type: ignore[union-attr]
    img = page.get_by_test_id("guideline-preview").get_by_role("img", name="positive example")
    expect(img).to_have_attribute("src", f"/api/v1/guideline-assets/{asset}")
    page.wait_for_function("el => el.complete && el.naturalWidth === 60", arg=img.element_handle())
    page.get_by_test_id("guideline-summary").fill("An example image")
    page.get_by_test_id("guideline-publish").click()
    expect(page.get_by_test_id("guideline-published")).to_have_text("Published version 2.")

    # Version 2 is open: its affected item goes back to the person who annotated it.
    affected = page.get_by_test_id("guideline-affected")
    expect(affected.locator("tbody tr")).to_have_count(1)
    expect(affected).to_contain_text(done_under_v1)
    affected.get_by_test_id("recheck-annotate").click()
    confirm = affected.get_by_test_id("recheck-confirm")
    expect(confirm).to_contain_text("every item annotated before version 2 (1)")
    shot(page, "guideline-recheck")
    confirm.get_by_test_id("recheck-go").click()
    expect(affected.get_by_test_id("recheck-result")).to_have_text(
        "1 item sent to their annotators."
    )
    expect(affected.get_by_test_id("affected-stage")).to_have_text("rework")
    rework = server.api("GET", f"/projects/{pid}/rework").json()["items"]
    assert [r["notes"] for r in rework] == ["guideline changed v1→v2: An example image"]
    # Sent once only.
    affected.get_by_test_id("recheck-annotate").click()
    affected.get_by_test_id("recheck-go").click()
    expect(affected.get_by_test_id("recheck-result")).to_contain_text(
        "0 items sent to their annotators; 1 already waiting for a re-check."
    )

    # The annotator's guideline pane shows the image.
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    try:
        sign_in(ann, annotator, f"/projects/{pid}/annotate")
        expect(ann.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
        pane_img = ann.get_by_test_id("instructions").get_by_role("img", name="positive example")
        expect(pane_img).to_have_attribute("src", f"/api/v1/guideline-assets/{asset}")
        ann.wait_for_function(
            "el => el.complete && el.naturalWidth === 60", arg=pane_img.element_handle()
        )
        shot(ann, "guideline-image-pane")
    finally:
        ctx.close()


SECTIONED = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {
            "name": "sentiment",
            "kind": "classification",
            "classes": ["positive", "negative"],
            "guideline_section": "2",
        },
        {
            "name": "topic",
            "kind": "classification",
            "classes": ["food", "service"],
            "required": False,
            "guideline_section": "3",
        },
    ],
}
FILE_V1 = (
    "# Reviews\n\n## 1 Scope\n\nRestaurant reviews.\n\n## 2 Sentiment\n\nThe writer's feeling.\n"
    "\n## 3 Topic\n\nWhat the review is about.\n"
)
FILE_V2 = FILE_V1.replace("What the review is about.", "What the review is mostly about: café.")


def test_markdown_file_and_items_by_changed_section(page, server) -> None:
    """The lead loads the next version from a .md file (a file that is not UTF-8 is refused),
    publishes it, and lists the items whose answers the changed section governs."""
    suffix = uuid.uuid4().hex[:6]
    r = server.api("POST", "/projects", json={"name": f"Sections {suffix}", "schema": SECTIONED})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = server.api("PUT", f"/projects/{pid}/members", json={"username": "lead", "role": "lead"})
    assert r.status_code == 200, r.text
    rows = "".join(f'{{"id": "s{suffix}-{n}", "text": "t"}}\n' for n in range(2)).encode()
    r = server.api("POST", f"/projects/{pid}/imports", files={"file": ("items.jsonl", rows)})
    assert r.status_code in (201, 202), r.text
    r = server.api("POST", f"/projects/{pid}/guideline/versions", json={"body": FILE_V1})
    assert r.status_code == 201, r.text
    with_topic = _annotate_under_v1(
        server, pid, {"sentiment": {"labels": ["positive"]}, "topic": {"labels": ["food"]}}
    )
    without_topic = _annotate_under_v1(server, pid)

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=guideline")
    editor = page.get_by_test_id("guideline-editor")
    text = page.get_by_test_id("guideline-text")
    expect(text).to_have_value(FILE_V1)
    md_input = page.get_by_test_id("guideline-md-input")
    # Saved on Windows with a byte-order mark: read as the same text the server would store.
    windows = ("\ufeff" + FILE_V2.replace("\n", "\r\n")).encode("utf-8")
    md_input.set_input_files({"name": "guide.md", "mimeType": "text/markdown", "buffer": windows})
    expect(text).to_have_value(FILE_V2)
    expect(page.get_by_test_id("guideline-upload-note")).to_contain_text("Loaded guide.md")
    expect(page.get_by_test_id("guideline-sections")).to_contain_text("§3 Topic")
    # A file in another encoding is refused, naming the problem; the text stays.
    latin1 = FILE_V1.replace("Restaurant", "Café").encode("latin-1")
    md_input.set_input_files({"name": "old.md", "mimeType": "text/markdown", "buffer": latin1})
    expect(editor.get_by_test_id("error")).to_contain_text("old.md is not UTF-8 text")
    expect(text).to_have_value(FILE_V2)
    page.get_by_test_id("guideline-summary").fill("Topic: what it is mostly about")
    page.get_by_test_id("guideline-publish").click()
    expect(page.get_by_test_id("guideline-published")).to_have_text("Published version 2.")
    current = server.api("GET", f"/projects/{pid}/guideline").json()["current"]
    assert current["version"] == 2 and current["body"] == FILE_V2

    # Both items were annotated under v1; only one answered the question of the changed §3.
    affected = page.get_by_test_id("guideline-affected")
    expect(affected.locator("tbody tr")).to_have_count(2)
    section = page.get_by_test_id("affected-section")
    expect(section.locator("option")).to_have_count(5)  # any, changed, §1, §2, §3
    section.select_option("changed")
    page.get_by_test_id("affected-filter").click()
    expect(affected.locator("tbody tr")).to_have_count(1)
    expect(affected).to_contain_text(with_topic)
    expect(page.get_by_test_id("affected-count")).to_contain_text(
        "1 item annotated before version 2 in answers to the sections version 2 changed (§3: topic)"
    )
    shot(page, "guideline-affected-by-section")
    section.select_option("2")
    page.get_by_test_id("affected-filter").click()
    expect(affected.locator("tbody tr")).to_have_count(2)
    expect(affected).to_contain_text(without_topic)
    expect(page.get_by_test_id("affected-count")).to_contain_text("in answers to §2 (sentiment)")
