"""Targets (items per day and per hour, gold accuracy, review pass rate) and progress against them.

A target belongs to a project and applies to one person, to a role, or to everyone in the
project; it may be narrowed to one stage and one weekday. For a person, stage and metric the
most specific target wins: the person's own over their role's over the project default, and
within one of those a target for the weekday over one for every day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from truthline.db.models import Annotation, GoldScore, Membership, ReviewVerdict, User
from truthline.db.models_activity import METRICS, ActivityEvent, ActivityTarget
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.policies.rules import ROLES
from truthline.services import activity, audit

STAGES = ("annotate", "review")
RATE_METRICS = ("gold_accuracy", "review_pass_rate")
T = ActivityTarget.__table__


@dataclass
class TargetProgress:
    metric: str
    project_id: int
    stage: str | None
    target: float
    actual: float | None
    met: bool | None


@dataclass
class Quality:
    """A person's gold and review record in a window."""

    gold_scored: int = 0
    gold_passed: int = 0
    reviewed: int = 0
    review_passed: int = 0

    @property
    def gold_accuracy(self) -> float | None:
        return self.gold_passed / self.gold_scored if self.gold_scored else None

    @property
    def review_pass_rate(self) -> float | None:
        return self.review_passed / self.reviewed if self.reviewed else None


# --- resolution (pure) ----------------------------------------------------------------------------
def _rank(t: Any, user_id: int, weekday: int) -> tuple[int, int] | None:
    """How specific a target is for this person on this weekday (lower wins); None: not theirs."""
    if t.weekday is not None and t.weekday != weekday:
        return None
    if t.user_id is not None and t.user_id != user_id:
        return None
    level = 0 if t.user_id is not None else 1 if t.role is not None else 2
    return (level, 0 if t.weekday is not None else 1)


def resolve(targets: list[Any], user_id: int, role: str | None, weekday: int) -> list[Any]:
    """The targets in force for one person: one per (project, metric, stage)."""
    best: dict[tuple[int, str, str | None], tuple[tuple[int, int, int], Any]] = {}
    for t in targets:
        if t.role is not None and t.role != role:
            continue
        rank = _rank(t, user_id, weekday)
        if rank is None:
            continue
        key = (t.project_id, t.metric, t.stage)
        full = (*rank, t.id)
        if key not in best or full < best[key][0]:
            best[key] = (full, t)
    return [best[k][1] for k in sorted(best, key=lambda k: (k[0], k[1], k[2] or ""))]


def actual_of(
    metric: str, stage: str | None, items: dict[str, int], active_ms: dict[str, int], q: Quality
) -> float | None:
    """The actual value of a metric; ``items`` and ``active_ms`` are per stage."""
    n = items.get(stage, 0) if stage else sum(items.values())
    if metric == "items_per_day":
        return float(n)
    if metric == "items_per_hour":
        ms = active_ms.get(stage, 0) if stage else sum(active_ms.values())
        return n / (ms / 3_600_000) if ms > 0 else None
    if metric == "gold_accuracy":
        return q.gold_accuracy
    return q.review_pass_rate


def progress(
    t: Any, items: dict[str, int], active_ms: dict[str, int], q: Quality
) -> TargetProgress:
    actual = actual_of(t.metric, t.stage, items, active_ms, q)
    met = None if actual is None else actual >= t.value
    return TargetProgress(t.metric, t.project_id, t.stage, float(t.value), actual, met)


# --- CRUD -----------------------------------------------------------------------------------------
async def list_targets(db: Database, project_id: int) -> list[ActivityTarget]:
    async with db.read() as s:
        rows = await s.scalars(
            select(ActivityTarget)
            .where(ActivityTarget.project_id == project_id)
            .order_by(ActivityTarget.metric, ActivityTarget.id)
        )
        return list(rows)


