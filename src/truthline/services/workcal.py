"""Working calendars: working hours in a time zone, holidays, and arithmetic on working time.

Pure and free of I/O. Working hours are local wall-clock intervals, so a 09:00-17:00 shift
stays 09:00-17:00 across a daylight-saving change; the working time it holds is the real
elapsed time between those local instants (a night shift across a DST change is an hour
shorter or longer, as it is for the person working it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[time, time]
_DEFAULT_HOURS: dict[int, list[Interval]] = {d: [(time(9), time(17))] for d in range(5)}
# A calendar with working hours has some in any week; the limit only guards calendars
# whose every working day is a holiday.
_MAX_EMPTY_DAYS = 366 * 5
_MIDNIGHT = time(0)


def _as_utc(t: datetime) -> datetime:
    """Naive datetimes are read as UTC, the way the database hands them back."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _end_minutes(end: time) -> int:
    # An interval ending at 00:00 ends at midnight, the end of that day.
    return 24 * 60 if end == _MIDNIGHT else end.hour * 60 + end.minute


def _normalize(intervals: list[Interval], weekday: int) -> list[Interval]:
    """Sorts and merges overlapping intervals of one day; rejects empty or reversed ones."""
    spans: list[tuple[int, int, Interval]] = []
    for start, end in intervals:
        if start.second or start.microsecond or end.second or end.microsecond:
            raise ValueError(f"working hours of weekday {weekday} must be whole minutes")
        lo, hi = start.hour * 60 + start.minute, _end_minutes(end)
        if lo >= hi:
            raise ValueError(
                f"working interval {start:%H:%M}-{end:%H:%M} of weekday {weekday} "
                "must end after it starts"
            )
        spans.append((lo, hi, (start, end)))
    spans.sort()
    merged: list[list[Any]] = []
    for lo, hi, (start, end) in spans:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1][1], merged[-1][3] = hi, end
            continue
        merged.append([lo, hi, start, end])
    return [(m[2], m[3]) for m in merged]


def _fmt(t: time, *, end: bool = False) -> str:
    return "24:00" if end and t == _MIDNIGHT else f"{t:%H:%M}"


def _parse_time(value: object, *, end: bool) -> time:
    if not isinstance(value, str):
        raise ValueError(f"working hour {value!r} must be a string HH:MM")
    if end and value == "24:00":
        return _MIDNIGHT
    try:
        hour, minute = value.split(":")
        return time(int(hour), int(minute))
    except ValueError:
        raise ValueError(f"working hour {value!r} must be HH:MM") from None


class WorkingCalendar:
    """Working hours per weekday (0 = Monday) in a time zone, minus holidays (local dates)."""

    def __init__(
        self,
        tz: str = "UTC",
        hours: dict[int, list[tuple[time, time]]] | None = None,
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        try:
            self._zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {tz!r}") from None
        self.tz = tz
        source = _DEFAULT_HOURS if hours is None else hours
        normalized: dict[int, list[Interval]] = {}
        for weekday, intervals in source.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday!r} must be 0 (Monday) to 6 (Sunday)")
            if intervals:
                normalized[weekday] = _normalize(list(intervals), weekday)
        self.hours = normalized
        self.holidays = frozenset(holidays)

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.to_json()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkingCalendar) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash((self.tz, tuple(sorted(self.hours.items())), self.holidays))

    @property
    def has_hours(self) -> bool:
        return bool(self.hours)

    # -- the working segments, as UTC instants ------------------------------------------

    def _day_segments(self, day: date) -> list[tuple[datetime, datetime]]:
        if day in self.holidays:
            return []
        out: list[tuple[datetime, datetime]] = []
        for start, end in self.hours.get(day.weekday(), []):
            lo = datetime.combine(day, start, tzinfo=self._zone).astimezone(UTC)
            end_day = day + timedelta(days=1) if end == _MIDNIGHT else day
            hi = datetime.combine(end_day, end, tzinfo=self._zone).astimezone(UTC)
            # A local time inside a spring-forward gap can land past the interval's end.
            if out and lo < out[-1][1]:
                lo = out[-1][1]
            if lo < hi:
                out.append((lo, hi))
        return out

    def _segments_from(self, t: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working segments ending after t, in order; ends when no working day is left."""
        day = t.astimezone(self._zone).date() - timedelta(days=1)
        empty = 0
        while empty <= _MAX_EMPTY_DAYS:
            segments = self._day_segments(day)
            empty = 0 if segments else empty + 1
            for seg in segments:
                if seg[1] > t:
                    yield seg
            day += timedelta(days=1)

    # -- the interface ---------------------------------------------------------------------

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The UTC instant at which `work` of working time has elapsed after `start`."""
        start = _as_utc(start)
        if work < timedelta(0):
            raise ValueError("work must not be negative")
        if work == timedelta(0):
            return start
        left = work
        for lo, hi in self._segments_from(start):
            lo = max(lo, start)
            if left <= hi - lo:
                return lo + left
            left -= hi - lo
        raise ValueError("the working calendar has no working hours left")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time within [a, b); zero when b is not after a."""
        a, b = _as_utc(a), _as_utc(b)
        total = timedelta(0)
        if b <= a or not self.hours:
            return total
        for lo, hi in self._segments_from(a):
            if lo >= b:
                break
            total += min(hi, b) - max(lo, a)
        return total

    def is_working(self, t: datetime) -> bool:
        t = _as_utc(t)
        day = t.astimezone(self._zone).date()
        for d in (day - timedelta(days=1), day):
            for lo, hi in self._day_segments(d):
                if lo <= t < hi:
                    return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "tz": self.tz,
            "hours": {
                str(d): [[_fmt(s), _fmt(e, end=True)] for s, e in self.hours[d]]
                for d in sorted(self.hours)
            },
            "holidays": sorted(h.isoformat() for h in self.holidays),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> WorkingCalendar:
        """Reads `to_json` output; raises ValueError naming what is wrong."""
        if not isinstance(d, dict):
            raise ValueError("a working calendar must be an object")
        tz = d.get("tz", "UTC")
        if not isinstance(tz, str):
            raise ValueError(f"time zone {tz!r} must be a string")
        raw_hours = d.get("hours")
        hours: dict[int, list[Interval]] | None = None
        if raw_hours is not None:
            if not isinstance(raw_hours, dict):
                raise ValueError("hours must map weekday (0-6) to a list of [start, end]")
            hours = {}
            for key, intervals in raw_hours.items():
                try:
                    weekday = int(key)
                except (TypeError, ValueError):
                    raise ValueError(f"weekday {key!r} must be 0 (Monday) to 6 (Sunday)") from None
                if not isinstance(intervals, list):
                    raise ValueError(f"hours of weekday {key} must be a list of [start, end]")
                pairs: list[Interval] = []
                for pair in intervals:
                    if not isinstance(pair, list | tuple) or len(pair) != 2:
                        raise ValueError(f"working interval {pair!r} must be [start, end]")
                    pairs.append((_parse_time(pair[0], end=False), _parse_time(pair[1], end=True)))
                hours[weekday] = pairs
        holidays: set[date] = set()
        for h in d.get("holidays") or []:
            try:
                holidays.add(date.fromisoformat(h))
            except (TypeError, ValueError):
                raise ValueError(f"holiday {h!r} must be a date YYYY-MM-DD") from None
        return cls(tz=tz, hours=hours, holidays=frozenset(holidays))
