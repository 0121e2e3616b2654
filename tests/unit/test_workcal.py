"""Working calendars: fixed cases across weekends, holidays and DST, and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.services.workcal import WorkingCalendar

H = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))


def test_default_is_monday_to_friday_nine_to_five_utc() -> None:
    cal = WorkingCalendar()
    # Monday 2026-11-23 10:00 UTC + 4 h -> 14:00 the same day.
    assert cal.add(utc(2026, 11, 23, 10), 4 * H) == utc(2026, 11, 23, 14)
    # 15:00 + 4 h -> 2 h today, 2 h tomorrow from 09:00.
    assert cal.add(utc(2026, 11, 23, 15), 4 * H) == utc(2026, 11, 24, 11)
    # Before opening: the clock starts at 09:00.
    assert cal.add(utc(2026, 11, 23, 6), H) == utc(2026, 11, 23, 10)
    assert cal.is_working(utc(2026, 11, 23, 9))
    assert not cal.is_working(utc(2026, 11, 23, 17))
    assert not cal.is_working(utc(2026, 11, 28, 12))  # Saturday


def test_weekend_is_skipped() -> None:
    cal = WorkingCalendar()
    # Friday 2026-11-27 16:00 + 2 h -> Monday 10:00.
    assert cal.add(utc(2026, 11, 27, 16), 2 * H) == utc(2026, 11, 30, 10)
    assert cal.between(utc(2026, 11, 27, 16), utc(2026, 11, 30, 10)) == 2 * H
    # Saturday noon + 1 h -> Monday 10:00.
    assert cal.add(utc(2026, 11, 28, 12), H) == utc(2026, 11, 30, 10)
    # A whole week holds 40 working hours.
    assert cal.between(utc(2026, 11, 23), utc(2026, 11, 30)) == 40 * H


def test_holidays_are_skipped() -> None:
    cal = WorkingCalendar(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
    # Wednesday 2026-12-23 16:00 + 2 h -> Monday 2026-12-28 10:00.
    assert cal.add(utc(2026, 12, 23, 16), 2 * H) == utc(2026, 12, 28, 10)
    assert not cal.is_working(utc(2026, 12, 24, 10))
    assert cal.between(utc(2026, 12, 21), utc(2026, 12, 28)) == 24 * H


def test_new_york_spring_forward_keeps_local_hours() -> None:
    cal = WorkingCalendar(tz="America/New_York")
    # Friday 2026-03-06 (EST, UTC-5) 16:00 local + 2 h -> Monday 2026-03-09 (EDT, UTC-4) 10:00.
    start = local("America/New_York", 2026, 3, 6, 16)
    end = cal.add(start, 2 * H)
    assert end == local("America/New_York", 2026, 3, 9, 10)
    assert end == utc(2026, 3, 9, 14)
    assert start.astimezone(UTC) == utc(2026, 3, 6, 21)
    assert cal.between(start, end) == 2 * H


def test_new_york_fall_back_keeps_local_hours() -> None:
    cal = WorkingCalendar(tz="America/New_York")
    # Friday 2026-10-30 (EDT) 16:00 + 2 h -> Monday 2026-11-02 (EST) 10:00 = 15:00 UTC.
    end = cal.add(local("America/New_York", 2026, 10, 30, 16), 2 * H)
    assert end == utc(2026, 11, 2, 15)


def test_berlin_dst_change_within_a_night_shift() -> None:
    # A night shift 22:00-06:00 on every day: on 2026-03-29 (clocks 02:00 -> 03:00) the
    # shift that starts on the 28th lasts 7 real hours; on 2026-10-25 (03:00 -> 02:00) 9.
    night = {d: [(time(22), time(0)), (time(0), time(6))] for d in range(7)}
    cal = WorkingCalendar(tz="Europe/Berlin", hours=night)
    spring_start = local("Europe/Berlin", 2026, 3, 28, 22)
    spring_end = local("Europe/Berlin", 2026, 3, 29, 6)
    assert cal.between(spring_start, spring_end) == 7 * H
    assert cal.add(spring_start, 7 * H) == spring_end
    autumn_start = local("Europe/Berlin", 2026, 10, 24, 22)
    autumn_end = local("Europe/Berlin", 2026, 10, 25, 6)
    assert cal.between(autumn_start, autumn_end) == 9 * H
    assert cal.add(autumn_start, 9 * H) == autumn_end
    # Only the night counts: noon is not working time.
    assert not cal.is_working(local("Europe/Berlin", 2026, 3, 29, 12))


def test_berlin_interval_inside_the_spring_gap_is_empty() -> None:
    cal = WorkingCalendar(tz="Europe/Berlin", hours={6: [(time(2), time(3))]})
    # 2026-03-29 is a Sunday and 02:00-03:00 does not exist that day in Berlin.
    assert cal.between(utc(2026, 3, 28), utc(2026, 3, 30)) == timedelta(0)
    assert cal.between(utc(2026, 4, 4), utc(2026, 4, 6)) == H


def test_kolkata_half_hour_offset() -> None:
    cal = WorkingCalendar(tz="Asia/Kolkata")
    # 09:00 IST is 03:30 UTC.
    assert cal.add(utc(2026, 11, 23, 0), timedelta(minutes=30)) == utc(2026, 11, 23, 4)
    assert cal.is_working(utc(2026, 11, 23, 3, 30))
    assert not cal.is_working(utc(2026, 11, 23, 3, 29))
    # 17:00 IST is 11:30 UTC; one more hour runs into Tuesday 09:00 IST.
    assert cal.add(utc(2026, 11, 23, 11), H) == utc(2026, 11, 24, 4)


def test_same_instant_in_two_time_zones() -> None:
    # 14:00 UTC Monday: Berlin is working (15:00), Kolkata has closed (19:30).
    instant = utc(2026, 11, 23, 14)
    assert WorkingCalendar(tz="Europe/Berlin").is_working(instant)
    assert not WorkingCalendar(tz="Asia/Kolkata").is_working(instant)
    assert WorkingCalendar(tz="Asia/Kolkata").add(instant, H) == utc(2026, 11, 24, 4, 30)


def test_split_shifts_and_overlaps_are_merged() -> None:
    cal = WorkingCalendar(
        hours={0: [(time(13), time(17)), (time(9), time(12)), (time(11), time(12, 30))]}
    )
    assert cal.hours[0] == [(time(9), time(12, 30)), (time(13), time(17))]
    assert cal.add(utc(2026, 11, 23, 12), H) == utc(2026, 11, 23, 13, 30)


def test_naive_datetimes_are_utc() -> None:
    cal = WorkingCalendar()
    assert cal.add(datetime(2026, 11, 23, 10), H) == utc(2026, 11, 23, 11)


def test_json_round_trip() -> None:
    cal = WorkingCalendar(
        tz="Asia/Kolkata",
        hours={0: [(time(9, 30), time(13))], 5: [(time(22), time(0))]},
        holidays=frozenset({date(2026, 1, 26)}),
    )
    data = cal.to_json()
    assert data == {
        "tz": "Asia/Kolkata",
        "hours": {"0": [["09:30", "13:00"]], "5": [["22:00", "24:00"]]},
        "holidays": ["2026-01-26"],
    }
    assert WorkingCalendar.from_json(data) == cal
    assert WorkingCalendar.from_json({}) == WorkingCalendar()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tz": "Mars/Base"}, "unknown time zone"),
        ({"hours": {"7": [["09:00", "10:00"]]}}, "weekday"),
        ({"hours": {"0": [["10:00", "09:00"]]}}, "must end after"),
        ({"hours": {"0": [["9am", "10:00"]]}}, "HH:MM"),
        ({"holidays": ["Christmas"]}, "holiday"),
    ],
)
def test_from_json_rejects_bad_input(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar.from_json(data)


def test_calendar_without_hours_cannot_add() -> None:
    cal = WorkingCalendar(hours={})
    assert cal.between(utc(2026, 1, 1), utc(2026, 2, 1)) == timedelta(0)
    with pytest.raises(ValueError, match="no working hours"):
        cal.add(utc(2026, 1, 1), H)


# -- properties -----------------------------------------------------------------------------

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"]
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
works = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday in range(7):
        if draw(st.booleans()):
            lo = draw(st.integers(0, 23 * 60))
            hi = draw(st.integers(lo + 1, 24 * 60))
            end = time(0) if hi == 24 * 60 else time(hi // 60, hi % 60)
            hours[weekday] = [(time(lo // 60, lo % 60), end)]
    if not hours:
        hours[0] = [(time(9), time(17))]
    holidays = draw(st.frozensets(st.dates(date(2025, 1, 1), date(2028, 12, 31)), max_size=20))
    return WorkingCalendar(tz=draw(st.sampled_from(ZONES)), hours=hours, holidays=holidays)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, works)
def test_between_inverts_add(cal: WorkingCalendar, a: datetime, w: timedelta) -> None:
    b = cal.add(a, w)
    assert b >= a
    assert cal.between(a, b) == w


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, works, works)
def test_add_is_monotone_and_additive(
    cal: WorkingCalendar, a: datetime, w1: timedelta, w2: timedelta
) -> None:
    lo, hi = sorted([w1, w2])
    assert cal.add(a, lo) <= cal.add(a, hi)
    if w1 > timedelta(0):
        assert cal.add(cal.add(a, w1), w2) == cal.add(a, w1 + w2)


@settings(max_examples=200, deadline=None)
@given(
    calendars(),
    instants,
    st.timedeltas(timedelta(0), timedelta(days=20)),
    st.timedeltas(timedelta(0), timedelta(days=20)),
)
def test_between_is_additive_and_bounded(
    cal: WorkingCalendar, a: datetime, d1: timedelta, d2: timedelta
) -> None:
    b, c = a + d1, a + d1 + d2
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert timedelta(0) <= cal.between(a, b) <= d1


@settings(max_examples=200, deadline=None)
@given(calendars(), instants)
def test_is_working_agrees_with_between(cal: WorkingCalendar, t: datetime) -> None:
    t = t.replace(microsecond=0)
    step = timedelta(seconds=1)
    assert cal.is_working(t) == (cal.between(t, t + step) > timedelta(0))
