"""Bounding boxes on an image: axis-aligned, in pixels of the original image."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from truthline.kinds.base import ItemContext, Kind, StrictModel
from truthline.kinds.common import (
    LabeledConfig,
    LabeledShape,
    Num,
    check_box,
    check_shapes,
    image_size,
)


class BboxConfig(LabeledConfig):
    kind: Literal["bbox"]
    # Smallest width and height in pixels: stray clicks make 0-pixel boxes.
    min_size: float = Field(default=1.0, ge=0)


class Box(LabeledShape):
    x: Num
    y: Num
    w: Num
    h: Num


class BboxResult(StrictModel):
    boxes: list[Box]


class Bbox(Kind[BboxConfig, BboxResult]):
    name = "bbox"
    title = "Bounding box"
    field_types = ("image",)
    Config = BboxConfig
    Result = BboxResult

    def validate_result(
        self, config: BboxConfig, result: BboxResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.boxes, f"{path}.boxes")
        size = image_size(item, config.field)
        for i, box in enumerate(result.boxes):
            check_box(box.x, box.y, box.w, box.h, size, f"{path}.boxes[{i}]", config.min_size)
