"""Daily status reports: one person's day (work, time, throughput against target, quality,
questions, guideline acknowledgements) and the team roll-up of a project, computed from the
stored records, plus the snapshots stored when each person's day ends.

A report covers the person's local calendar day (their time zone, from the workforce
records) and sets it against their schedule (``report_schedule``: scheduled time, active time
inside and outside it, flags). Every section keeps the project of each row, so that a lead,
who may see only the projects they lead, gets the same report with the other projects' rows
left out (``restrict``); whole-day figures that cannot be split by project (idle and hidden
time, sessions) are then left out too, and the report says it is partial.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from truthline.db.models import (
    Annotation,
    GoldScore,
    GuidelineAck,
    GuidelineVersion,
    Membership,
    Project,
    ReviewVerdict,
    User,
)
from truthline.db.models_activity import ActivityEvent
from truthline.db.models_reports import ReportSnapshot
from truthline.db.models_workforce import PersonProfile, Schedule
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import InvalidInput, NotFound
from truthline.services import activity, questions, report_schedule, targets, workforce
from truthline.services.guidelines import GATED_ROLES
from truthline.services.report_schedule import ReportFlag, ScheduleSection

TOP_ERROR_CODES = 5
# Days far outside any working life would only overflow the time-zone arithmetic.
MIN_YEAR, MAX_YEAR = 1970, 2999
MIN_ACTIVE_FOR_RATE_MS = 60_000
HISTORY_LIMIT = 366


class _Model(BaseModel):
    model_config = ConfigDict(from_attributes=True, allow_inf_nan=False)


class Person(_Model):
    id: int
    username: str
    display_name: str


class WorkRow(_Model):
    project_id: int
    project: str
    stage: str
    items: int
    active_ms: int


class SessionRow(_Model):
    start: datetime
    end: datetime
    active_ms: int


class BreakRow(_Model):
    start: datetime
    end: datetime
    duration_ms: int


class TimeSection(_Model):
    active_ms: int
    idle_ms: int | None
    hidden_ms: int | None
    sessions: list[SessionRow]
    breaks: list[BreakRow]


class TargetRow(_Model):
    metric: str
    project_id: int
    project: str
    stage: str | None
    target: float
    actual: float | None
    met: bool | None


class ErrorCount(_Model):
    code: str
    count: int


class QualityRow(_Model):
    """One project's quality figures; the section totals are derived from these."""

    project_id: int
    project: str
    gold_scored: int
    gold_passed: int
    accept: int
    fix: int
    reject: int
    reviews_given: int
    error_codes: dict[str, int]


class QualitySection(_Model):
    gold_scored: int
    gold_passed: int
    gold_accuracy: float | None
    accept: int
    fix: int
    reject: int
    pass_rate: float | None
    reviews_given: int
    top_error_codes: list[ErrorCount]
    by_project: list[QualityRow]


class QuestionRow(_Model):
    id: int
    project_id: int
    project: str
    item_id: int | None
    category: str | None
    priority: str | None
    status: str
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    breached: bool


class AckRow(_Model):
    project_id: int
    project: str
    version: int
    acked_at: datetime


class PendingRow(_Model):
    project_id: int
    project: str
    version: int
    since: int | None


class HourRow(_Model):
    project_id: int
    hour: int  # local hour of the day, 0-23
    items: int


class DailyReport(_Model):
    person: Person
    day: date
    tz: str
    start: datetime
    end: datetime
    generated_at: datetime
    partial: bool  # rows of projects the reader may not see were left out
    items: int
    work: list[WorkRow]
    time: TimeSection
    throughput: list[TargetRow]
    quality: QualitySection
    questions: list[QuestionRow]
    guidelines_acknowledged: list[AckRow]
    guidelines_pending: list[PendingRow]
    hourly: list[HourRow]
    # Absent from snapshots stored before reports read schedules.
    schedule: ScheduleSection | None = None
    flags: list[ReportFlag] = Field(default_factory=list)

    def items_per_hour(self) -> list[int]:
        """Items submitted in each local hour of the day (24 numbers)."""
        hours = [0] * 24
        for row in self.hourly:
            hours[row.hour] += row.items
        return hours

    @property
    def worked(self) -> bool:
        return bool(self.items or self.time.active_ms or self.quality.reviews_given)

    @property
    def scheduled(self) -> bool:
        """The person's calendar held working time on this day."""
        return bool(self.schedule and self.schedule.scheduled_ms)


