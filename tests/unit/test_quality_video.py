"""Video tracks: boxes between keyframes, track IoU and matching, consolidation, agreement."""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality import QualityInputError, agreement_for_kind, consolidate
from truthline.quality.by_kind import score_against
from truthline.quality.tracks import frame_boxes, match_tracks, track_iou


def key(frame: int, x: float, y: float = 0, w: float = 10, h: float = 10, out: bool = False):
    return {"frame": frame, "x": x, "y": y, "w": w, "h": h, "outside": out}


def track(track_id: str, *keys: dict, label: str = "car") -> dict:
    return {"id": track_id, "label": label, "keyframes": list(keys)}


def test_boxes_between_keyframes() -> None:
    t = track("t", key(0, 0), key(4, 8), key(6, 8, out=True), key(8, 20))
    got = frame_boxes(t)
    # 0..3 move towards x = 8, 4..5 stay (the next keyframe is outside), 6..7 hidden, 8 ends.
    assert got.frames.tolist() == [0, 1, 2, 3, 4, 5, 8]
    assert got.boxes[:, 0].tolist() == [0, 2, 4, 6, 8, 8, 20]
    assert got.keyframes.tolist() == [0, 4, 8] and set(got.outside) == {6}
    held = frame_boxes(t, interpolate=False)
    assert held.boxes[:, 0].tolist() == [0, 0, 0, 0, 8, 8, 20]
    with pytest.raises(QualityInputError):
        frame_boxes(track("t", key(3, 0), key(3, 1)))


def test_track_iou_over_shared_frames() -> None:
    a = frame_boxes(track("a", key(0, 0), key(9, 0)))
    b = frame_boxes(track("b", key(5, 5), key(14, 5)))
    # Frames 5..9 are shared; each shares a 5 x 10 strip: 50 / 150.
    assert track_iou(a, b) == pytest.approx(1 / 3)
    far = frame_boxes(track("c", key(20, 0), key(30, 0)))
    assert track_iou(a, far) == 0.0


def test_hungarian_matching_of_tracks() -> None:
    a = [track("a1", key(0, 0), key(10, 0)), track("a2", key(0, 6), key(10, 6))]
    # b1 overlaps a1 (IoU 8/12) and a2 (6/14, under the threshold); b2 overlaps a2 (9/11).
    b = [track("b1", key(0, 2), key(10, 2)), track("b2", key(0, 7), key(10, 7))]
    got = match_tracks(a, b)
    assert [(i, j) for i, j, _ in got] == [(0, 0), (1, 1)]
    assert got[0][2] == pytest.approx(8 / 12) and got[1][2] == pytest.approx(9 / 11)
    assert match_tracks(a, [track("b", key(0, 0), key(10, 0), label="person")]) == []
    assert (
        len(match_tracks(a, [track("b", key(0, 0), key(10, 0), label="x")], match_labels=False))
        == 1
    )


def test_consolidation_fixed_values() -> None:
    results = [
        {"tracks": [track("t1", key(0, 0), key(10, 10)), track("t2", key(0, 50))]},
        {"tracks": [track("t1", key(0, 2), key(10, 12))]},
        {"tracks": [track("t9", key(0, 1), key(10, 11), key(11, 11, out=True))]},
    ]
    got = consolidate("video_track", results, {"classes": ["car"]})
    (out,) = got.result["tracks"]
    assert out["id"] == "t1" and out["label"] == "car"
    # Medians 1 at frame 0 and 11 at frame 10; annotator 3 closed the track with an outside
    # keyframe at 11, so the result does too (its hint box is that member's).
    assert out["keyframes"] == [key(0, 1), key(10, 11), key(11, 11, out=True)]
    # Track IoU of each member with the median track: x off by 1, 1, 0 -> 9/11, 9/11, 1.
    fit = (2 * 9 / 11 + 1) / 3
    assert got.support["tracks"][0]["mean_iou"] == pytest.approx(fit)
    assert got.support["tracks"][0]["confidence"] == pytest.approx(fit)
    # Kept cluster: 3/3 x fit; dropped single box t2: 1 - 1/3.
    assert got.confidence == pytest.approx((fit + 2 / 3) / 2)
    assert got.support["dropped"] == 1


