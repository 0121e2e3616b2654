"""Time accounting (interval math, sessions, the submit cap) and target resolution, on fixed
scenarios with known answers and as properties."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.services.activity import (
    Mark,
    Segment,
    TimeSettings,
    account_lease,
    breaks_of,
    claimed_total,
    clip,
    flatten,
    sessions_of,
    submit_cap,
)
from truthline.services.targets import (
    Quality,
    actual_of,
    idle_flag,
    median,
    progress,
    resolve,
    speed_flags,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GAP = 75_000


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def totals(segments: list[Segment]) -> tuple[int, int, int]:
    return (
        sum(s.active_ms for s in segments),
        sum(s.idle_ms for s in segments),
        sum(s.hidden_ms for s in segments),
    )


def test_a_day_with_idle_and_hidden_periods_has_known_totals() -> None:
    marks = [
        Mark(at(0), "active", 0, "lease"),
        Mark(at(30), "active", 30_000),
        Mark(at(60), "idle", 58_000),  # the client saw 28 s of input in the last 30 s
        Mark(at(120), "hidden", 58_000),
        Mark(at(300), "active", 58_000),
        Mark(at(330), "active", 88_000, "submit"),
    ]
    segs = account_lease(marks, GAP)
    assert [(s.active_ms, s.idle_ms, s.hidden_ms) for s in segs] == [
        (30_000, 0, 0),
        (28_000, 2_000, 0),
        (0, 60_000, 0),
        (0, 0, 180_000),
        (30_000, 0, 0),
    ]
    assert totals(segs) == (88_000, 62_000, 180_000)


def test_a_gap_longer_than_the_cap_counts_the_cap_and_the_rest_as_idle() -> None:
    segs = account_lease([Mark(at(0), "active", 0, "lease"), Mark(at(600), "active", 600_000)], GAP)
    assert totals(segs) == (75_000, 525_000, 0)


def test_the_client_never_gets_more_than_the_servers_wall_time() -> None:
    segs = account_lease([Mark(at(0), "active", 0, "lease"), Mark(at(30), "active", 100_000)], GAP)
    assert totals(segs) == (30_000, 0, 0)


def test_a_reloaded_client_restarts_its_count() -> None:
    marks = [
        Mark(at(0), "active", 0, "lease"),
        Mark(at(30), "active", 30_000),
        Mark(at(60), "active", 5_000),  # the page was reloaded: its clock started again
    ]
    assert totals(account_lease(marks, GAP)) == (35_000, 25_000, 0)
    assert claimed_total(marks) == 35_000


def test_a_mark_without_client_time_is_credited_up_to_the_cap() -> None:
    marks = [Mark(at(0), "active", 0, "lease"), Mark(at(200), "active", None, "release")]
    assert totals(account_lease(marks, GAP)) == (75_000, 125_000, 0)


def test_a_submit_is_capped_at_what_the_server_saw_plus_one_gap() -> None:
    marks = [
        Mark(at(0), "active", 0, "lease"),
        Mark(at(30), "active", 30_000),
        Mark(at(60), "active", 60_000),
    ]
    assert submit_cap(marks, 600_000, GAP) == 135_000
    assert submit_cap(marks, 4_321, GAP) == 4_321
    # Hidden the whole time: the server saw nothing, only the allowance is believed.
    hidden = [Mark(at(0), "hidden", 0, "lease"), Mark(at(600), "hidden", 0)]
    assert submit_cap(hidden, 600_000, GAP) == 75_000


def seg(start: float, end: float, active: int, idle: int = 0, hidden: int = 0) -> Segment:
    return Segment(at(start), at(end), active, idle, hidden)


def test_sessions_join_active_time_across_short_gaps_and_breaks_are_the_rest() -> None:
    segs = [
        seg(0, 1800, 1_800_000),
        seg(2400, 3600, 1_000_000, 200_000),  # 10 min later: same session
        seg(3600, 5400, 0, 0, 1_800_000),  # hidden only: no session
        seg(7200, 9000, 1_500_000, 300_000),  # 1 h after: a new session
    ]
    sessions = sessions_of(segs, 15 * 60 * 1000)
    assert [(s.start, s.end, s.active_ms) for s in sessions] == [
        (at(0), at(3600), 2_800_000),
        (at(7200), at(9000), 1_500_000),
    ]
    assert breaks_of(sessions) == [(at(3600), at(7200))]


def test_clip_scales_a_segment_to_the_part_kept() -> None:
    part = clip(seg(0, 60, 40_000, 20_000), at(30), at(120))
    assert part is not None and (part.start, part.end) == (at(30), at(60))
    assert (part.active_ms, part.idle_ms, part.hidden_ms) == (20_000, 10_000, 0)
    assert clip(seg(0, 60, 1), at(60), at(120)) is None


def test_overlapping_leases_count_shared_time_once() -> None:
    out = flatten([seg(0, 60, 60_000), seg(30, 90, 60_000)])
    assert totals(out) == (90_000, 0, 0)
    assert [(s.start, s.end) for s in out] == [(at(0), at(60)), (at(60), at(90))]


# --- properties -----------------------------------------------------------------------------------
@st.composite
def lease_marks(draw: st.DrawFn) -> list[Mark]:
    n = draw(st.integers(min_value=0, max_value=12))
    t, client = 0.0, 0
    marks = [Mark(at(0), "active", 0, "lease")]
    for _ in range(n):
        t += draw(st.floats(min_value=0, max_value=400, allow_nan=False))
        if draw(st.booleans()):
            client += draw(st.integers(min_value=0, max_value=500_000))
        elif draw(st.integers(0, 9)) == 0:
            client = draw(st.integers(min_value=0, max_value=50_000))  # a reload
        state = draw(st.sampled_from(["active", "idle", "hidden"]))
        reported = None if draw(st.integers(0, 5)) == 0 else client
        marks.append(Mark(at(t), state, reported, "heartbeat"))
    return marks


@given(lease_marks(), st.integers(min_value=1_000, max_value=600_000))
@settings(max_examples=300, deadline=None)
def test_accounting_properties(marks: list[Mark], gap: int) -> None:
    segs = account_lease(marks, gap)
    active, idle, hidden = totals(segs)
    wall = int((max(m.at for m in marks) - T0).total_seconds() * 1000)
    assert min(active, idle, hidden) >= 0
    assert active + idle + hidden <= wall
    for s in segs:
        assert s.active_ms <= gap
    # Active time never exceeds what the client reported, save the capped credit of marks
    # where it reported nothing.
    unreported = sum(1 for m in marks[1:] if m.client_ms is None)
    assert active <= claimed_total(marks) + unreported * gap
    shuffled = marks[:]
    random.Random(len(marks)).shuffle(shuffled)
    assert totals(account_lease(shuffled, gap)) == (active, idle, hidden)
    assert submit_cap(marks, 10**9, gap) == active + gap


@given(
    lease_marks(), st.floats(min_value=0, max_value=3000), st.floats(min_value=0, max_value=3000)
)
@settings(max_examples=200, deadline=None)
def test_clipped_totals_fit_the_window(marks: list[Mark], a: float, b: float) -> None:
    lo, hi = at(min(a, b)), at(max(a, b))
    segs = [c for s in account_lease(marks, GAP) if (c := clip(s, lo, hi)) is not None]
    assert sum(totals(segs)) <= int((hi - lo).total_seconds() * 1000)


@given(
    st.lists(
        st.tuples(st.floats(0, 5000), st.floats(1, 600), st.integers(0, 600_000)),
        max_size=10,
    )
)
@settings(max_examples=200, deadline=None)
def test_flattened_totals_fit_the_union(spans: list[tuple[float, float, int]]) -> None:
    segs = [seg(s, s + d, min(a, int(d * 1000))) for s, d, a in spans]
    out = flatten(segs)
    assert sum(s.active_ms for s in out) <= sum(s.active_ms for s in segs)
    assert all(x.end <= y.start for x, y in zip(out, out[1:], strict=False))


# --- targets --------------------------------------------------------------------------------------
def target(id: int, metric: str, value: float, **kw: object) -> SimpleNamespace:
    base = {"project_id": 1, "user_id": None, "role": None, "stage": None, "weekday": None}
    return SimpleNamespace(id=id, metric=metric, value=value, **{**base, **kw})


def test_the_person_beats_the_role_beats_the_project_default() -> None:
    ts = [
        target(1, "items_per_day", 100),
        target(2, "items_per_day", 150, role="annotator"),
        target(3, "items_per_day", 80, user_id=7),
        target(4, "items_per_day", 120, role="annotator", weekday=4),  # Fridays
        target(5, "items_per_hour", 40),
        target(6, "items_per_day", 60, user_id=8),
        target(7, "items_per_day", 30, stage="review"),
    ]
    monday, friday = 0, 4
    pick = {(t.metric, t.stage): t.id for t in resolve(ts, 7, "annotator", monday)}
    assert pick == {
        ("items_per_day", None): 3,
        ("items_per_hour", None): 5,
        ("items_per_day", "review"): 7,
    }
    pick = {(t.metric, t.stage): t.id for t in resolve(ts, 9, "annotator", friday)}
    assert pick[("items_per_day", None)] == 4
    pick = {(t.metric, t.stage): t.id for t in resolve(ts, 9, "annotator", monday)}
    assert pick[("items_per_day", None)] == 2
    pick = {(t.metric, t.stage): t.id for t in resolve(ts, 9, "reviewer", monday)}
    assert pick[("items_per_day", None)] == 1


def test_actuals_and_whether_targets_are_met() -> None:
    items, active = {"annotate": 12, "review": 3}, {"annotate": 900_000, "review": 0}
    q = Quality(gold_scored=4, gold_passed=3, reviewed=5, review_passed=4)
    assert actual_of("items_per_day", None, items, active, q) == 15
    assert actual_of("items_per_day", "review", items, active, q) == 3
    assert actual_of("items_per_hour", "annotate", items, active, q) == 48
    assert actual_of("items_per_hour", "review", items, active, q) is None
    assert progress(target(1, "gold_accuracy", 0.8), items, active, q).met is False
    assert progress(target(1, "review_pass_rate", 0.8), items, active, q).met is True
    assert progress(target(1, "gold_accuracy", 0.8), items, active, Quality()).met is None


def test_speed_and_idle_flags() -> None:
    s = TimeSettings(too_fast_ratio=0.3, too_fast_min_s=0, long_idle_share=0.5)
    assert median([5, 1, 3]) == 3 and median([1, 2, 3, 4]) == 2.5 and median([]) is None
    medians = {"annotate": 60_000.0}
    fast = speed_flags({"annotate": [10_000, 12_000, 15_000]}, medians, s)
    assert fast == [
        {
            "flag": "too_fast",
            "stage": "annotate",
            "median_ms": 12_000,
            "project_median_ms": 60_000.0,
        }
    ]
    assert speed_flags({"annotate": [10_000, 12_000]}, medians, s) == []  # too few items
    assert speed_flags({"annotate": [30_000] * 3}, medians, s) == []
    with_min = TimeSettings(too_fast_ratio=0, too_fast_min_s=40)
    assert speed_flags({"annotate": [30_000] * 3}, medians, with_min)[0]["flag"] == "too_fast"
    assert idle_flag(1_000, 2_000, s) == {"flag": "long_idle", "stage": None, "idle_share": 2 / 3}
    assert idle_flag(2_000, 1_000, s) is None and idle_flag(0, 0, s) is None
