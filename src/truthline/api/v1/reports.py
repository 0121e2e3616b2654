"""Status reports: daily per person and the team roll-up, as JSON, CSV and PDF."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import Out
from truthline.db.models import User
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Forbidden, InvalidInput, NotFound
from truthline.policies import allowed, project_access
from truthline.services import audit, report_pdf, reports
from truthline.services.reports import DailyReport, TeamReport

router = APIRouter(tags=["reports"])
FORMATS = ("json", "csv", "pdf")
SOURCES = ("live", "stored")


class SnapshotRead(Out):
    id: int
    day: date
    tz: str
    generated_at: datetime
    items: int
    active_ms: int
    partial: bool


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InvalidInput(
            f"format must be one of {', '.join(FORMATS)}, not {value!r}",
            code="invalid_format",
            field="format",
            value=value,
        )
    return value


def _filename(*parts: object) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(str(p) for p in parts))[:150]


def _download(body: str | bytes, fmt: str, name: str) -> Response:
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/pdf"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'},
    )


async def _scope(db: Database, reader: User, person: User) -> set[int] | None:
    """None: the whole report (oneself, an admin); else the projects the reader may see it
    for. Someone who shares no project with the person is told the person does not exist."""
    if reader.id == person.id or reader.is_admin:
        return None
    shared = await reports.shared_roles(db, reader.id, person.id)
    if not shared:
        raise NotFound(f"no user {person.username!r}", code="user_not_found", field="user")
    scope = {pid for pid, role in shared.items() if allowed("report.person", role)}
    if not scope:
        raise Forbidden(
            "only the person, their project leads and admins may read this report",
            code="forbidden",
            action="report.person",
        )
    return scope


def _day(value: str | None, tz: str) -> date:
    return reports.local_day(utcnow(), tz) if value is None else reports.parse_day(value)


@router.get("/reports/daily", response_model=DailyReport)
async def daily(
    principal: CurrentPrincipal,
    db: Db,
    user: str | None = Query(default=None, description="id or username; default: yourself"),
    date: str | None = Query(default=None, description="YYYY-MM-DD; default: today"),
    format: str = "json",
    source: str = Query(default="live", description="live | stored (the end-of-day snapshot)"),
) -> Any:
    fmt = _format(format)
    if source not in SOURCES:
        raise InvalidInput(
            f"source must be live or stored, not {source!r}",
            code="invalid_source",
            field="source",
            value=source,
        )
    person = await reports.find_user(db, user) if user else principal.user
    scope = await _scope(db, principal.user, person)
    day = _day(date, await reports.timezone_of(db, person.id))
    if source == "stored":
        report = await reports.stored_report(db, person.id, day)
        if scope is not None:
            report = reports.restrict(report, scope)
    else:
        report = await reports.daily_report(db, person.id, day, project_ids=scope)
    await audit.log(
        db, principal.user.id, "report.daily.read", object_type="user", object_id=person.id,
        details={"day": day.isoformat(), "format": fmt, "source": source},
    )  # fmt: skip
    name = _filename("daily-report", person.username, day)
    if fmt == "csv":
        return _download(reports.report_csv(report), fmt, name)
    if fmt == "pdf":
        return _download(report_pdf.daily_pdf(report), fmt, name)
    return report


@router.get("/reports/daily/history", response_model=list[SnapshotRead])
async def history(
    principal: CurrentPrincipal,
    db: Db,
    user: str | None = Query(default=None, description="id or username; default: yourself"),
) -> list[SnapshotRead]:
    """The stored end-of-day reports, newest first (a year at most)."""
    person = await reports.find_user(db, user) if user else principal.user
    scope = await _scope(db, principal.user, person)
    out = []
    for row in await reports.list_snapshots(db, person.id):
        items, active = row.items, row.active_ms
        if scope is not None:
            view = reports.restrict(reports.snapshot_report(row), scope)
            items, active = view.items, view.time.active_ms
        out.append(
            SnapshotRead(
                id=row.id, day=row.day, tz=row.tz, generated_at=row.generated_at, items=items,
                active_ms=active, partial=scope is not None,
            )
        )  # fmt: skip
    await audit.log(
        db, principal.user.id, "report.history.read", object_type="user", object_id=person.id
    )
    return out


@router.get("/projects/{project}/reports/team", response_model=TeamReport)
async def team(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    date: str | None = Query(default=None, description="YYYY-MM-DD; default: today (UTC)"),
    format: str = "json",
) -> Any:
    fmt = _format(format)
    access = await project_access(db, principal.user, project, "report.team")
    day = _day(date, "UTC")
    report = await reports.team_report(db, access.project, day)
    await audit.log(
        db, principal.user.id, "report.team.read", project_id=access.project.id,
        object_type="project", object_id=access.project.id,
        details={"day": day.isoformat(), "format": fmt},
    )  # fmt: skip
    name = _filename("team-report", access.project.name, day)
    if fmt == "csv":
        return _download(reports.team_csv(report), fmt, name)
    if fmt == "pdf":
        return _download(report_pdf.team_pdf(report), fmt, name)
    return report
