"""The audit log in the lead console: a lead exports a project, opens the Audit tab, finds the
export there, narrows the log to exports and downloads it as CSV."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.e2e.support import shot, sign_in

pytestmark = pytest.mark.e2e

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [{"name": "topic", "kind": "classification", "classes": ["a", "b"]}],
}


def _project(server: Any) -> int:
    """A project of its own, led by the seeded lead, with one item."""
    r = server.api("POST", "/projects", json={"name": f"Audit {uuid.uuid4().hex[:6]}",
                                              "schema": SCHEMA})  # fmt: skip
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = server.api("PUT", f"/projects/{pid}/members", json={"username": "lead", "role": "lead"})
    assert r.status_code == 200, r.text
    r = server.api("POST", f"/projects/{pid}/imports",
                   files={"file": ("items.jsonl", b'{"id": "x1", "text": "hello"}\n')})  # fmt: skip
    assert r.status_code in (201, 202), r.text
    return pid


def test_lead_sees_an_export_in_the_audit_tab(page: Any, server: Any, tmp_path: Path) -> None:
    pid = _project(server)
    sign_in(page, "lead", f"/lead/projects/{pid}")
    export = page.context.request.get(f"/api/v1/projects/{pid}/export")
    assert export.ok, export.text()

    page.get_by_test_id("tab-audit").click()
    log = page.get_by_test_id("audit")
    expect(log).to_be_visible()
    export_row = log.locator("tr", has_text="export.download")
    expect(export_row).to_have_count(1)
    expect(export_row).to_contain_text("lead")
    expect(export_row).to_contain_text("format: jsonl")
    shot(page, "lead-audit")

    # Narrowed to exports: the project's creation and import leave the table.
    page.get_by_test_id("audit-action").fill("export.")
    page.get_by_test_id("audit-apply").click()
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log.locator("tbody tr")).to_contain_text("export.download")

    # A time that is not one is refused in the form, naming the field.
    page.get_by_test_id("audit-since").fill("2026-03-02T10:00")
    page.get_by_test_id("audit-until").fill("2026-03-01T10:00")
    page.get_by_test_id("audit-apply").click()
    expect(page.get_by_test_id("audit-form-error")).to_have_text("until: before since")
    page.get_by_test_id("audit-since").fill("")
    page.get_by_test_id("audit-until").fill("")
    page.get_by_test_id("audit-apply").click()
    expect(page.get_by_test_id("audit-form-error")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_test_id("audit-csv").click()
    path = tmp_path / "audit.csv"
    info.value.save_as(path)
    lines = path.read_text().strip().splitlines()
    assert lines[0].startswith("id,at,project_id,user_id,username,action")
    assert len(lines) == 2 and ",export.download," in lines[1], lines

    # The lead's look at the log is in the log too.
    r = server.api("GET", f"/projects/{pid}/audit", params={"action": "audit."})
    assert {e["action"] for e in r.json()["items"]} == {"audit.read", "audit.export"}
