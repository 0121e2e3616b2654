"""Active time accounted on the server from lease events and client heartbeats.

Each lease is a timeline of marks: the lease itself (at ``leased_at``), the heartbeats (each
with the state the client reported and its cumulative active time), the submit, skip or release.
A mark's state holds until the next mark of the same lease. The interval after an ``active``
mark counts as active for at most min(the client's own delta, the server's wall delta, the
project's max gap); the rest of it is idle. Intervals after ``idle`` or ``hidden`` marks are
summed as idle or hidden time. A person's sessions are their active intervals joined across gaps
shorter than the session gap; the gaps between sessions are breaks.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Annotation, Assignment
from truthline.db.models_activity import ActivityEvent, ActivitySettings
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import InvalidInput
from truthline.policies import ProjectAccess
from truthline.services import audit

# The web client heartbeats every 30 s; two missed beats plus slack before a gap stops counting.
MAX_GAP_S = 75
SESSION_GAP_S = 15 * 60
IDLE_AFTER_S = 60  # the workspace's idle window: no input for this long stops the clock
TOO_FAST_RATIO = 0.3
TOO_FAST_MIN_S = 0.0
LONG_IDLE_SHARE = 0.5
FIX_COUNTS_AS_PASS = False
KIND_ORDER = {"lease": 0, "heartbeat": 1, "submit": 2, "skip": 2, "release": 2}

EV = ActivityEvent.__table__
A = Assignment.__table__
AN = Annotation.__table__
ST = ActivitySettings.__table__


@dataclass(frozen=True)
class Mark:
    """One point of a lease's timeline; ``client_ms`` is None where the client said nothing."""

    at: datetime
    state: str = "active"
    client_ms: int | None = None
    kind: str = "heartbeat"


@dataclass
class Segment:
    """An accounted interval of one lease."""

    start: datetime
    end: datetime
    active_ms: int
    idle_ms: int
    hidden_ms: int
    project_id: int = 0
    stage: str = ""


@dataclass
class WorkSession:
    start: datetime
    end: datetime
    active_ms: int


@dataclass
class ActivitySummary:
    active_ms: int
    idle_ms: int
    hidden_ms: int
    sessions: list[WorkSession]
    by_project_stage: list[dict[str, Any]]


@dataclass
class TimeSettings:
    max_gap_s: int = MAX_GAP_S
    idle_after_s: int = IDLE_AFTER_S
    session_gap_s: int = SESSION_GAP_S
    too_fast_ratio: float = TOO_FAST_RATIO
    too_fast_min_s: float = TOO_FAST_MIN_S
    long_idle_share: float = LONG_IDLE_SHARE
    fix_counts_as_pass: bool = FIX_COUNTS_AS_PASS
    updated_at: datetime | None = field(default=None)


# --- pure interval math ---------------------------------------------------------------------------
def _ms(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))


def _sort_key(m: Mark) -> tuple[Any, ...]:
    return (m.at, KIND_ORDER.get(m.kind, 1), -1 if m.client_ms is None else m.client_ms, m.state)


def client_delta(prev: int | None, cur: int | None) -> int | None:
    """What the client claims for the interval; a smaller total means its clock restarted (a
    reload), and then the new total is all it claims."""
    if cur is None:
        return None
    if prev is None or cur < prev:
        return cur
    return cur - prev


def account_lease(marks: list[Mark], max_gap_ms: int) -> list[Segment]:
    """The intervals between consecutive marks, accounted (input order does not matter)."""
    ordered = sorted(marks, key=_sort_key)
    out: list[Segment] = []
    last_client: int | None = None
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        wall = _ms(cur.at - prev.at)
        delta = client_delta(last_client, cur.client_ms)
        if cur.client_ms is not None:
            last_client = cur.client_ms
        active = idle = hidden = 0
        if prev.state == "active":
            active = min(wall, max_gap_ms, wall if delta is None else delta)
            idle = wall - active
        elif prev.state == "hidden":
            hidden = wall
        else:
            idle = wall
        if wall:
            out.append(Segment(prev.at, cur.at, active, idle, hidden))
    return out


def claimed_total(marks: list[Mark]) -> int:
    """The active time the client reported over these marks (restarts included)."""
    total, last = 0, None
    for m in sorted(marks, key=_sort_key):
        d = client_delta(last, m.client_ms)
        if d is not None:
            total += d
            last = m.client_ms
    return total


