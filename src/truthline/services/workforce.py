"""The workforce: teams, skills and languages, time zones, schedules, and what a project asks
of the people who work it (required skills, which item field carries the language).

Who may do what (on top of admins, who may do everything):
- everyone reads their own profile and sets their own time zone;
- a team lead reads and edits the skills, time zone and schedule of the members of their
  teams, and adds or removes plain members of those teams;
- a project lead reads (never edits) the profiles of the members of their projects, and sets
  the project's requirements.
Anyone else gets 404 for a person they may not see.

The other operations areas read availability through ``calendar_of``, ``timezone_of`` and
``day_bounds``; the queue reads ``routing_for`` once per request (kept in memory for a few
seconds, like the principal cache).
"""

from __future__ import annotations

import re
import time as _time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from truthline.db.models import Membership, User
from truthline.db.models_workforce import (
    PersonProfile,
    PersonSkill,
    ProjectRequirement,
    Schedule,
    Team,
    TeamMember,
)
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit
from truthline.services.workcal import WorkingCalendar

TAG_RE = re.compile(r"^[a-z0-9_-]+:[a-z0-9_.-]+$")
LANGUAGE_FIELD_RE = re.compile(r"^(meta\.)?[A-Za-z_][A-Za-z0-9_-]{0,63}$")
TEAM_NAME_RE = re.compile(r"^\S(.{0,98}\S)?$")
MAX_TAG = 100
MAX_WEEKS = 12
MAX_TIME_OFF = 1000
MAX_SKILLS_PER_STAGE = 50
STAGES = ("*", "annotate", "review")
DEFAULT_LANGUAGE_FIELD = "language"
CACHE_SECONDS = 5.0


# --- validation -----------------------------------------------------------------------------------
def validate_tag(tag: str, field_name: str = "tag") -> str:
    if not isinstance(tag, str) or len(tag) > MAX_TAG or not TAG_RE.match(tag):
        raise InvalidInput(
            f"skill tag {tag!r} must look like prefix:value in lowercase "
            "(letters, digits, _ and -; the value may also hold .), e.g. lang:hi",
            code="invalid_skill_tag",
            field=field_name,
            value=tag,
        )
    return tag


def validate_level(level: int | None, field_name: str = "level") -> int | None:
    if level is not None and (isinstance(level, bool) or not 1 <= level <= 5):
        raise InvalidInput(
            f"level {level!r} must be 1 to 5 or null",
            code="invalid_skill_level",
            field=field_name,
            value=level,
        )
    return level


def validate_timezone(tz: str, field_name: str = "timezone") -> str:
    try:
        if not isinstance(tz, str) or not tz or len(tz) > 64:
            raise ValueError
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"time zone {tz!r} is not an IANA time zone (e.g. Asia/Kolkata)",
            code="invalid_timezone",
            field=field_name,
            value=tz,
        ) from None
    return tz


