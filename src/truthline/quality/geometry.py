"""Overlap measures for image annotations: boxes (IoU, Hungarian matching, P/R/F1), polygons
(shapely) and masks (COCO RLE). IoU of two empty regions is 1: both annotators drew nothing."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from truthline.quality._common import QualityInputError
from truthline.quality._rle import decode_flat, rle_size


def boxes_array(boxes: Any) -> np.ndarray:
    """(n, 4) float array of x, y, w, h from box dicts (the bbox result shape) or an array."""
    if isinstance(boxes, np.ndarray):
        arr = boxes.astype(np.float64, copy=False)
    else:
        items = list(boxes)
        if items and isinstance(items[0], Mapping):
            arr = np.array([[b["x"], b["y"], b["w"], b["h"]] for b in items], dtype=np.float64)
        else:
            arr = np.asarray(items, dtype=np.float64)
    arr = arr.reshape(-1, 4)
    if (arr[:, 2:] < 0).any():
        raise QualityInputError("box width and height must be >= 0")
    return arr


def box_iou_matrix(a: Any, b: Any) -> np.ndarray:
    """IoU of every box of ``a`` with every box of ``b`` (x, y, w, h boxes)."""
    a, b = boxes_array(a), boxes_array(b)
    # Written out for one image: this runs once per item during consolidation, where the
    # batch version's extra broadcasting costs more than the arithmetic.
    ax2, ay2 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx2, by2 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.minimum.outer(ax2, bx2) - np.maximum.outer(a[:, 0], b[:, 0])
    ih = np.minimum.outer(ay2, by2) - np.maximum.outer(a[:, 1], b[:, 1])
    np.clip(iw, 0, None, out=iw)
    np.clip(ih, 0, None, out=ih)
    inter = iw * ih
    union = np.add.outer(a[:, 2] * a[:, 3], b[:, 2] * b[:, 3]) - inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    degenerate = union <= 0
    if degenerate.any():
        same = (a[:, None, :] == b[None, :, :]).all(axis=-1)
        out[degenerate] = same[degenerate]
    return out


def batch_box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrices for a batch: a (N, n, 4), b (N, m, 4) -> (N, n, m).

    Zero-size boxes (padding, or degenerate boxes) have IoU 1 only with an identical box.
    """
    ax1, ay1 = a[..., 0, None], a[..., 1, None]
    ax2, ay2 = ax1 + a[..., 2, None], ay1 + a[..., 3, None]
    bx1, by1 = b[..., None, :, 0], b[..., None, :, 1]
    bx2, by2 = bx1 + b[..., None, :, 2], by1 + b[..., None, :, 3]
    inter = np.minimum(ax2, bx2) - np.maximum(ax1, bx1)
    np.maximum(inter, 0, out=inter)
    ih = np.minimum(ay2, by2) - np.maximum(ay1, by1)
    np.maximum(ih, 0, out=ih)
    inter *= ih
    union = (a[..., 2] * a[..., 3])[..., None] + (b[..., 2] * b[..., 3])[..., None, :]
    union -= inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    degenerate = np.nonzero(union <= 0)
    if degenerate[0].size:
        # Only zero-area pairs need the identity test; doing it everywhere costs 4x the memory.
        lead, i, j = degenerate[:-2], degenerate[-2], degenerate[-1]
        out[degenerate] = (a[(*lead, i)] == b[(*lead, j)]).all(axis=-1)
    return out


def match_boxes(
    a: Any,
    b: Any,
    iou_threshold: float = 0.5,
    *,
    labels_a: Sequence[Any] | None = None,
    labels_b: Sequence[Any] | None = None,
) -> list[tuple[int, int, float]]:
    """One-to-one matches (index in a, index in b, IoU) with IoU >= threshold.

    Hungarian assignment on 1 - IoU, with pairs under the threshold (or of different labels,
    when labels are given) made worthless so they never displace a valid match.
    """
    iou = box_iou_matrix(a, b)
    if labels_a is not None and labels_b is not None:
        iou = iou * (np.asarray(labels_a, dtype=object)[:, None] == np.asarray(labels_b)[None, :])
    return assign_pairs(iou, iou_threshold)