async def _check(db: Database, access: ProjectAccess, fields: dict[str, Any]) -> None:
    metric, value = fields.get("metric"), fields.get("value")
    if metric not in METRICS:
        raise InvalidInput(
            f"unknown metric {metric!r}; one of {', '.join(METRICS)}", field="metric", value=metric
        )
    if value is None or value < 0 or (metric in RATE_METRICS and value > 1):
        limit = "between 0 and 1" if metric in RATE_METRICS else "0 or more"
        raise InvalidInput(
            f"a {metric} target must be {limit}",
            code="target_value_out_of_range",
            field="value",
            value=value,
        )
    if fields.get("stage") is not None and fields["stage"] not in STAGES:
        raise InvalidInput(
            f"unknown stage {fields['stage']!r}", field="stage", value=fields["stage"]
        )
    if fields.get("role") is not None and fields["role"] not in ROLES:
        raise InvalidInput(f"unknown role {fields['role']!r}", field="role", value=fields["role"])
    if fields.get("weekday") is not None and not 0 <= fields["weekday"] <= 6:
        raise InvalidInput(
            "weekday must be 0 (Monday) to 6 (Sunday)", field="weekday", value=fields["weekday"]
        )
    if fields.get("user_id") is not None and fields.get("role") is not None:
        raise InvalidInput(
            "a target is for one person or for a role, not both",
            code="target_scope_ambiguous",
            field="role",
            value=fields["role"],
        )
    if fields.get("user_id") is not None:
        async with db.read() as s:
            member = await s.get(Membership, (access.project.id, fields["user_id"]))
        if member is None:
            raise InvalidInput(
                f"user {fields['user_id']} is not a member of this project",
                code="target_user_not_member",
                field="user_id",
                value=fields["user_id"],
            )


SCOPE = ("user_id", "role", "stage", "weekday", "metric")


async def _same_scope(s: Any, project_id: int, fields: dict[str, Any], skip: int | None) -> Any:
    q = select(ActivityTarget.id).where(ActivityTarget.project_id == project_id)
    for name in SCOPE:
        col = getattr(ActivityTarget, name)
        q = q.where(col.is_(None) if fields.get(name) is None else col == fields[name])
    if skip is not None:
        q = q.where(ActivityTarget.id != skip)
    return await s.scalar(q.limit(1))


async def create_target(
    db: Database, access: ProjectAccess, fields: dict[str, Any]
) -> ActivityTarget:
    await _check(db, access, fields)
    async with db.write() as s:
        other = await _same_scope(s, access.project.id, fields, None)
        if other is not None:
            raise Conflict(
                "a target for this metric, person or role, stage and weekday exists; change it",
                code="target_exists",
                target_id=other,
            )
        t = ActivityTarget(project_id=access.project.id, created_by=access.user.id, **fields)
        s.add(t)
        await s.flush()
        audit.record(s, access.user.id, "target.create", access.project.id, "target", t.id, fields)
    return t


async def _own_target(s: Any, project_id: int, target_id: int) -> ActivityTarget:
    t = await s.get(ActivityTarget, target_id)
    if t is None or t.project_id != project_id:
        raise NotFound(f"no target {target_id} in this project", code="target_not_found")
    return t


async def update_target(
    db: Database, access: ProjectAccess, target_id: int, changes: dict[str, Any]
) -> ActivityTarget:
    async with db.read() as s:
        current = await _own_target(s, access.project.id, target_id)
        fields = {name: getattr(current, name) for name in (*SCOPE, "value")}
    fields.update(changes)
    await _check(db, access, fields)
    async with db.write() as s:
        t = await _own_target(s, access.project.id, target_id)
        if await _same_scope(s, access.project.id, fields, target_id) is not None:
            raise Conflict("another target has this scope", code="target_exists")
        for name, value in changes.items():
            setattr(t, name, value)
        t.updated_at = utcnow()
        audit.record(s, access.user.id, "target.update", access.project.id, "target", t.id, changes)
    return t


