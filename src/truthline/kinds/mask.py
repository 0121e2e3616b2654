"""Masks: one COCO run-length-encoded binary mask per labeled region."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from truthline.kinds import rle
from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import Count, LabeledConfig, LabeledShape, check_shapes, image_size

Side = Annotated[int, Field(strict=True, ge=1)]


def _counts(value: Any) -> str | list[int]:
    # One plain check instead of a union, whose errors would name each alternative.
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise PydanticCustomError("rle_counts", "must be a counts string or a list of run lengths")
    for i, count in enumerate(value):
        if type(count) is not int or count < 0:
            raise PydanticCustomError(
                "rle_counts", "run {i} is not a non-negative integer", {"i": i}
            )
    return value


Counts = Annotated[
    str | list[int], PlainValidator(_counts, json_schema_input_type=str | list[Count])
]


class MaskConfig(LabeledConfig):
    kind: Literal["mask"]


class Rle(StrictModel):
    size: tuple[Side, Side]
    # Compressed COCO string, or the plain list of run lengths.
    counts: Counts


class Mask(LabeledShape):
    rle: Rle


class MaskResult(StrictModel):
    masks: list[Mask]


def _check_rle(mask: Rle, size: tuple[float | None, float | None], path: str) -> None:
    height, width = mask.size
    if size[1] is not None and height != size[1]:
        raise KindValidationError(f"{path}.size", f"height {height} is not the image's {size[1]}")
    if size[0] is not None and width != size[0]:
        raise KindValidationError(f"{path}.size", f"width {width} is not the image's {size[0]}")
    try:
        counts = rle.decode_counts(mask.counts) if isinstance(mask.counts, str) else mask.counts
    except rle.RLEError as exc:
        raise KindValidationError(f"{path}.counts", str(exc)) from None
    total = sum(counts)
    if total != height * width:
        raise KindValidationError(
            f"{path}.counts", f"runs cover {total} pixels, the mask has {height * width}"
        )


class MaskKind(Kind[MaskConfig, MaskResult]):
    name = "mask"
    title = "Mask"
    field_types = ("image",)
    Config = MaskConfig
    Result = MaskResult

    def validate_result(
        self, config: MaskConfig, result: MaskResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.masks, f"{path}.masks")
        size = image_size(item, config.field)
        for i, mask in enumerate(result.masks):
            _check_rle(mask.rle, size, f"{path}.masks[{i}].rle")
