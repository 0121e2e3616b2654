"""Workforce: teams, skills and languages, time zones, schedules; project requirements."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response
from pydantic import Field

from truthline.api.deps import AdminPrincipal, CurrentPrincipal, Db
from truthline.api.schemas import In, Out, UserRead
from truthline.db.models_workforce import Schedule
from truthline.errors import InvalidInput
from truthline.policies import project_access
from truthline.services import workforce
from truthline.services.workforce import PersonView, Requirements

router = APIRouter(tags=["workforce"])
MAX_AVAILABILITY_DAYS = 62


# --- bodies ---------------------------------------------------------------------------------------
class TeamCreate(In):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=5000)


class TeamUpdate(In):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=5000)


class TeamMemberIn(In):
    role: str = "member"


class TeamMemberRead(Out):
    user: UserRead
    role: str


class TeamRead(Out):
    id: int
    name: str
    description: str
    created_at: datetime
    members: list[TeamMemberRead] = []


class TeamRef(Out):
    id: int
    name: str
    role: str


class SkillIn(In):
    level: int | None = None


class SkillRead(Out):
    tag: str
    level: int | None


class TimezoneIn(In):
    timezone: str = Field(max_length=200)


class TimezoneRead(Out):
    timezone: str


class ScheduleIn(In):
    # Validated by the service, which names the week, weekday and interval at fault.
    weeks: list[Any] = Field(max_length=workforce.MAX_WEEKS)
    rotation_start: str | None = Field(default=None, max_length=40)
    time_off: list[Any] = Field(default_factory=list, max_length=workforce.MAX_TIME_OFF)


class ScheduleRead(Out):
    weeks: list[dict[str, list[list[str]]]]
    rotation_start: date | None
    time_off: list[str]
    updated_at: datetime
    current_week: int  # the week of the rotation today falls in (the person's time zone)


class PersonRead(Out):
    user: UserRead
    timezone: str
    skills: list[SkillRead]
    languages: list[str]
    teams: list[TeamRef]
    schedule: ScheduleRead | None


class AvailabilityDay(Out):
    date: date
    week: int
    off: bool  # a time-off date
    hours: list[list[str]]  # local [start, end]
    start: datetime  # the local day's bounds in UTC (23 or 25 hours on DST days)
    end: datetime
    working_minutes: int


class AvailabilityRead(Out):
    timezone: str
    has_schedule: bool
    days: list[AvailabilityDay]


class SkillRequirement(In):
    tag: str = Field(max_length=200)
    min_level: int | None = None


class RequirementsIn(In):
    # stage ("*" for every stage, "annotate", "review") -> required skills
    skills: dict[str, list[SkillRequirement]] = Field(default_factory=dict)
    language_field: str | None = Field(default=workforce.DEFAULT_LANGUAGE_FIELD, max_length=200)


class RequirementRead(Out):
    tag: str
    min_level: int | None


class RequirementsRead(Out):
    skills: dict[str, list[RequirementRead]]
    language_field: str | None
    # For the project's leads: per stage with requirements, the members who meet them.
    eligible: dict[str, list[str]] | None = None


# --- conversions ----------------------------------------------------------------------------------
def _schedule_read(row: Schedule, tz: str) -> ScheduleRead:
    spec = workforce.spec_of(row)
    today = datetime.now(ZoneInfo(tz)).date()
    return ScheduleRead(
        weeks=row.weeks,
        rotation_start=row.rotation_start,
        time_off=row.time_off,
        updated_at=row.updated_at,
        current_week=spec.week_index(today),
    )


def _person_read(v: PersonView) -> PersonRead:
    return PersonRead(
        user=UserRead.model_validate(v.user),
        timezone=v.timezone,
        skills=[SkillRead(tag=s.tag, level=s.level) for s in v.skills],
        languages=[s.tag.split(":", 1)[1] for s in v.skills if s.tag.startswith("lang:")],
        teams=[TeamRef(id=t.id, name=t.name, role=r) for t, r in v.teams],
        schedule=_schedule_read(v.schedule, v.timezone) if v.schedule else None,
    )


def _team_read(team: Any, members: list[tuple[Any, str]]) -> TeamRead:
    return TeamRead(
        id=team.id,
        name=team.name,
        description=team.description,
        created_at=team.created_at,
        members=[TeamMemberRead(user=UserRead.model_validate(u), role=r) for u, r in members],
    )


def _requirements_read(
    req: Requirements, eligible: dict[str, list[str]] | None
) -> RequirementsRead:
    return RequirementsRead(
        skills={k: [RequirementRead(**r) for r in v] for k, v in req.skills.items()},
        language_field=req.language_field,
        eligible=eligible,
    )


# --- teams ----------------------------------------------------------------------------------------
@router.get("/teams", response_model=list[TeamRead])
async def list_teams(principal: CurrentPrincipal, db: Db) -> list[TeamRead]:
    """Every team for admins; the teams you belong to otherwise."""
    return [_team_read(t, m) for t, m in await workforce.list_teams(db, principal.user)]


@router.post("/teams", response_model=TeamRead, status_code=201)
async def create_team(body: TeamCreate, principal: AdminPrincipal, db: Db) -> TeamRead:
    team = await workforce.create_team(db, principal.user, body.name, body.description)
    return _team_read(team, [])


@router.patch("/teams/{team}", response_model=TeamRead)
async def update_team(team: str, body: TeamUpdate, principal: AdminPrincipal, db: Db) -> TeamRead:
    row = await workforce.update_team(db, principal.user, team, body.name, body.description)
    teams = await workforce.list_teams(db, principal.user)
    return _team_read(row, next((m for t, m in teams if t.id == row.id), []))


@router.delete("/teams/{team}", status_code=204)
async def delete_team(team: str, principal: AdminPrincipal, db: Db) -> Response:
    await workforce.delete_team(db, principal.user, team)
    return Response(status_code=204)


@router.put("/teams/{team}/members/{user}", response_model=TeamMemberRead)
async def set_team_member(
    team: str, user: str, body: TeamMemberIn, principal: CurrentPrincipal, db: Db
) -> TeamMemberRead:
    """Admins add anyone with any role; a team lead adds plain members to their team."""
    await workforce.set_team_member(db, principal.user, team, user, body.role)
    person = await workforce.resolve_user(db, principal.user, user)
    return TeamMemberRead(user=UserRead.model_validate(person), role=body.role)


@router.delete("/teams/{team}/members/{user}", status_code=204)
async def remove_team_member(team: str, user: str, principal: CurrentPrincipal, db: Db) -> Response:
    await workforce.remove_team_member(db, principal.user, team, user)
    return Response(status_code=204)


# --- people ---------------------------------------------------------------------------------------
@router.get("/people", response_model=list[PersonRead])
async def list_people(
    principal: CurrentPrincipal,
    db: Db,
    team: str | None = Query(default=None, max_length=100, description="team id or name"),
    skill: str | None = Query(default=None, max_length=100, description="a tag, e.g. lang:hi"),
    min_level: int | None = Query(default=None, description="with skill: at least this level"),
    project: str | None = Query(default=None, max_length=200, description="members of"),
    limit: int = Query(default=1000, ge=1, le=5000),
) -> list[PersonRead]:
    """The people you may see (all, for admins), with teams, skills, time zone, schedule."""
    project_id = None
    if project is not None:
        project_id = (await project_access(db, principal.user, project)).project.id
    views = await workforce.list_people(
        db,
        principal.user,
        team=team,
        skill=skill,
        min_level=min_level,
        project_id=project_id,
        limit=limit,
    )
    return [_person_read(v) for v in views]


@router.get("/people/{user}", response_model=PersonRead)
async def get_person(user: str, principal: CurrentPrincipal, db: Db) -> PersonRead:
    """A person by id, username or ``me``."""
    return _person_read(await workforce.get_person(db, principal.user, user))


@router.put("/people/{user}/skills/{tag}", response_model=SkillRead)
async def set_skill(
    user: str, tag: str, body: SkillIn, principal: CurrentPrincipal, db: Db
) -> SkillRead:
    row = await workforce.set_skill(db, principal.user, user, tag, body.level)
    return SkillRead(tag=row.tag, level=row.level)


@router.delete("/people/{user}/skills/{tag}", status_code=204)
async def remove_skill(user: str, tag: str, principal: CurrentPrincipal, db: Db) -> Response:
    await workforce.remove_skill(db, principal.user, user, tag)
    return Response(status_code=204)


@router.put("/people/{user}/timezone", response_model=TimezoneRead)
async def set_timezone(
    user: str, body: TimezoneIn, principal: CurrentPrincipal, db: Db
) -> TimezoneRead:
    """Your own, or (admins, team leads) a member's."""
    tz = await workforce.set_timezone(db, principal.user, user, body.timezone)
    return TimezoneRead(timezone=tz)


