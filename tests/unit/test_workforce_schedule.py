"""Schedules: rotations, time off, time zones and DST, day bounds, requirements checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truthline.errors import InvalidInput
from truthline.services.workcal import WorkingCalendar
from truthline.services.workforce import (
    ScheduleSpec,
    calendar_from,
    local_day_bounds,
    missing_skills,
    parse_requirements,
    parse_schedule,
    validate_tag,
    validate_timezone,
)

DAY = {str(d): [["09:00", "17:00"]] for d in range(5)}
NIGHT = {str(d): [["22:00", "24:00"]] for d in range(5)}
OFF: dict[str, list[list[str]]] = {}
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


def test_week_index_counts_whole_weeks_from_the_monday_of_rotation_start() -> None:
    spec, _, _ = parse_schedule([DAY, NIGHT, OFF], "2026-03-18", [])  # a Wednesday
    assert [spec.week_index(date(2026, 3, d)) for d in (16, 22, 23, 29, 30)] == [0, 0, 1, 1, 2]
    assert spec.week_index(date(2026, 4, 6)) == 0
    assert spec.week_index(date(2026, 3, 15)) == 2  # the week before week 0 ends the cycle


@given(st.integers(min_value=-2000, max_value=2000), st.integers(min_value=1, max_value=12))
def test_week_index_is_periodic(offset: int, n: int) -> None:
    spec, _, _ = parse_schedule([DAY] * n, "2026-01-07", [])
    day = date(2026, 1, 7) + timedelta(days=offset)
    assert spec.week_index(day) == spec.week_index(day + timedelta(weeks=n))
    assert spec.week_index(day) == spec.week_index(day - timedelta(days=day.weekday()))


def test_parse_schedule_names_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_schedule([DAY, NIGHT], None, [])
    assert exc.value.details["field"] == "rotation_start"
    with pytest.raises(InvalidInput) as exc:
        parse_schedule([{"2": [["9:00", "nine"]]}], None, [])
    assert exc.value.details["field"] == "weeks[0]" and exc.value.code == "invalid_schedule"
    with pytest.raises(InvalidInput) as exc:
        parse_schedule("weekdays", None, [])
    assert exc.value.details == {"field": "weeks", "value": "weekdays"}
    with pytest.raises(InvalidInput) as exc:
        parse_schedule([DAY], "someday", [])
    assert exc.value.details["field"] == "rotation_start"
    with pytest.raises(InvalidInput):
        parse_schedule([DAY] * 13, "2026-01-05", [])
    _, stored, off = parse_schedule(
        [{"0": [["13:00", "17:00"], ["09:00", "13:00"]]}], None, ["2026-02-02", "2026-01-01"]
    )
    assert stored == [{"0": [["09:00", "17:00"]]}] and off == ["2026-01-01", "2026-02-02"]


def test_rotating_calendar_follows_the_week_of_each_day() -> None:
    spec, _, _ = parse_schedule([DAY, NIGHT], "2026-03-16", ["2026-03-17"])
    cal = calendar_from("Europe/Berlin", spec, today=date(2026, 3, 16))
    berlin = ZoneInfo("Europe/Berlin")
    assert cal.is_working(datetime(2026, 3, 16, 10, tzinfo=berlin))
    assert not cal.is_working(datetime(2026, 3, 17, 10, tzinfo=berlin))  # time off
    assert not cal.is_working(datetime(2026, 3, 16, 23, tzinfo=berlin))
    assert cal.is_working(datetime(2026, 3, 23, 23, tzinfo=berlin))  # week 1: nights
    assert not cal.is_working(datetime(2026, 3, 23, 10, tzinfo=berlin))
    # Two weeks of the rotation hold 5 * 8 h (minus a day off) and 5 * 2 h.
    start = datetime(2026, 3, 16, tzinfo=berlin)
    assert cal.between(start, start + timedelta(weeks=2)) == timedelta(hours=4 * 8 + 5 * 2)
    # Adding working time crosses from a day week into a night week.
    friday_four = datetime(2026, 3, 20, 16, tzinfo=berlin)
    assert cal.add(friday_four, timedelta(hours=2)) == datetime(2026, 3, 23, 23, tzinfo=berlin)
    assert isinstance(cal, WorkingCalendar)


def test_a_single_week_is_a_plain_calendar() -> None:
    spec, _, _ = parse_schedule([DAY], None, ["2026-12-25"])
    cal = calendar_from("Asia/Kolkata", spec)
    assert type(cal) is WorkingCalendar
    assert cal.holidays == frozenset({date(2026, 12, 25)})
    assert cal.hours[0] == [(time(9), time(17))]


def test_an_off_week_first_still_counts_the_working_weeks() -> None:
    spec, _, _ = parse_schedule([OFF, DAY], "2026-03-16", [])
    cal = calendar_from("UTC", spec, today=date(2026, 3, 16))
    start = datetime(2026, 3, 16, tzinfo=UTC)
    assert cal.between(start, start + timedelta(weeks=1)) == timedelta(0)
    assert cal.between(start, start + timedelta(weeks=2)) == timedelta(hours=40)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 23),
        ("Europe/Berlin", date(2026, 10, 25), 25),
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Asia/Kolkata", date(2026, 3, 29), 24),
        ("Australia/Lord_Howe", date(2026, 4, 5), 24.5),  # a half-hour DST shift
    ],
)
def test_day_bounds_on_dst_days(tz: str, day: date, hours: float) -> None:
    lo, hi = local_day_bounds(tz, day)
    assert hi - lo == timedelta(hours=hours)
    assert lo.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == datetime.combine(day, time(0))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.sampled_from(ZONES))
def test_day_bounds_tile_the_timeline(day: date, tz: str) -> None:
    lo, hi = local_day_bounds(tz, day)
    assert lo.tzinfo is UTC or lo.utcoffset() == timedelta(0)
    assert local_day_bounds(tz, day + timedelta(days=1))[0] == hi
    assert timedelta(hours=22) <= hi - lo <= timedelta(hours=26)


@given(
    st.lists(st.sampled_from([DAY, NIGHT, OFF]), min_size=1, max_size=4),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.sampled_from(ZONES),
)
def test_a_rotation_week_works_the_hours_of_its_pattern(weeks: list, day: date, tz: str) -> None:
    spec, _, _ = parse_schedule(weeks, "2026-01-05", [])
    cal = calendar_from(tz, spec, today=date(2026, 1, 5))
    monday = day - timedelta(days=day.weekday())
    lo = local_day_bounds(tz, monday)[0]
    hi = local_day_bounds(tz, monday + timedelta(days=7))[0]
    expected = _pattern_hours(weeks[spec.week_index(monday)])
    # DST can lengthen or shorten one night interval by an hour (or half an hour).
    assert abs(cal.between(lo, hi) - expected) <= timedelta(hours=1)


def _pattern_hours(week: dict) -> timedelta:
    total = timedelta(0)
    for intervals in week.values():
        for a, b in intervals:
            end = 24 * 60 if b == "24:00" else int(b[:2]) * 60 + int(b[3:])
            total += timedelta(minutes=end - (int(a[:2]) * 60 + int(a[3:])))
    return total


def test_time_off_wins_over_every_week() -> None:
    spec = ScheduleSpec(({0: [(time(9), time(17))]},), None, frozenset({date(2026, 3, 16)}))
    assert spec.hours_on(date(2026, 3, 16)) == [] and spec.hours_on(date(2026, 3, 23))


@pytest.mark.parametrize("tag", ["lang:hi", "modality:audio", "domain_x:medical.v2", "a-b:c-d"])
def test_valid_tags(tag: str) -> None:
    assert validate_tag(tag) == tag


@pytest.mark.parametrize(
    "tag", ["Lang:hi", "lang", "lang:", ":hi", "lang:hi:x", "lang: hi", "x" * 99 + ":y"]
)
def test_invalid_tags(tag: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_tag(tag)
    assert exc.value.code == "invalid_skill_tag" and exc.value.details["value"] == tag


def test_timezones_are_iana_names() -> None:
    assert validate_timezone("America/Sao_Paulo") == "America/Sao_Paulo"
    for bad in ("", "CEST+2", "Europe/Atlantis", "../etc/passwd"):
        with pytest.raises(InvalidInput):
            validate_timezone(bad)


def test_missing_skills_compares_levels() -> None:
    req = parse_requirements(
        {"*": [{"tag": "lang:hi"}], "review": [{"tag": "modality:audio", "min_level": 3}]},
        "language",
    )
    assert req.for_stage("annotate") == [{"tag": "lang:hi", "min_level": None}]
    have = {"lang:hi": None, "modality:audio": 2}
    assert missing_skills(req.for_stage("annotate"), have) == []
    assert missing_skills(req.for_stage("review"), have) == [
        {"tag": "modality:audio", "min_level": 3, "level": 2}
    ]
    assert missing_skills(req.for_stage("review"), {"lang:hi": 5, "modality:audio": 3}) == []
    assert missing_skills(req.for_stage("review"), {"modality:audio": None})[0]["level"] is None


TAGS = st.sampled_from(["lang:hi", "lang:en", "modality:audio"])
LEVELS = st.one_of(st.none(), st.integers(1, 5))


@given(st.dictionaries(TAGS, LEVELS), st.dictionaries(TAGS, LEVELS))
def test_missing_skills_is_exactly_the_unmet_requirements(have: dict, reqs: dict) -> None:
    required = [{"tag": t, "min_level": m} for t, m in reqs.items()]
    missing = {m["tag"] for m in missing_skills(required, have)}
    unmet = {t for t, m in reqs.items() if t not in have or (m is not None and (have[t] or 0) < m)}
    assert missing == unmet
