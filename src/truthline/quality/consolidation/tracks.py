"""Video track consolidation: tracks of different annotators are matched by their IoU over
shared frames, and each supported cluster becomes the per-frame median track."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality.consolidation._base import (
    Consolidated,
    assign_ids,
    cluster_score,
    group_shapes,
    id_key,
    labels_key,
    min_support,
    plurality,
    pool,
    register,
)
from truthline.quality.consolidation.choice import class_names
from truthline.quality.geometry import assign_pairs
from truthline.quality.tracks import FrameBoxes, frame_boxes, track_iou_matrix


@register("video_track")
def consolidate_video_track(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Every two annotators' tracks are paired one-to-one by the Hungarian assignment on
    track IoU (mean box IoU over the frames both are in view) >= ``iou_threshold`` (0.5),
    only within a label unless ``match_labels`` is false; pairs join into clusters of
    mutually paired tracks. A cluster of >= ``min_support`` annotators (default a majority;
    ``min_share`` gives it as a share of them) becomes one track: on each frame where at
    least that many members are in view, the median of their boxes; keyframes where any
    member had one; the majority label. Its confidence is the share of annotators in the
    cluster times the members' mean track IoU with the result."""
    threshold = float(config.get("iou_threshold", 0.5))
    if not 0 < threshold <= 1:
        raise QualityInputError("iou_threshold must be in (0, 1]")
    interpolate = bool(config.get("interpolate", True))
    shapes = pool(results, "tracks")
    boxes = [frame_boxes(t, interpolate) for t in shapes.shapes]
    sim = _paired_similarity(shapes.shapes, boxes, shapes.owner, threshold, config)
    keys = [_key(t, b) for t, b in zip(shapes.shapes, boxes, strict=True)]
    clusters = group_shapes(shapes, sim, threshold, keys)
    need = min_support(config, shapes.k)
    kept = [n for n, c in enumerate(clusters) if len(c) >= need]
    ids = assign_ids([[shapes.shapes[i].get("id") for i in clusters[n]] for n in kept], "tr")
    explicit = any("outside" in kf for t in shapes.shapes for kf in t.get("keyframes") or [])
    out, details = [], []
    fits: dict[int, float] = {}  # cluster -> members' mean track IoU with its result
    for track_id, n in zip(ids, kept, strict=True):
        members = [boxes[i] for i in clusters[n]]
        keyframes, merged = _median_track(members, need, explicit)
        if not keyframes:  # no frame where enough members are in view together
            continue
        votes = [shapes.shapes[i].get("label") for i in clusters[n]]
        label, _ = plurality(votes, class_names(config))
        fits[n] = float(track_iou_matrix([merged], members).mean())
        out.append({"id": track_id, "label": label, "keyframes": keyframes})
        details.append(
            {
                "id": track_id,
                "support": len(members),
                "mean_iou": fits[n],
                "confidence": len(members) / shapes.k * fits[n],
                "frames": int(merged.frames.size),
            }
        )
    scores = [
        cluster_score(len(c), shapes.k, n in fits, fits.get(n, 0.0)) for n, c in enumerate(clusters)
    ]
    return Consolidated(
        {"tracks": out},
        float(np.mean(scores)) if scores else 1.0,
        {"n": shapes.k, "tracks": details, "dropped": len(clusters) - len(out)},
    )


def _key(track: dict[str, Any], boxes: FrameBoxes) -> tuple[Any, ...]:
    """Content key for tie-breaks: first frame and box, label, id (never input position)."""
    first = (int(boxes.frames[0]), *boxes.boxes[0].tolist()) if boxes.frames.size else (-1,)
    return (*first, labels_key(track), id_key(track))