@router.get("/people/{user}/schedule", response_model=ScheduleRead)
async def get_schedule(user: str, principal: CurrentPrincipal, db: Db) -> ScheduleRead:
    person, row = await workforce.get_schedule(db, principal.user, user)
    return _schedule_read(row, await workforce.timezone_of(db, person.id))


@router.put("/people/{user}/schedule", response_model=ScheduleRead)
async def set_schedule(
    user: str, body: ScheduleIn, principal: CurrentPrincipal, db: Db
) -> ScheduleRead:
    row = await workforce.set_schedule(
        db, principal.user, user, body.weeks, body.rotation_start, body.time_off
    )
    return _schedule_read(row, await workforce.timezone_of(db, row.user_id))


@router.delete("/people/{user}/schedule", status_code=204)
async def delete_schedule(user: str, principal: CurrentPrincipal, db: Db) -> Response:
    await workforce.delete_schedule(db, principal.user, user)
    return Response(status_code=204)


@router.get("/people/{user}/availability", response_model=AvailabilityRead)
async def availability(
    user: str,
    principal: CurrentPrincipal,
    db: Db,
    start: str | None = Query(default=None, description="YYYY-MM-DD; default: today"),
    days: int = Query(default=14, ge=1, le=MAX_AVAILABILITY_DAYS),
) -> AvailabilityRead:
    """The person's working hours day by day, in their time zone, time off included."""
    person = await workforce.person_for(db, principal.user, user)
    tz = await workforce.timezone_of(db, person.id)
    try:
        first = date.fromisoformat(start) if start else datetime.now(ZoneInfo(tz)).date()
    except ValueError:
        raise InvalidInput(
            f"start {start!r} must be a date YYYY-MM-DD",
            code="invalid_date",
            field="start",
            value=start,
        ) from None
    cal = await workforce.calendar_of(db, person.id)
    async with db.read() as s:
        row = await s.get(Schedule, person.id)
    spec = workforce.spec_of(row) if row else None
    out = []
    for n in range(days):
        day = first + timedelta(days=n)
        lo, hi = workforce.local_day_bounds(tz, day)
        hours = spec.hours_on(day) if spec else []
        out.append(
            AvailabilityDay(
                date=day,
                week=spec.week_index(day) if spec else 0,
                off=bool(spec and day in spec.time_off),
                hours=[[f"{a:%H:%M}", "24:00" if b == time(0) else f"{b:%H:%M}"] for a, b in hours],
                start=lo,
                end=hi,
                working_minutes=int(cal.between(lo, hi).total_seconds() // 60) if cal else 0,
            )
        )
    return AvailabilityRead(timezone=tz, has_schedule=row is not None, days=out)


# --- project requirements -------------------------------------------------------------------------
@router.get("/projects/{project}/requirements", response_model=RequirementsRead)
async def get_requirements(project: str, principal: CurrentPrincipal, db: Db) -> RequirementsRead:
    access = await project_access(db, principal.user, project, "requirements.read")
    req = await workforce.get_requirements(db, access.project.id)
    eligible = None
    if access.can("requirements.manage"):
        eligible = await workforce.eligible_members(db, access.project.id, req)
    return _requirements_read(req, eligible)


@router.put("/projects/{project}/requirements", response_model=RequirementsRead)
async def set_requirements(
    project: str, body: RequirementsIn, principal: CurrentPrincipal, db: Db
) -> RequirementsRead:
    access = await project_access(db, principal.user, project, "requirements.manage")
    req = await workforce.set_requirements(
        db,
        access,
        {k: [r.model_dump() for r in v] for k, v in body.skills.items()},
        body.language_field,
    )
    return _requirements_read(req, await workforce.eligible_members(db, access.project.id, req))