def test_frames_need_enough_members_and_gaps_become_outside() -> None:
    results = [
        {"tracks": [track("t", key(0, 0), key(20, 0))]},
        {"tracks": [track("t", key(0, 0), key(5, 0), key(8, 0, out=True), key(12, 0), key(20, 0))]},
        {"tracks": [track("t", key(0, 0), key(5, 0), key(8, 0, out=True), key(12, 0), key(20, 0))]},
    ]
    (out,) = consolidate("video_track", results, {}).result["tracks"]
    assert [(k["frame"], k["outside"]) for k in out["keyframes"]] == [
        (0, False), (5, False), (8, True), (12, False), (20, False)
    ]  # fmt: skip
    # With everyone required, only frames all three show are kept; two agree on the gap.
    (out,) = consolidate("video_track", results, {"min_support": 3}).result["tracks"]
    assert [k["frame"] for k in out["keyframes"]] == [0, 5, 8, 12, 20]


def test_min_share() -> None:
    results = [
        {"tracks": [track("t", key(0, 0), key(5, 0))]},
        {"tracks": [track("t", key(0, 0), key(5, 0))]},
        {"tracks": []},
        {"tracks": []},
    ]
    assert consolidate("video_track", results, {}).result["tracks"] == []  # 2 of 4: no majority
    assert len(consolidate("video_track", results, {"min_share": 0.5}).result["tracks"]) == 1


def test_agreement_fixed_values() -> None:
    car = track("t", key(0, 0), key(9, 0))
    near = track("t", key(0, 5), key(9, 5))  # IoU 1/3: not a match at 0.5
    items = [
        {"a": {"tracks": [car]}, "b": {"tracks": [car]}, "c": {"tracks": [near]}},
        {"a": {"tracks": [car]}, "b": {"tracks": []}},
    ]
    got = agreement_for_kind("video_track", items, {}, n_boot=100)
    # (a, b): 2 x 1 / 3; (a, c): 0; (b, c): 0.
    assert got.value == pytest.approx((2 / 3) / 3)
    assert got.details["mean_iou"] == 1.0 and got.details["matched"] == 1
    assert got.details["pairs"] == 3 and got.n_items == 2
    low, high = got.details["ci"]
    assert low <= got.value <= high
    assert score_against("video_track", {"tracks": [near]}, {"tracks": [car]}) == 0.0
    assert score_against("video_track", {"tracks": [car]}, {"tracks": [car]}) == 1.0


# --- properties ------------------------------------------------------------------------------
@st.composite
def tracks(draw: st.DrawFn, prefix: str = "t") -> dict:
    n = draw(st.integers(0, 3))
    out = []
    for i in range(n):
        frames = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=4)))
        keys = []
        for f in frames:
            x = draw(st.integers(0, 200))
            y = draw(st.integers(0, 200))
            keys.append(key(f, x, y, draw(st.integers(1, 60)), draw(st.integers(1, 60))))
        if len(keys) > 1 and draw(st.booleans()):
            keys[draw(st.integers(1, len(keys) - 1))]["outside"] = True
        label = draw(st.sampled_from(["car", "person"]))
        out.append(track(f"{prefix}{i}", *keys, label=label))
    return {"tracks": out}


