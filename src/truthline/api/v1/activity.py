"""Time accounting and targets: activity, progress against targets, the team table."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import In, Out, UserRead
from truthline.errors import InvalidInput
from truthline.policies import project_access
from truthline.services import activity, audit, targets

router = APIRouter(tags=["activity"])

Metric = Literal["items_per_day", "items_per_hour", "gold_accuracy", "review_pass_rate"]
Stage = Literal["annotate", "review"]
Role = Literal["lead", "reviewer", "annotator", "viewer"]


class SessionRead(Out):
    start: datetime
    end: datetime
    active_ms: int


class BreakRead(Out):
    start: datetime
    end: datetime


class ProjectStageRead(Out):
    project_id: int
    stage: str
    items: int
    active_ms: int


class ActivityRead(Out):
    date: date
    start: datetime
    end: datetime
    active_ms: int
    idle_ms: int
    hidden_ms: int
    sessions: list[SessionRead]
    breaks: list[BreakRead]
    by_project_stage: list[ProjectStageRead]


class TargetProgressRead(Out):
    metric: Metric
    project_id: int
    stage: str | None
    target: float
    actual: float | None
    met: bool | None


class ProgressRead(Out):
    date: date
    project_id: int
    items: int
    active_ms: int
    items_per_hour: float | None
    targets: list[TargetProgressRead]
    # The project's idle window, so the workspace stops its clock when the server expects it.
    idle_after_s: int


class TargetCreate(In):
    metric: Metric
    value: float = Field(ge=0, le=1_000_000)
    user_id: int | None = Field(default=None, ge=1)
    role: Role | None = None
    stage: Stage | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)


class TargetUpdate(In):
    value: float | None = Field(default=None, ge=0, le=1_000_000)
    user_id: int | None = Field(default=None, ge=1)
    role: Role | None = None
    stage: Stage | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)


class TargetRead(Out):
    id: int
    project_id: int
    metric: Metric
    value: float
    user_id: int | None
    role: str | None
    stage: str | None
    weekday: int | None
    created_at: datetime
    updated_at: datetime


class SettingsRead(Out):
    max_gap_s: int
    idle_after_s: int
    session_gap_s: int
    too_fast_ratio: float
    too_fast_min_s: float
    long_idle_share: float
    fix_counts_as_pass: bool
    updated_at: datetime | None


class SettingsUpdate(In):
    max_gap_s: int | None = None
    idle_after_s: int | None = None
    session_gap_s: int | None = None
    too_fast_ratio: float | None = None
    too_fast_min_s: float | None = None
    long_idle_share: float | None = None
    fix_counts_as_pass: bool | None = None


class StageRead(Out):
    stage: str
    items: int
    active_ms: int
    avg_ms_per_item: float | None
    median_ms_per_item: float | None


class FlagRead(Out):
    flag: Literal["too_fast", "long_idle"]
    stage: str | None
    median_ms: float | None = None
    project_median_ms: float | None = None
    idle_share: float | None = None


class PersonRead(Out):
    user: UserRead
    role: str
    items: int
    active_ms: int
    idle_ms: int
    hidden_ms: int
    items_per_hour: float | None
    sessions: list[SessionRead]
    stages: list[StageRead]
    gold_accuracy: float | None
    gold_scored: int
    review_pass_rate: float | None
    reviewed: int
    targets: list[TargetProgressRead]
    targets_met: int
    targets_judged: int
    flags: list[FlagRead]


class HourRead(Out):
    start: datetime
    items: int
    active_ms: int
    idle_ms: int


class TeamRead(Out):
    date: date
    start: datetime
    end: datetime
    people: list[PersonRead]
    stage_medians: dict[str, float | None]
    hours: list[HourRead]
    settings: SettingsRead


# --- my own ---------------------------------------------------------------------------------------
@router.get("/me/activity", response_model=ActivityRead)
async def my_activity(
    principal: CurrentPrincipal,
    db: Db,
    day: date | None = Query(default=None, alias="date", description="YYYY-MM-DD, default today"),
    project: str | None = None,
) -> ActivityRead:
    user = principal.user
    project_id = None
    if project is not None:
        project_id = (await project_access(db, user, project, "progress.read")).project.id
    day = day or await activity.local_today(db, user.id)
    start, end = await activity.day_bounds(db, user.id, day)
    s = await activity.summarize_activity(db, user.id, start, end, project_id)
    return ActivityRead(
        date=day,
        start=start,
        end=end,
        active_ms=s.active_ms,
        idle_ms=s.idle_ms,
        hidden_ms=s.hidden_ms,
        sessions=[SessionRead.model_validate(x) for x in s.sessions],
        breaks=[BreakRead(start=a, end=b) for a, b in activity.breaks_of(s.sessions)],
        by_project_stage=[ProjectStageRead.model_validate(g) for g in s.by_project_stage],
    )


@router.get("/projects/{project}/progress/today", response_model=ProgressRead)
async def my_progress(project: str, principal: CurrentPrincipal, db: Db) -> ProgressRead:
    access = await project_access(db, principal.user, project, "progress.read")
    user, pid = principal.user, access.project.id
    day = await activity.local_today(db, user.id)
    start, end = await activity.day_bounds(db, user.id, day)
    summary = await activity.summarize_activity(db, user.id, start, end, pid)
    items, active = targets.per_stage(summary, pid)
    n, ms = sum(items.values()), sum(active.values())
    found = await targets.progress_for_day(db, user.id, day, pid)
    time_settings = (await activity.settings_for(db, [pid]))[pid]
    return ProgressRead(
        date=day,
        project_id=pid,
        items=n,
        active_ms=ms,
        items_per_hour=n / (ms / 3_600_000) if ms else None,
        targets=[TargetProgressRead.model_validate(p) for p in found],
        idle_after_s=time_settings.idle_after_s,
    )


# --- targets and settings -------------------------------------------------------------------------
@router.get("/projects/{project}/targets", response_model=list[TargetRead])
async def list_targets(project: str, principal: CurrentPrincipal, db: Db) -> list[TargetRead]:
    access = await project_access(db, principal.user, project, "targets.read")
    return [TargetRead.model_validate(t) for t in await targets.list_targets(db, access.project.id)]


@router.post("/projects/{project}/targets", response_model=TargetRead, status_code=201)
async def create_target(
    project: str, body: TargetCreate, principal: CurrentPrincipal, db: Db
) -> TargetRead:
    access = await project_access(db, principal.user, project, "targets.manage")
    return TargetRead.model_validate(await targets.create_target(db, access, body.model_dump()))


@router.patch("/projects/{project}/targets/{target_id}", response_model=TargetRead)
async def update_target(
    project: str, target_id: int, body: TargetUpdate, principal: CurrentPrincipal, db: Db
) -> TargetRead:
    access = await project_access(db, principal.user, project, "targets.manage")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("value", 0) is None:
        raise InvalidInput("value may not be null", field="value", value=None)
    return TargetRead.model_validate(await targets.update_target(db, access, target_id, changes))


@router.delete("/projects/{project}/targets/{target_id}", status_code=204)
async def delete_target(
    project: str, target_id: int, principal: CurrentPrincipal, db: Db
) -> Response:
    access = await project_access(db, principal.user, project, "targets.manage")
    await targets.delete_target(db, access, target_id)
    return Response(status_code=204)


@router.get("/projects/{project}/activity-settings", response_model=SettingsRead)
async def get_settings(project: str, principal: CurrentPrincipal, db: Db) -> SettingsRead:
    access = await project_access(db, principal.user, project, "targets.read")
    found = await activity.settings_for(db, [access.project.id])
    return SettingsRead.model_validate(found[access.project.id])


@router.patch("/projects/{project}/activity-settings", response_model=SettingsRead)
async def update_settings(
    project: str, body: SettingsUpdate, principal: CurrentPrincipal, db: Db
) -> SettingsRead:
    access = await project_access(db, principal.user, project, "targets.manage")
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise InvalidInput(f"{name} may not be null", field=name, value=None)
    return SettingsRead.model_validate(await activity.update_settings(db, access, changes))


# --- the team -------------------------------------------------------------------------------------
async def _team(project: str, principal: CurrentPrincipal, db: Db, day: date | None, what: str):  # type: ignore[no-untyped-def]
    access = await project_access(db, principal.user, project, "team.read")
    day = day or await activity.local_today(db, principal.user.id)
    table = await targets.team_table(db, access, day)
    await audit.log(
        db,
        principal.user.id,
        what,
        project_id=access.project.id,
        object_type="team",
        object_id=day.isoformat(),
    )
    return table


@router.get("/projects/{project}/team", response_model=TeamRead)
async def team(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    day: date | None = Query(default=None, alias="date", description="YYYY-MM-DD, default today"),
) -> TeamRead:
    return TeamRead.model_validate(await _team(project, principal, db, day, "team.read"))


CSV_COLUMNS = (
    "username",
    "display_name",
    "role",
    "items",
    "active_min",
    "idle_min",
    "hidden_min",
    "items_per_hour",
    "avg_s_per_item",
    "gold_accuracy",
    "review_pass_rate",
    "targets_met",
    "targets_judged",
    "flags",
)


def _num(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def team_csv(table: dict[str, Any]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for p in table["people"]:
        timed = [s for s in p["stages"] if s["avg_ms_per_item"] is not None]
        weight = sum(s["items"] for s in timed)
        avg = sum(s["avg_ms_per_item"] * s["items"] for s in timed) / weight if weight else None
        flags = ";".join(f["flag"] + (f":{f['stage']}" if f["stage"] else "") for f in p["flags"])
        w.writerow(
            [
                p["user"].username,
                p["user"].display_name,
                p["role"],
                p["items"],
                _num(p["active_ms"] / 60000),
                _num(p["idle_ms"] / 60000),
                _num(p["hidden_ms"] / 60000),
                _num(p["items_per_hour"]),
                _num(None if avg is None else avg / 1000),
                _num(p["gold_accuracy"], 4),
                _num(p["review_pass_rate"], 4),
                p["targets_met"],
                p["targets_judged"],
                flags,
            ]
        )
    return out.getvalue()


@router.get("/projects/{project}/team.csv", response_class=PlainTextResponse)
async def team_download(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    day: date | None = Query(default=None, alias="date", description="YYYY-MM-DD, default today"),
) -> PlainTextResponse:
    table = await _team(project, principal, db, day, "team.export")
    return PlainTextResponse(
        team_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="team-{table["date"].isoformat()}.csv"'
        },
    )
