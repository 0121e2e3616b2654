"""Daily status reports generated at the end of each person's day: for everyone who worked
that day, and for everyone whose schedule held working time that day (a day scheduled but not
worked is the report a lead most needs)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select

from truthline.db.models import Annotation, ReviewVerdict, User
from truthline.db.models_activity import ActivityEvent
from truthline.db.models_reports import ReportSnapshot
from truthline.db.models_workforce import PersonProfile, Schedule
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.jobs.worker import periodic
from truthline.services import report_schedule, reports
from truthline.settings import Settings

# Days looked back at: a worker that was down over a midnight still stores the day it missed.
LOOKBACK_DAYS = 2
TZ_TTL_SECONDS = 600.0


class Memo:
    """What this process already settled (stored, or nothing worked), so a pass costs two
    queries once everyone's last days are settled; the database stays the judge across hosts."""

    def __init__(self) -> None:
        self.done: set[tuple[int, date]] = set()
        self.tz: dict[int, tuple[str, float]] = {}

    def forget_before(self, day: date) -> None:
        self.done = {k for k in self.done if k[1] >= day}


_MEMOS: dict[str, Memo] = {}


async def _timezone(db: Database, memo: Memo, user_id: int) -> str:
    cached = memo.tz.get(user_id)
    if cached and time.monotonic() - cached[1] < TZ_TTL_SECONDS:
        return cached[0]
    tz = await reports.timezone_of(db, user_id)
    memo.tz[user_id] = (tz, time.monotonic())
    return tz


async def _worked(db: Database, user_id: int, start: datetime, end: datetime) -> bool:
    """Anything submitted, reviewed or any tracked time in [start, end): cheap tests on
    indexed columns before the full report is computed."""
    probes = (
        exists().where(
            Annotation.user_id == user_id,
            Annotation.created_at >= start,
            Annotation.created_at < end,
        ),
        exists().where(
            ReviewVerdict.reviewer_id == user_id,
            ReviewVerdict.created_at >= start,
            ReviewVerdict.created_at < end,
        ),
        exists().where(
            ActivityEvent.user_id == user_id, ActivityEvent.at >= start, ActivityEvent.at < end
        ),
    )
    async with db.read() as s:
        for probe in probes:
            if await s.scalar(select(probe)):
                return True
    return False


async def store_due_reports(db: Database, *, now: datetime | None = None, memo: Memo) -> int:
    """Stores the report of every person whose day ended (in their time zone) within the last
    LOOKBACK_DAYS and who worked or was scheduled to work that day, unless it is stored;
    returns how many it stored."""
    now = now or utcnow()
    oldest = now.date() - timedelta(days=LOOKBACK_DAYS + 2)
    memo.forget_before(oldest)
    async with db.read() as s:
        users = list(await s.scalars(select(User.id).where(User.is_active).order_by(User.id)))
        schedules = {
            row.user_id: (row, tz or "UTC")
            for row, tz in (
                await s.execute(
                    select(Schedule, PersonProfile.timezone).outerjoin(
                        PersonProfile, PersonProfile.user_id == Schedule.user_id
                    )
                )
            ).all()
        }
        stored: set[tuple[int, date]] = set(
            (await s.execute(
                select(ReportSnapshot.user_id, ReportSnapshot.day).where(
                    ReportSnapshot.day >= oldest)
            )).all()
        )  # fmt: skip
    memo.done |= stored
    count = 0
    for uid in users:
        today = reports.local_day(now, await _timezone(db, memo, uid))
        for back in range(1, LOOKBACK_DAYS + 1):
            key = (uid, today - timedelta(days=back))
            if key in memo.done:
                continue
            start, end = await reports.day_bounds(db, uid, key[1])
            if end > now:  # the person's day is not over (a time zone just changed)
                continue
            sched = schedules.get(uid)
            scheduled = sched is not None and report_schedule.scheduled_on(*sched, key[1])
            if scheduled or await _worked(db, uid, start, end):
                report = await reports.daily_report(db, uid, key[1], now=now)
                if (report.worked or report.scheduled) and await reports.store_snapshot(db, report):
                    count += 1
            memo.done.add(key)
    return count


@periodic("reports.daily")
async def store_daily_reports(db: Database, settings: Settings) -> None:
    await store_due_reports(db, memo=_MEMOS.setdefault(db.url, Memo()))