async def delete_target(db: Database, access: ProjectAccess, target_id: int) -> None:
    async with db.write() as s:
        t = await _own_target(s, access.project.id, target_id)
        await s.delete(t)
        audit.record(s, access.user.id, "target.delete", access.project.id, "target", target_id)


# --- actuals --------------------------------------------------------------------------------------
async def quality_by_user(
    db: Database,
    project_id: int,
    user_ids: list[int],
    start: datetime,
    end: datetime,
    fix_counts_as_pass: bool,
) -> dict[int, Quality]:
    """Gold scores and review verdicts on each person's work given in [start, end)."""
    out: dict[int, Quality] = defaultdict(Quality)
    if not user_ids:
        return out
    passing = ("accept", "fix") if fix_counts_as_pass else ("accept",)
    gold_q = (
        select(
            GoldScore.user_id,
            func.count(),
            func.sum(case((GoldScore.passed, 1), else_=0)),
        )
        .where(
            GoldScore.project_id == project_id,
            GoldScore.user_id.in_(user_ids),
            GoldScore.created_at >= start,
            GoldScore.created_at < end,
        )
        .group_by(GoldScore.user_id)
    )
    review_q = (
        select(
            ReviewVerdict.annotator_id,
            func.count(),
            func.sum(case((ReviewVerdict.verdict.in_(passing), 1), else_=0)),
        )
        .where(
            ReviewVerdict.project_id == project_id,
            ReviewVerdict.annotator_id.in_(user_ids),
            ReviewVerdict.created_at >= start,
            ReviewVerdict.created_at < end,
        )
        .group_by(ReviewVerdict.annotator_id)
    )
    async with db.read() as s:
        for uid, n, passed in (await s.execute(gold_q)).all():
            out[uid].gold_scored, out[uid].gold_passed = int(n), int(passed or 0)
        for uid, n, passed in (await s.execute(review_q)).all():
            out[uid].reviewed, out[uid].review_passed = int(n), int(passed or 0)
    return out


def per_stage(
    summary: activity.ActivitySummary, project_id: int
) -> tuple[dict[str, int], dict[str, int]]:
    items: dict[str, int] = {}
    active: dict[str, int] = {}
    for g in summary.by_project_stage:
        if g["project_id"] == project_id:
            items[g["stage"]] = g["items"]
            active[g["stage"]] = g["active_ms"]
    return items, active


async def progress_for_day(
    db: Database,
    user_id: int,
    day: date,
    project_id: int | None = None,
    *,
    now: datetime | None = None,
) -> list[TargetProgress]:
    """The person's progress against the targets in force for them on their local ``day``, in
    every project they belong to (or the one given)."""
    q = select(Membership.project_id, Membership.role).where(Membership.user_id == user_id)
    if project_id is not None:
        q = q.where(Membership.project_id == project_id)
    async with db.read() as s:
        roles = dict((await s.execute(q)).all())
        targets = (
            list(await s.scalars(select(ActivityTarget).where(T.c.project_id.in_(list(roles)))))
            if roles
            else []
        )
    if not targets:
        return []
    start, end = await activity.day_bounds(db, user_id, day)
    summary = await activity.summarize_activity(db, user_id, start, end, project_id, now=now)
    settings = await activity.settings_for(db, list(roles))
    out: list[TargetProgress] = []
    for pid, role in sorted(roles.items()):
        chosen = resolve([t for t in targets if t.project_id == pid], user_id, role, day.weekday())
        if not chosen:
            continue
        quality = (
            await quality_by_user(db, pid, [user_id], start, end, settings[pid].fix_counts_as_pass)
        )[user_id]
        items, active = per_stage(summary, pid)
        out.extend(progress(t, items, active, quality) for t in chosen)
    return out