def assign_pairs(iou: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """Optimal one-to-one pairs (row, column, similarity) among similarities >= threshold."""
    if not 0 < threshold <= 1:
        raise QualityInputError("the matching threshold must be in (0, 1]")
    if iou.size == 0:
        return []
    valid = np.where(iou >= threshold, iou, 0.0)
    rows, cols = np.nonzero(valid)
    # Common case: no box has two candidates, so the candidates already are the optimum.
    if len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols):
        return [(int(r), int(c), float(iou[r, c])) for r, c in zip(rows, cols, strict=True)]
    rows, cols = linear_sum_assignment(1.0 - valid)
    return [
        (int(r), int(c), float(iou[r, c])) for r, c in zip(rows, cols, strict=True) if valid[r, c]
    ]


@dataclass(frozen=True)
class BoxAgreement:
    """Agreement of b against a: ``a`` is the reference for precision/recall."""

    mean_iou: float  # over matched pairs; NaN when nothing matched
    precision: float
    recall: float
    f1: float
    matched: int
    n_a: int
    n_b: int
    matches: list[tuple[int, int, float]] = field(default_factory=list)


def box_agreement(
    a: Any,
    b: Any,
    iou_threshold: float = 0.5,
    *,
    labels_a: Sequence[Any] | None = None,
    labels_b: Sequence[Any] | None = None,
) -> BoxAgreement:
    """Mean IoU of matched boxes and precision/recall/F1 of b against a at ``iou_threshold``."""
    matches = match_boxes(a, b, iou_threshold, labels_a=labels_a, labels_b=labels_b)
    n_a, n_b = len(boxes_array(a)), len(boxes_array(b))
    return _scores(len(matches), sum(m[2] for m in matches), n_a, n_b, matches)


def _scores(
    tp: int, iou_sum: float, n_a: int, n_b: int, matches: list[tuple[int, int, float]]
) -> BoxAgreement:
    # Two empty sets agree perfectly; an empty side against a non-empty one scores 0.
    precision = tp / n_b if n_b else (1.0 if n_a == 0 else 0.0)
    recall = tp / n_a if n_a else (1.0 if n_b == 0 else 0.0)
    f1 = 2 * tp / (n_a + n_b) if n_a + n_b else 1.0
    mean_iou = iou_sum / tp if tp else float("nan")
    return BoxAgreement(mean_iou, precision, recall, f1, tp, n_a, n_b, matches)


def box_agreement_many(
    pairs: Sequence[tuple[Any, Any]],
    iou_threshold: float = 0.5,
    *,
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]] | None = None,
) -> BoxAgreement:
    """Micro-averaged agreement over many images: one (boxes_a, boxes_b) pair per image,
    and optionally one (labels_a, labels_b) pair per image to match only equal labels.

    IoU matrices are computed for many images at once on padded arrays (in chunks that stay
    in cache); only images with competing candidates go through the Hungarian solver.
    """
    tp, iou_sum, n_a, n_b = (
        box_agreement_pairs(pairs, iou_threshold, labels=labels).sum(axis=0).tolist()
    )
    return _scores(int(tp), iou_sum, int(n_a), int(n_b), [])


def box_agreement_pairs(
    pairs: Sequence[tuple[Any, Any]],
    iou_threshold: float = 0.5,
    *,
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]] | None = None,
) -> np.ndarray:
    """Per pair of ``box_agreement_many``: (pairs, 4) rows of matched count, IoU sum of the
    matches, boxes of a and boxes of b (what item-level bootstrap intervals resample)."""
    parts = [np.zeros((0, 4))]
    codes: dict[Any, int] = {}
    for lo in range(0, len(pairs), _PAIR_CHUNK):
        part = labels[lo : lo + _PAIR_CHUNK] if labels is not None else None
        m = _match_chunk(pairs[lo : lo + _PAIR_CHUNK], iou_threshold, part, codes)
        tp = m.valid.sum(axis=(1, 2)).astype(np.float64)
        iou_sum = np.where(m.valid, m.iou, 0.0).sum(axis=(1, 2))
        parts.append(np.stack([tp, iou_sum, m.na, m.nb], axis=1).astype(np.float64))
    return np.concatenate(parts)


