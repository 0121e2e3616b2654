"""Daily and team status reports as PDF (fpdf2): a title, tables per section and a bar chart
of items per hour.

Names and texts come from users, so any character may arrive. DejaVu Sans (Unicode) is used
when the system has it; characters it has no glyph for, and everything outside Latin-1 when
only the core fonts are available, are written as "?" so that rendering never fails.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF

from truthline.services.reports import DailyReport, TeamReport, TeamRow

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FAMILY = "ReportSans"


class _Pdf(FPDF):
    def __init__(self, font_dir: Path | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.unicode = False
        regular = font_dir / "DejaVuSans.ttf" if font_dir else None
        bold = font_dir / "DejaVuSans-Bold.ttf" if font_dir else None
        if regular and bold and regular.is_file() and bold.is_file():
            self.add_font(_FAMILY, "", str(regular))
            self.add_font(_FAMILY, "B", str(bold))
            self.family = _FAMILY
            self.unicode = True
        else:
            self.family = "helvetica"
        self.set_font(self.family, size=10)

    def safe(self, value: Any) -> str:
        """Text the current font can draw; anything else becomes "?"."""
        text = "" if value is None else str(value)
        out = []
        cmap = getattr(self.current_font, "cmap", None) if self.unicode else None
        for ch in text:
            if ch in "\r\n\t" or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
                out.append(" " if ch in "\r\n\t" else "?")
            elif cmap is not None:
                out.append(ch if ord(ch) in cmap else "?")
            else:
                out.append(ch if ord(ch) < 256 else "?")
        return "".join(out)

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, 7, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 10)

    def line_text(self, text: str) -> None:
        self.multi_cell(0, 5, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float] | None = None,
    ) -> None:
        if not rows:
            self.set_font(self.family, "", 9)
            self.line_text("(none)")
            self.ln(2)
            return
        self.set_font(self.family, "", 9)
        with self.table(
            headings_style=_heading_style(self.family),
            line_height=5,
            text_align="LEFT",
            col_widths=tuple(widths) if widths else None,
        ) as table:
            head = table.row()
            for h in header:
                head.cell(self.safe(h))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(self.safe(_fmt(v)))
        self.set_font(self.family, "", 10)
        self.ln(3)

    def bars(self, values: list[int], title: str) -> None:
        if not any(values):
            return
        self.heading(title, 11)
        height, width = 35.0, self.epw
        if self.get_y() + height + 10 > self.h - self.b_margin:
            self.add_page()
        top, left = self.get_y(), self.l_margin
        peak = max(values)
        slot = width / len(values)
        self.set_font(self.family, "", 7)
        self.set_fill_color(60, 110, 180)
        for hour, n in enumerate(values):
            x = left + hour * slot
            if n:
                bar = height * n / peak
                self.rect(x + slot * 0.15, top + height - bar, slot * 0.7, bar, style="F")
                self.set_xy(x, top + height - bar - 4)
                self.cell(slot, 4, str(n), align="C")
            self.set_xy(x, top + height + 0.5)
            self.cell(slot, 4, f"{hour:02d}", align="C")
        self.set_draw_color(120, 120, 120)
        self.line(left, top + height, left + width, top + height)
        self.set_xy(left, top + height + 6)
        self.set_font(self.family, "", 10)
        self.ln(2)


def _heading_style(family: str) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", fill_color=(225, 230, 240))


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def minutes(ms: int | None) -> str:
    return "-" if ms is None else f"{ms / 60000:.1f} min"


def percent(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _local(at: datetime, tz: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return at.astimezone(zone).strftime("%H:%M")


def _person(name: str, username: str) -> str:
    return f"{name} ({username})" if name and name != username else username


def daily_pdf(report: DailyReport, font_dir: Path | None = DEJAVU_DIR) -> bytes:
    pdf = _Pdf(font_dir)
    pdf.set_title(pdf.safe(f"Daily status report {report.person.username} {report.day}"))
    pdf.add_page()
    pdf.heading("Daily status report", 16)
    p = report.person
    pdf.line_text(f"Person: {_person(p.display_name, p.username)}")
    pdf.line_text(f"Day: {report.day.isoformat()} ({report.tz})")
    pdf.line_text(f"Generated: {report.generated_at.strftime('%Y-%m-%d %H:%M')} UTC")
    if report.partial:
        pdf.line_text("Only the projects you lead are shown.")
    pdf.ln(3)
    tz = report.tz
    pdf.heading("Work", 12)
    pdf.grid(
        ["Project", "Stage", "Items", "Active time"],
        [[w.project, w.stage, w.items, minutes(w.active_ms)] for w in report.work]
        + [["Total", "", report.items, minutes(report.time.active_ms)]],
    )
    t = report.time
    pdf.heading("Time", 12)
    pdf.grid(
        ["Active", "Idle", "Hidden", "Sessions", "Breaks"],
        [[minutes(t.active_ms), minutes(t.idle_ms), minutes(t.hidden_ms),
          len(t.sessions), len(t.breaks)]],
    )  # fmt: skip
    if t.sessions:
        pdf.grid(
            ["Session start", "End", "Active"],
            [[_local(x.start, tz), _local(x.end, tz), minutes(x.active_ms)] for x in t.sessions],
        )
    _schedule(pdf, report)
    pdf.bars(report.items_per_hour(), "Items per hour")
    pdf.heading("Throughput against target", 12)
    pdf.grid(
        ["Project", "Stage", "Metric", "Target", "Actual", "Met"],
        [[g.project, g.stage or "all", g.metric, g.target, g.actual, g.met]
         for g in report.throughput],
    )  # fmt: skip
    q = report.quality
    pdf.heading("Quality", 12)
    pdf.grid(
        ["Gold scored", "Gold accuracy", "Accepted", "Fixed", "Rejected", "Pass rate",
         "Reviews given"],
        [[q.gold_scored, percent(q.gold_accuracy), q.accept, q.fix, q.reject,
          percent(q.pass_rate), q.reviews_given]],
    )  # fmt: skip
    pdf.grid(["Top error code", "Count"], [[e.code, e.count] for e in q.top_error_codes])
    pdf.heading("Questions raised", 12)
    pdf.grid(
        ["#", "Project", "Category", "Priority", "Status", "Raised", "Breached"],
        [[x.id, x.project, x.category, x.priority, x.status, _local(x.created_at, tz),
          x.breached] for x in report.questions],
    )  # fmt: skip
    pdf.heading("Guidelines", 12)
    pdf.grid(
        ["Project", "Version", "State", "When"],
        [[a.project, a.version, "acknowledged", _local(a.acked_at, tz)]
         for a in report.guidelines_acknowledged]
        + [[g.project, g.version, "pending", "-"] for g in report.guidelines_pending],
    )  # fmt: skip
    return bytes(pdf.output())


def _schedule(pdf: _Pdf, report: DailyReport) -> None:
    sc = report.schedule
    if sc is None:  # a snapshot stored before reports read schedules
        return
    pdf.heading("Schedule", 12)
    if not sc.has_schedule:
        pdf.line_text("No schedule on record.")
        pdf.ln(2)
        return
    shifts = ", ".join(x.local for x in sc.shifts) or ("time off" if sc.time_off else "none")
    if sc.week is not None:
        shifts += f" (rotation week {sc.week + 1})"
    pdf.grid(
        ["Shifts (local)", "Scheduled", "So far", "Active in", "Active outside", "Share"],
        [[shifts, minutes(sc.scheduled_ms), minutes(sc.scheduled_so_far_ms),
          minutes(sc.active_in_schedule_ms), minutes(sc.active_outside_schedule_ms),
          percent(sc.share_of_scheduled)]],
    )  # fmt: skip
    for flag in report.flags:
        pdf.line_text(f"! {flag.message}")
    if report.flags:
        pdf.ln(2)


# Short enough for a table cell; the daily report and the CSV carry the full codes.
FLAG_LABELS = {
    "under_scheduled_time": "under schedule",
    "outside_schedule": "outside hours",
    "no_shift_scheduled": "no shift",
}


def _scheduled(r: TeamRow) -> str:
    if r.scheduled_ms is None:
        return "-"
    inside, outside = minutes(r.active_in_schedule_ms), minutes(r.active_outside_schedule_ms)
    return f"{minutes(r.scheduled_ms)} / in {inside}, out {outside}"


def _team_cells(r: TeamRow) -> list[Any]:
    return [
        _person_name(r), r.items, minutes(r.active_ms),
        "-" if r.items_per_hour is None else f"{r.items_per_hour:.1f}",
        f"{percent(r.gold_accuracy)} ({r.gold_scored})", percent(r.pass_rate),
        f"{r.accept}/{r.fix}/{r.reject}", r.reviews_given,
        f"{r.questions_raised} ({r.questions_open} open)", f"{r.targets_met}/{r.targets_total}",
        _scheduled(r), ", ".join(FLAG_LABELS.get(f, f) for f in r.flags) or "-",
    ]  # fmt: skip


def _person_name(r: TeamRow) -> str:
    p = r.person
    return f"{p.display_name} ({p.username})" if p.display_name and p.id else p.username


def team_pdf(report: TeamReport, font_dir: Path | None = DEJAVU_DIR) -> bytes:
    pdf = _Pdf(font_dir)
    pdf.set_title(pdf.safe(f"Team report {report.project} {report.day}"))
    pdf.add_page(orientation="L")
    pdf.heading("Team daily report", 16)
    pdf.line_text(f"Project: {report.project}")
    pdf.line_text(f"Day: {report.day.isoformat()} (each person's local day)")
    pdf.line_text(f"Generated: {report.generated_at.strftime('%Y-%m-%d %H:%M')} UTC")
    pdf.ln(3)
    pdf.grid(
        ["Person", "Items", "Active", "Items/h", "Gold", "Pass rate", "Acc/Fix/Rej",
         "Reviews", "Questions", "Targets met", "Scheduled / active in, out", "Flags"],
        [_team_cells(r) for r in report.rows] + [_team_cells(report.totals)],
        widths=(2.8, 1, 1.5, 1.1, 1.7, 1.4, 1.6, 1.2, 1.7, 1.2, 2.6, 2.6),
    )  # fmt: skip
    return bytes(pdf.output())
