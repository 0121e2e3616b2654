"""Keypoints: named points per instance (a pose), in a fixed order, joined by a skeleton."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import (
    LabeledConfig,
    LabeledShape,
    Num,
    UniqueNames,
    check_point,
    check_shapes,
    image_size,
)


class KeypointsConfig(LabeledConfig):
    kind: Literal["keypoints"]
    points: Annotated[UniqueNames, Field(min_length=1)]
    skeleton: list[tuple[str, str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _skeleton_joins_points(self) -> KeypointsConfig:
        names = set(self.points)
        edges: set[frozenset[str]] = set()
        for a, b in self.skeleton:
            if a not in names or b not in names:
                raise ValueError(f"skeleton edge [{a}, {b}] names an unknown point")
            if a == b or frozenset((a, b)) in edges:
                raise ValueError(f"skeleton edge [{a}, {b}] is a loop or a duplicate")
            edges.add(frozenset((a, b)))
        return self


class Keypoint(StrictModel):
    x: Num
    y: Num
    # COCO visibility: 0 not labeled, 1 labeled but occluded, 2 visible.
    v: Annotated[int, Field(strict=True, ge=0, le=2)] = 2


class KeypointInstance(LabeledShape):
    points: list[Keypoint | None]


class KeypointsResult(StrictModel):
    instances: list[KeypointInstance]


class Keypoints(Kind[KeypointsConfig, KeypointsResult]):
    name = "keypoints"
    title = "Keypoints"
    field_types = ("image",)
    Config = KeypointsConfig
    Result = KeypointsResult

    def validate_result(
        self, config: KeypointsConfig, result: KeypointsResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.instances, f"{path}.instances")
        size = image_size(item, config.field)
        expected = len(config.points)
        for i, instance in enumerate(result.instances):
            where = f"{path}.instances[{i}].points"
            if len(instance.points) != expected:
                raise KindValidationError(
                    where, f"expected {expected} points ({', '.join(config.points)})"
                )
            for j, point in enumerate(instance.points):
                # An unlabeled point's coordinates mean nothing (COCO writes 0, 0).
                if point is not None and point.v > 0:
                    check_point(point.x, point.y, size, f"{where}[{j}]")
