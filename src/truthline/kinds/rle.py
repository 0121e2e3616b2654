"""COCO run-length encoding of binary masks: the compressed counts string and its run counts.

A mask of height h and width w is read column by column (Fortran order); the counts are the
lengths of alternating runs, starting with a run of zeros (possibly empty). The compressed form
writes each count (from the third on, as the difference to the count two places earlier) in
6-bit groups, 5 bits of payload plus a continuation bit, low bits first, the last group
sign-extended, each group offset by 48 so that it is a printable character.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_OFFSET = 48
_CONTINUE = 0x20
_SIGN = 0x10
_PAYLOAD = 0x1F


class RLEError(ValueError):
    """A counts string or list that is not a valid RLE."""


def encode_counts(counts: Sequence[int]) -> str:
    """Compress run counts to the COCO counts string."""
    out: list[str] = []
    for i, count in enumerate(counts):
        # Runs of a shape tend to repeat the run two back, so the difference stays small.
        x = count - counts[i - 2] if i > 2 else count
        while True:
            group = x & _PAYLOAD
            x >>= 5
            # Stop when the remaining bits are pure sign extension of this group's top bit.
            more = x != -1 if group & _SIGN else x != 0
            if more:
                group |= _CONTINUE
            out.append(chr(group + _OFFSET))
            if not more:
                break
    return "".join(out)


def decode_counts(text: str) -> list[int]:
    """Expand a COCO counts string to run counts; RLEError if it is malformed."""
    counts: list[int] = []
    x = shift = 0
    for pos, char in enumerate(text):
        group = ord(char) - _OFFSET
        if not 0 <= group < 64:
            raise RLEError(f"invalid character {char!r} at {pos}")
        x |= (group & _PAYLOAD) << shift
        shift += 5
        if group & _CONTINUE:
            continue
        if group & _SIGN:
            x -= 1 << shift
        if len(counts) > 2:
            x += counts[-2]
        if x < 0:
            raise RLEError(f"negative run length at {pos}")
        counts.append(x)
        x = shift = 0
    if shift:
        raise RLEError("counts string ends inside a number")
    return counts


def mask_to_counts(mask: np.ndarray) -> list[int]:
    """Run counts of a 2-D mask (anything non-zero is foreground), column-major."""
    flat = np.asarray(mask, dtype=bool).ravel(order="F")
    if flat.size == 0:
        return []
    # Positions where the value changes, with a leading change if the mask starts with 1.
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], edges, [flat.size]))
    runs = np.diff(bounds).tolist()
    return [0, *runs] if flat[0] else runs


def counts_to_mask(counts: Sequence[int], height: int, width: int) -> np.ndarray:
    """A (height, width) uint8 mask from run counts; RLEError unless they cover it exactly."""
    if any(c < 0 for c in counts):
        raise RLEError("negative run length")
    if sum(counts) != height * width:
        raise RLEError(f"counts cover {sum(counts)} pixels, the mask has {height * width}")
    values = np.arange(len(counts)) % 2
    flat = np.repeat(values.astype(np.uint8), counts)
    return flat.reshape((height, width), order="F")


def encode_mask(mask: np.ndarray) -> dict[str, object]:
    """COCO compressed RLE dict {size: [h, w], counts: str} of a 2-D mask."""
    height, width = np.shape(mask)
    return {"size": [int(height), int(width)], "counts": encode_counts(mask_to_counts(mask))}


def decode_mask(rle: dict[str, object]) -> np.ndarray:
    """The mask of a COCO RLE dict whose counts are a compressed string or a list of ints."""
    size = rle["size"]
    counts = rle["counts"]
    if not isinstance(size, list | tuple) or len(size) != 2:
        raise RLEError("size must be [height, width]")
    raw = decode_counts(counts) if isinstance(counts, str) else list(counts)  # type: ignore[call-overload]
    return counts_to_mask(raw, int(size[0]), int(size[1]))