class TeamRow(_Model):
    person: Person
    tz: str
    items: int
    active_ms: int
    items_per_hour: float | None
    gold_scored: int
    gold_passed: int
    gold_accuracy: float | None
    accept: int
    fix: int
    reject: int
    pass_rate: float | None
    reviews_given: int
    questions_raised: int
    questions_open: int
    targets_met: int
    targets_total: int
    scheduled_ms: int | None = None  # None: no schedule on record
    active_in_schedule_ms: int | None = None
    active_outside_schedule_ms: int | None = None
    flags: list[str] = Field(default_factory=list)


class TeamReport(_Model):
    project_id: int
    project: str
    day: date
    generated_at: datetime
    rows: list[TeamRow]
    totals: TeamRow


# --- parsing -------------------------------------------------------------------------------------
def parse_day(value: str | None, field: str = "date") -> date:
    """YYYY-MM-DD; a clear 422 naming the field otherwise."""
    if value is None or not value.strip():
        raise InvalidInput(f"{field} is required (YYYY-MM-DD)", code="invalid_date", field=field)
    try:
        day = date.fromisoformat(value.strip())
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(value)
        return day
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date as YYYY-MM-DD, not {value!r}",
            code="invalid_date",
            field=field,
            value=value,
        ) from None


async def find_user(db: Database, ref: int | str) -> User:
    """A person by id or username."""
    async with db.read() as s:
        text = str(ref).strip()
        by_id = text.isascii() and text.isdigit() and len(text) <= 18
        q = select(User).where(User.id == int(text) if by_id else User.username == text)
        user = await s.scalar(q)
    if user is None:
        raise NotFound(f"no user {ref!r}", code="user_not_found", field="user", value=str(ref))
    return user


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(_zone(tz)).date()


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ValueError, KeyError):  # an unknown zone must not break a report: read it as UTC
        return ZoneInfo("UTC")


# --- the daily report ----------------------------------------------------------------------------
def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _quality_section(rows: list[QualityRow]) -> QualitySection:
    codes: Counter[str] = Counter()
    for row in rows:
        codes.update(row.error_codes)
    gold_scored = sum(r.gold_scored for r in rows)
    gold_passed = sum(r.gold_passed for r in rows)
    accept, fix, reject = (sum(getattr(r, k) for r in rows) for k in ("accept", "fix", "reject"))
    top = sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ERROR_CODES]
    return QualitySection(
        gold_scored=gold_scored,
        gold_passed=gold_passed,
        gold_accuracy=_ratio(gold_passed, gold_scored),
        accept=accept,
        fix=fix,
        reject=reject,
        pass_rate=_ratio(accept, accept + fix + reject),
        reviews_given=sum(r.reviews_given for r in rows),
        top_error_codes=[ErrorCount(code=c, count=n) for c, n in top],
        by_project=rows,
    )


def _breaks(sessions: list[SessionRow]) -> list[BreakRow]:
    ordered = sorted(sessions, key=lambda x: x.start)
    return [
        BreakRow(
            start=a.end, end=b.start, duration_ms=int((b.start - a.end).total_seconds() * 1000)
        )
        for a, b in zip(ordered, ordered[1:], strict=False)
        if b.start > a.end
    ]


