"""COCO RLE: the counts-string codec and mask conversion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from truthline.kinds import rle


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        ([], ""),
        ([3, 2, 1], "321"),
        # From the fourth count on, the difference to the count two back is written.
        ([1, 2, 3, 4], "1232"),
        ([5, 5, 5, 1], "555L"),
        # 40 needs two 5-bit groups: 8 with the continuation bit, then 1.
        ([40], "X1"),
    ],
)
def test_encode_and_decode_known_strings(counts: list[int], text: str) -> None:
    assert rle.encode_counts(counts) == text
    assert rle.decode_counts(text) == counts


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=60))
def test_counts_round_trip(counts: list[int]) -> None:
    text = rle.encode_counts(counts)
    assert all(48 <= ord(c) < 112 for c in text)
    assert rle.decode_counts(text) == counts


@given(hnp.arrays(np.bool_, hnp.array_shapes(min_dims=2, max_dims=2, max_side=24)))
def test_mask_round_trip(mask: np.ndarray) -> None:
    encoded = rle.encode_mask(mask)
    assert encoded["size"] == list(mask.shape)
    counts = rle.decode_counts(encoded["counts"])
    assert sum(counts) == mask.size
    assert np.array_equal(rle.decode_mask(encoded), mask.astype(np.uint8))


def test_counts_are_column_major_and_start_with_zeros() -> None:
    mask = np.array([[1, 0], [1, 1]], dtype=np.uint8)
    # Columns read top to bottom: 1, 1, 0, 1 -> no zeros, two ones, one zero, one one.
    assert rle.mask_to_counts(mask) == [0, 2, 1, 1]
    assert np.array_equal(rle.counts_to_mask([0, 2, 1, 1], 2, 2), mask)


def test_decode_mask_accepts_plain_count_lists() -> None:
    mask = rle.decode_mask({"size": [2, 3], "counts": [1, 4, 1]})
    assert mask.tolist() == [[0, 1, 1], [1, 1, 0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 2", "invalid character ' ' at 1"),
        ("3\x7f", "invalid character"),
        # A group with the continuation bit set and nothing after it.
        ("X", "ends inside a number"),
        # 1, 1, 1, then a difference of -4: a negative run.
        ("111L", "negative run length at 3"),
    ],
)
def test_malformed_strings_are_refused(text: str, message: str) -> None:
    with pytest.raises(rle.RLEError, match=message):
        rle.decode_counts(text)


def test_counts_must_cover_the_mask_exactly() -> None:
    with pytest.raises(rle.RLEError, match="cover 5 pixels, the mask has 6"):
        rle.counts_to_mask([2, 3], 2, 3)
    with pytest.raises(rle.RLEError, match="negative"):
        rle.counts_to_mask([7, -1], 2, 3)
