"""COCO run-length encoding of binary masks (column-major), both the list and string forms.

Kept private to the quality library so that it has no dependency on the kinds package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError


def rle_counts(rle: Mapping[str, Any]) -> list[int]:
    """Run lengths of an RLE (alternating background/foreground, background first)."""
    counts = rle.get("counts")
    if isinstance(counts, str | bytes):
        return _counts_from_string(counts.decode() if isinstance(counts, bytes) else counts)
    if isinstance(counts, list):
        return [int(c) for c in counts]
    raise QualityInputError("rle counts must be a string or a list of integers")


def rle_size(rle: Mapping[str, Any]) -> tuple[int, int]:
    size = rle.get("size")
    if not isinstance(size, list | tuple) or len(size) != 2:
        raise QualityInputError("rle size must be [height, width]")
    return int(size[0]), int(size[1])


def rle_decode(rle: Mapping[str, Any]) -> np.ndarray:
    """Decode to a boolean array of shape (height, width)."""
    h, w = rle_size(rle)
    return decode_flat(rle).reshape((w, h)).T


def decode_flat(rle: Mapping[str, Any]) -> np.ndarray:
    """Decode to the flat column-major boolean vector (cheaper when only counting pixels)."""
    h, w = rle_size(rle)
    counts = np.asarray(rle_counts(rle), dtype=np.int64)
    if (counts < 0).any() or counts.sum() != h * w:
        raise QualityInputError("rle counts do not add up to height * width")
    bits = (np.arange(counts.size) % 2).astype(bool)
    return np.repeat(bits, counts)


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """Encode a (height, width) mask as ``{"size": [h, w], "counts": "<compressed>"}``."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise QualityInputError("mask must be 2-D")
    return {"size": [mask.shape[0], mask.shape[1]], "counts": encode_flat(mask.T.ravel())}


def encode_flat(flat: np.ndarray) -> str:
    flat = np.asarray(flat, dtype=bool)
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], change, [flat.size]))
    runs = np.diff(bounds).tolist()
    if flat.size and flat[0]:
        runs.insert(0, 0)  # runs always start with background
    return _counts_to_string([int(r) for r in runs])


def _counts_to_string(counts: list[int]) -> str:
    # Each count (delta-coded against the count two back, from the third on) is written as
    # 5-bit groups, low first; bit 0x20 means "more groups follow"; chars are offset by 48.
    out: list[str] = []
    for i, count in enumerate(counts):
        x = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def _counts_from_string(text: str) -> list[int]:
    counts: list[int] = []
    pos = 0
    while pos < len(text):
        x = shift = 0
        more = True
        while more:
            if pos >= len(text):
                raise QualityInputError("truncated rle counts string")
            c = ord(text[pos]) - 48
            x |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            pos += 1
            shift += 5
            if not more and c & 0x10:
                x |= -1 << shift  # sign-extend the last group
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts
