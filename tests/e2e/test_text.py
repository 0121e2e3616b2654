"""Text work: choosing classes by mouse and by key, and labelling entity spans."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.seed import NER_TEXT
from tests.e2e.support import shot, sign_in

pytestmark = pytest.mark.e2e


def _item_id(page) -> str:
    text = page.get_by_test_id("item-id").inner_text()
    return re.search(r"item (\S+)", text).group(1)


def test_classify_by_mouse_and_by_key(page, server) -> None:
    sign_in(page, "ann1")
    page.get_by_role("button", name="Start annotate").click()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    first = _item_id(page)
    expect(page.get_by_test_id("item-fields")).to_be_visible()
    shot(page, "text-workspace")

    # Mouse: click a class, then Submit.
    choice = page.get_by_role("radio", name=re.compile("negative"))
    choice.click()
    expect(choice).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("item-id")).not_to_have_text(re.compile(rf"item {first}$"))
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    second = _item_id(page)
    assert second != first
    expect(page.get_by_role("radio", name=re.compile("negative"))).to_have_attribute(
        "aria-checked", "false"
    )

    # Keyboard: "1" is the first class's key, Ctrl+Enter submits.
    page.get_by_test_id("item-fields").click()
    page.keyboard.press("1")
    expect(page.get_by_role("radio", name=re.compile("positive"))).to_have_attribute(
        "aria-checked", "true"
    )
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("item-id")).not_to_have_text(re.compile(rf"item {second}$"))
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")

    stored_first = server.annotations("Sentiment", first)
    stored_second = server.annotations("Sentiment", second)
    assert [a["result"] for a in stored_first] == [{"sentiment": {"labels": ["negative"]}}]
    assert [a["result"] for a in stored_second] == [{"sentiment": {"labels": ["positive"]}}]
    assert stored_first[0]["version"] == 1


def _drag_select(page, locator, start: int, end: int) -> None:
    """Press the mouse before character `start` of the text and release it after `end - 1`."""
    box = locator.evaluate(
        """(el, [start, end]) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
              acceptNode: (n) => n.parentElement.closest('.seg') ? 1 : 2,
            });
            let pos = 0, a = null, b = null;
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const len = n.textContent.length;
              if (a === null && start < pos + len) a = [n, start - pos];
              if (b === null && end - 1 < pos + len) b = [n, end - 1 - pos];
              pos += len;
            }
            const rect = (node, i) => {
              const r = document.createRange();
              r.setStart(node, i); r.setEnd(node, i + 1);
              return r.getBoundingClientRect();
            };
            const ra = rect(...a), rb = rect(...b);
            return {x0: ra.left + 1, y0: ra.top + ra.height / 2,
                    x1: rb.right - 1, y1: rb.top + rb.height / 2};
        }""",
        [start, end],
    )
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=4)
    page.mouse.move(box["x1"], box["y1"], steps=4)
    page.mouse.up()


def test_entity_spans_by_mouse_and_keyboard(page, server) -> None:
    sign_in(page, "ann2")
    page.get_by_role("button", name="Start annotate").click()
    text = page.get_by_test_id("spantext-entities")
    expect(text).to_have_text(NER_TEXT)
    item = _item_id(page)
    assert item == "n1"

    # Mouse: drag over "Ada Lovelace", then click the PER class.
    _drag_select(page, text, 0, 12)
    expect(page.get_by_test_id("span-pending")).to_contain_text("Ada Lovelace")
    page.get_by_test_id("class-entities-PER").click()
    expect(page.get_by_test_id("span-s1")).to_have_text("PER")

    # Keyboard: the caret starts on the first word; move to "Charles", extend over
    # "Babbage", press P; then move to "London" and press L.
    text.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_test_id("span-pending")).to_contain_text("Charles Babbage")
    page.keyboard.press("p")
    expect(page.get_by_test_id("span-s2")).to_have_text("PER")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("span-pending")).to_contain_text("London")
    page.keyboard.press("l")
    expect(page.get_by_test_id("span-s3")).to_have_text("LOC")
    shot(page, "ner-workspace")

    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("spantext-entities")).to_have_text("Grace Hopper")

    stored = server.annotations("Entities", item)
    assert len(stored) == 1
    spans = sorted(
        (s["start"], s["end"], s["label"]) for s in stored[0]["result"]["entities"]["spans"]
    )
    assert spans == [(0, 12, "PER"), (17, 32, "PER"), (36, 42, "LOC")]