def box_agreement_by_label(
    pairs: Sequence[tuple[Any, Any]],
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]],
    iou_threshold: float = 0.5,
) -> tuple[list[Any], np.ndarray]:
    """The labels seen and, per pair and label, (pairs, labels, 3) of matched count, boxes of
    a and boxes of b with that label, boxes matching only within a label. One matching
    serves every label: with labels kept apart the assignment splits into one independent
    problem per label, so this equals matching each label's boxes on their own."""
    codes: dict[Any, int] = {}
    chunks = []
    for lo in range(0, len(pairs), _PAIR_CHUNK):
        part = labels[lo : lo + _PAIR_CHUNK]
        chunks.append(_match_chunk(pairs[lo : lo + _PAIR_CHUNK], iou_threshold, part, codes))
    out = np.zeros((len(pairs), len(codes), 3))
    row = 0
    for m in chunks:
        assert m.la is not None and m.lb is not None
        n = len(m.na)
        for c in range(len(codes)):
            in_a, in_b = m.la == c, m.lb == c
            out[row : row + n, c, 0] = (m.valid & in_a[:, :, None]).sum(axis=(1, 2))
            out[row : row + n, c, 1] = in_a.sum(axis=1)
            out[row : row + n, c, 2] = in_b.sum(axis=1)
        row += n
    return list(codes), out


_PAIR_CHUNK = 20_000


@dataclass
class _Matched:
    iou: np.ndarray  # (pairs, max a, max b), zero for padding and for pairs of other labels
    valid: np.ndarray  # the one-to-one matches
    na: np.ndarray
    nb: np.ndarray
    la: np.ndarray | None  # label codes, padded with -1 (a) and -2 (b)
    lb: np.ndarray | None


def _match_chunk(
    pairs: Sequence[tuple[Any, Any]],
    iou_threshold: float,
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]] | None,
    codes: dict[Any, int],
) -> _Matched:
    a_list = [_as_boxes(a) for a, _ in pairs]
    b_list = [_as_boxes(b) for _, b in pairs]
    na = np.array([len(x) for x in a_list], dtype=np.int64)
    nb = np.array([len(x) for x in b_list], dtype=np.int64)
    padded_a, padded_b = _pad(a_list, na), _pad(b_list, nb)
    if (padded_a[..., 2:] < 0).any() or (padded_b[..., 2:] < 0).any():
        raise QualityInputError("box width and height must be >= 0")
    iou = batch_box_iou(padded_a, padded_b)
    # Padding rows are zero boxes; mask them out before matching.
    iou *= (np.arange(iou.shape[1])[None, :, None] < na[:, None, None]) & (
        np.arange(iou.shape[2])[None, None, :] < nb[:, None, None]
    )
    la = lb = None
    if labels is not None:
        la, lb = _label_codes(labels, iou.shape, codes)
        iou *= la[:, :, None] == lb[:, None, :]
    valid = iou >= iou_threshold
    # Where a box has one candidate at most on both sides the candidates are the matching;
    # elsewhere the Hungarian assignment decides.
    ambiguous = (valid.sum(axis=2) > 1).any(axis=1) | (valid.sum(axis=1) > 1).any(axis=1)
    for i in np.flatnonzero(ambiguous):
        valid[i] = False
        for j, k, _ in assign_pairs(iou[i, : na[i], : nb[i]], iou_threshold):
            valid[i, j, k] = True
    return _Matched(iou, valid, na, nb, la, lb)


def _as_boxes(boxes: Any) -> np.ndarray:
    # Arrays of the right shape pass untouched; the size check happens once, after padding.
    if isinstance(boxes, np.ndarray) and boxes.ndim == 2 and boxes.shape[1] == 4:
        return boxes
    return boxes_array(boxes)


def _label_codes(
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]],
    shape: tuple[int, ...],
    codes: dict[Any, int],
) -> tuple[np.ndarray, np.ndarray]:
    # Labels become codes (shared across chunks) so comparisons are vectorized operations.
    flat_a = [codes.setdefault(x, len(codes)) for a, _ in labels for x in a]
    flat_b = [codes.setdefault(x, len(codes)) for _, b in labels for x in b]
    la = _pad_codes(flat_a, [len(a) for a, _ in labels], shape[1], -1)
    lb = _pad_codes(flat_b, [len(b) for _, b in labels], shape[2], -2)
    return la, lb


def _pad_codes(flat: list[int], sizes: list[int], width: int, fill: int) -> np.ndarray:
    n = np.asarray(sizes, dtype=np.int64)
    out = np.full((len(sizes), width), fill, dtype=np.int64)
    img = np.repeat(np.arange(len(sizes)), n)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(n) - n, n)
    out[img, pos] = flat
    return out


