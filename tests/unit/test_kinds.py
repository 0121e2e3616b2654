"""Kind registry, plugins and docs; classification and bbox."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import types
from pathlib import Path
from typing import Any, ClassVar, Literal

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


def _kind_table() -> dict[str, list[str]]:
    """The rows of the kinds table in docs/kinds.md, by kind, split into cells."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| kind |")))
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows[cells[0].strip("`")] = cells
    return rows


def test_every_documented_kind_is_registered() -> None:
    assert sorted(_kind_table()) == sorted(all_kinds())
    assert len(all_kinds()) == 14


def test_documented_settings_are_the_config_fields() -> None:
    common = set(QuestionConfig.model_fields)
    for name, cells in _kind_table().items():
        # Each setting is written `name...`; prose and defaults around it are not names.
        documented = set(re.findall(r"`(\w+)", cells[2]))
        assert documented == set(get_kind(name).Config.model_fields) - common, name


def test_documented_field_types_are_the_kinds_field_types() -> None:
    for name, cells in _kind_table().items():
        wanted = get_kind(name).field_types
        documented = set(re.findall(r"[a-z]+", cells[1])) - {"or", "any", "none", "with"}
        if wanted is None:
            assert cells[1].startswith(("any or none", "none")), name
        else:
            assert documented == set(wanted), name


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


class _FakeDistribution:
    """An installed package declaring entry points in the "truthline" group."""

    entry_points = (
        # Truthline's own entry point: already registered as a built-in, so skipped.
        importlib.metadata.EntryPoint("builtin_kinds", "truthline.kinds", "truthline"),
        importlib.metadata.EntryPoint("stickers", "truthline_stickers", "truthline"),
    )


def test_installed_packages_register_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = types.ModuleType("truthline_stickers")
    plugin.register_kinds = _StickerPlugin().register_kinds  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "truthline_stickers", plugin)
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: [_FakeDistribution()])
    pm = build_plugin_manager()
    assert pm.get_plugin("stickers") is plugin
    assert set(collect_kinds(pm)) == set(all_kinds()) | {"sticker"}


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
        (
            [{"name": "a", "shortcut": "x"}, {"name": "b", "shortcut": "x"}],
            "duplicate shortcut 'x'",
        ),
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
        (
            {"classes": ["a", "b", "c"], "multiple": True, "max_choices": 2},
            ["a", "b", "c"],
            "q.labels",
        ),
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
        "id": "b0",
        "label": "car",
        "x": 10.0,
        "y": 20.0,
        "w": 30.0,
        "h": 40.0,
    }


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
