"""Video tracks as per-frame boxes: the boxes between keyframes, the IoU of two tracks over
the frames both are in view, and the one-to-one matching of two annotators' tracks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality.geometry import assign_pairs


@dataclass(frozen=True)
class FrameBoxes:
    """Where one track is in view: ascending frames, the box (x, y, w, h) at each, and the
    frames that were visible keyframes."""

    frames: np.ndarray  # (n,) int64, ascending
    boxes: np.ndarray  # (n, 4)
    keyframes: np.ndarray  # visible keyframe frames, ascending
    outside: dict[int, tuple[float, float, float, float]]  # outside keyframe -> its hint box

    def box_at(self, frames: np.ndarray) -> np.ndarray:
        """Boxes at ``frames``, which must all be frames where the track is in view."""
        return self.boxes[np.searchsorted(self.frames, frames)]


def _box(key: Mapping[str, Any]) -> tuple[float, float, float, float]:
    return (float(key["x"]), float(key["y"]), float(key["w"]), float(key["h"]))


def frame_boxes(track: Mapping[str, Any], interpolate: bool = True) -> FrameBoxes:
    """The track's box at every frame it is in view.

    A visible keyframe starts a stretch that lasts until the next keyframe: the box moves
    linearly towards the next keyframe's box (``interpolate``) or stays put (without it, or
    when the next keyframe is outside, since the object leaves rather than moves there). An
    outside keyframe hides the object until the next visible one, and the track ends at its
    last keyframe: nothing says where the object went after it.
    """
    keys = sorted(track.get("keyframes") or [], key=lambda k: k["frame"])
    frame = np.array([int(k["frame"]) for k in keys], dtype=np.int64)
    box = np.array([_box(k) for k in keys], dtype=np.float64).reshape(-1, 4)
    out = np.array([bool(k.get("outside")) for k in keys], dtype=bool)
    if (np.diff(frame) <= 0).any():
        raise QualityInputError("keyframes must have distinct frames")
    hints = {int(k["frame"]): _box(k) for k in keys if k.get("outside")}
    shown = np.flatnonzero(~out)
    if (box[shown, 2:] < 0).any():
        raise QualityInputError("box width and height must be >= 0")
    if shown.size == 0:
        return FrameBoxes(np.zeros(0, np.int64), np.zeros((0, 4)), np.zeros(0, np.int64), hints)
    nxt = np.minimum(shown + 1, len(keys) - 1)
    last = shown == len(keys) - 1
    # Each visible keyframe covers the frames up to the next keyframe (the last one: itself).
    length = np.where(last, 1, frame[nxt] - frame[shown])
    seg = np.repeat(np.arange(shown.size), length)
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    moves = ~last & ~out[nxt] if interpolate else np.zeros(shown.size, dtype=bool)
    step = np.where(moves, frame[nxt] - frame[shown], 1)
    t = np.where(moves[seg], offset / step[seg], 0.0)[:, None]
    start, end = box[shown][seg], box[nxt][seg]
    return FrameBoxes(frame[shown][seg] + offset, start + t * (end - start), frame[shown], hints)


def paired_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of a[i] with b[i] for (n, 4) boxes; two identical empty boxes have IoU 1."""
    iw = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
    ih = np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    union = a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter
    out = (a == b).all(axis=1).astype(np.float64)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def track_iou(a: FrameBoxes, b: FrameBoxes) -> float:
    """Mean box IoU over the frames where both tracks are in view; 0 when there are none."""
    shared, ia, ib = np.intersect1d(a.frames, b.frames, assume_unique=True, return_indices=True)
    if shared.size == 0:
        return 0.0
    return float(paired_iou(a.boxes[ia], b.boxes[ib]).mean())


