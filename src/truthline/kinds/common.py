"""Building blocks shared by the kinds: class lists, shape ids, media facts, geometry checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from truthline.kinds.base import ItemContext, KindValidationError, QuestionConfig, StrictModel

# Results come from JSON clients and model backends: "4" or true must not pass as a number.
Num = Annotated[float, Field(strict=True)]
Int = Annotated[int, Field(strict=True)]
Count = Annotated[int, Field(strict=True, ge=0)]
Text = Annotated[str, Field(min_length=1)]

# Relative slack for "inside the image": x + w computed in floats may exceed the width by an ulp.
_REL_TOL = 1e-9


class ClassSpec(StrictModel):
    """One label a question offers; a bare string in the schema is shorthand for {name: ...}."""

    name: Text
    shortcut: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    color: Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")] | None = None
    description: str | None = None


def _class_objects(value: Any) -> Any:
    if isinstance(value, list):
        return [{"name": v} if isinstance(v, str) else v for v in value]
    return value


def _unique_classes(classes: list[ClassSpec]) -> list[ClassSpec]:
    names: set[str] = set()
    shortcuts: set[str] = set()
    for spec in classes:
        if spec.name in names:
            raise PydanticCustomError("duplicate", "duplicate {name}", {"name": repr(spec.name)})
        names.add(spec.name)
        if spec.shortcut is not None:
            if spec.shortcut in shortcuts:
                raise PydanticCustomError(
                    "duplicate", "duplicate shortcut {key}", {"key": repr(spec.shortcut)}
                )
            shortcuts.add(spec.shortcut)
    return classes


ClassList = Annotated[
    list[ClassSpec],
    # The JSON Schema shows what authors may write: names or full class objects.
    BeforeValidator(_class_objects, json_schema_input_type=list[str | ClassSpec]),
    AfterValidator(_unique_classes),
    Field(min_length=1),
]


def _unique_strings(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "duplicate {name}", {"name": repr(value)})
        seen.add(value)
    return values


UniqueNames = Annotated[list[Text], AfterValidator(_unique_strings)]


class LabeledConfig(QuestionConfig):
    """A question whose answers carry labels from a class list."""

    classes: ClassList


class Shape(StrictModel):
    """Fields every shape (box, polygon, span, segment, ...) carries."""

    id: Text
    # Set when the shape came from a model prediction, and whether a person changed it since.
    prediction_id: str | None = None
    origin: Literal["prediction", "changed", "human"] | None = None


class LabeledShape(Shape):
    label: Text


def class_names(config: LabeledConfig) -> frozenset[str]:
    return frozenset(c.name for c in config.classes)


def check_shapes(config: LabeledConfig, shapes: Sequence[LabeledShape], path: str) -> None:
    """Ids unique within the list, labels among the classes."""
    allowed = class_names(config)
    seen: set[str] = set()
    for i, shape in enumerate(shapes):
        if shape.id in seen:
            raise KindValidationError(f"{path}[{i}].id", f"duplicate id {shape.id!r}")
        seen.add(shape.id)
        if shape.label not in allowed:
            raise KindValidationError(f"{path}[{i}].label", f"unknown label {shape.label!r}")


def media_fact(item: ItemContext, field: str | None, key: str) -> float | None:
    """A probed fact about a media field (width, duration, ...), or None when not known."""
    if field is None:
        return None
    value = item.media.get(field, {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def media_duration(item: ItemContext, field: str | None) -> float | None:
    duration = media_fact(item, field, "duration")
    if duration is None:
        # Videos are sometimes probed as a frame count and a rate only.
        frames, fps = media_fact(item, field, "frames"), media_fact(item, field, "fps")
        if frames is not None and fps:
            duration = frames / fps
    return duration


def beyond(value: float, limit: float) -> bool:
    return value > limit + _REL_TOL * max(1.0, abs(limit))


def check_box(
    x: float,
    y: float,
    w: float,
    h: float,
    size: tuple[float | None, float | None],
    path: str,
    min_size: float = 0.0,
) -> None:
    """A box has at least min_size (and a positive size) and lies inside (width, height)."""
    width, height = size
    for name, extent in (("w", w), ("h", h)):
        if extent <= 0:
            raise KindValidationError(f"{path}.{name}", f"must be positive, got {extent}")
        if extent < min_size:
            raise KindValidationError(f"{path}.{name}", f"{extent} is below the minimum {min_size}")
    for name, start, extent, limit, what in (
        ("x", x, w, width, "width"),
        ("y", y, h, height, "height"),
    ):
        if start < 0:
            raise KindValidationError(f"{path}.{name}", f"{start} is outside the image")
        if limit is not None and beyond(start + extent, limit):
            edge = "w" if name == "x" else "h"
            raise KindValidationError(
                f"{path}.{edge}", f"box ends at {start + extent}, beyond the {what} {limit}"
            )


def check_point(x: float, y: float, size: tuple[float | None, float | None], path: str) -> None:
    width, height = size
    if x < 0 or (width is not None and beyond(x, width)):
        raise KindValidationError(f"{path}.x", f"{x} is outside the image width {width}")
    if y < 0 or (height is not None and beyond(y, height)):
        raise KindValidationError(f"{path}.y", f"{y} is outside the image height {height}")


def image_size(item: ItemContext, field: str | None) -> tuple[float | None, float | None]:
    return media_fact(item, field, "width"), media_fact(item, field, "height")


def check_intervals(
    intervals: Iterable[tuple[float, float]],
    path: str,
    *,
    limit: float | None,
    allow_overlap: bool,
    unit: str = "duration",
) -> None:
    """Each [start, end) has 0 <= start < end <= limit; no overlap unless allowed.

    Touching intervals (one ends where the next starts) do not overlap.
    """
    spans = list(intervals)
    for i, (start, end) in enumerate(spans):
        if start < 0:
            raise KindValidationError(f"{path}[{i}].start", f"{start} is negative")
        if end <= start:
            raise KindValidationError(f"{path}[{i}].end", f"{end} is not after start {start}")
        if limit is not None and beyond(end, limit):
            raise KindValidationError(f"{path}[{i}].end", f"{end} is beyond the {unit} {limit}")
    if allow_overlap:
        return
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    for prev, cur in zip(order, order[1:], strict=False):
        if spans[cur][0] < spans[prev][1]:
            raise KindValidationError(f"{path}[{cur}].start", f"overlaps {path}[{prev}]")


def check_unique_ids(ids: Iterable[str], path: str) -> None:
    seen: set[str] = set()
    for i, shape_id in enumerate(ids):
        if shape_id in seen:
            raise KindValidationError(f"{path}[{i}].id", f"duplicate id {shape_id!r}")
        seen.add(shape_id)