# --- the team table -------------------------------------------------------------------------------
MIN_ITEMS_FOR_SPEED = 3  # fewer items say too little about someone's pace to flag it


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def speed_flags(
    durations: dict[str, list[int]],
    stage_medians: dict[str, float | None],
    settings: activity.TimeSettings,
) -> list[dict[str, Any]]:
    """too_fast per stage: the person's median time per item under the configured share of the
    project's median for the stage, or under the configured minimum seconds."""
    out: list[dict[str, Any]] = []
    for stage, values in sorted(durations.items()):
        mine = median(values)
        if mine is None or len(values) < MIN_ITEMS_FOR_SPEED:
            continue
        project = stage_medians.get(stage)
        under_share = project is not None and mine < settings.too_fast_ratio * project
        under_min = settings.too_fast_min_s > 0 and mine < settings.too_fast_min_s * 1000
        if under_share or under_min:
            out.append(
                {
                    "flag": "too_fast",
                    "stage": stage,
                    "median_ms": mine,
                    "project_median_ms": project,
                }
            )
    return out


def idle_flag(
    active_ms: int, idle_ms: int, settings: activity.TimeSettings
) -> dict[str, Any] | None:
    """long_idle: idle time over the configured share of active plus idle time."""
    total = active_ms + idle_ms
    if total and idle_ms / total > settings.long_idle_share:
        return {"flag": "long_idle", "stage": None, "idle_share": idle_ms / total}
    return None


async def _people(db: Database, project_id: int) -> list[Any]:
    async with db.read() as s:
        rows = await s.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project_id, Membership.role != "viewer")
            .order_by(User.username)
        )
        return list(rows.all())


async def _durations(
    db: Database, project_id: int, bounds: dict[int, tuple[datetime, datetime]]
) -> dict[int, dict[str, list[int]]]:
    """The stored active time of each first submit (a lease's annotation) per person and stage."""
    out: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    if not bounds:
        return out
    lo, hi = min(b[0] for b in bounds.values()), max(b[1] for b in bounds.values())
    async with db.read() as s:
        rows = await s.execute(
            select(
                Annotation.user_id, Annotation.stage, Annotation.active_ms, Annotation.created_at
            ).where(
                Annotation.user_id.in_(list(bounds)),
                Annotation.created_at >= lo,
                Annotation.created_at < hi,
                Annotation.project_id == project_id,
                Annotation.assignment_id.is_not(None),
            )
        )
        for uid, stage, ms, at in rows.all():
            start, end = bounds[uid]
            if start <= at < end:
                out[uid][stage].append(int(ms))
    return out


async def team_table(
    db: Database, access: ProjectAccess, day: date, *, now: datetime | None = None
) -> dict[str, Any]:
    """Per person of the project on their local ``day``: items, active/idle/hidden time, pace,
    quality, targets and outlier flags; plus the team's throughput per hour of the caller's
    day. Leads and reviewers with no activity that day are left out; annotators never are."""
    pid = access.project.id
    settings = (await activity.settings_for(db, [pid]))[pid]
    people = await _people(db, pid)
    bounds = {u.id: await activity.day_bounds(db, u.id, day) for u, _ in people}
    view_start, view_end = await activity.day_bounds(db, access.user.id, day)
    accounted: dict[int, activity.Accounted] = {}  # each person's own day
    viewed: dict[int, activity.Accounted] = {}  # the caller's day, for the hourly series
    for u, _ in people:
        lo, hi = bounds[u.id]
        accounted[u.id] = await activity.account(db, u.id, lo, hi, pid, now=now)
        viewed[u.id] = (
            accounted[u.id]
            if (lo, hi) == (view_start, view_end)
            else await activity.account(db, u.id, view_start, view_end, pid, now=now)
        )
    durations = await _durations(db, pid, bounds)
    all_durations: dict[str, list[int]] = defaultdict(list)
    for per in durations.values():
        for stage, values in per.items():
            all_durations[stage].extend(values)
    stage_medians = {stage: median(v) for stage, v in sorted(all_durations.items())}
    async with db.read() as s:
        targets = list(await s.scalars(select(ActivityTarget).where(T.c.project_id == pid)))
    rows: list[dict[str, Any]] = []
    for u, role in people:
        lo, hi = bounds[u.id]
        summary = activity.summary_of(accounted[u.id], lo, hi, settings.session_gap_s)
        quality = (await quality_by_user(db, pid, [u.id], lo, hi, settings.fix_counts_as_pass))[
            u.id
        ]
        row = _person_row(u, role, summary, durations.get(u.id, {}), quality, settings, pid)
        row["flags"] = speed_flags(durations.get(u.id, {}), stage_medians, settings)
        if (flag := idle_flag(summary.active_ms, summary.idle_ms, settings)) is not None:
            row["flags"].append(flag)
        items, active = per_stage(summary, pid)
        row["targets"] = [
            progress(t, items, active, quality) for t in resolve(targets, u.id, role, day.weekday())
        ]
        judged = [p for p in row["targets"] if p.met is not None]
        row["targets_met"] = sum(1 for p in judged if p.met)
        row["targets_judged"] = len(judged)
        if role in ("annotator",) or row["items"] or summary.active_ms or summary.idle_ms:
            rows.append(row)
    return {
        "date": day,
        "start": view_start,
        "end": view_end,
        "people": rows,
        "stage_medians": stage_medians,
        "hours": _hours(
            viewed, view_start, view_end, await _hourly_items(db, pid, view_start, view_end)
        ),
        "settings": settings,
    }