def _pad(arrays: list[np.ndarray], sizes: np.ndarray) -> np.ndarray:
    out = np.zeros((len(arrays), max(1, int(sizes.max(initial=0))), 4))
    if arrays:
        flat = np.concatenate(arrays) if sizes.sum() else np.zeros((0, 4))
        img = np.repeat(np.arange(len(arrays)), sizes)
        pos = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        out[img, pos] = flat
    return out


def polygon_iou(a: Any, b: Any) -> float:
    """IoU of two polygons: each a list of [x, y] points or a polygon dict with ``holes``.

    Self-intersecting rings are repaired with shapely's make_valid rather than rejected, so
    that a sloppy outline still counts with the area it visibly covers.
    """
    pa, pb = _shape(a), _shape(b)
    union = pa.union(pb).area
    if union == 0:
        return 1.0 if pa.area == pb.area == 0 else 0.0
    return float(pa.intersection(pb).area / union)


def _shape(poly: Any) -> Any:
    import shapely

    if isinstance(poly, Mapping):
        points, holes = poly.get("points", []), poly.get("holes") or []
    else:
        points, holes = poly, []
    if len(points) < 3:
        return shapely.Polygon()
    shape = shapely.Polygon(points, [h for h in holes if len(h) >= 3])
    return shape if shape.is_valid else shapely.make_valid(shape)


def mask_iou(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """IoU of two COCO RLE masks of the same size."""
    if rle_size(a) != rle_size(b):
        raise QualityInputError("masks must have the same size")
    fa, fb = decode_flat(a), decode_flat(b)
    union = int(np.count_nonzero(fa | fb))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(fa & fb)) / union


def interval_iou_matrix(a: Any, b: Any) -> np.ndarray:
    """Jaccard overlap of 1-D [start, end) intervals: a (n, 2), b (m, 2) -> (n, m)."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 2)
    inter = np.clip(
        np.minimum(a[:, None, 1], b[None, :, 1]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None
    )
    union = (a[:, 1] - a[:, 0])[:, None] + (b[:, 1] - b[:, 0])[None, :] - inter
    out = (a[:, None, :] == b[None, :, :]).all(axis=-1).astype(np.float64)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def segment_similarity(a: Any, b: Any, threshold: float, tolerance: float = 0.0) -> np.ndarray:
    """Jaccard of time segments, raised to ``threshold`` where both boundaries are within
    ``tolerance`` seconds: short segments a few frames apart overlap little, yet are the
    same event."""
    sim = interval_iou_matrix(a, b)
    if tolerance > 0 and sim.size:
        a = np.asarray(a, dtype=np.float64).reshape(-1, 2)
        b = np.asarray(b, dtype=np.float64).reshape(-1, 2)
        close = (np.abs(a[:, None, :] - b[None, :, :]) <= tolerance).all(axis=-1)
        sim = np.where(close, np.maximum(sim, threshold), sim)
    return sim


def labelled(p: Any) -> bool:
    """A keypoint that was placed (v 1 occluded or 2 visible; v defaults to 2)."""
    return p is not None and p.get("v", 2) >= 1


def keypoint_array(instance: dict[str, Any]) -> np.ndarray:
    """(P, 2) coordinates with NaN for points not labelled."""
    rows = [
        (p["x"], p["y"]) if labelled(p) else (math.nan, math.nan)
        for p in instance.get("points") or []
    ]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2)


def keypoint_similarity(a: np.ndarray, b: np.ndarray, sigma: float) -> float:
    """Mean over points labelled in both of exp(-d^2 / (2 * area * sigma^2)), where area is
    that of the box around both instances' labelled points (at least 1)."""
    size = min(len(a), len(b))
    a, b = a[:size], b[:size]
    placed_a, placed_b = ~np.isnan(a[:, 0]), ~np.isnan(b[:, 0])
    both = placed_a & placed_b
    if not both.any():
        # Two instances with no placed point are alike; with points on one side only, not.
        return float(not placed_a.any() and not placed_b.any())
    allp = np.vstack([a[placed_a], b[placed_b]])
    extent = allp.max(axis=0) - allp.min(axis=0)
    area = max(1.0, float(extent[0] * extent[1]))
    d2 = ((a[both] - b[both]) ** 2).sum(axis=1)
    return float(np.exp(-d2 / (2 * area * sigma**2)).mean())
