"""Time and targets: the annotator's progress against today's target moves with each submit; the
lead sees that person's numbers in the team table, adds a target there and downloads the CSV."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, shot, sign_in

pytestmark = pytest.mark.e2e

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["positive", "negative"]}
    ],
}
ANNOTATOR = "pace-ann"


def _project(server) -> int:
    r = server.api("POST", "/users", json={"username": ANNOTATOR, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = server.api("POST", "/projects", json={"name": "Pace", "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for username, role in {"lead": "lead", ANNOTATOR: "annotator"}.items():
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": username, "role": role})
        assert r.status_code == 200, r.text
    rows = b"".join(orjson.dumps({"id": f"p{n}", "text": f"text {n}"}) + b"\n" for n in range(4))
    r = server.api(
        "POST", f"/projects/{pid}/imports?kind=items", files={"file": ("items.jsonl", rows)}
    )
    assert r.status_code == 201, r.text
    for body in ({"metric": "items_per_day", "value": 2}, {"metric": "items_per_hour", "value": 1}):
        r = server.api("POST", f"/projects/{pid}/targets", json=body)
        assert r.status_code == 201, r.text
    return pid


def _submit_one(page) -> None:
    before = page.get_by_test_id("item-id").inner_text()
    page.get_by_test_id("item-fields").click()
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("item-id")).not_to_have_text(before)


def test_progress_against_targets_and_the_team_table(page, browser, server) -> None:
    pid = _project(server)

    sign_in(page, ANNOTATOR, f"/projects/{pid}/annotate")
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    progress = page.get_by_test_id("today-progress")
    expect(progress).to_have_text("0/2 today")
    expect(progress).to_have_attribute("data-state", "unmet")
    _submit_one(page)
    expect(progress).to_have_text(re.compile(r"^1/2 today · [\d.]+/h$"))
    expect(progress).to_have_attribute("data-state", "unmet")
    _submit_one(page)
    expect(progress).to_have_text(re.compile(r"^2/2 today · [\d.]+/h$"))
    expect(progress).to_have_attribute("data-state", "met")
    shot(page, "today-progress")

    lead = browser.new_context(
        base_url=server.url, viewport=page.viewport_size, accept_downloads=True
    )
    lead.set_default_timeout(10_000)
    lp = lead.new_page()
    sign_in(lp, "lead", f"/lead/projects/{pid}?tab=team")
    row = lp.get_by_test_id(f"team-row-{ANNOTATOR}")
    expect(row.get_by_test_id("team-items")).to_have_text("2")
    expect(row.get_by_test_id("team-targets")).to_contain_text("2/2 met")
    expect(row.get_by_test_id("team-targets")).to_contain_text("Items per day: 2 / 2")
    bars = lp.get_by_test_id("throughput-bar")
    expect(bars).to_have_count(24)
    total = sum(int(b.get_attribute("data-items")) for b in bars.all())
    assert total == 2
    expect(lp.get_by_test_id("time-chart")).to_contain_text(ANNOTATOR)

    # A target of the person's own beats the project's: 2 of 5 is not met.
    editor = lp.get_by_test_id("targets-editor")
    expect(editor.get_by_test_id("targets-list").locator("tbody tr")).to_have_count(2)
    editor.get_by_test_id("target-value").fill("5")
    editor.get_by_test_id("target-scope").select_option("person")
    editor.get_by_test_id("target-person").select_option(label=ANNOTATOR)
    editor.get_by_test_id("target-add").click()
    expect(editor.get_by_test_id("targets-list").locator("tbody tr")).to_have_count(3)
    expect(editor).to_contain_text(f"{ANNOTATOR}")
    expect(row.get_by_test_id("team-targets")).to_contain_text("1/2 met")
    expect(row.get_by_test_id("team-targets")).to_contain_text("Items per day: 2 / 5")
    shot(lp, "team-tab")

    with lp.expect_download() as got:
        lp.get_by_test_id("team-csv").click()
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("username,display_name,role,items,")
    assert any(
        line.startswith(f"{ANNOTATOR},{ANNOTATOR},annotator,2,") for line in csv_text.splitlines()
    ), csv_text
    lead.close()

    # Back in the workspace the person's own target shows.
    page.reload()
    expect(progress).to_have_text(re.compile(r"^2/5 today"))
    expect(progress).to_have_attribute("data-state", "unmet")
