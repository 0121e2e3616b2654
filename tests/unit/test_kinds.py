"""Kind registry and plugins, and the image kinds: classification, bbox, polygon, keypoints, mask."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from truthline.kinds import (
    ItemContext,
    Kind,
    KindValidationError,
    QuestionConfig,
    StrictModel,
    UnknownKind,
    all_kinds,
    collect_kinds,
    get_kind,
    rle,
)
from truthline.plugins import PluginError, build_plugin_manager, hookimpl

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kinds.md"
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


# ---------------------------------------------------------------- registry and plugins


def test_every_documented_kind_is_registered() -> None:
    documented = re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(documented) == sorted(all_kinds())
    assert len(documented) == 14


def test_kinds_are_consistent() -> None:
    for name, kind in all_kinds().items():
        assert kind.name == name
        assert kind.Config.model_fields["kind"].annotation == Literal[name]
        assert issubclass(kind.Config, QuestionConfig)
        assert issubclass(kind.Result, StrictModel)


def test_unknown_kind() -> None:
    with pytest.raises(UnknownKind):
        get_kind("lasso")


class _Sticker(Kind[QuestionConfig, StrictModel]):
    name = "sticker"
    Config = QuestionConfig
    Result = StrictModel


class _StickerPlugin:
    @hookimpl
    def register_kinds(self) -> list[type[Kind[Any, Any]]]:
        return [_Sticker]


class _BboxAgainPlugin:
    kinds: ClassVar[list[type[Kind[Any, Any]]]] = [type(get_kind("bbox"))]

    @hookimpl
    def register_kinds(self) -> list[type[Kind[Any, Any]]]:
        return self.kinds


def test_third_party_kinds_register_like_built_ins() -> None:
    pm = build_plugin_manager(entry_points=False)
    pm.register(_StickerPlugin())
    kinds = collect_kinds(pm)
    assert isinstance(kinds["sticker"], _Sticker)
    assert "bbox" in kinds


def test_two_plugins_may_not_claim_one_kind() -> None:
    pm = build_plugin_manager(entry_points=False)
    pm.register(_BboxAgainPlugin())
    with pytest.raises(PluginError, match="'bbox'"):
        collect_kinds(pm)


def test_other_hooks_are_declared() -> None:
    pm = build_plugin_manager(entry_points=False)
    assert pm.hook.register_formats.spec is not None
    assert pm.hook.register_storage_backends.spec is not None


# ---------------------------------------------------------------- classes and classification


def test_classes_are_normalized_to_objects() -> None:
    question = config("classification", classes=["pos", {"name": "neg", "shortcut": "n"}])
    dumped = question.model_dump(exclude_none=True)["classes"]
    assert dumped == [{"name": "pos"}, {"name": "neg", "shortcut": "n"}]


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        (["car", "car"], "duplicate 'car'"),
        ([{"name": "a", "shortcut": "x"}, {"name": "b", "shortcut": "x"}], "duplicate shortcut 'x'"),
        ([], "at least 1 item"),
        ([{"name": "a", "color": "red"}], "should match pattern"),
    ],
)
def test_bad_class_lists(classes: list[Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        config("bbox", classes=classes)
    assert caught.value.errors()[0]["loc"][0] == "classes"


def test_classification_single_and_multiple() -> None:
    assert check("classification", {"classes": ["a", "b"]}, {"labels": ["a"]}).labels == ["a"]
    multi = {"classes": ["a", "b", "c"], "multiple": True, "max_choices": 2}
    assert check("classification", multi, {"labels": ["c", "a"]}).labels == ["c", "a"]
    none_ok = {"classes": ["a", "b"], "multiple": True, "min_choices": 0}
    assert check("classification", none_ok, {"labels": []}).labels == []


@pytest.mark.parametrize(
    ("settings", "labels", "path"),
    [
        ({"classes": ["a", "b"]}, ["a", "z"], "q.labels[1]"),
        ({"classes": ["a", "b"]}, ["a", "b"], "q.labels"),
        ({"classes": ["a", "b"]}, [], "q.labels"),
        ({"classes": ["a", "b"], "multiple": True}, ["a", "a"], "q.labels[1]"),
        ({"classes": ["a", "b", "c"], "multiple": True, "max_choices": 2}, ["a", "b", "c"], "q.labels"),
        ({"classes": ["a", "b"], "multiple": True}, [], "q.labels"),
        ({"classes": ["a"]}, [""], "q.labels[0]"),
    ],
)
def test_classification_errors(settings: dict[str, Any], labels: list[str], path: str) -> None:
    assert error("classification", settings, {"labels": labels}) == path


@pytest.mark.parametrize(
    "settings",
    [
        {"max_choices": 2},
        {"multiple": True, "min_choices": 3},
        {"multiple": True, "min_choices": 2, "max_choices": 1},
    ],
)
def test_classification_choice_bounds(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        config("classification", classes=["a", "b"], **settings)


# ---------------------------------------------------------------- bbox

BOX = {"id": "b1", "x": 10, "y": 20, "w": 30, "h": 40, "label": "car"}
CARS = {"classes": ["car", "person"], "field": "image"}


def boxes(*changes: dict[str, Any]) -> dict[str, Any]:
    return {"boxes": [{**BOX, "id": f"b{i}", **c} for i, c in enumerate(changes)]}


def test_bbox_valid_and_normalized() -> None:
    parsed = check("bbox", CARS, boxes({}, {"label": "person", "origin": "prediction"}))
    assert parsed.model_dump(exclude_none=True)["boxes"][0] == {
        "id": "b0", "label": "car", "x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"x": -1}, "q.boxes[2].x"),
        ({"y": -0.5}, "q.boxes[2].y"),
        ({"x": 620}, "q.boxes[2].w"),
        ({"y": 450}, "q.boxes[2].h"),
        ({"w": 0.5}, "q.boxes[2].w"),
        ({"h": 0}, "q.boxes[2].h"),
        ({"label": "tree"}, "q.boxes[2].label"),
        ({"id": "b0"}, "q.boxes[2].id"),
        ({"x": float("nan")}, "q.boxes[2].x"),
        ({"w": float("inf")}, "q.boxes[2].w"),
        ({"x": "10"}, "q.boxes[2].x"),
        ({"x": True}, "q.boxes[2].x"),
        ({"angle": 3}, "q.boxes[2].angle"),
        ({"origin": "robot"}, "q.boxes[2].origin"),
    ],
)
def test_bbox_errors(change: dict[str, Any], path: str) -> None:
    result = boxes({}, {})
    result["boxes"].append({**BOX, "id": "b9", **change})
    assert error("bbox", CARS, result) == path


def test_bbox_without_known_size_only_checks_the_origin() -> None:
    unknown = ItemContext(data={"image": "x.jpg"})
    check("bbox", CARS, boxes({"x": 5000, "w": 5000}), unknown)
    assert error("bbox", CARS, boxes({"x": -1}), unknown) == "q.boxes[0].x"


def test_bbox_min_size() -> None:
    assert error("bbox", {**CARS, "min_size": 8}, boxes({"w": 7.9})) == "q.boxes[0].w"
    check("bbox", {**CARS, "min_size": 8}, boxes({"w": 8}))


W, H = 640, 480


@st.composite
def inside_boxes(draw: st.DrawFn) -> dict[str, float]:
    x = draw(st.floats(0, W - 1))
    y = draw(st.floats(0, H - 1))
    w = draw(st.floats(1, W - x))
    h = draw(st.floats(1, H - y))
    return {"x": x, "y": y, "w": w, "h": h}


@given(inside_boxes())
def test_boxes_inside_the_image_always_validate(box: dict[str, float]) -> None:
    check("bbox", CARS, boxes(box))


@given(inside_boxes(), st.sampled_from(["left", "top", "right", "bottom"]), st.floats(1e-3, 1e4))
def test_boxes_outside_the_image_never_validate(
    box: dict[str, float], side: str, by: float
) -> None:
    if side == "left":
        box["x"] = -by
    elif side == "top":
        box["y"] = -by
    elif side == "right":
        box["w"] = W - box["x"] + by
    else:
        box["h"] = H - box["y"] + by
    assert error("bbox", CARS, boxes(box)).startswith("q.boxes[0].")


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
        (SQUARE, [[[20, 20], [40, 20], [40, 40]], [[30, 21], [50, 21], [50, 40]]], "q.polygons[0].holes[1]"),
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
def test_convex_polygons_inside_the_image_always_validate(angles: list[float], radius: float) -> None:
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

POSE = {"classes": ["person"], "field": "image", "points": ["nose", "l_eye", "r_eye"],
        "skeleton": [["nose", "l_eye"], ["nose", "r_eye"]]}  # fmt: skip


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