def _paired_similarity(
    tracks: list[dict[str, Any]],
    boxes: list[FrameBoxes],
    owner: np.ndarray,
    threshold: float,
    config: dict[str, Any],
) -> np.ndarray:
    """Track IoU kept only for the pairs the Hungarian assignment of their two annotators
    chose; every other pair is 0, so only assigned pairs can share a cluster."""
    n = len(tracks)
    sim = np.zeros((n, n))
    match_labels = bool(config.get("match_labels", True))
    labels = np.array([labels_key(t) for t in tracks], dtype=object)
    by_owner = [np.flatnonzero(owner == a) for a in range(int(owner.max(initial=-1)) + 1)]
    for ra, rb in combinations(by_owner, 2):
        if ra.size == 0 or rb.size == 0:
            continue
        # Rows are the annotator whose tracks come first by content, so that the
        # assignment (and its tie-breaks) is the same whatever the order of annotators.
        if sorted(_key(tracks[i], boxes[i]) for i in rb) < sorted(
            _key(tracks[i], boxes[i]) for i in ra
        ):
            ra, rb = rb, ra
        block = track_iou_matrix([boxes[i] for i in ra], [boxes[i] for i in rb])
        if match_labels:
            block = block * (labels[ra][:, None] == labels[rb][None, :])
        for r, c, value in assign_pairs(block, threshold):
            sim[ra[r], rb[c]] = sim[rb[c], ra[r]] = value
    return sim


def _median_track(
    members: list[FrameBoxes], need: int, explicit: bool
) -> tuple[list[dict[str, Any]], FrameBoxes]:
    """Keyframes of the per-frame median track and the track itself as frame boxes."""
    frames = np.unique(np.concatenate([m.frames for m in members]))
    stacked = np.full((len(members), frames.size, 4), np.nan)
    for n, m in enumerate(members):
        stacked[n, np.searchsorted(frames, m.frames)] = m.boxes
    present = (~np.isnan(stacked[:, :, 0])).sum(axis=0)
    keep = present >= min(need, len(members))
    frames, stacked = frames[keep], stacked[:, keep]
    merged = FrameBoxes(frames, _median(stacked, present[keep]), np.zeros(0, np.int64), {})
    if frames.size == 0:
        return [], merged
    return _keyframes(members, merged, explicit), merged


def _median(stacked: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per frame median of the members in view: (members, frames, 4) with NaN for absent
    members, whose count per frame is ``present``. NaN sorts last, so the present values
    lead each column and the median is the mean of its middle two (or its middle one)."""
    if stacked.shape[1] == 0:
        return np.zeros((0, 4))
    ordered = np.sort(stacked, axis=0)
    low = np.take_along_axis(ordered, ((present - 1) // 2)[None, :, None], axis=0)[0]
    high = np.take_along_axis(ordered, (present // 2)[None, :, None], axis=0)[0]
    return (low + high) / 2


def _keyframes(
    members: list[FrameBoxes], merged: FrameBoxes, explicit: bool
) -> list[dict[str, Any]]:
    """Visible keyframes where any member had one (and where each stretch in view starts);
    an outside keyframe right after each stretch that another stretch follows or that a
    member closed with one; a visible keyframe on the last frame otherwise."""
    frames = merged.frames
    breaks = np.flatnonzero(np.diff(frames) > 1)
    starts = frames[np.concatenate(([0], breaks + 1))]
    ends = frames[np.concatenate((breaks, [frames.size - 1]))]
    member_keys = np.concatenate([m.keyframes for m in members])
    visible = set(np.intersect1d(member_keys, frames).tolist()) | set(starts.tolist())
    hidden: dict[int, tuple[float, ...]] = {}
    for n, end in enumerate(ends.tolist()):
        hints = [m.outside[end + 1] for m in members if end + 1 in m.outside]
        if n + 1 < len(ends) or hints:
            box = np.median(hints, axis=0) if hints else merged.box_at(np.array([end]))[0]
            hidden[end + 1] = tuple(float(v) for v in box)
        else:
            visible.add(end)
    at = merged.box_at(np.array(sorted(visible)))
    rows = [
        (f, tuple(float(v) for v in b), False)
        for f, b in zip(sorted(visible), at.tolist(), strict=True)
    ]
    rows += [(f, b, True) for f, b in hidden.items()]
    out = []
    for frame, (x, y, w, h), is_outside in sorted(rows):
        key: dict[str, Any] = {"frame": int(frame), "x": x, "y": y, "w": w, "h": h}
        if explicit or is_outside:
            key["outside"] = is_outside
        out.append(key)
    return out
