"""Daily status reports: an annotator submits three items and sees them in today's report,
downloads it as a PDF that renders, and the lead sees them in the team roll-up."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

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
ROWS = [b'{"id": "d1", "text": "Great."}', b'{"id": "d2", "text": "Bad."}',
        b'{"id": "d3", "text": "Fine."}', b'{"id": "d4", "text": "Late."}']  # fmt: skip


def _setup(server: Any) -> tuple[str, int, str]:
    """A project of its own with four items and an annotator with an accented name."""
    suffix = uuid.uuid4().hex[:6]
    username, name = f"daily{suffix}", f"Priyā Dăily {suffix}"
    r = server.api("POST", "/users", json={"username": username, "password": PASSWORD,
                                            "display_name": name})  # fmt: skip
    assert r.status_code == 201, r.text
    r = server.api("POST", "/projects", json={"name": f"Daily {suffix}", "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = server.api("PUT", f"/projects/{pid}/members", json={"username": username,
                                                            "role": "annotator"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = server.api("POST", f"/projects/{pid}/imports",
                   files={"file": ("items.jsonl", b"\n".join(ROWS) + b"\n")})  # fmt: skip
    assert r.status_code in (201, 202), r.text
    return username, pid, name


def _submit(page: Any, pid: int, label: str) -> None:
    """One submit through the API with the browser's own session (cookie and CSRF token)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "tl_csrf")
    headers = {"x-csrf-token": csrf}
    req = page.context.request
    task = req.post(f"/api/v1/projects/{pid}/queue/next", data={"stage": "annotate"},
                    headers=headers).json()  # fmt: skip
    assert task["status"] == "assigned", task
    r = req.post(
        f"/api/v1/projects/{pid}/items/{task['item']['id']}/annotations",
        data={"result": {"sentiment": {"labels": [label]}}, "lease_id": task["lease"]["id"],
              "idempotency_key": str(uuid.uuid4()), "active_ms": 20_000},
        headers=headers,
    )  # fmt: skip
    assert r.status == 201, r.text()


def _renders(pdf: Path) -> None:
    from PIL import Image, ImageStat

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(pdf.with_suffix(""))], check=True)  # fmt: skip
    (png,) = pdf.parent.glob(f"{pdf.stem}*.png")
    with Image.open(png) as im:
        assert ImageStat.Stat(im.convert("L")).var[0] > 10.0


def test_daily_report_after_submits(page, server, tmp_path: Path) -> None:
    username, pid, name = _setup(server)
    sign_in(page, username, "/reports")
    report = page.get_by_test_id("daily-report")
    expect(report.get_by_test_id("report-items")).to_have_text("0")
    for label in ("positive", "negative", "positive"):
        _submit(page, pid, label)
    page.get_by_test_id("report-refresh").click()
    expect(report.get_by_test_id("report-items")).to_have_text("3")
    expect(report.get_by_test_id("report-name")).to_have_text(name)
    work = report.get_by_test_id("report-work")
    expect(work.locator("tbody tr")).to_have_count(1)
    expect(work.locator("tbody tr")).to_contain_text(f"Daily {username.removeprefix('daily')}")
    expect(work.locator("tbody tr td").nth(2)).to_have_text("3")
    expect(report.get_by_test_id("report-hours")).to_be_visible()
    expect(report.get_by_test_id("report-reject")).to_have_text("0")
    shot(page, "daily-report")

    with page.expect_download() as info:
        page.get_by_test_id("report-pdf").click()
    pdf = tmp_path / "daily.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    _renders(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    assert username in text and "Daily status report" in text

    with page.expect_download() as info:
        page.get_by_test_id("report-csv").click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "work,1," in csv_text and ",items,3" in csv_text

    # The admin, lead of the project, sees the annotator in the team roll-up.
    page.context.clear_cookies()
    sign_in(page, "admin", f"/lead/projects/{pid}")
    page.get_by_test_id("tab-reports").click()
    row = page.get_by_test_id(f"team-report-row-{username}")
    expect(row.get_by_test_id("team-report-items")).to_have_text("3")
    expect(
        page.get_by_test_id("team-report-total").get_by_test_id("team-report-items")
    ).to_have_text("3")
    shot(page, "team-report")
    with page.expect_download() as info:
        page.get_by_test_id("team-report-pdf").click()
    team_pdf = tmp_path / "team.pdf"
    info.value.save_as(team_pdf)
    _renders(team_pdf)

    # And picks the annotator's own report from the person list.
    page.goto("/reports")
    page.get_by_test_id("report-person").select_option(username)
    expect(page.get_by_test_id("daily-report").get_by_test_id("report-items")).to_have_text("3")