@settings(max_examples=60, deadline=None)
@given(st.lists(tracks(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_annotator_order_does_not_matter(results: list[dict], rnd: random.Random) -> None:
    shuffled = copy.deepcopy(results)
    rnd.shuffle(shuffled)
    cfg = {"classes": ["car", "person"]}
    a, b = consolidate("video_track", results, cfg), consolidate("video_track", shuffled, cfg)
    assert a.result == b.result
    assert a.confidence == pytest.approx(b.confidence)
    items = [dict(enumerate(results))]
    perm = [dict(zip(rnd.sample(range(len(results)), len(results)), results, strict=True))]
    x, y = (
        agreement_for_kind("video_track", items, cfg),
        agreement_for_kind("video_track", perm, cfg),
    )
    assert x.value == pytest.approx(y.value, nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(tracks(), st.integers(2, 5))
def test_identical_results_are_kept_and_agree(result: dict, k: int) -> None:
    # Keep only tracks that are in view somewhere (a track of outside keyframes is empty).
    result = {"tracks": [t for t in result["tracks"] if frame_boxes(t).frames.size]}
    got = consolidate("video_track", [copy.deepcopy(result) for _ in range(k)], {})
    assert got.confidence == pytest.approx(1.0)
    expected = [{**t, "keyframes": _canonical(t["keyframes"])} for t in result["tracks"]]
    assert _by_id(got.result["tracks"]) == _by_id(expected)
    ag = agreement_for_kind("video_track", [dict.fromkeys(range(k), result)], {})
    assert ag.value == 1.0


def _canonical(keys: list[dict]) -> list[dict]:
    """The keyframes that carry information: outside keyframes only right after a visible
    stretch (an outside keyframe after another is redundant), boxes as floats."""
    out = []
    for n, k in enumerate(keys):
        if k["outside"] and (n == 0 or keys[n - 1]["outside"]):
            continue
        out.append({**k, **{c: float(k[c]) for c in "xywh"}})
    return out


def _by_id(ts: list[dict]) -> dict:
    return {t["id"]: t for t in ts}


@settings(max_examples=60, deadline=None)
@given(
    tracks(),
    st.integers(-3, 3),
    st.integers(-3, 3),
)
def test_a_track_shifted_by_a_few_pixels_still_matches(result: dict, dx: int, dy: int) -> None:
    # Boxes of at least 20 x 20 pixels, so that a 3-pixel shift keeps IoU well above 0.5.
    big = [
        {**t, "keyframes": [{**k, "w": k["w"] + 20, "h": k["h"] + 20} for k in t["keyframes"]]}
        for t in result["tracks"]
        if frame_boxes(t).frames.size
    ]
    moved = [
        {**t, "keyframes": [{**k, "x": k["x"] + dx, "y": k["y"] + dy} for k in t["keyframes"]]}
        for t in big
    ]
    sims = np.array([[track_iou(frame_boxes(a), frame_boxes(b)) for b in big] for a in big])
    got = match_tracks(big, moved)
    # Each track matches its shifted self unless another track is a near-duplicate of it.
    if np.all(sims - np.eye(len(big)) < 0.3):
        assert sorted((i, j) for i, j, _ in got) == [(i, i) for i in range(len(big))]
    merged = consolidate("video_track", [{"tracks": big}, {"tracks": moved}], {})
    assert len(merged.result["tracks"]) == len(got)


def test_segments_cluster_within_a_boundary_tolerance() -> None:
    a = {"segments": [{"id": "s", "start": 1.0, "end": 1.4, "label": "goal"}]}
    b = {"segments": [{"id": "s", "start": 1.2, "end": 1.6, "label": "goal"}]}
    # Jaccard 0.2 / 0.6 = 1/3: two events by default, one with a 0.25 s tolerance.
    assert consolidate("temporal_segment", [a, b], {}).result["segments"] == []
    (seg,) = consolidate("temporal_segment", [a, b], {"tolerance": 0.25}).result["segments"]
    assert seg["id"] == "s" and seg["label"] == "goal"
    assert (seg["start"], seg["end"]) == pytest.approx((1.1, 1.5))
    items = [{"x": a, "y": b}]
    assert agreement_for_kind("temporal_segment", items, {}).value == 0.0
    assert agreement_for_kind("temporal_segment", items, {"tolerance": 0.25}).value == 1.0
    assert agreement_for_kind("audio_segment", items, {"tolerance": 0.1}).value == 0.0
