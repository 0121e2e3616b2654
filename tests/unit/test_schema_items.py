"""Checking imported items and whole annotation results against a labeling schema."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.kinds import ItemContext, KindValidationError
from truthline.schema import parse_schema, validate_annotation, validate_item

EVERY_TYPE = parse_schema(
    {
        "fields": [
            {"name": "text", "type": "text"},
            {"name": "notes", "type": "markdown", "required": False},
            {"name": "image", "type": "image"},
            {"name": "audio", "type": "audio", "required": False},
            {"name": "score", "type": "number", "required": False},
            {"name": "chat", "type": "conversation", "required": False},
            {"name": "meta", "type": "json", "required": False},
            {"name": "answers", "type": "list", "required": False},
        ],
        "questions": [{"name": "ok", "kind": "classification", "classes": ["yes", "no"]}],
    }
)
BAD_TURN = "must be an object with string role and content"


def test_minimal_item_is_valid() -> None:
    minimal = parse_schema(
        {
            "fields": [{"name": "text", "type": "text"}],
            "questions": [
                {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]}
            ],
        }
    )
    assert validate_item(minimal, {"id": "t1", "text": "..."}) == []


def test_a_full_item_is_valid() -> None:
    item = {
        "id": 1,
        "text": "hello",
        "notes": "*hi*",
        "image": "s3://bucket/a.jpg",
        "audio": "a.wav",
        "score": 0.5,
        "chat": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
        "meta": {"anything": [1, None]},
        "answers": ["a", "b"],
        "extra": object(),  # keys that are not fields are the importer's business
    }
    assert validate_item(EVERY_TYPE, item) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"text": None}, ("text", "required field missing")),
        ({"text": 5}, ("text", "must be a string")),
        ({"notes": ["x"]}, ("notes", "must be a string")),
        ({"image": ""}, ("image", "must be a media reference (a non-empty string)")),
        ({"audio": {"url": "a.wav"}}, ("audio", "must be a media reference (a non-empty string)")),
        ({"score": math.nan}, ("score", "must be a finite number")),
        ({"score": math.inf}, ("score", "must be a finite number")),
        ({"score": True}, ("score", "must be a number")),
        ({"score": "3"}, ("score", "must be a number")),
        ({"chat": "hi"}, ("chat", "must be a list of {role, content} turns")),
        ({"chat": [{"role": "user"}]}, ("chat", f"turn 0 {BAD_TURN}")),
        ({"chat": [{"role": "u", "content": "x"}, "y"]}, ("chat", f"turn 1 {BAD_TURN}")),
        ({"answers": "a"}, ("answers", "must be a list")),
    ],
)
def test_item_problems(change: dict[str, Any], problem: tuple[str, str]) -> None:
    item = {"text": "t", "image": "a.jpg", **change}
    assert validate_item(EVERY_TYPE, item) == [problem]


def test_every_problem_is_reported() -> None:
    assert validate_item(EVERY_TYPE, {"score": 2**80}) == [
        ("text", "required field missing"),
        ("image", "required field missing"),
    ]
    assert validate_item(EVERY_TYPE, ["text"]) == [("", "an item must be an object")]  # type: ignore[arg-type]


# ---------------------------------------------------------------- annotations

DETECTION = parse_schema(
    {
        "fields": [{"name": "image", "type": "image"}, {"name": "caption", "type": "text"}],
        "questions": [
            {"name": "objects", "kind": "bbox", "classes": ["car", "person"]},
            {"name": "quality", "kind": "rating", "required": False},
            {"name": "summary", "kind": "free_text", "prefill_from": "caption", "max_length": 20},
        ],
    }
)
PHOTO = ItemContext(
    data={"image": "a.jpg", "caption": "a car"}, media={"image": {"width": 100, "height": 80}}
)
BOX = {"id": "b1", "x": 1, "y": 2, "w": 10, "h": 10, "label": "car"}


def test_annotation_is_normalized() -> None:
    result = {"objects": {"boxes": [BOX]}, "summary": {"text": "a red car"}, "quality": None}
    assert validate_annotation(DETECTION, result, PHOTO) == {
        "objects": {
            "boxes": [{"id": "b1", "label": "car", "x": 1.0, "y": 2.0, "w": 10.0, "h": 10.0}]
        },
        "summary": {"text": "a red car"},
    }


@pytest.mark.parametrize(
    ("result", "path"),
    [
        (
            {
                "objects": {"boxes": [BOX, {**BOX, "id": "b2"}, {**BOX, "id": "b3", "x": -4}]},
                "summary": {"text": ""},
            },
            "objects.boxes[2].x",
        ),
        ({"objects": {"boxes": []}, "summary": {"text": "x" * 21}}, "summary.text"),
        ({"objects": {"boxes": []}}, "summary"),
        ({"objects": {"boxes": []}, "summary": {"text": ""}, "colour": {}}, "colour"),
        (
            {"objects": {"boxes": []}, "summary": {"text": ""}, "quality": {"value": 9}},
            "quality.value",
        ),
        ({"objects": [BOX], "summary": {"text": ""}}, "objects"),
        ({"objects": {"box": [BOX]}, "summary": {"text": ""}}, "objects.boxes"),
    ],
)
def test_annotation_errors(result: dict[str, Any], path: str) -> None:
    with pytest.raises(KindValidationError) as caught:
        validate_annotation(DETECTION, result, PHOTO)
    assert caught.value.path == path
    assert caught.value.code == "invalid_annotation"


def test_partial_results_may_leave_questions_out() -> None:
    draft = {"objects": {"boxes": [BOX]}}
    assert validate_annotation(DETECTION, draft, PHOTO, partial=True) == draft | {
        "objects": {"boxes": [{**BOX, "x": 1.0, "y": 2.0, "w": 10.0, "h": 10.0}]}
    }
    with pytest.raises(KindValidationError) as caught:
        validate_annotation(DETECTION, {"nope": 1}, PHOTO, partial=True)
    assert caught.value.path == "nope"
    with pytest.raises(KindValidationError) as caught:
        validate_annotation(DETECTION, [], PHOTO)  # type: ignore[arg-type]
    assert caught.value.path == ""


ALL_KINDS = parse_schema(
    {
        "fields": [
            {"name": "image", "type": "image"},
            {"name": "text", "type": "text"},
            {"name": "audio", "type": "audio"},
            {"name": "video", "type": "video"},
            {"name": "chat", "type": "conversation"},
            {"name": "a", "type": "text"},
            {"name": "b", "type": "text"},
        ],
        "questions": [
            {"name": "c", "kind": "classification", "classes": ["x", "y"]},
            {"name": "s", "kind": "span", "field": "text", "classes": ["x"], "relations": ["r"]},
            {"name": "bb", "kind": "bbox", "classes": ["x"]},
            {"name": "p", "kind": "polygon", "classes": ["x"], "allow_holes": True},
            {"name": "k", "kind": "keypoints", "classes": ["x"], "points": ["h", "t"]},
            {"name": "m", "kind": "mask", "classes": ["x"]},
            {"name": "f", "kind": "free_text"},
            {"name": "r", "kind": "rating", "field": "chat", "per_turn": True},
            {"name": "rk", "kind": "ranking", "options_field": "chat"},
            {"name": "pw", "kind": "pairwise", "options": ["a", "b"]},
            {"name": "t", "kind": "transcription", "field": "audio"},
            {"name": "as", "kind": "audio_segment", "classes": ["x"]},
            {"name": "vt", "kind": "video_track", "classes": ["x"]},
            {"name": "ts", "kind": "temporal_segment", "field": "video", "classes": ["x"]},
        ],
    }
)
ANY_ITEM = ItemContext(
    data={"text": "some text here", "chat": [{"role": "u", "content": "c"}] * 2},
    media={
        "image": {"width": 50, "height": 40},
        "audio": {"duration": 3.0},
        "video": {"frames": 10, "fps": 5, "width": 50, "height": 40},
    },
)
_KEYS = [
    "id",
    "label",
    "x",
    "y",
    "w",
    "h",
    "start",
    "end",
    "points",
    "holes",
    "v",
    "rle",
    "size",
    "counts",
    "text",
    "labels",
    "spans",
    "relations",
    "from",
    "to",
    "boxes",
    "polygons",
    "instances",
    "masks",
    "value",
    "turns",
    "order",
    "choice",
    "strength",
    "segments",
    "speaker",
    "tracks",
    "keyframes",
    "frame",
    "outside",
    "0",
    "1",
]
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 12),
    st.floats(-1, 60),
    st.just(math.nan),
    st.sampled_from(["x", "y", "r", "a", "b", "tie", "0", "1", "h", "", "0P0"]),
)
_RESULTS = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=400)
@given(st.dictionaries(st.sampled_from([q.name for q in ALL_KINDS.questions]), _RESULTS))
def test_random_results_fail_only_with_validation_errors(result: dict[str, Any]) -> None:
    try:
        validate_annotation(ALL_KINDS, result, ANY_ITEM, partial=True)
    except KindValidationError as exc:
        assert exc.path.split(".")[0].split("[")[0] in result or exc.path == ""