def track_iou_matrix(a: Sequence[FrameBoxes], b: Sequence[FrameBoxes]) -> np.ndarray:
    """``track_iou`` of every track of ``a`` with every track of ``b``."""
    out = np.zeros((len(a), len(b)))
    if not a or not b:
        return out
    frames = [t.frames for t in (*a, *b) if t.frames.size]
    if not frames:
        return out
    lo = min(int(f[0]) for f in frames)
    width = max(int(f[-1]) for f in frames) - lo + 1
    if len(a) * len(b) * width <= _DENSE_CELLS:
        return _dense_iou(a, b, lo, width)
    for i, ta in enumerate(a):
        for j, tb in enumerate(b):
            # Tracks whose frame ranges do not meet share no frame: skip the set intersection.
            if ta.frames.size and tb.frames.size and _ranges_meet(ta, tb):
                out[i, j] = track_iou(ta, tb)
    return out


# Above this many (track, track, frame) cells, pairs are compared one at a time.
_DENSE_CELLS = 2_000_000


def _dense_iou(a: Sequence[FrameBoxes], b: Sequence[FrameBoxes], lo: int, width: int) -> np.ndarray:
    """All pairs at once on boxes laid out over a common frame axis (NaN: not in view)."""

    def layout(tracks: Sequence[FrameBoxes]) -> np.ndarray:
        grid = np.full((len(tracks), width, 4), np.nan)
        for n, t in enumerate(tracks):
            grid[n, t.frames - lo] = t.boxes
        return grid

    ga, gb = layout(a)[:, None], layout(b)[None, :]
    iw = np.minimum(ga[..., 0] + ga[..., 2], gb[..., 0] + gb[..., 2])
    iw -= np.maximum(ga[..., 0], gb[..., 0])
    ih = np.minimum(ga[..., 1] + ga[..., 3], gb[..., 1] + gb[..., 3])
    ih -= np.maximum(ga[..., 1], gb[..., 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    union = ga[..., 2] * ga[..., 3] + gb[..., 2] * gb[..., 3] - inter
    shared = ~np.isnan(union)
    iou = (ga == gb).all(axis=-1).astype(np.float64)
    np.divide(inter, union, out=iou, where=shared & (union > 0))
    iou[~shared] = 0.0
    count = shared.sum(axis=-1)
    total = iou.sum(axis=-1)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _ranges_meet(a: FrameBoxes, b: FrameBoxes) -> bool:
    return bool(a.frames[0] <= b.frames[-1] and b.frames[0] <= a.frames[-1])


def track_similarity(
    a: Sequence[Mapping[str, Any]],
    b: Sequence[Mapping[str, Any]],
    *,
    interpolate: bool = True,
    match_labels: bool = True,
) -> np.ndarray:
    """Track IoU matrix of two annotators' track dicts (0 across labels with ``match_labels``)."""
    fa = [frame_boxes(t, interpolate) for t in a]
    fb = [frame_boxes(t, interpolate) for t in b]
    la = [t.get("label") for t in a] if match_labels else None
    lb = [t.get("label") for t in b] if match_labels else None
    return labelled_similarity(fa, fb, la, lb)


def labelled_similarity(
    a: Sequence[FrameBoxes],
    b: Sequence[FrameBoxes],
    labels_a: Sequence[Any] | None = None,
    labels_b: Sequence[Any] | None = None,
) -> np.ndarray:
    """Track IoU matrix, 0 between different labels when labels are given."""
    sim = track_iou_matrix(a, b)
    if labels_a is not None and labels_b is not None and sim.size:
        la = np.array(labels_a, dtype=object)
        lb = np.array(labels_b, dtype=object)
        sim = sim * (la[:, None] == lb[None, :])
    return sim


def match_tracks(
    a: Sequence[Mapping[str, Any]],
    b: Sequence[Mapping[str, Any]],
    iou_threshold: float = 0.5,
    *,
    interpolate: bool = True,
    match_labels: bool = True,
) -> list[tuple[int, int, float]]:
    """One-to-one matches (track of a, track of b, track IoU) with track IoU >= threshold,
    maximising the total (Hungarian, ``scipy.optimize.linear_sum_assignment``)."""
    sim = track_similarity(a, b, interpolate=interpolate, match_labels=match_labels)
    return assign_pairs(sim, iou_threshold)
