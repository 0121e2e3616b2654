"""Time-based kinds: transcription, audio_segment, temporal_segment, video_track."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truthline.kinds import ItemContext, KindValidationError, get_kind

AUDIO = ItemContext(data={"audio": "a.wav"}, media={"audio": {"duration": 10.0}})
VIDEO = ItemContext(
    data={"video": "v.mp4"},
    media={"video": {"frames": 100, "fps": 25.0, "width": 320, "height": 240}},
)


def check(kind: str, settings: dict[str, Any], result: Any, item: ItemContext) -> Any:
    plugin = get_kind(kind)
    question = plugin.Config.model_validate({"name": "q", "kind": kind, **settings})
    parsed = plugin.parse_result(question, result, "q")
    plugin.validate_result(question, parsed, item, "q")
    return parsed


def error(kind: str, settings: dict[str, Any], result: Any, item: ItemContext) -> str:
    with pytest.raises(KindValidationError) as caught:
        check(kind, settings, result, item)
    return caught.value.path


def seg(start: float, end: float, **extra: Any) -> dict[str, Any]:
    return {"id": f"t{start}", "start": start, "end": end, **extra}


# ---------------------------------------------------------------- transcription

SPEAKERS = {"field": "audio", "speakers": ["A", "B"], "max_segment": 5}


def said(start: float, end: float, speaker: str | None = "A") -> dict[str, Any]:
    return seg(start, end, text="hello", speaker=speaker)


def test_transcription_valid() -> None:
    parsed = check("transcription", SPEAKERS, {"segments": [said(0, 2), said(2, 4.5, "B")]}, AUDIO)
    assert parsed.segments[1].speaker == "B"


@pytest.mark.parametrize(
    ("segments", "path"),
    [
        ([said(0, 2), said(9, 10.5)], "q.segments[1].end"),
        ([said(0, 2), said(1.5, 3)], "q.segments[1].start"),
        ([said(3, 2)], "q.segments[0].end"),
        ([said(-1, 2)], "q.segments[0].start"),
        ([said(0, 2, "C")], "q.segments[0].speaker"),
        ([said(0, 2, None)], "q.segments[0].speaker"),
        ([said(0, 6)], "q.segments[0].end"),
        ([said(0, 2), said(0, 2)], "q.segments[1].id"),
        ([{**said(0, 2), "text": None}], "q.segments[0].text"),
    ],
)
def test_transcription_errors(segments: list[Any], path: str) -> None:
    assert error("transcription", SPEAKERS, {"segments": segments}, AUDIO) == path


def test_transcription_overlap_and_free_speakers() -> None:
    loose = {"field": "audio", "allow_overlap": True}
    check("transcription", loose, {"segments": [said(0, 2, "x"), said(1, 3, "y")]}, AUDIO)


# ---------------------------------------------------------------- audio and temporal segments

SOUNDS = {"field": "audio", "classes": ["speech", "music"]}


def test_audio_segments_may_overlap_by_default() -> None:
    result = {"segments": [seg(0, 5, label="speech"), seg(4, 6, label="music")]}
    check("audio_segment", SOUNDS, result, AUDIO)
    no_overlap = {**SOUNDS, "allow_overlap": False}
    assert error("audio_segment", no_overlap, result, AUDIO) == "q.segments[1].start"
    bad = {"segments": [seg(0, 5, label="noise")]}
    assert error("audio_segment", SOUNDS, bad, AUDIO) == "q.segments[0].label"


EVENTS = {"field": "video", "classes": ["goal", "foul"]}
TEN_SECONDS = ItemContext(data={"video": "v.mp4"}, media={"video": {"duration": 10.0}})


def test_temporal_segments_use_frames_over_fps_as_duration() -> None:
    # 100 frames at 25 fps: 4 seconds.
    check("temporal_segment", EVENTS, {"segments": [seg(0, 1, label="goal")]}, VIDEO)
    late = {"segments": [seg(3, 4.5, label="goal")]}
    assert error("temporal_segment", EVENTS, late, VIDEO) == "q.segments[0].end"
    touching = {"segments": [seg(0, 1, label="goal"), seg(1, 2, label="foul")]}
    check("temporal_segment", EVENTS, touching, VIDEO)
    overlapping = {"segments": [seg(0, 1.5, label="goal"), seg(1, 2, label="foul")]}
    assert error("temporal_segment", EVENTS, overlapping, VIDEO) == "q.segments[1].start"


@given(st.lists(st.tuples(st.floats(0, 9.9), st.floats(0.01, 5)), max_size=8))
def test_disjoint_segments_always_validate(raw: list[tuple[float, float]]) -> None:
    # Lay the segments end to end so they never overlap, then scale into the duration.
    segments, cursor = [], 0.0
    for i, (gap, length) in enumerate(raw):
        start = cursor + gap
        cursor = start + length
        segments.append((start, cursor, i))
    scale = 10.0 / cursor if cursor > 10.0 else 1.0
    result = {
        "segments": [
            {"id": f"s{i}", "start": a * scale, "end": b * scale, "label": "goal"}
            for a, b, i in segments
            if b * scale > a * scale
        ]
    }
    check("temporal_segment", EVENTS, result, TEN_SECONDS)


# ---------------------------------------------------------------- video tracks

CARS = {"field": "video", "classes": ["car"]}


def key(frame: int, **extra: Any) -> dict[str, Any]:
    return {"frame": frame, "x": 10, "y": 10, "w": 50, "h": 40, **extra}


def track(*keys: dict[str, Any]) -> dict[str, Any]:
    return {"tracks": [{"id": "tr1", "label": "car", "keyframes": list(keys)}]}


def test_video_track_valid() -> None:
    parsed = check("video_track", CARS, track(key(0), key(50, outside=True), key(99)), VIDEO)
    assert parsed.tracks[0].keyframes[1].outside is True


@pytest.mark.parametrize(
    ("keys", "path"),
    [
        ((key(0), key(100)), "q.tracks[0].keyframes[1].frame"),
        ((key(10), key(5)), "q.tracks[0].keyframes[1].frame"),
        ((key(10), key(10)), "q.tracks[0].keyframes[1].frame"),
        ((key(-1),), "q.tracks[0].keyframes[0].frame"),
        ((key(0, x=300),), "q.tracks[0].keyframes[0].w"),
        ((key(0, y=-3),), "q.tracks[0].keyframes[0].y"),
        ((key(0, w=0),), "q.tracks[0].keyframes[0].w"),
        ((key(0, outside="no"),), "q.tracks[0].keyframes[0].outside"),
        ((), "q.tracks[0].keyframes"),
    ],
)
def test_video_track_errors(keys: tuple[dict[str, Any], ...], path: str) -> None:
    assert error("video_track", CARS, track(*keys), VIDEO) == path


def test_outside_keyframes_are_not_drawn_so_not_bounded() -> None:
    check("video_track", CARS, track(key(0), key(5, x=400, outside=True)), VIDEO)
