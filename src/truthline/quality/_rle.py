"""Flat (column-major) views of COCO RLE masks on top of the kinds' codec: voting and IoU
work on flat vectors, which skips the reshape and transposition of a 2-D decode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from truthline.kinds.rle import RLEError, decode_counts, encode_counts
from truthline.quality._common import QualityInputError


def rle_size(rle: Mapping[str, Any]) -> tuple[int, int]:
    size = rle.get("size")
    if not isinstance(size, list | tuple) or len(size) != 2:
        raise QualityInputError("rle size must be [height, width]")
    return int(size[0]), int(size[1])


def rle_counts(rle: Mapping[str, Any]) -> list[int]:
    """Run lengths (alternating background/foreground, background first)."""
    counts = rle.get("counts")
    try:
        if isinstance(counts, str):
            return decode_counts(counts)
        if isinstance(counts, list):
            return [int(c) for c in counts]
    except RLEError as exc:
        raise QualityInputError(f"invalid rle counts: {exc}") from None
    raise QualityInputError("rle counts must be a string or a list of integers")


def decode_flat(rle: Mapping[str, Any]) -> np.ndarray:
    """The mask as a flat column-major boolean vector of height * width pixels."""
    h, w = rle_size(rle)
    counts = np.asarray(rle_counts(rle), dtype=np.int64)
    if (counts < 0).any() or counts.sum() != h * w:
        raise QualityInputError("rle counts do not add up to height * width")
    return np.repeat((np.arange(counts.size) % 2).astype(bool), counts)


def rle_decode(rle: Mapping[str, Any]) -> np.ndarray:
    """The mask as a (height, width) boolean array."""
    h, w = rle_size(rle)
    return decode_flat(rle).reshape((h, w), order="F")


def encode_flat(flat: np.ndarray) -> str:
    """Compressed counts string of a flat column-major mask."""
    flat = np.asarray(flat, dtype=bool)
    if flat.size == 0:
        return ""
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    runs = np.diff(np.concatenate(([0], edges, [flat.size]))).tolist()
    return encode_counts([0, *runs] if flat[0] else runs)


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """``{"size": [h, w], "counts": "<compressed>"}`` of a 2-D mask."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise QualityInputError("mask must be 2-D")
    return {"size": [mask.shape[0], mask.shape[1]], "counts": encode_flat(mask.ravel(order="F"))}
