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
    return batch_box_iou(boxes_array(a)[None], boxes_array(b)[None])[0]


def batch_box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrices for a batch: a (N, n, 4), b (N, m, 4) -> (N, n, m).

    Zero-size boxes (padding, or degenerate boxes) have IoU 1 only with an identical box.
    """
    ax1, ay1 = a[..., 0, None], a[..., 1, None]
    ax2, ay2 = ax1 + a[..., 2, None], ay1 + a[..., 3, None]
    bx1, by1 = b[..., None, :, 0], b[..., None, :, 1]
    bx2, by2 = bx1 + b[..., None, :, 2], by1 + b[..., None, :, 3]
    iw = np.clip(np.minimum(ax2, bx2) - np.maximum(ax1, bx1), 0, None)
    ih = np.clip(np.minimum(ay2, by2) - np.maximum(ay1, by1), 0, None)
    inter = iw * ih
    union = (a[..., 2] * a[..., 3])[..., None] + (b[..., 2] * b[..., 3])[..., None, :] - inter
    same = (a[..., :, None, :] == b[..., None, :, :]).all(axis=-1)
    out = same.astype(np.float64)
    np.divide(inter, union, out=out, where=union > 0)
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

    IoU matrices are computed for all images at once on padded arrays; only images with
    competing candidates go through the Hungarian solver.
    """
    a_list = [boxes_array(a) for a, _ in pairs]
    b_list = [boxes_array(b) for _, b in pairs]
    na = np.array([len(x) for x in a_list], dtype=np.int64)
    nb = np.array([len(x) for x in b_list], dtype=np.int64)
    iou = batch_box_iou(_pad(a_list, na), _pad(b_list, nb))
    # Padding rows are zero boxes; mask them out before matching.
    iou *= (np.arange(iou.shape[1])[None, :, None] < na[:, None, None]) & (
        np.arange(iou.shape[2])[None, None, :] < nb[:, None, None]
    )
    if labels is not None:
        iou *= _same_labels(labels, iou.shape)
    valid = iou >= iou_threshold
    ambiguous = (valid.sum(axis=2) > 1).any(axis=1) | (valid.sum(axis=1) > 1).any(axis=1)
    simple = ~ambiguous
    tp = int(valid[simple].sum())
    iou_sum = float(iou[simple][valid[simple]].sum())
    for i in np.flatnonzero(ambiguous):
        matches = assign_pairs(iou[i, : na[i], : nb[i]], iou_threshold)
        tp += len(matches)
        iou_sum += sum(m[2] for m in matches)
    return _scores(tp, iou_sum, int(na.sum()), int(nb.sum()), [])


def _same_labels(
    labels: Sequence[tuple[Sequence[Any], Sequence[Any]]], shape: tuple[int, ...]
) -> np.ndarray:
    # Labels become codes so that the comparison is one vectorized operation.
    codes: dict[Any, int] = {}
    la = np.full(shape[:2], -1, dtype=np.int64)
    lb = np.full((shape[0], shape[2]), -2, dtype=np.int64)
    for i, (a, b) in enumerate(labels):
        la[i, : len(a)] = [codes.setdefault(x, len(codes)) for x in a]
        lb[i, : len(b)] = [codes.setdefault(x, len(codes)) for x in b]
    return la[:, :, None] == lb[:, None, :]


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