def clip(seg: Segment, start: datetime, end: datetime) -> Segment | None:
    """The part of a segment inside [start, end), its amounts scaled to the part kept."""
    lo, hi = max(seg.start, start), min(seg.end, end)
    if hi <= lo:
        return None
    wall = _ms(seg.end - seg.start)
    kept = _ms(hi - lo)
    if kept >= wall:
        return replace(seg, start=lo, end=hi)

    def part(x: int) -> int:
        return x * kept // wall if wall else 0

    return replace(
        seg,
        start=lo,
        end=hi,
        active_ms=part(seg.active_ms),
        idle_ms=part(seg.idle_ms),
        hidden_ms=part(seg.hidden_ms),
    )


def flatten(segments: list[Segment]) -> list[Segment]:
    """Counts overlapping time once (two leases heartbeating at the same moment): each segment
    keeps only the part after everything that started before it."""
    out: list[Segment] = []
    covered: datetime | None = None
    key = lambda s: (s.start, s.end, s.project_id, s.stage, s.active_ms)  # noqa: E731
    for seg in sorted(segments, key=key):
        if covered is not None and seg.start < covered:
            kept = clip(seg, covered, seg.end)
            if kept is None:
                continue
            seg = kept
        out.append(seg)
        covered = seg.end if covered is None else max(covered, seg.end)
    return out


def sessions_of(segments: list[Segment], session_gap_ms: int) -> list[WorkSession]:
    """Active intervals joined across gaps shorter than the session gap."""
    out: list[WorkSession] = []
    for seg in sorted((s for s in segments if s.active_ms > 0), key=lambda s: (s.start, s.end)):
        if out and _ms(seg.start - out[-1].end) < session_gap_ms:
            last = out[-1]
            last.end = max(last.end, seg.end)
            last.active_ms += seg.active_ms
        else:
            out.append(WorkSession(seg.start, seg.end, seg.active_ms))
    return out


def submit_cap(marks: list[Mark], claimed: int, max_gap_ms: int) -> int:
    """A submit's stored active time: what the client claims, but no more than the server saw
    up to the last mark plus one gap's allowance for the beat that had not arrived yet."""
    seen = sum(s.active_ms for s in account_lease(marks, max_gap_ms))
    return max(0, min(claimed, seen + max_gap_ms))


# --- settings -------------------------------------------------------------------------------------
def _settings_from(row: Any) -> TimeSettings:
    if row is None:
        return TimeSettings()
    return TimeSettings(
        max_gap_s=row.max_gap_s,
        idle_after_s=row.idle_after_s,
        session_gap_s=row.session_gap_s,
        too_fast_ratio=row.too_fast_ratio,
        too_fast_min_s=row.too_fast_min_s,
        long_idle_share=row.long_idle_share,
        fix_counts_as_pass=row.fix_counts_as_pass,
        updated_at=row.updated_at,
    )


async def settings_for(db: Database, project_ids: list[int]) -> dict[int, TimeSettings]:
    async with db.read() as s:
        rows = (await s.execute(select(ST).where(ST.c.project_id.in_(project_ids)))).all()
    found = {r.project_id: _settings_from(r) for r in rows}
    return {pid: found.get(pid, TimeSettings()) for pid in project_ids}


SETTING_LIMITS: dict[str, tuple[float, float]] = {
    "max_gap_s": (10, 3600),
    "idle_after_s": (10, 3600),
    "session_gap_s": (60, 24 * 3600),
    "too_fast_ratio": (0, 1),
    "too_fast_min_s": (0, 3600),
    "long_idle_share": (0, 1),
}


async def update_settings(
    db: Database, access: ProjectAccess, changes: dict[str, Any]
) -> TimeSettings:
    for name, value in changes.items():
        if name == "fix_counts_as_pass":
            continue
        if name not in SETTING_LIMITS:
            raise InvalidInput(f"unknown setting {name!r}", field=name, value=value)
        lo, hi = SETTING_LIMITS[name]
        if not lo <= value <= hi:
            raise InvalidInput(
                f"{name} must be between {lo:g} and {hi:g}",
                code="activity_setting_out_of_range",
                field=name,
                value=value,
            )
    pid = access.project.id
    async with db.write() as s:
        row = await s.get(ActivitySettings, pid)
        if row is None:
            base = TimeSettings()
            row = ActivitySettings(
                project_id=pid,
                **{k: getattr(base, k) for k in (*SETTING_LIMITS, "fix_counts_as_pass")},
            )
            s.add(row)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by, row.updated_at = access.user.id, utcnow()
        audit.record(s, access.user.id, "activity.settings", pid, "project", pid, changes)
        await s.flush()
        return _settings_from(row)


