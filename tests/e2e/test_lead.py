"""The lead's console: a project from a schema, an import with a bad row, the queue, an export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.e2e.support import shot, sign_in

pytestmark = pytest.mark.e2e

BAD_SCHEMA = """fields:
  - {name: text, type: text}
questions:
  - name: topic
    kind: classification
    classes: []
"""
GOOD_SCHEMA = """fields:
  - {name: text, type: text}
questions:
  - name: topic
    kind: classification
    title: Topic
    classes: [sport, politics, weather]
"""
ROWS = [
    b'{"id": "a1", "text": "The match ended in a draw."}',
    b'{"id": "a2", "text": "Parliament met today."}',
    b'{"id": "a3", "text": ',
    b'{"id": "a4", "text": "Rain all week."}',
]
# Remembers whether the upload progress bar was ever shown (it may last one frame).
WATCH_PROGRESS = """
new MutationObserver(() => {
  if (document.querySelector('[data-testid="upload-progress"]')) window.__sawProgress = true;
}).observe(document, {childList: true, subtree: true});
"""


def test_lead_creates_imports_watches_and_exports(page, server) -> None:
    page.add_init_script(WATCH_PROGRESS)
    sign_in(page, "lead", "/lead/projects")
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    page.get_by_test_id("new-project").click()
    page.get_by_test_id("project-name").fill("Topics by the lead")

    # A bad schema is explained as it is typed, and cannot be saved.
    page.get_by_test_id("schema-text").fill(BAD_SCHEMA)
    errors = page.get_by_test_id("schema-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("questions[0].classes")
    expect(page.get_by_test_id("create-project-submit")).to_be_disabled()

    page.get_by_test_id("schema-text").fill(GOOD_SCHEMA)
    expect(page.get_by_test_id("schema-status")).to_have_text("Valid schema")
    expect(errors).to_have_count(0)
    preview = page.get_by_test_id("schema-preview")
    expect(preview.get_by_role("radio", name=re.compile("politics"))).to_be_visible()
    shot(page, "schema-editor")
    page.get_by_test_id("create-project-submit").click()
    expect(page).to_have_url(re.compile(r"/lead/projects/\d+$"))
    expect(page.get_by_role("heading", name=re.compile("Topics by the lead"))).to_be_visible()
    project_url = page.url

    # Import: three good rows and one broken line, which is listed and downloadable.
    page.get_by_test_id("tab-import").click()
    page.get_by_test_id("import-file").set_input_files(
        files=[
            {
                "name": "topics.jsonl",
                "mimeType": "application/x-ndjson",
                "buffer": b"\n".join(ROWS) + b"\n",
            }
        ]
    )
    page.get_by_test_id("import-submit").click()
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("done")
    assert page.evaluate("window.__sawProgress === true")
    expect(page.get_by_test_id("import-created")).to_have_text("3")
    expect(page.get_by_test_id("import-rejected")).to_have_text("1")
    expect(result.locator("tbody tr")).to_have_count(1)
    expect(result.locator("tbody tr td").first).to_have_text("3")
    shot(page, "import")
    with page.expect_download() as dl:
        page.get_by_test_id("import-errors-download").click()
    rejected = Path(dl.value.path()).read_text(encoding="utf-8")
    assert len(rejected.strip().splitlines()) == 2  # header and the broken line
    assert "3" in rejected.strip().splitlines()[1]

    # Queue state: three items waiting, then a live lease once someone is working.
    page.get_by_test_id("tab-overview").click()
    expect(page.get_by_test_id("stat-items")).to_have_text("3")
    expect(page.get_by_test_id("stat-leases")).to_have_text("0")
    expect(page.get_by_test_id("stage-annotate")).to_contain_text("3")
    shot(page, "lead-overview")
    # Someone takes an item: the overview, left open, shows the lease on its next refresh.
    project_id = int(project_url.rsplit("/", 1)[1])
    taken = server.api("POST", f"/projects/{project_id}/queue/next", json={"stage": "annotate"})
    assert taken.json()["status"] == "assigned", taken.text
    expect(page.get_by_test_id("stat-leases")).to_have_text("1", timeout=8_000)

    page.get_by_role("link", name="Open workspace").click()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    worked_on = page.get_by_test_id("item-id").inner_text().split()[-1]
    page.get_by_role("radio", name=re.compile("sport")).click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("save-state")).to_have_text("Saved")
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    page.goto(project_url)
    expect(page.get_by_test_id("stat-leases")).to_have_text("2")  # theirs and the lead's next
    expect(page.get_by_test_id("queue-state")).to_contain_text("Annotations1")

    # Items browser: every imported item, and the submitted one opens with its version.
    page.get_by_test_id("tab-items").click()
    rows = page.get_by_test_id("items").locator("tbody tr")
    expect(rows).to_have_count(3)
    shot(page, "items-browser")
    rows.filter(has=page.get_by_role("cell", name=worked_on, exact=True)).click()
    view = page.get_by_test_id("item-view")
    expect(view).to_contain_text(f"Item {worked_on}")
    expect(view.get_by_test_id("versions").locator("tbody tr")).to_have_count(1)
    expect(view.get_by_test_id("versions")).to_contain_text("lead")

    # Export as a background job, then download the file.
    page.get_by_test_id("tab-export").click()
    page.get_by_test_id("export-start").click()
    expect(page.get_by_test_id("export-status")).to_have_text("succeeded", timeout=20_000)
    with page.expect_download() as dl:
        page.get_by_test_id("export-download").click()
    lines = [
        json.loads(line)
        for line in Path(dl.value.path()).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(lines) == 3
    annotated = [row for row in lines if row["annotations"]]
    assert len(annotated) == 1
    assert annotated[0]["annotations"][0]["result"] == {"topic": {"labels": ["sport"]}}


def test_lead_picks_the_parts_of_an_export(page, server) -> None:
    pid = server.projects["Sentiment"]
    sign_in(page, "lead", f"/lead/projects/{pid}")
    page.get_by_test_id("tab-export").click()
    raw = page.get_by_test_id("export-part-annotations")
    expect(raw).to_be_checked()
    raw.uncheck()
    expect(page.get_by_test_id("export-start")).to_be_disabled()
    page.get_by_test_id("export-part-review").check()
    page.get_by_test_id("export-part-consolidated").check()
    expect(page.get_by_test_id("export-direct")).to_have_attribute(
        "href", re.compile(r"include=consolidated,review$")
    )
    page.get_by_test_id("export-start").click()
    expect(page.get_by_test_id("export-status")).to_have_text("succeeded", timeout=20_000)
    with page.expect_download() as dl:
        page.get_by_test_id("export-download").click()
    lines = [
        json.loads(line)
        for line in Path(dl.value.path()).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert {row["id"] for row in lines} == {"t1", "t2", "t3"}
    assert all("annotations" not in row for row in lines)
    assert all(list(row["quality"]) == ["consolidated", "review"] for row in lines)