async def _project_names(db: Database, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    async with db.read() as s:
        rows = await s.execute(select(Project.id, Project.name).where(Project.id.in_(wanted)))
        return {int(i): n for i, n in rows.all()}


async def _quality_rows(
    db: Database, user_id: int, start: datetime, end: datetime, scope: set[int] | None
) -> list[QualityRow]:
    def scoped(q: Any, column: Any) -> Any:
        return q if scope is None else q.where(column.in_(scope))

    async with db.read() as s:
        gold = await s.execute(
            scoped(
                select(
                    GoldScore.project_id,
                    func.count(),
                    func.sum(case((GoldScore.passed, 1), else_=0)),
                )
                .where(
                    GoldScore.user_id == user_id,
                    GoldScore.created_at >= start,
                    GoldScore.created_at < end,
                )
                .group_by(GoldScore.project_id),
                GoldScore.project_id,
            )
        )
        verdicts = await s.execute(
            scoped(
                select(ReviewVerdict.project_id, ReviewVerdict.verdict, ReviewVerdict.error_codes)
                .where(
                    ReviewVerdict.annotator_id == user_id,
                    ReviewVerdict.created_at >= start,
                    ReviewVerdict.created_at < end,
                )
                .order_by(ReviewVerdict.id),
                ReviewVerdict.project_id,
            )
        )
        given = await s.execute(
            scoped(
                select(ReviewVerdict.project_id, func.count())
                .where(
                    ReviewVerdict.reviewer_id == user_id,
                    ReviewVerdict.created_at >= start,
                    ReviewVerdict.created_at < end,
                )
                .group_by(ReviewVerdict.project_id),
                ReviewVerdict.project_id,
            )
        )
        gold_rows, verdict_rows, given_rows = gold.all(), verdicts.all(), given.all()
    acc: dict[int, dict[str, Any]] = {}

    def row(pid: int) -> dict[str, Any]:
        return acc.setdefault(
            int(pid),
            {"gold_scored": 0, "gold_passed": 0, "accept": 0, "fix": 0, "reject": 0,
             "reviews_given": 0, "error_codes": Counter()},
        )  # fmt: skip

    for pid, n, passed in gold_rows:
        row(pid).update(gold_scored=int(n), gold_passed=int(passed or 0))
    for pid, verdict, codes in verdict_rows:
        r = row(pid)
        r[verdict] += 1
        r["error_codes"].update(str(c) for c in (codes or []))
    for pid, n in given_rows:
        row(pid)["reviews_given"] = int(n)
    names = await _project_names(db, acc)
    return [
        QualityRow(project_id=pid, project=names.get(pid, str(pid)), **{
            **v, "error_codes": dict(sorted(v["error_codes"].items()))
        })
        for pid, v in sorted(acc.items())
    ]  # fmt: skip


async def _hourly(
    db: Database, user_id: int, start: datetime, end: datetime, tz: str, scope: set[int] | None
) -> list[HourRow]:
    async with db.read() as s:
        q = select(Annotation.project_id, Annotation.created_at).where(
            Annotation.user_id == user_id,
            Annotation.created_at >= start,
            Annotation.created_at < end,
        )
        if scope is not None:
            q = q.where(Annotation.project_id.in_(scope))
        rows = (await s.execute(q)).all()
    zone = _zone(tz)
    counts: Counter[tuple[int, int]] = Counter(
        (int(pid), at.astimezone(zone).hour) for pid, at in rows
    )
    return [HourRow(project_id=p, hour=h, items=n) for (p, h), n in sorted(counts.items())]


async def _guidelines(
    db: Database, user_id: int, start: datetime, end: datetime, scope: set[int] | None
) -> tuple[list[AckRow], list[PendingRow]]:
    async with db.read() as s:
        q = (
            select(GuidelineVersion.project_id, Project.name, GuidelineVersion.version,
                   GuidelineAck.acked_at)
            .join(GuidelineVersion, GuidelineVersion.id == GuidelineAck.guideline_version_id)
            .join(Project, Project.id == GuidelineVersion.project_id)
            .where(GuidelineAck.user_id == user_id, GuidelineAck.acked_at >= start,
                   GuidelineAck.acked_at < end)
            .order_by(GuidelineAck.acked_at, GuidelineVersion.project_id)
        )  # fmt: skip
        if scope is not None:
            q = q.where(GuidelineVersion.project_id.in_(scope))
        acked = [
            AckRow(project_id=p, project=n, version=v, acked_at=at)
            for p, n, v, at in (await s.execute(q)).all()
        ]
        # Pending now: the newest version requiring confirmation is newer than the newest the
        # person confirmed (confirming a version covers every older one).
        required = (
            select(GuidelineVersion.project_id, func.max(GuidelineVersion.version).label("v"))
            .where(GuidelineVersion.requires_ack)
            .group_by(GuidelineVersion.project_id)
            .subquery()
        )
        confirmed = (
            select(GuidelineVersion.project_id, func.max(GuidelineVersion.version).label("v"))
            .join(GuidelineAck, GuidelineAck.guideline_version_id == GuidelineVersion.id)
            .where(GuidelineAck.user_id == user_id)
            .group_by(GuidelineVersion.project_id)
            .subquery()
        )
        current = (
            select(GuidelineVersion.project_id, func.max(GuidelineVersion.version).label("v"))
            .group_by(GuidelineVersion.project_id)
            .subquery()
        )
        pq = (
            select(Membership.project_id, Project.name, current.c.v, confirmed.c.v)
            .join(Project, Project.id == Membership.project_id)
            .join(required, required.c.project_id == Membership.project_id)
            .join(current, current.c.project_id == Membership.project_id)
            .outerjoin(confirmed, confirmed.c.project_id == Membership.project_id)
            .where(
                Membership.user_id == user_id,
                Membership.role.in_(GATED_ROLES),
                (confirmed.c.v.is_(None)) | (confirmed.c.v < required.c.v),
            )
            .order_by(Membership.project_id)
        )
        if scope is not None:
            pq = pq.where(Membership.project_id.in_(scope))
        pending = [
            PendingRow(project_id=p, project=n, version=int(v), since=since)
            for p, n, v, since in (await s.execute(pq)).all()
        ]
    return acked, pending


async def _questions(
    db: Database, user_id: int, start: datetime, end: datetime, scope: set[int] | None
) -> list[QuestionRow]:
    raised = await questions.questions_raised_by(db, user_id, start, end)
    raised = [q for q in raised if scope is None or q["project_id"] in scope]
    names = await _project_names(db, (q["project_id"] for q in raised))
    return [
        QuestionRow(
            id=q["id"],
            project_id=q["project_id"],
            project=names.get(q["project_id"], str(q["project_id"])),
            item_id=q.get("item_id"),
            category=q.get("category"),
            priority=q.get("priority"),
            status=str(q["status"]),
            created_at=q["created_at"],
            first_response_at=q.get("first_response_at"),
            resolved_at=q.get("resolved_at"),
            breached=bool(q.get("breached")),
        )
        for q in raised
    ]


async def daily_report(
    db: Database,
    user_id: int,
    day: date,
    *,
    now: datetime | None = None,
    project_ids: set[int] | None = None,
) -> DailyReport:
    """The person's report for their local ``day``; ``project_ids`` keeps only those
    projects (a lead's view), leaving out the whole-day time figures."""
    now = now or utcnow()
    user = await find_user(db, user_id)
    tz = await workforce.timezone_of(db, user_id)
    start, end = await workforce.day_bounds(db, user_id, day)
    scope = set(project_ids) if project_ids is not None else None

    only = next(iter(scope)) if scope and len(scope) == 1 else None
    accounted = await activity.account(db, user_id, start, end, only, now=now)
    gap = activity.SESSION_GAP_S
    if only is not None and only in accounted.settings:
        gap = accounted.settings[only].session_gap_s
    summary = activity.summary_of(accounted, start, end, gap)
    stages = [d for d in summary.by_project_stage if scope is None or d["project_id"] in scope]
    progress = await targets.progress_for_day(db, user_id, day, only, now=now)
    progress = [t for t in progress if scope is None or t.project_id in scope]
    avail = await report_schedule.availability_of(db, user_id, tz, day)
    split = report_schedule.split_active(accounted.segments, avail.calendar, scope)
    names = await _project_names(
        db, [d["project_id"] for d in stages] + [t.project_id for t in progress] + list(split)
    )
    work = sorted(
        (
            WorkRow(
                project_id=int(d["project_id"]),
                project=names.get(int(d["project_id"]), str(d["project_id"])),
                stage=str(d["stage"]),
                items=int(d["items"]),
                active_ms=int(d["active_ms"]),
            )
            for d in stages
            if d["items"] or d["active_ms"]
        ),
        key=lambda w: (w.project, w.stage),
    )
    sessions = [
        SessionRow(start=x.start, end=x.end, active_ms=x.active_ms) for x in summary.sessions
    ]
    if scope is None:
        time = TimeSection(
            active_ms=summary.active_ms,
            idle_ms=summary.idle_ms,
            hidden_ms=summary.hidden_ms,
            sessions=sessions,
            breaks=_breaks(sessions),
        )
    else:
        time = _partial_time(work)
    acked, pending = await _guidelines(db, user_id, start, end, scope)
    schedule = report_schedule.schedule_section(avail, tz, day, (start, end), now, split, names)
    report = DailyReport(
        person=Person.model_validate(user),
        day=day,
        tz=tz,
        start=start,
        end=end,
        generated_at=now,
        partial=scope is not None,
        items=sum(w.items for w in work),
        work=work,
        time=time,
        throughput=[
            TargetRow(
                metric=t.metric,
                project_id=t.project_id,
                project=names.get(t.project_id, str(t.project_id)),
                stage=t.stage,
                target=t.target,
                actual=t.actual,
                met=t.met,
            )
            for t in progress
        ],
        quality=_quality_section(await _quality_rows(db, user_id, start, end, scope)),
        questions=await _questions(db, user_id, start, end, scope),
        guidelines_acknowledged=acked,
        guidelines_pending=pending,
        hourly=await _hourly(db, user_id, start, end, tz, scope),
        schedule=schedule,
    )
    report.flags = report_schedule.flags_for(schedule, report.worked, report.partial)
    return report


def _partial_time(work: list[WorkRow]) -> TimeSection:
    return TimeSection(
        active_ms=sum(w.active_ms for w in work),
        idle_ms=None,
        hidden_ms=None,
        sessions=[],
        breaks=[],
    )


def restrict(report: DailyReport, project_ids: set[int]) -> DailyReport:
    """The same report with only the rows of ``project_ids`` (a lead's view of a snapshot)."""

    def keep(rows: list[Any]) -> list[Any]:
        return [r for r in rows if r.project_id in project_ids]

    work = keep(report.work)
    schedule = report.schedule
    if schedule is not None:
        schedule = report_schedule.with_rows(schedule, keep(schedule.by_project))
    view = report.model_copy(
        update={
            "partial": True,
            "work": work,
            "items": sum(w.items for w in work),
            "time": _partial_time(work),
            "throughput": keep(report.throughput),
            "quality": _quality_section(keep(report.quality.by_project)),
            "questions": keep(report.questions),
            "guidelines_acknowledged": keep(report.guidelines_acknowledged),
            "guidelines_pending": keep(report.guidelines_pending),
            "hourly": keep(report.hourly),
            "schedule": schedule,
        }
    )
    view.flags = report_schedule.flags_for(schedule, view.worked, True)
    return view


# --- who may read whose report -------------------------------------------------------------------
async def shared_roles(db: Database, reader_id: int, person_id: int) -> dict[int, str]:
    """The reader's role in each project the person is a member of too."""
    async with db.read() as s:
        theirs = select(Membership.project_id).where(Membership.user_id == person_id)
        rows = await s.execute(
            select(Membership.project_id, Membership.role).where(
                Membership.user_id == reader_id, Membership.project_id.in_(theirs)
            )
        )
        return {int(p): r for p, r in rows.all()}


async def timezone_of(db: Database, user_id: int) -> str:
    return await workforce.timezone_of(db, user_id)


async def day_bounds(db: Database, user_id: int, day: date) -> tuple[datetime, datetime]:
    return await workforce.day_bounds(db, user_id, day)


# --- the team roll-up ----------------------------------------------------------------------------
def _team_row(report: DailyReport) -> TeamRow:
    q, raised = report.quality, report.questions
    sched = report.schedule if report.schedule and report.schedule.has_schedule else None
    return TeamRow(
        person=report.person,
        tz=report.tz,
        items=report.items,
        active_ms=report.time.active_ms,
        items_per_hour=_per_hour(report.items, report.time.active_ms),
        gold_scored=q.gold_scored,
        gold_passed=q.gold_passed,
        gold_accuracy=q.gold_accuracy,
        accept=q.accept,
        fix=q.fix,
        reject=q.reject,
        pass_rate=q.pass_rate,
        reviews_given=q.reviews_given,
        questions_raised=len(raised),
        questions_open=sum(1 for x in raised if x.resolved_at is None),
        targets_met=sum(1 for t in report.throughput if t.met),
        targets_total=sum(1 for t in report.throughput if t.met is not None),
        scheduled_ms=sched.scheduled_ms if sched else None,
        active_in_schedule_ms=sched.active_in_schedule_ms if sched else None,
        active_outside_schedule_ms=sched.active_outside_schedule_ms if sched else None,
        flags=[f.code for f in report.flags],
    )


def _per_hour(items: int, active_ms: int) -> float | None:
    # Under a minute of active time the rate says nothing (three quick submits would read as
    # thousands an hour).
    return items / (active_ms / 3_600_000) if active_ms >= MIN_ACTIVE_FOR_RATE_MS else None


def _totals(rows: list[TeamRow]) -> TeamRow:
    def total(key: str) -> int:
        return sum(getattr(r, key) or 0 for r in rows)

    def scheduled(key: str) -> int | None:
        # Over the people with a schedule only; null when nobody has one.
        known = [getattr(r, key) for r in rows if r.scheduled_ms is not None]
        return sum(known) if known else None

    active = total("active_ms")
    accept, fix, reject = total("accept"), total("fix"), total("reject")
    return TeamRow(
        person=Person(id=0, username="total", display_name=f"{len(rows)} people"),
        tz="",
        items=total("items"),
        active_ms=active,
        items_per_hour=_per_hour(total("items"), active),
        gold_scored=total("gold_scored"),
        gold_passed=total("gold_passed"),
        gold_accuracy=_ratio(total("gold_passed"), total("gold_scored")),
        accept=accept,
        fix=fix,
        reject=reject,
        pass_rate=_ratio(accept, accept + fix + reject),
        reviews_given=total("reviews_given"),
        questions_raised=total("questions_raised"),
        questions_open=total("questions_open"),
        targets_met=total("targets_met"),
        targets_total=total("targets_total"),
        scheduled_ms=scheduled("scheduled_ms"),
        active_in_schedule_ms=scheduled("active_in_schedule_ms"),
        active_outside_schedule_ms=scheduled("active_outside_schedule_ms"),
    )


async def _candidates(db: Database, project_id: int, around: date) -> list[int]:
    """Members with any submit or verdict within a day of ``around`` (UTC): everyone whose
    local day can overlap it, so the per-person work is done only for them."""
    lo = datetime.combine(around - timedelta(days=1), datetime.min.time(), UTC)
    hi = datetime.combine(around + timedelta(days=2), datetime.min.time(), UTC)
    async with db.read() as s:
        members = select(Membership.user_id).where(Membership.project_id == project_id)
        annotated = select(Annotation.user_id).where(
            Annotation.project_id == project_id,
            Annotation.user_id.in_(members),
            Annotation.created_at >= lo,
            Annotation.created_at < hi,
        )
        reviewed = select(ReviewVerdict.reviewer_id).where(
            ReviewVerdict.project_id == project_id,
            ReviewVerdict.created_at >= lo,
            ReviewVerdict.created_at < hi,
        )
        ids = set(await s.scalars(annotated.distinct())) | set(await s.scalars(reviewed.distinct()))
        active = set(await s.scalars(select(Membership.user_id).where(
            Membership.project_id == project_id)))  # fmt: skip
        # People with tracked time but no submit yet worked that day too.
        tracked = select(ActivityEvent.user_id).where(
            ActivityEvent.project_id == project_id,
            ActivityEvent.at >= lo,
            ActivityEvent.at < hi,
            ActivityEvent.state == "active",
        )
        ids |= set(await s.scalars(tracked.distinct()))
    return sorted(ids & active)


async def _scheduled_members(db: Database, project_id: int, day: date) -> list[int]:
    """Annotators and reviewers of the project whose calendar holds working time on their
    local ``day``: the roll-up lists them even when they did nothing on the project."""
    async with db.read() as s:
        rows = (
            await s.execute(
                select(Schedule, PersonProfile.timezone)
                .join(Membership, Membership.user_id == Schedule.user_id)
                .outerjoin(PersonProfile, PersonProfile.user_id == Schedule.user_id)
                .where(Membership.project_id == project_id, Membership.role.in_(GATED_ROLES))
            )
        ).all()
    return sorted(
        row.user_id for row, tz in rows if report_schedule.scheduled_on(row, tz or "UTC", day)
    )


async def team_report(
    db: Database, project: Project, day: date, *, now: datetime | None = None
) -> TeamReport:
    """One row per project member who worked on the project on their local ``day``, and per
    annotator or reviewer whose schedule held working time that day (worked or not)."""
    now = now or utcnow()
    rows = []
    worked = set(await _candidates(db, project.id, day))
    scheduled = set(await _scheduled_members(db, project.id, day))
    for uid in sorted(worked | scheduled):
        report = await daily_report(db, uid, day, now=now, project_ids={project.id})
        if report.worked or report.scheduled:
            rows.append(_team_row(report))
    rows.sort(key=lambda r: (r.person.username.lower(), r.person.id))
    return TeamReport(
        project_id=project.id,
        project=project.name,
        day=day,
        generated_at=now,
        rows=rows,
        totals=_totals(rows),
    )


# --- stored snapshots ----------------------------------------------------------------------------
async def store_snapshot(db: Database, report: DailyReport) -> bool:
    """Inserts the report unless one is stored for that person and day; True if inserted.
    Two hosts storing the same day at once end up with one row: the unique (user, day)
    constraint decides, and the loser's insert does nothing."""
    values = {
        "user_id": report.person.id,
        "day": report.day,
        "tz": report.tz,
        "items": report.items,
        "active_ms": report.time.active_ms,
        "data": report.model_dump(mode="json"),
        "generated_at": report.generated_at,
    }
    insert = sqlite_insert if db.is_sqlite else pg_insert
    stmt = (
        insert(ReportSnapshot)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(ReportSnapshot.id)
    )
    async with db.write() as s:
        inserted = (await s.execute(stmt)).scalar_one_or_none()
    return inserted is not None


async def list_snapshots(db: Database, user_id: int) -> list[ReportSnapshot]:
    async with db.read() as s:
        rows = await s.scalars(
            select(ReportSnapshot)
            .where(ReportSnapshot.user_id == user_id)
            .order_by(ReportSnapshot.day.desc())
            .limit(HISTORY_LIMIT)
        )
        return list(rows)


def snapshot_report(row: ReportSnapshot) -> DailyReport:
    return DailyReport.model_validate(row.data)


async def stored_report(db: Database, user_id: int, day: date) -> DailyReport:
    async with db.read() as s:
        row = await s.scalar(
            select(ReportSnapshot).where(
                ReportSnapshot.user_id == user_id, ReportSnapshot.day == day
            )
        )
    if row is None:
        raise NotFound(
            f"no stored report for {day.isoformat()}",
            code="report_not_found",
            field="date",
            value=day.isoformat(),
        )
    return snapshot_report(row)


# --- CSV -----------------------------------------------------------------------------------------
# One long table: every figure is a row (section, row, project, stage, key, value). A row number
# groups the keys of one record (a session, a question), so a pivot table on section + row
# rebuilds each section as its own table, and the file always has the same columns.
CSV_COLUMNS = ("section", "row", "project", "stage", "key", "value")


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v  # a spreadsheet must not run a name as a formula
    return v


def _records(report: DailyReport) -> list[tuple[str, list[tuple[str, str, dict[str, Any]]]]]:
    """Every section as (name, [(project, stage, {key: value})])."""
    p, t, q = report.person, report.time, report.quality
    return [
        ("person", [("", "", {
            "user_id": p.id, "username": p.username, "display_name": p.display_name,
            "day": report.day.isoformat(), "time_zone": report.tz, "start": report.start,
            "end": report.end, "generated_at": report.generated_at, "partial": report.partial,
        })]),
        ("work", [(w.project, w.stage, {"items": w.items, "active_ms": w.active_ms})
                  for w in report.work]),
        ("time", [("", "", {"active_ms": t.active_ms, "idle_ms": t.idle_ms,
                            "hidden_ms": t.hidden_ms})]),
        ("sessions", [("", "", {"start": x.start, "end": x.end, "active_ms": x.active_ms})
                      for x in t.sessions]),
        ("breaks", [("", "", {"start": b.start, "end": b.end, "duration_ms": b.duration_ms})
                    for b in t.breaks]),
        ("throughput", [(g.project, g.stage or "", {
            "metric": g.metric, "target": g.target, "actual": g.actual, "met": g.met})
            for g in report.throughput]),
        ("quality", [("", "", {
            "gold_scored": q.gold_scored, "gold_passed": q.gold_passed,
            "gold_accuracy": q.gold_accuracy, "accept": q.accept, "fix": q.fix,
            "reject": q.reject, "pass_rate": q.pass_rate, "reviews_given": q.reviews_given,
        })]),
        ("error_codes", [("", "", {"code": e.code, "count": e.count})
                         for e in q.top_error_codes]),
        ("questions", [(x.project, "", {
            "id": x.id, "item_id": x.item_id, "category": x.category, "priority": x.priority,
            "status": x.status, "created_at": x.created_at,
            "first_response_at": x.first_response_at, "resolved_at": x.resolved_at,
            "breached": x.breached,
        }) for x in report.questions]),
        ("guidelines_acknowledged", [(a.project, "", {"version": a.version,
                                                      "acked_at": a.acked_at})
                                     for a in report.guidelines_acknowledged]),
        ("guidelines_pending", [(g.project, "", {"version": g.version, "since": g.since})
                                for g in report.guidelines_pending]),
        ("items_per_hour", [("", "", {f"{h:02d}:00": n})
                            for h, n in enumerate(report.items_per_hour()) if n]),
        *_schedule_records(report),
    ]  # fmt: skip


def _schedule_records(
    report: DailyReport,
) -> list[tuple[str, list[tuple[str, str, dict[str, Any]]]]]:
    sc = report.schedule
    if sc is None:  # a snapshot stored before reports read schedules
        return []
    return [
        ("schedule", [("", "", {
            "has_schedule": sc.has_schedule, "week": sc.week, "time_off": sc.time_off,
            "scheduled_ms": sc.scheduled_ms, "scheduled_so_far_ms": sc.scheduled_so_far_ms,
            "active_in_schedule_ms": sc.active_in_schedule_ms,
            "active_outside_schedule_ms": sc.active_outside_schedule_ms,
            "share_of_scheduled": sc.share_of_scheduled,
        })]),
        ("shifts", [("", "", {"start": x.start, "end": x.end, "local": x.local})
                    for x in sc.shifts]),
        ("schedule_by_project", [(r.project, "", {
            "active_in_schedule_ms": r.active_in_schedule_ms,
            "active_outside_schedule_ms": r.active_outside_schedule_ms}) for r in sc.by_project]),
        ("flags", [("", "", {"code": f.code, "message": f.message}) for f in report.flags]),
    ]  # fmt: skip


def report_rows(report: DailyReport) -> list[tuple[Any, ...]]:
    return [
        (section, n, project, stage, key, value)
        for section, records in _records(report)
        for n, (project, stage, fields) in enumerate(records, 1)
        for key, value in fields.items()
    ]


def _write_csv(rows: Iterable[Iterable[Any]], header: Iterable[str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for r in rows:
        writer.writerow([_cell(v) for v in r])
    return buf.getvalue()


def report_csv(report: DailyReport) -> str:
    return _write_csv(report_rows(report), CSV_COLUMNS)


TEAM_COLUMNS = (
    "user_id", "username", "display_name", "time_zone", "items", "active_ms", "items_per_hour",
    "gold_scored", "gold_passed", "gold_accuracy", "accept", "fix", "reject", "pass_rate",
    "reviews_given", "questions_raised", "questions_open", "targets_met", "targets_total",
    "scheduled_ms", "active_in_schedule_ms", "active_outside_schedule_ms", "flags",
)  # fmt: skip


def _team_values(r: TeamRow, user_id: Any) -> list[Any]:
    return [
        user_id, r.person.username, r.person.display_name, r.tz, r.items, r.active_ms,
        r.items_per_hour, r.gold_scored, r.gold_passed, r.gold_accuracy, r.accept, r.fix, r.reject,
        r.pass_rate, r.reviews_given, r.questions_raised, r.questions_open, r.targets_met,
        r.targets_total, r.scheduled_ms, r.active_in_schedule_ms, r.active_outside_schedule_ms,
        ";".join(r.flags),
    ]  # fmt: skip


def team_csv(report: TeamReport) -> str:
    """One row per person, then a totals row (user_id empty, username "total")."""
    rows = [_team_values(r, r.person.id) for r in report.rows]
    rows.append(_team_values(report.totals, ""))
    return _write_csv(rows, TEAM_COLUMNS)