def _person_row(
    u: Any,
    role: str,
    summary: activity.ActivitySummary,
    durations: dict[str, list[int]],
    quality: Quality,
    settings: activity.TimeSettings,
    pid: int,
) -> dict[str, Any]:
    items, active = per_stage(summary, pid)
    n = sum(items.values())
    active_ms = sum(active.values())
    stages = []
    for stage in sorted(set(items) | set(durations)):
        values = durations.get(stage, [])
        stages.append(
            {
                "stage": stage,
                "items": items.get(stage, 0),
                "active_ms": active.get(stage, 0),
                "avg_ms_per_item": sum(values) / len(values) if values else None,
                "median_ms_per_item": median(values),
            }
        )
    return {
        "user": u,
        "role": role,
        "items": n,
        "active_ms": summary.active_ms,
        "idle_ms": summary.idle_ms,
        "hidden_ms": summary.hidden_ms,
        "items_per_hour": n / (active_ms / 3_600_000) if active_ms else None,
        "sessions": summary.sessions,
        "stages": stages,
        "gold_accuracy": quality.gold_accuracy,
        "gold_scored": quality.gold_scored,
        "review_pass_rate": quality.review_pass_rate,
        "reviewed": quality.reviewed,
    }


async def _hourly_items(
    db: Database, project_id: int, start: datetime, end: datetime
) -> list[datetime]:
    """When the project's leases were submitted (the submit events, indexed by project and time)."""
    async with db.read() as s:
        rows = await s.scalars(
            select(ActivityEvent.at).where(
                ActivityEvent.project_id == project_id,
                ActivityEvent.at >= start,
                ActivityEvent.at < end,
                ActivityEvent.kind == "submit",
            )
        )
        return list(rows)


def _hours(
    accounted: dict[int, activity.Accounted],
    start: datetime,
    end: datetime,
    submits: list[datetime],
) -> list[dict[str, Any]]:
    """The team's items, active and idle time per hour of [start, end)."""
    out: list[dict[str, Any]] = []
    hour = start
    while hour < end:
        nxt = min(hour + timedelta(hours=1), end)
        active = idle = 0
        for acc in accounted.values():
            for seg in acc.segments:
                part = activity.clip(seg, hour, nxt)
                if part is not None:
                    active += part.active_ms
                    idle += part.idle_ms
        items = sum(1 for at in submits if hour <= at < nxt)
        out.append({"start": hour, "items": items, "active_ms": active, "idle_ms": idle})
        hour = nxt
    return out