# --- recording ------------------------------------------------------------------------------------
def state_of(idle: bool, hidden: bool) -> str:
    return "hidden" if hidden else "idle" if idle else "active"


def record_heartbeat(
    s: AsyncSession, a: Assignment, state: str, client_ms: int | None, now: datetime
) -> None:
    """Adds a heartbeat event inside the caller's transaction (queue.heartbeat)."""
    s.add(
        ActivityEvent(
            user_id=a.user_id,
            project_id=a.project_id,
            assignment_id=a.id,
            at=now,
            kind="heartbeat",
            state=state,
            client_active_ms=client_ms,
        )
    )


_LEASE_MARKS = (
    select(
        A.c.leased_at,
        ST.c.max_gap_s,
        EV.c.at,
        EV.c.state,
        EV.c.client_active_ms,
        EV.c.kind,
    )
    .select_from(
        A.outerjoin(ST, ST.c.project_id == A.c.project_id).outerjoin(
            EV, EV.c.assignment_id == A.c.id
        )
    )
    .where(A.c.id == bindparam("lease_id"))
)
_INSERT_EVENT = insert(ActivityEvent)


def submit_active_ms_sync(conn: Connection, lease_id: int, claimed: int) -> int:
    """``submit_cap`` for the lease being submitted, in the submit's transaction: one query by
    primary key and the events index."""
    rows = conn.execute(_LEASE_MARKS, {"lease_id": lease_id}).all()
    if not rows:
        return claimed
    gap_ms = (rows[0].max_gap_s or MAX_GAP_S) * 1000
    marks = [Mark(rows[0].leased_at, "active", 0, "lease")]
    marks += [Mark(r.at, r.state, r.client_active_ms, r.kind) for r in rows if r.at is not None]
    return submit_cap(marks, claimed, gap_ms)


def edit_active_ms(claimed: int) -> int:
    """An edit has no lease and so no heartbeats: only one gap's allowance is believed."""
    return max(0, min(claimed, MAX_GAP_S * 1000))


def record_submit_sync(
    conn: Connection, user_id: int, project_id: int, lease_id: int, claimed: int, now: datetime
) -> None:
    conn.execute(
        _INSERT_EVENT,
        {
            "user_id": user_id,
            "project_id": project_id,
            "assignment_id": lease_id,
            "at": now,
            "kind": "submit",
            "state": "active",
            "client_active_ms": claimed,
        },
    )


# --- reading --------------------------------------------------------------------------------------
def _workforce() -> Any:
    """The workforce module (people's time zones) where it is installed, else None."""
    try:
        return importlib.import_module("truthline.services.workforce")
    except ImportError:
        return None


async def day_bounds(db: Database, user_id: int, day: date) -> tuple[datetime, datetime]:
    """The person's local calendar day in UTC (their time zone when the workforce module knows
    it, else the UTC day)."""
    workforce = _workforce()
    if workforce is not None and hasattr(workforce, "day_bounds"):
        return await workforce.day_bounds(db, user_id, day)  # type: ignore[no-any-return]
    start = datetime.combine(day, time(0), tzinfo=utcnow().tzinfo)
    return start, start + timedelta(days=1)


def _lease_end(lease: Any, now: datetime) -> Mark | None:
    """The closing mark of a lease that no recorded event closes."""
    if lease.status == "leased":
        return Mark(min(now, lease.expires_at), "active", None, "heartbeat")
    if lease.status in ("skipped", "released", "submitted") and lease.finished_at is not None:
        kind = {"skipped": "skip", "released": "release"}.get(lease.status, "submit")
        return Mark(lease.finished_at, "active", None, kind)
    return None  # expired: nothing after the last beat is known


async def _load(
    db: Database, user_id: int, start: datetime, end: datetime, project_id: int | None
) -> tuple[list[Any], list[Any], dict[int, TimeSettings], list[Any]]:
    leases_q = select(A).where(
        A.c.user_id == user_id,
        A.c.leased_at < end,
        or_(A.c.finished_at.is_(None), A.c.finished_at >= start),
    )
    items_q = (
        select(AN.c.project_id, AN.c.stage, func.count().label("n"))
        .where(AN.c.user_id == user_id, AN.c.created_at >= start, AN.c.created_at < end)
        .group_by(AN.c.project_id, AN.c.stage)
    )
    if project_id is not None:
        leases_q = leases_q.where(A.c.project_id == project_id)
        items_q = items_q.where(AN.c.project_id == project_id)
    async with db.read() as s:
        leases = list((await s.execute(leases_q)).all())
        events: list[Any] = []
        if leases:
            first = min(lease.leased_at for lease in leases)
            query = select(EV).where(
                EV.c.user_id == user_id,
                and_(EV.c.at >= first, EV.c.at < end + timedelta(hours=1)),
                EV.c.assignment_id.in_([lease.id for lease in leases]),
            )
            events = list((await s.execute(query)).all())
        items = list((await s.execute(items_q)).all())
    projects = sorted({lease.project_id for lease in leases} | {r.project_id for r in items})
    return leases, events, await settings_for(db, projects), items


