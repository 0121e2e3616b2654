"""Polygon, keypoint and mask kinds: geometry checks against the image."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from truthline.kinds import ItemContext, KindValidationError, QuestionConfig, get_kind, rle

IMAGE = ItemContext(data={"image": "img/1.jpg"}, media={"image": {"width": 640, "height": 480}})


def config(kind: str, **settings: Any) -> QuestionConfig:
    return get_kind(kind).Config.model_validate({"name": "q", "kind": kind, **settings})


def check(kind: str, settings: dict[str, Any], result: Any, item: ItemContext = IMAGE) -> Any:
    plugin = get_kind(kind)
    question = config(kind, **settings)
    parsed = plugin.parse_result(question, result, "q")
    plugin.validate_result(question, parsed, item, "q")
    return parsed


def error(kind: str, settings: dict[str, Any], result: Any, item: ItemContext = IMAGE) -> str:
    with pytest.raises(KindValidationError) as caught:
        check(kind, settings, result, item)
    return caught.value.path


# ---------------------------------------------------------------- polygon

ROADS = {"classes": ["road"], "field": "image", "allow_holes": True}
SQUARE = [[10, 10], [110, 10], [110, 110], [10, 110]]


def polygon(points: list[list[float]], holes: list[Any] | None = None) -> dict[str, Any]:
    shape: dict[str, Any] = {"id": "p1", "label": "road", "points": points}
    if holes is not None:
        shape["holes"] = holes
    return {"polygons": [shape]}


def test_polygon_with_a_hole() -> None:
    parsed = check("polygon", ROADS, polygon(SQUARE, [[[20, 20], [40, 20], [40, 40]]]))
    assert parsed.polygons[0].points[1] == (110.0, 10.0)


@pytest.mark.parametrize(
    ("points", "holes", "path"),
    [
        ([[0, 0], [10, 10], [10, 0], [0, 10]], None, "q.polygons[0].points"),
        ([[0, 0], [10, 0], [20, 0]], None, "q.polygons[0].points"),
        ([[0, 0], [10, 0]], None, "q.polygons[0].points"),
        ([[0, 0], [700, 0], [0, 10]], None, "q.polygons[0].points[1].x"),
        ([[0, 0], [10, 0], [0, -1]], None, "q.polygons[0].points[2].y"),
        (SQUARE, [[[20, 20], [40, 20]]], "q.polygons[0].holes[0]"),
        (SQUARE, [[[100, 100], [200, 100], [200, 200]]], "q.polygons[0].holes[0]"),
        (
            SQUARE,
            [[[20, 20], [40, 20], [40, 40]], [[30, 21], [50, 21], [50, 40]]],
            "q.polygons[0].holes[1]",
        ),
        (SQUARE, [[[20, 20], [40, 40], [40, 20], [20, 40]]], "q.polygons[0].holes[0]"),
        ([[0, 0], [1.5, "x"], [0, 1]], None, "q.polygons[0].points[1][1]"),
    ],
)
def test_polygon_errors(points: list[Any], holes: list[Any] | None, path: str) -> None:
    assert error("polygon", ROADS, polygon(points, holes)) == path


def test_polygon_holes_and_min_points_follow_the_config() -> None:
    no_holes = {**ROADS, "allow_holes": False}
    hole = [[[20, 20], [40, 20], [40, 40]]]
    assert error("polygon", no_holes, polygon(SQUARE, hole)) == "q.polygons[0].holes"
    assert error("polygon", {**ROADS, "min_points": 5}, polygon(SQUARE)) == "q.polygons[0].points"


@given(
    st.lists(st.floats(0, 6.2831), min_size=3, max_size=30, unique=True),
    st.floats(5, 200),
)
def test_convex_polygons_inside_the_image_always_validate(
    angles: list[float], radius: float
) -> None:
    angles.sort()
    if max(b - a for a, b in zip(angles, [*angles[1:], angles[0] + 6.2832], strict=True)) > 3.1:
        return  # points bunched on one side can collapse to a sliver; not what this checks
    points = [[320 + radius * np.cos(a), 240 + radius * np.sin(a)] for a in angles]
    check("polygon", ROADS, polygon(points))


@given(st.floats(0, 300), st.floats(0, 300), st.floats(1, 300), st.floats(1, 170))
def test_bowties_never_validate(x: float, y: float, w: float, h: float) -> None:
    # Corners visited in the order top-left, bottom-right, top-right, bottom-left cross.
    points = [[x, y], [x + w, y + h], [x + w, y], [x, y + h]]
    assert error("polygon", ROADS, polygon(points)) == "q.polygons[0].points"


# ---------------------------------------------------------------- keypoints

POSE = {
    "classes": ["person"],
    "field": "image",
    "points": ["nose", "l_eye", "r_eye"],
    "skeleton": [["nose", "l_eye"], ["nose", "r_eye"]],
}


def pose(*points: Any) -> dict[str, Any]:
    return {"instances": [{"id": "k1", "label": "person", "points": list(points)}]}


def test_keypoints_valid_with_missing_and_unlabeled_points() -> None:
    parsed = check("keypoints", POSE, pose({"x": 1, "y": 2}, None, {"x": 0, "y": 0, "v": 0}))
    assert parsed.instances[0].points[1] is None


@pytest.mark.parametrize(
    ("points", "path"),
    [
        (({"x": 1, "y": 2},), "q.instances[0].points"),
        (({"x": 1, "y": 2}, None, {"x": 641, "y": 2, "v": 1}), "q.instances[0].points[2].x"),
        (({"x": 1, "y": 2, "v": 3}, None, None), "q.instances[0].points[0].v"),
        (({"x": 1, "y": 2, "v": True}, None, None), "q.instances[0].points[0].v"),
    ],
)
def test_keypoints_errors(points: tuple[Any, ...], path: str) -> None:
    assert error("keypoints", POSE, pose(*points)) == path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"skeleton": [["nose", "tail"]]}, "unknown point"),
        ({"skeleton": [["nose", "nose"]]}, "loop or a duplicate"),
        ({"skeleton": [["nose", "l_eye"], ["l_eye", "nose"]]}, "loop or a duplicate"),
        ({"points": ["nose", "nose"]}, "duplicate 'nose'"),
    ],
)
def test_keypoints_config_errors(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config("keypoints", **{**POSE, **change})


# ---------------------------------------------------------------- mask

SKY = {"classes": ["sky"], "field": "image"}
SMALL = ItemContext(data={"image": "x.png"}, media={"image": {"width": 3, "height": 2}})


def masked(rle_value: dict[str, Any]) -> dict[str, Any]:
    return {"masks": [{"id": "m1", "label": "sky", "rle": rle_value}]}


def test_mask_valid_string_and_list_counts() -> None:
    encoded = rle.encode_mask(np.array([[1, 0, 0], [1, 1, 0]]))
    check("mask", SKY, masked(encoded), SMALL)
    check("mask", SKY, masked({"size": [2, 3], "counts": [0, 3, 3]}), SMALL)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"size": [3, 2], "counts": [6]}, "q.masks[0].rle.size"),
        ({"size": [2, 3], "counts": [5]}, "q.masks[0].rle.counts"),
        ({"size": [2, 3], "counts": "X"}, "q.masks[0].rle.counts"),
        ({"size": [2, 3], "counts": [-1, 7]}, "q.masks[0].rle.counts"),
        ({"size": [2, 3], "counts": [1.0, 5]}, "q.masks[0].rle.counts"),
        ({"size": [2, 3], "counts": {"a": 1}}, "q.masks[0].rle.counts"),
        ({"size": [2, 0], "counts": []}, "q.masks[0].rle.size[1]"),
        ({"size": [2, 3]}, "q.masks[0].rle.counts"),
    ],
)
def test_mask_errors(value: dict[str, Any], path: str) -> None:
    assert error("mask", SKY, masked(value), SMALL) == path