# --- schedules (pure) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleSpec:
    """Validated weekly patterns; ``weeks[i]`` maps weekday (0 = Monday) to local intervals."""

    weeks: tuple[dict[int, list[tuple[time, time]]], ...]
    rotation_start: date | None = None
    time_off: frozenset[date] = field(default_factory=frozenset)

    def week_index(self, day: date) -> int:
        """Which week of the rotation ``day`` falls in: weeks run Monday to Sunday, and the
        week holding ``rotation_start`` is week 0."""
        if len(self.weeks) == 1 or self.rotation_start is None:
            return 0
        start = self.rotation_start - timedelta(days=self.rotation_start.weekday())
        monday = day - timedelta(days=day.weekday())
        return ((monday - start).days // 7) % len(self.weeks)

    def hours_on(self, day: date) -> list[tuple[time, time]]:
        if day in self.time_off:
            return []
        return self.weeks[self.week_index(day)].get(day.weekday(), [])


def parse_schedule(
    weeks: Any, rotation_start: date | str | None, time_off: Any
) -> tuple[ScheduleSpec, list[dict[str, list[list[str]]]], list[str]]:
    """Validates a schedule as the API sends it; returns it parsed and in stored form."""
    if not isinstance(weeks, list) or not 1 <= len(weeks) <= MAX_WEEKS:
        raise InvalidInput(
            f"weeks must be a list of 1 to {MAX_WEEKS} weekly patterns",
            code="invalid_schedule",
            field="weeks",
            value=len(weeks) if isinstance(weeks, list) else str(weeks)[:80],
        )
    parsed: list[dict[int, list[tuple[time, time]]]] = []
    stored: list[dict[str, list[list[str]]]] = []
    for i, week in enumerate(weeks):
        if not isinstance(week, dict):
            raise InvalidInput(
                f"week {i} must map weekday (0 = Monday .. 6) to [[start, end], ...]",
                code="invalid_schedule",
                field=f"weeks[{i}]",
                value=str(week)[:80],
            )
        try:
            cal = WorkingCalendar.from_json({"tz": "UTC", "hours": week})
        except ValueError as exc:
            raise InvalidInput(
                f"week {i}: {exc}",
                code="invalid_schedule",
                field=f"weeks[{i}]",
                value=str(week)[:200],
            ) from None
        parsed.append(cal.hours)
        stored.append(cal.to_json()["hours"])
    start: date | None = None
    if rotation_start is not None:
        try:
            start = (
                rotation_start
                if isinstance(rotation_start, date)
                else date.fromisoformat(rotation_start)
            )
        except (TypeError, ValueError):
            raise InvalidInput(
                f"rotation_start {rotation_start!r} must be a date YYYY-MM-DD",
                code="invalid_schedule",
                field="rotation_start",
                value=str(rotation_start),
            ) from None
    if len(parsed) > 1 and start is None:
        raise InvalidInput(
            "a rotation of several weeks needs rotation_start (a day of week 0)",
            code="invalid_schedule",
            field="rotation_start",
            value=None,
        )
    off = _parse_time_off(time_off)
    spec = ScheduleSpec(tuple(parsed), start, frozenset(off))
    return spec, stored, sorted(d.isoformat() for d in off)


def _parse_time_off(time_off: Any) -> set[date]:
    if time_off is None:
        return set()
    if not isinstance(time_off, list) or len(time_off) > MAX_TIME_OFF:
        raise InvalidInput(
            f"time_off must be a list of at most {MAX_TIME_OFF} dates",
            code="invalid_schedule",
            field="time_off",
            value=None,
        )
    out: set[date] = set()
    for i, d in enumerate(time_off):
        try:
            out.add(d if isinstance(d, date) else date.fromisoformat(d))
        except (TypeError, ValueError):
            raise InvalidInput(
                f"time_off[{i}] {d!r} must be a date YYYY-MM-DD",
                code="invalid_schedule",
                field=f"time_off[{i}]",
                value=str(d),
            ) from None
    return out


class RotatingCalendar(WorkingCalendar):
    """A WorkingCalendar whose weekly hours change from week to week (a rotation).

    The base class answers every question (add, between, is_working) from the working
    segments of one local day, so choosing that day's week here is the whole of the rotation.
    ``hours`` (and so ``to_json``) holds the pattern of the week of ``today``: a calendar
    rebuilt from its JSON keeps that week's hours for every week.
    """

    def __init__(self, tz: str, spec: ScheduleSpec, today: date) -> None:
        current = spec.weeks[spec.week_index(today)]
        if not current:  # an off week: keep hours non-empty when any week has some
            current = next((w for w in spec.weeks if w), {})
        super().__init__(tz, hours=current, holidays=spec.time_off)
        self._weeks = [WorkingCalendar(tz, hours=w) for w in spec.weeks]
        self._spec = spec

    def _day_segments(self, day: date) -> list[tuple[datetime, datetime]]:
        if day in self.holidays:
            return []
        return self._weeks[self._spec.week_index(day)]._day_segments(day)


def calendar_from(tz: str, spec: ScheduleSpec, today: date | None = None) -> WorkingCalendar:
    """The person's calendar: a plain WorkingCalendar for one week, else a rotating one."""
    if len(spec.weeks) == 1:
        return WorkingCalendar(tz, hours=spec.weeks[0], holidays=spec.time_off)
    return RotatingCalendar(tz, spec, today or datetime.now(ZoneInfo(tz)).date())


def spec_of(row: Schedule) -> ScheduleSpec:
    spec, _, _ = parse_schedule(row.weeks, row.rotation_start, row.time_off)
    return spec


def local_day_bounds(tz: str, day: date) -> tuple[datetime, datetime]:
    """UTC start and end of a local calendar day (23 or 25 hours on DST change days)."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


# --- the interface the other operations areas call ------------------------------------------------
async def timezone_of(db: Database, user_id: int) -> str:
    async with db.read() as s:
        tz = await s.scalar(select(PersonProfile.timezone).where(PersonProfile.user_id == user_id))
    return tz or "UTC"


async def calendar_of(db: Database, user_id: int) -> WorkingCalendar | None:
    """The person's working hours in their time zone, time off as holidays; None without a
    schedule."""
    async with db.read() as s:
        row = await s.get(Schedule, user_id)
        tz = await s.scalar(select(PersonProfile.timezone).where(PersonProfile.user_id == user_id))
    if row is None:
        return None
    return calendar_from(tz or "UTC", spec_of(row))


async def day_bounds(db: Database, user_id: int, day: date) -> tuple[datetime, datetime]:
    return local_day_bounds(await timezone_of(db, user_id), day)


# --- who may see and edit whom --------------------------------------------------------------------
async def resolve_user(db: Database, viewer: User, ref: str | int) -> User:
    """A person by id, username or ``me``."""
    if str(ref) == "me":
        return viewer
    async with db.read() as s:
        if isinstance(ref, int) or str(ref).isdigit():
            user = await s.get(User, int(ref))
        else:
            user = await s.scalar(select(User).where(User.username == str(ref)))
    if user is None:
        raise NotFound(f"no person {ref!r}", code="person_not_found", person=str(ref))
    return user


def _led_team_ids(viewer_id: int) -> Any:
    return select(TeamMember.team_id).where(
        TeamMember.user_id == viewer_id, TeamMember.role == "lead"
    )


def _team_led_members(viewer_id: int) -> Any:
    return select(TeamMember.user_id).where(TeamMember.team_id.in_(_led_team_ids(viewer_id)))


def _project_led_members(viewer_id: int) -> Any:
    led = select(Membership.project_id).where(
        Membership.user_id == viewer_id, Membership.role == "lead"
    )
    return select(Membership.user_id).where(Membership.project_id.in_(led))


async def _relation(db: Database, viewer: User, target_id: int) -> str:
    """admin | self | team_lead | project_lead | none."""
    if viewer.is_admin:
        return "admin"
    if viewer.id == target_id:
        return "self"
    async with db.read() as s:
        if await s.scalar(
            select(exists(_team_led_members(viewer.id).where(TeamMember.user_id == target_id)))
        ):
            return "team_lead"
        if await s.scalar(
            select(exists(_project_led_members(viewer.id).where(Membership.user_id == target_id)))
        ):
            return "project_lead"
    return "none"


async def person_for(
    db: Database, viewer: User, ref: str | int, *, edit: str | None = None
) -> User:
    """Loads a person the viewer may see (else 404); ``edit`` ("skills", "schedule",
    "timezone") also requires the right to change that (else 403)."""
    target = await resolve_user(db, viewer, ref)
    rel = await _relation(db, viewer, target.id)
    if rel == "none":
        raise NotFound(f"no person {ref!r}", code="person_not_found", person=str(ref))
    if edit is not None:
        may = rel in ("admin", "team_lead") or (rel == "self" and edit == "timezone")
        if not may:
            raise Forbidden(
                f"you may not change the {edit} of {target.username}: "
                "admins and the person's team leads may",
                code="forbidden",
                action=f"person.{edit}",
            )
    return target


# --- people ---------------------------------------------------------------------------------------
@dataclass
class PersonView:
    user: User
    timezone: str = "UTC"
    skills: list[PersonSkill] = field(default_factory=list)
    teams: list[tuple[Team, str]] = field(default_factory=list)
    schedule: Schedule | None = None


async def list_people(
    db: Database,
    viewer: User,
    *,
    team: str | None = None,
    skill: str | None = None,
    min_level: int | None = None,
    project_id: int | None = None,
    limit: int = 1000,
) -> list[PersonView]:
    """The people the viewer may see, filtered by team (id or name), skill and project."""
    q = select(User).where(User.is_active).order_by(User.username).limit(limit)
    if not viewer.is_admin:
        q = q.where(
            (User.id == viewer.id)
            | User.id.in_(_team_led_members(viewer.id))
            | User.id.in_(_project_led_members(viewer.id))
        )
    if team is not None:
        t = await get_team(db, team)
        q = q.where(User.id.in_(select(TeamMember.user_id).where(TeamMember.team_id == t.id)))
    if skill is not None:
        validate_tag(skill, "skill")
        validate_level(min_level, "min_level")
        has = select(PersonSkill.user_id).where(PersonSkill.tag == skill)
        if min_level is not None:
            has = has.where(PersonSkill.level >= min_level)
        q = q.where(User.id.in_(has))
    if project_id is not None:
        q = q.where(
            User.id.in_(select(Membership.user_id).where(Membership.project_id == project_id))
        )
    async with db.read() as s:
        users = list(await s.scalars(q))
        return await _views(s, users)


async def _views(s: Any, users: list[User]) -> list[PersonView]:
    views = {u.id: PersonView(u) for u in users}
    ids = list(views)
    if not ids:
        return []
    for p in await s.scalars(select(PersonProfile).where(PersonProfile.user_id.in_(ids))):
        views[p.user_id].timezone = p.timezone
    skills = select(PersonSkill).where(PersonSkill.user_id.in_(ids)).order_by(PersonSkill.tag)
    for sk in await s.scalars(skills):
        views[sk.user_id].skills.append(sk)
    rows = await s.execute(
        select(TeamMember.user_id, Team, TeamMember.role)
        .join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.user_id.in_(ids))
        .order_by(Team.name)
    )
    for uid, t, role in rows.all():
        views[uid].teams.append((t, role))
    for sch in await s.scalars(select(Schedule).where(Schedule.user_id.in_(ids))):
        views[sch.user_id].schedule = sch
    return [views[u.id] for u in users]


async def get_person(db: Database, viewer: User, ref: str | int) -> PersonView:
    target = await person_for(db, viewer, ref)
    async with db.read() as s:
        return (await _views(s, [target]))[0]


async def set_skill(
    db: Database, viewer: User, ref: str | int, tag: str, level: int | None
) -> PersonSkill:
    validate_tag(tag)
    validate_level(level)
    target = await person_for(db, viewer, ref, edit="skills")
    async with db.write() as s:
        row = await s.get(PersonSkill, (target.id, tag))
        if row is None:
            row = PersonSkill(user_id=target.id, tag=tag, level=level, created_at=utcnow())
            s.add(row)
        else:
            row.level = level
        audit.record(
            s, viewer.id, "person.skill.set", None, "user", target.id, {"tag": tag, "level": level}
        )
    forget_skills(db, target.id)
    return row


async def remove_skill(db: Database, viewer: User, ref: str | int, tag: str) -> None:
    validate_tag(tag)
    target = await person_for(db, viewer, ref, edit="skills")
    async with db.write() as s:
        res = await s.execute(
            delete(PersonSkill).where(PersonSkill.user_id == target.id, PersonSkill.tag == tag)
        )
        if res.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(
                f"{target.username} has no skill {tag!r}", code="skill_not_found", tag=tag
            )
        audit.record(s, viewer.id, "person.skill.remove", None, "user", target.id, {"tag": tag})
    forget_skills(db, target.id)


async def set_timezone(db: Database, viewer: User, ref: str | int, tz: str) -> str:
    validate_timezone(tz)
    target = await person_for(db, viewer, ref, edit="timezone")
    async with db.write() as s:
        row = await s.get(PersonProfile, target.id)
        if row is None:
            s.add(PersonProfile(user_id=target.id, timezone=tz, updated_at=utcnow()))
        else:
            row.timezone, row.updated_at = tz, utcnow()
        audit.record(s, viewer.id, "person.timezone", None, "user", target.id, {"timezone": tz})
    return tz


async def set_schedule(
    db: Database, viewer: User, ref: str | int, weeks: Any, rotation_start: Any, time_off: Any
) -> Schedule:
    spec, stored, off = parse_schedule(weeks, rotation_start, time_off)
    start = spec.rotation_start
    target = await person_for(db, viewer, ref, edit="schedule")
    async with db.write() as s:
        row = await s.get(Schedule, target.id)
        if row is None:
            row = Schedule(user_id=target.id)
            s.add(row)
        row.weeks, row.rotation_start, row.time_off = stored, start, off
        row.updated_by, row.updated_at = viewer.id, utcnow()
        audit.record(
            s,
            viewer.id,
            "person.schedule",
            None,
            "user",
            target.id,
            {"weeks": len(stored), "time_off": len(off)},
        )
    return row


async def get_schedule(db: Database, viewer: User, ref: str | int) -> tuple[User, Schedule]:
    target = await person_for(db, viewer, ref)
    async with db.read() as s:
        row = await s.get(Schedule, target.id)
    if row is None:
        raise NotFound(
            f"{target.username} has no schedule", code="schedule_not_found", person=str(ref)
        )
    return target, row


async def delete_schedule(db: Database, viewer: User, ref: str | int) -> None:
    target = await person_for(db, viewer, ref, edit="schedule")
    async with db.write() as s:
        res = await s.execute(delete(Schedule).where(Schedule.user_id == target.id))
        if res.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(
                f"{target.username} has no schedule", code="schedule_not_found", person=str(ref)
            )
        audit.record(s, viewer.id, "person.schedule.delete", None, "user", target.id)


# --- teams ----------------------------------------------------------------------------------------
def _team_name(name: str) -> str:
    if not isinstance(name, str) or not TEAM_NAME_RE.match(name):
        raise InvalidInput(
            f"team name {name!r} must be 1 to 100 characters, not starting or ending in space",
            code="invalid_team_name",
            field="name",
            value=name,
        )
    return name


async def get_team(db: Database, ref: str | int) -> Team:
    async with db.read() as s:
        if isinstance(ref, int) or str(ref).isdigit():
            team = await s.get(Team, int(ref))
        else:
            team = await s.scalar(select(Team).where(Team.name == str(ref)))
    if team is None:
        raise NotFound(f"no team {ref!r}", code="team_not_found", team=str(ref))
    return team


async def list_teams(db: Database, viewer: User) -> list[tuple[Team, list[tuple[User, str]]]]:
    """Every team for admins; the teams one belongs to for anyone else; with members."""
    async with db.read() as s:
        q = select(Team).order_by(Team.name)
        if not viewer.is_admin:
            q = q.where(
                Team.id.in_(select(TeamMember.team_id).where(TeamMember.user_id == viewer.id))
            )
        teams = list(await s.scalars(q))
        members: dict[int, list[tuple[User, str]]] = {t.id: [] for t in teams}
        rows = await s.execute(
            select(TeamMember.team_id, User, TeamMember.role)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.team_id.in_(list(members)))
            .order_by(User.username)
        )
        for tid, user, role in rows.all():
            members[tid].append((user, role))
    return [(t, members[t.id]) for t in teams]


async def create_team(db: Database, viewer: User, name: str, description: str = "") -> Team:
    _team_name(name)
    try:
        async with db.write() as s:
            team = Team(name=name, description=description, created_at=utcnow())
            s.add(team)
            await s.flush()
            audit.record(s, viewer.id, "team.create", None, "team", team.id, {"name": name})
    except IntegrityError:
        raise Conflict(
            f"a team named {name!r} exists", code="team_name_taken", field="name", value=name
        ) from None
    return team


async def update_team(
    db: Database, viewer: User, ref: str | int, name: str | None, description: str | None
) -> Team:
    team = await get_team(db, ref)
    if name is not None:
        _team_name(name)
    try:
        async with db.write() as s:
            row = await s.get(Team, team.id)
            assert row is not None
            if name is not None:
                row.name = name
            if description is not None:
                row.description = description
            audit.record(s, viewer.id, "team.update", None, "team", team.id)
    except IntegrityError:
        raise Conflict(
            f"a team named {name!r} exists", code="team_name_taken", field="name", value=name
        ) from None
    return row


async def delete_team(db: Database, viewer: User, ref: str | int) -> None:
    team = await get_team(db, ref)
    async with db.write() as s:
        await s.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
        await s.execute(delete(Team).where(Team.id == team.id))
        audit.record(s, viewer.id, "team.delete", None, "team", team.id, {"name": team.name})


async def _may_manage_members(db: Database, viewer: User, team: Team, role: str) -> None:
    """Admins manage every membership; a team's lead adds and removes its plain members."""
    if viewer.is_admin:
        return
    async with db.read() as s:
        mine = await s.scalar(
            select(TeamMember.role).where(
                TeamMember.team_id == team.id, TeamMember.user_id == viewer.id
            )
        )
    if mine is None:
        raise NotFound(f"no team {team.name!r}", code="team_not_found", team=team.name)
    if mine != "lead" or role != "member":
        raise Forbidden(
            "only admins name team leads; a team lead adds and removes members",
            code="forbidden",
            action="team.members",
        )


async def set_team_member(
    db: Database, viewer: User, team_ref: str | int, person: str | int, role: str
) -> TeamMember:
    if role not in ("member", "lead"):
        raise InvalidInput(
            f"team role {role!r} must be member or lead",
            code="invalid_team_role",
            field="role",
            value=role,
        )
    team = await get_team(db, team_ref)
    await _may_manage_members(db, viewer, team, role)
    target = await resolve_user(db, viewer, person)
    async with db.write() as s:
        row = await s.get(TeamMember, (team.id, target.id))
        if row is not None and row.role == "lead" and not viewer.is_admin:
            raise Forbidden(
                "only admins change a team lead", code="forbidden", action="team.members"
            )
        if row is None:
            row = TeamMember(team_id=team.id, user_id=target.id, role=role, created_at=utcnow())
            s.add(row)
        row.role = role
        audit.record(
            s,
            viewer.id,
            "team.member.set",
            None,
            "team",
            team.id,
            {"user_id": target.id, "role": role},
        )
    return row


async def remove_team_member(
    db: Database, viewer: User, team_ref: str | int, person: str | int
) -> None:
    team = await get_team(db, team_ref)
    target = await resolve_user(db, viewer, person)
    async with db.write() as s:
        row = await s.get(TeamMember, (team.id, target.id))
        await _may_manage_members(db, viewer, team, row.role if row else "member")
        if row is None:
            raise NotFound(
                f"{target.username} is not in team {team.name!r}",
                code="team_member_not_found",
                person=str(person),
            )
        await s.delete(row)
        audit.record(
            s, viewer.id, "team.member.remove", None, "team", team.id, {"user_id": target.id}
        )


# --- project requirements and queue routing -------------------------------------------------------
@dataclass(frozen=True)
class Requirements:
    skills: dict[str, list[dict[str, Any]]]  # stage ("*", "annotate", "review") -> requirements
    language_field: str | None = DEFAULT_LANGUAGE_FIELD

    def for_stage(self, stage: str) -> list[dict[str, Any]]:
        return [*self.skills.get("*", []), *self.skills.get(stage, [])]


def parse_requirements(skills: Any, language_field: Any) -> Requirements:
    if language_field is not None and (
        not isinstance(language_field, str) or not LANGUAGE_FIELD_RE.match(language_field)
    ):
        raise InvalidInput(
            f"language_field {language_field!r} must name a key of the item's data "
            "(e.g. language) or of its meta (meta.language), or be null",
            code="invalid_language_field",
            field="language_field",
            value=str(language_field),
        )
    if not isinstance(skills, dict):
        raise InvalidInput(
            "skills must map stage to a list of requirements",
            code="invalid_requirement",
            field="skills",
            value=None,
        )
    out: dict[str, list[dict[str, Any]]] = {}
    for stage, reqs in skills.items():
        if stage not in STAGES:
            raise InvalidInput(
                f"stage {stage!r} must be one of {', '.join(STAGES)}",
                code="invalid_requirement",
                field=f"skills.{stage}",
                value=stage,
            )
        if not isinstance(reqs, list) or len(reqs) > MAX_SKILLS_PER_STAGE:
            raise InvalidInput(
                f"skills.{stage} must be a list of at most {MAX_SKILLS_PER_STAGE}",
                code="invalid_requirement",
                field=f"skills.{stage}",
                value=None,
            )
        seen: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(reqs):
            where = f"skills.{stage}[{i}]"
            if not isinstance(r, dict) or set(r) - {"tag", "min_level"}:
                raise InvalidInput(
                    "a requirement is {tag, min_level}",
                    code="invalid_requirement",
                    field=where,
                    value=str(r)[:80],
                )
            tag = validate_tag(r.get("tag"), f"{where}.tag")  # type: ignore[arg-type]
            level = validate_level(r.get("min_level"), f"{where}.min_level")
            seen[tag] = {"tag": tag, "min_level": level}
        if seen:
            out[stage] = [seen[t] for t in sorted(seen)]
    return Requirements(out, language_field)


async def get_requirements(db: Database, project_id: int) -> Requirements:
    async with db.read() as s:
        row = await s.get(ProjectRequirement, project_id)
    if row is None:
        return Requirements({}, DEFAULT_LANGUAGE_FIELD)
    return Requirements(row.skills or {}, row.language_field)


async def set_requirements(
    db: Database, access: ProjectAccess, skills: Any, language_field: Any
) -> Requirements:
    req = parse_requirements(skills, language_field)
    async with db.write() as s:
        row = await s.get(ProjectRequirement, access.project.id)
        if row is None:
            row = ProjectRequirement(project_id=access.project.id)
            s.add(row)
        row.skills, row.language_field = req.skills, req.language_field
        row.updated_by, row.updated_at = access.user.id, utcnow()
        audit.record(
            s,
            access.user.id,
            "project.requirements",
            access.project.id,
            "project",
            access.project.id,
            {"skills": req.skills, "language_field": language_field},
        )
    _requirements_cache.pop((db.url, access.project.id), None)
    return req


def missing_skills(
    required: list[dict[str, Any]], have: dict[str, int | None]
) -> list[dict[str, Any]]:
    """The requirements ``have`` (tag -> level) does not meet; an unrated skill meets a
    requirement without a minimum level only."""
    out = []
    for r in required:
        level = have.get(r["tag"], 0)
        if r["tag"] not in have or (
            r.get("min_level") is not None and (level or 0) < r["min_level"]
        ):
            out.append({"tag": r["tag"], "min_level": r.get("min_level"), "level": level or None})
    return out


@dataclass(frozen=True)
class Routing:
    """What the queue needs of one person in one project: their languages, and where an
    item carries its language (None: hand out items whatever their language)."""

    languages: tuple[str, ...]
    language_field: str | None


# (database url, user id) -> (deadline, user created_at, tag -> level). The created_at tells a
# person from a later one given the same id (ids are reused once rows are deleted).
_skills_cache: dict[tuple[str, int], tuple[float, Any, dict[str, int | None]]] = {}
_requirements_cache: dict[tuple[str, int], tuple[float, Any, Requirements]] = {}
_CACHE_MAX = 10_000


def forget_skills(db: Database, user_id: int) -> None:
    _skills_cache.pop((db.url, user_id), None)


async def _skills_of(db: Database, user: User) -> dict[str, int | None]:
    key = (db.url, user.id)
    hit = _skills_cache.get(key)
    if hit is not None and hit[0] > _time.monotonic() and hit[1] == user.created_at:
        return hit[2]
    async with db.read() as s:
        rows = await s.execute(
            select(PersonSkill.tag, PersonSkill.level).where(PersonSkill.user_id == user.id)
        )
        skills: dict[str, int | None] = {tag: level for tag, level in rows.all()}  # noqa: C416
    if len(_skills_cache) >= _CACHE_MAX:
        _skills_cache.clear()
    _skills_cache[key] = (_time.monotonic() + CACHE_SECONDS, user.created_at, skills)
    return skills


async def _requirements_of(db: Database, access: ProjectAccess) -> Requirements:
    project = access.project
    key = (db.url, project.id)
    hit = _requirements_cache.get(key)
    if hit is not None and hit[0] > _time.monotonic() and hit[1] == project.created_at:
        return hit[2]
    req = await get_requirements(db, project.id)
    if len(_requirements_cache) >= _CACHE_MAX:
        _requirements_cache.clear()
    _requirements_cache[key] = (_time.monotonic() + CACHE_SECONDS, project.created_at, req)
    return req


async def routing_for(db: Database, access: ProjectAccess, stage: str) -> Routing:
    """Refuses the stage (403 ``skills_required``) to a person lacking a required skill;
    else what the claim needs to offer only items in the person's languages. Admins are
    exempt from both: they see the whole queue."""
    if access.user.is_admin:
        return Routing((), None)
    req = await _requirements_of(db, access)
    skills = await _skills_of(db, access.user)
    missing = missing_skills(req.for_stage(stage), skills)
    if missing:
        names = ", ".join(
            m["tag"] + (f" (level {m['min_level']}+)" if m["min_level"] else "") for m in missing
        )
        raise Forbidden(
            f"the {stage} stage of this project needs skills you do not have: {names}",
            code="skills_required",
            stage=stage,
            missing=missing,
        )
    langs = tuple(sorted(t.split(":", 1)[1] for t in skills if t.startswith("lang:")))
    return Routing(langs, req.language_field)


async def eligible_members(
    db: Database, project_id: int, req: Requirements
) -> dict[str, list[str]]:
    """Per stage with requirements: the usernames of the members who work that stage and
    meet them (a lead sees at once when a requirement leaves a stage without anyone)."""
    from truthline.policies.rules import STAGE_ROLES

    stages = ["annotate", "review"] if req.skills.get("*") else [s for s in req.skills if s != "*"]
    if not stages:
        return {}
    async with db.read() as s:
        members = (
            await s.execute(
                select(User.id, User.username, Membership.role)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.project_id == project_id, User.is_active)
                .order_by(User.username)
            )
        ).all()
        skills: dict[int, dict[str, int | None]] = {uid: {} for uid, _, _ in members}
        rows = await s.execute(
            select(PersonSkill.user_id, PersonSkill.tag, PersonSkill.level).where(
                PersonSkill.user_id.in_(list(skills))
            )
        )
        for uid, tag, level in rows.all():
            skills[uid][tag] = level
    return {
        stage: [
            name
            for uid, name, role in members
            if role in STAGE_ROLES.get(stage, ())
            and not missing_skills(req.for_stage(stage), skills[uid])
        ]
        for stage in sorted(stages)
    }