def lease_segments(
    leases: list[Any], events: list[Any], settings: dict[int, TimeSettings], now: datetime
) -> list[Segment]:
    by_lease: dict[int, list[Mark]] = defaultdict(list)
    for e in events:
        by_lease[e.assignment_id].append(Mark(e.at, e.state, e.client_active_ms, e.kind))
    out: list[Segment] = []
    for lease in leases:
        marks = [Mark(lease.leased_at, "active", 0, "lease"), *by_lease.get(lease.id, [])]
        if not any(m.kind in ("submit", "skip", "release") for m in marks):
            closing = _lease_end(lease, now)
            if closing is not None and closing.at >= max(m.at for m in marks):
                marks.append(closing)
        gap_ms = settings.get(lease.project_id, TimeSettings()).max_gap_s * 1000
        for seg in account_lease(marks, gap_ms):
            seg.project_id, seg.stage = lease.project_id, lease.stage
            out.append(seg)
    return out


@dataclass
class Accounted:
    """A person's accounted intervals in a window, with their items per project and stage."""

    segments: list[Segment]
    items: dict[tuple[int, str], int]
    settings: dict[int, TimeSettings]


async def account(
    db: Database,
    user_id: int,
    start: datetime,
    end: datetime,
    project_id: int | None = None,
    *,
    now: datetime | None = None,
) -> Accounted:
    if end <= start:
        raise InvalidInput("end must be after start", field="end", value=end.isoformat())
    leases, events, settings, items = await _load(db, user_id, start, end, project_id)
    segments = [
        c
        for seg in lease_segments(leases, events, settings, now or utcnow())
        if (c := clip(seg, start, end)) is not None
    ]
    counts = {(r.project_id, r.stage): int(r.n) for r in items}
    return Accounted(flatten(segments), counts, settings)


def summary_of(
    acc: Accounted, start: datetime, end: datetime, session_gap_s: int
) -> ActivitySummary:
    """The summary of the part of ``acc`` inside [start, end) (items are not re-windowed)."""
    segments = [c for seg in acc.segments if (c := clip(seg, start, end)) is not None]
    groups: dict[tuple[int, str], dict[str, Any]] = {
        key: {"project_id": key[0], "stage": key[1], "items": n, "active_ms": 0}
        for key, n in acc.items.items()
    }
    for seg in segments:
        key = (seg.project_id, seg.stage)
        g = groups.setdefault(
            key, {"project_id": key[0], "stage": key[1], "items": 0, "active_ms": 0}
        )
        g["active_ms"] += seg.active_ms
    return ActivitySummary(
        active_ms=sum(s.active_ms for s in segments),
        idle_ms=sum(s.idle_ms for s in segments),
        hidden_ms=sum(s.hidden_ms for s in segments),
        sessions=sessions_of(segments, session_gap_s * 1000),
        by_project_stage=[groups[k] for k in sorted(groups)],
    )


async def summarize_activity(
    db: Database,
    user_id: int,
    start: datetime,
    end: datetime,
    project_id: int | None = None,
    *,
    now: datetime | None = None,
) -> ActivitySummary:
    """Active, idle and hidden time, sessions, and items (submitted annotation versions) and
    active time per project and stage of one person in [start, end)."""
    acc = await account(db, user_id, start, end, project_id, now=now)
    gap = SESSION_GAP_S
    if project_id is not None and project_id in acc.settings:
        gap = acc.settings[project_id].session_gap_s
    return summary_of(acc, start, end, gap)


async def local_today(db: Database, user_id: int, now: datetime | None = None) -> date:
    """The person's calendar date now (in their time zone when the workforce module knows it)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    now = now or utcnow()
    workforce = _workforce()
    if workforce is None or not hasattr(workforce, "timezone_of"):
        return now.date()
    try:
        zone = ZoneInfo(await workforce.timezone_of(db, user_id))
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()
    return now.astimezone(zone).date()


def breaks_of(sessions: list[WorkSession]) -> list[tuple[datetime, datetime]]:
    """The gaps between consecutive sessions."""
    return [(a.end, b.start) for a, b in zip(sessions, sessions[1:], strict=False)]
