"""PDF status reports: any Unicode from users renders (or degrades to "?"), never crashes,
with the Unicode font and with the core fonts alike."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truthline.services import report_pdf
from truthline.services.reports import (
    DailyReport,
    ErrorCount,
    Person,
    QuestionRow,
    TeamReport,
    _quality_section,
    _team_row,
    _totals,
)

NAMES = [
    "Ana Lívia",
    "प्रिया शर्मा",  # Devanagari
    "😀🚀 emoji person 👩🏽‍💻",
    "עברית مرحبا",
    "=cmd|' /C calc'!A0",
    "tab\tnew\nline\x00nul\x07bell",
    "\ud800 lone surrogate",
    "",
]
FONT_DIRS = [report_pdf.DEJAVU_DIR, None]


def _report(name: str, project: str = "proj", code: str = "wrong_label") -> DailyReport:
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    quality = _quality_section([])
    quality = quality.model_copy(
        update={
            "top_error_codes": [ErrorCount(code=code, count=2)],
            "gold_scored": 2,
            "gold_passed": 1,
            "gold_accuracy": 0.5,
        }  # fmt: skip
    )
    return DailyReport.model_validate(
        {
            "person": {"id": 1, "username": name or "u", "display_name": name},
            "day": date(2026, 3, 10), "tz": "Asia/Kolkata", "start": at, "end": at,
            "generated_at": at, "partial": False, "items": 7,
            "work": [{"project_id": 1, "project": project, "stage": "annotate", "items": 7,
                      "active_ms": 3_600_000}],
            "time": {"active_ms": 3_600_000, "idle_ms": 60_000, "hidden_ms": 0,
                     "sessions": [{"start": at, "end": at, "active_ms": 3_600_000}],
                     "breaks": []},
            "throughput": [{"metric": "items_per_day", "project_id": 1, "project": project,
                            "stage": None, "target": 5, "actual": 7, "met": True}],
            "quality": quality.model_dump(),
            "questions": [QuestionRow(id=1, project_id=1, project=project, item_id=None,
                                      category=name, priority="high", status="open",
                                      created_at=at, first_response_at=None,
                                      resolved_at=None, breached=False).model_dump()],
            "guidelines_acknowledged": [{"project_id": 1, "project": project, "version": 2,
                                         "acked_at": at}],
            "guidelines_pending": [{"project_id": 1, "project": project, "version": 3,
                                    "since": 2}],
            "hourly": [{"project_id": 1, "hour": 9, "items": 4},
                       {"project_id": 1, "hour": 13, "items": 3}],
            "schedule": {
                "has_schedule": True, "week": 1, "time_off": False,
                "shifts": [{"start": at, "end": at, "local": "14:00-18:00"},
                           {"start": at, "end": at, "local": "19:00-23:00"}],
                "scheduled_ms": 8 * 3_600_000, "scheduled_so_far_ms": 8 * 3_600_000,
                "active_in_schedule_ms": 2_400_000, "active_outside_schedule_ms": 1_200_000,
                "share_of_scheduled": 0.125,
                "by_project": [{"project_id": 1, "project": project,
                                "active_in_schedule_ms": 2_400_000,
                                "active_outside_schedule_ms": 1_200_000}],
            },
            "flags": [{"code": "under_scheduled_time",
                       "message": "worked less than 50% of the scheduled time"}],
        }
    )  # fmt: skip


def test_dejavu_font_is_present_here() -> None:
    # Where it is missing the core fonts are used; this records which path the suite covers.
    assert (report_pdf.DEJAVU_DIR / "DejaVuSans.ttf").is_file()


@pytest.mark.parametrize("font_dir", FONT_DIRS, ids=["dejavu", "core"])
@pytest.mark.parametrize("name", NAMES)
def test_unicode_names_never_crash(name: str, font_dir: Path | None) -> None:
    pdf = report_pdf.daily_pdf(_report(name, project=name or "p", code=name or "c"), font_dir)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    team = TeamReport(
        project_id=1, project=name, day=date(2026, 3, 10), generated_at=datetime.now(UTC),
        rows=[_team_row(_report(name))], totals=_totals([_team_row(_report(name))]),
    )  # fmt: skip
    assert report_pdf.team_pdf(team, font_dir).startswith(b"%PDF-")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=80), project=st.text(min_size=1, max_size=80))
def test_any_text_renders(name: str, project: str) -> None:
    for font_dir in FONT_DIRS:
        assert report_pdf.daily_pdf(_report(name, project), font_dir).startswith(b"%PDF-")


def test_text_the_font_cannot_draw_becomes_a_question_mark(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(report_pdf.daily_pdf(_report("Ana Lívia प्रिया"), None))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Ana Lívia ?????" in text  # Latin-1 kept by the core fonts, the rest replaced
    pdf.write_bytes(report_pdf.daily_pdf(_report("Ana Lívia"), report_pdf.DEJAVU_DIR))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Ana Lívia" in text and "Items per hour" in text


def test_helpers_format_figures() -> None:
    assert report_pdf.minutes(90_000) == "1.5 min" and report_pdf.minutes(None) == "-"
    assert report_pdf.percent(1 / 3) == "33.3%" and report_pdf.percent(None) == "-"
    assert Person(id=1, username="a", display_name="").username == "a"


def test_the_schedule_section(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    report = _report("Ana")
    pdf.write_bytes(report_pdf.daily_pdf(report))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "14:00-18:00," in text and "19:00-23:00" in text and "(rotation week 2)" in text
    assert "480.0 min" in text and "40.0 min" in text and "12.5%" in text
    assert "! worked less than 50% of the scheduled time" in text
    team = TeamReport(
        project_id=1, project="p", day=date(2026, 3, 10), generated_at=datetime.now(UTC),
        rows=[_team_row(report)], totals=_totals([_team_row(report)]),
    )  # fmt: skip
    pdf.write_bytes(report_pdf.team_pdf(team))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "under schedule" in text and "480.0 min / in 40.0" in text
    # A snapshot stored before reports read schedules has no such section.
    old = report.model_copy(update={"schedule": None, "flags": []})
    pdf.write_bytes(report_pdf.daily_pdf(old))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Schedule" not in text and "Items per hour" in text
