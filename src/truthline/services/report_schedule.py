"""The schedule part of a daily report: the working time the person's calendar held on their
local day (shift pattern, rotation week, time off, in their time zone), their active time
inside and outside it, and the flags a lead looks at first.

The figures come from the workforce records (``workforce.spec_of`` / ``calendar_from``, the
same calendar the SLA clock uses), so a rotation picks the day's own week and a daylight-saving
change makes a night shift an hour shorter or longer, as it was for the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from truthline.db.models_workforce import Schedule
from truthline.db.session import Database
from truthline.services import workforce
from truthline.services.activity import Segment
from truthline.services.workcal import WorkingCalendar
from truthline.services.workforce import ScheduleSpec

# "Worked less than N% of the scheduled time": N, and how much scheduled time must have passed
# before the comparison means anything (a report asked for at 09:05 is not a no-show).
UNDER_SCHEDULE_SHARE = 0.5
MIN_SCHEDULED_FOR_FLAG_MS = 30 * 60_000
# Active time outside the shifts below this is the end of a task run over, not a pattern.
OUTSIDE_FLAG_MS = 30 * 60_000


class _Model(BaseModel):
    model_config = ConfigDict(from_attributes=True, allow_inf_nan=False)


class ShiftRow(_Model):
    start: datetime
    end: datetime
    local: str  # "09:00-17:00" in the person's time zone


class ScheduledTimeRow(_Model):
    project_id: int
    project: str
    active_in_schedule_ms: int
    active_outside_schedule_ms: int


class ReportFlag(_Model):
    code: str  # no_shift_scheduled | under_scheduled_time | outside_schedule
    message: str


class ScheduleSection(_Model):
    has_schedule: bool
    week: int | None  # the rotation week of the day (0 = the week holding rotation_start)
    time_off: bool
    shifts: list[ShiftRow]
    scheduled_ms: int
    scheduled_so_far_ms: int  # up to when the report was computed
    # Without a schedule, inside and outside mean nothing: both are null.
    active_in_schedule_ms: int | None
    active_outside_schedule_ms: int | None
    share_of_scheduled: float | None  # active time / scheduled time so far
    by_project: list[ScheduledTimeRow]


@dataclass
class Availability:
    spec: ScheduleSpec | None
    calendar: WorkingCalendar | None


def availability_from(row: Schedule | None, tz: str, day: date) -> Availability:
    if row is None:
        return Availability(None, None)
    spec = workforce.spec_of(row)
    try:
        return Availability(spec, workforce.calendar_from(tz, spec, day))
    except ValueError:  # a zone this system no longer knows: read the hours as UTC
        return Availability(spec, workforce.calendar_from("UTC", spec, day))


async def availability_of(db: Database, user_id: int, tz: str, day: date) -> Availability:
    async with db.read() as s:
        row = await s.get(Schedule, user_id)
    return availability_from(row, tz, day)


def scheduled_on(row: Schedule, tz: str, day: date) -> bool:
    """Whether the schedule holds working time on the local ``day``."""
    cal = availability_from(row, tz, day).calendar
    try:
        lo, hi = workforce.local_day_bounds(tz, day)
    except (ValueError, KeyError):
        lo, hi = workforce.local_day_bounds("UTC", day)
    return cal is not None and cal.between(lo, hi) > timedelta(0)


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def split_active(
    segments: Iterable[Segment], calendar: WorkingCalendar | None, scope: set[int] | None
) -> dict[int, tuple[int, int]]:
    """Active time per project, inside and outside the working hours: a segment's active time
    is shared in proportion to the part of it that falls in working hours."""
    out: dict[int, tuple[int, int]] = {}
    for seg in segments:
        if not seg.active_ms or (scope is not None and seg.project_id not in scope):
            continue
        wall = _ms(seg.end - seg.start)
        working = _ms(calendar.between(seg.start, seg.end)) if calendar else 0
        inside = seg.active_ms * min(working, wall) // wall if wall else 0
        was_in, was_out = out.get(seg.project_id, (0, 0))
        out[seg.project_id] = (was_in + inside, was_out + seg.active_ms - inside)
    return out


def _shifts(spec: ScheduleSpec, tz: str, day: date) -> list[ShiftRow]:
    try:
        zone = ZoneInfo(tz)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    rows = []
    for a, b in spec.hours_on(day):
        end_day = day + timedelta(days=1) if b == time(0) else day
        rows.append(
            ShiftRow(
                start=datetime.combine(day, a, tzinfo=zone).astimezone(UTC),
                end=datetime.combine(end_day, b, tzinfo=zone).astimezone(UTC),
                local=f"{a:%H:%M}-{'24:00' if b == time(0) else f'{b:%H:%M}'}",
            )
        )
    return rows


def schedule_section(
    avail: Availability,
    tz: str,
    day: date,
    bounds: tuple[datetime, datetime],
    now: datetime,
    split: dict[int, tuple[int, int]],
    names: dict[int, str],
) -> ScheduleSection:
    start, end = bounds
    rows = [
        ScheduledTimeRow(
            project_id=pid,
            project=names.get(pid, str(pid)),
            active_in_schedule_ms=inside,
            active_outside_schedule_ms=outside,
        )
        for pid, (inside, outside) in sorted(split.items())
    ]
    spec, cal = avail.spec, avail.calendar
    scheduled = _ms(cal.between(start, end)) if cal else 0
    so_far = _ms(cal.between(start, min(end, max(now, start)))) if cal else 0
    section = ScheduleSection(
        has_schedule=spec is not None,
        week=spec.week_index(day) if spec and len(spec.weeks) > 1 else None,
        time_off=bool(spec and day in spec.time_off),
        shifts=_shifts(spec, tz, day) if spec else [],
        scheduled_ms=scheduled,
        scheduled_so_far_ms=so_far,
        active_in_schedule_ms=None,
        active_outside_schedule_ms=None,
        share_of_scheduled=None,
        by_project=rows,
    )
    return with_rows(section, rows)


def with_rows(section: ScheduleSection, rows: list[ScheduledTimeRow]) -> ScheduleSection:
    """The section with its totals taken from ``rows`` (all of them, or a lead's projects)."""
    inside = sum(r.active_in_schedule_ms for r in rows)
    outside = sum(r.active_outside_schedule_ms for r in rows)
    so_far = section.scheduled_so_far_ms
    return section.model_copy(
        update={
            "by_project": rows,
            "active_in_schedule_ms": inside if section.has_schedule else None,
            "active_outside_schedule_ms": outside if section.has_schedule else None,
            "share_of_scheduled": (inside + outside) / so_far if so_far else None,
        }
    )


def duration(ms: int) -> str:
    """Milliseconds as "1 h 05 min" or "12 min", the way the web app writes them."""
    minutes = round(ms / 60_000)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def flags_for(section: ScheduleSection | None, worked: bool, partial: bool) -> list[ReportFlag]:
    """What stands out against the schedule; ``partial`` reports judge the projects shown."""
    if section is None or not section.has_schedule:
        return []
    where = " on the projects shown" if partial else ""
    active = (section.active_in_schedule_ms or 0) + (section.active_outside_schedule_ms or 0)
    flags = []
    if section.scheduled_ms == 0:
        if worked:
            why = "time off" if section.time_off else "no working hours that day"
            flags.append(
                ReportFlag(
                    code="no_shift_scheduled",
                    message=f"no shift scheduled ({why}), yet {duration(active)} active{where}",
                )
            )
        return flags
    so_far = section.scheduled_so_far_ms
    if so_far >= MIN_SCHEDULED_FOR_FLAG_MS and active < UNDER_SCHEDULE_SHARE * so_far:
        flags.append(
            ReportFlag(
                code="under_scheduled_time",
                message=(
                    f"worked less than {UNDER_SCHEDULE_SHARE:.0%} of the scheduled time: "
                    f"{duration(active)} active{where} of {duration(so_far)} scheduled"
                    + ("" if so_far == section.scheduled_ms else " so far")
                ),
            )
        )
    outside = section.active_outside_schedule_ms or 0
    if outside >= OUTSIDE_FLAG_MS:
        flags.append(
            ReportFlag(
                code="outside_schedule",
                message=f"{duration(outside)} active{where} outside the scheduled hours",
            )
        )
    return flags
