"""Polygons on an image: an outline of points, optionally with holes, that must be simple."""

from __future__ import annotations

from typing import Literal

import shapely
from pydantic import Field
from shapely.geometry import LinearRing, Polygon

from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import (
    LabeledConfig,
    LabeledShape,
    Num,
    check_point,
    check_shapes,
    image_size,
)

Point = tuple[Num, Num]


class PolygonConfig(LabeledConfig):
    kind: Literal["polygon"]
    allow_holes: bool = False
    min_points: int = Field(default=3, ge=3)


class PolygonShape(LabeledShape):
    points: list[Point]
    holes: list[list[Point]] = Field(default_factory=list)


class PolygonResult(StrictModel):
    polygons: list[PolygonShape]


def _check_ring(points: list[Point], size: tuple[float | None, float | None], path: str) -> None:
    for j, (x, y) in enumerate(points):
        check_point(x, y, size, f"{path}[{j}]")
    ring = LinearRing(points)
    if not ring.is_simple:
        raise KindValidationError(path, "self-intersecting outline")
    if Polygon(points).area <= 0:
        raise KindValidationError(path, "encloses no area")


def _check_holes(shape: PolygonShape, path: str) -> None:
    outline = Polygon(shape.points)
    holes = [Polygon(hole) for hole in shape.holes]
    for j, hole in enumerate(holes):
        if not outline.covers(hole):
            raise KindValidationError(f"{path}.holes[{j}]", "not inside the outline")
        for k in range(j):
            if hole.intersection(holes[k]).area > 0:
                raise KindValidationError(f"{path}.holes[{j}]", f"overlaps holes[{k}]")
    reason = shapely.is_valid_reason(Polygon(shape.points, shape.holes))
    if reason != "Valid Geometry":
        raise KindValidationError(f"{path}.holes", f"invalid with its holes: {reason}")


class PolygonKind(Kind[PolygonConfig, PolygonResult]):
    name = "polygon"
    title = "Polygon"
    field_types = ("image",)
    Config = PolygonConfig
    Result = PolygonResult

    def validate_result(
        self, config: PolygonConfig, result: PolygonResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.polygons, f"{path}.polygons")
        size = image_size(item, config.field)
        for i, shape in enumerate(result.polygons):
            where = f"{path}.polygons[{i}]"
            if len(shape.points) < config.min_points:
                raise KindValidationError(
                    f"{where}.points", f"needs at least {config.min_points} points"
                )
            _check_ring(shape.points, size, f"{where}.points")
            if shape.holes and not config.allow_holes:
                raise KindValidationError(f"{where}.holes", "holes are not allowed")
            for j, hole in enumerate(shape.holes):
                if len(hole) < 3:
                    raise KindValidationError(f"{where}.holes[{j}]", "needs at least 3 points")
                _check_ring(hole, size, f"{where}.holes[{j}]")
            if shape.holes:
                _check_holes(shape, where)
