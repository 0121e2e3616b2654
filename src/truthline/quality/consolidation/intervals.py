"""Aggregators for 1-D intervals: text spans (with relations) and audio/video segments."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

import numpy as np

from truthline.quality.consolidation._base import (
    Consolidated,
    Pool,
    assign_ids,
    cluster_score,
    group_shapes,
    id_key,
    labels_key,
    lower_median,
    min_support,
    plurality,
    pool,
    register,
)
from truthline.quality.consolidation.choice import class_names
from truthline.quality.geometry import interval_iou_matrix, segment_similarity


@register("span")
def consolidate_span(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Spans overlapping with Jaccard >= ``iou_threshold`` (0.5) cluster; a cluster marked by
    >= ``min_support`` annotators (default a majority) keeps the most common start and end
    (lower median when no value repeats) and the majority label. Relations between kept
    spans are kept when a majority of annotators drew them."""
    out, kept, shapes, confidence, details = _consolidate(results, config, "spans", "s", _mode)
    relations = _relations(results, shapes, kept, out, min_support(config, shapes.k))
    return Consolidated(
        {"spans": out, "relations": relations},
        confidence,
        {"n": shapes.k, "spans": details, "relations": len(relations)},
    )


@register("audio_segment", "temporal_segment")
def consolidate_segments(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Like spans, on seconds: only same-label segments cluster (``match_labels``, default
    true, since overlapping segments of different labels are separate events), segments
    whose start and end are both within ``tolerance`` seconds (default 0) cluster whatever
    their Jaccard, and start and end are medians."""
    cfg = {"match_labels": True, **config}
    out, _, shapes, confidence, details = _consolidate(results, cfg, "segments", "seg", _median)
    return Consolidated({"segments": out}, confidence, {"n": shapes.k, "segments": details})


def _mode(values: list[Any]) -> Any:
    counts = Counter(values)
    best = max(counts.values())
    modes = [v for v, c in counts.items() if c == best]
    return modes[0] if best >= 2 and len(modes) == 1 else lower_median(values)


def _median(values: list[Any]) -> float:
    return float(np.median(values))


def _consolidate(
    results: list[dict[str, Any]],
    config: dict[str, Any],
    field: str,
    prefix: str,
    center: Any,
) -> tuple[list[dict[str, Any]], list[list[int]], Pool, float, list[dict[str, Any]]]:
    shapes = pool(results, field)
    arr = np.array([[s["start"], s["end"]] for s in shapes.shapes], dtype=np.float64).reshape(-1, 2)
    threshold = float(config.get("iou_threshold", 0.5))
    sim = segment_similarity(arr, arr, threshold, float(config.get("tolerance", 0.0)))
    if config.get("match_labels"):
        labels = np.array([labels_key(s) for s in shapes.shapes], dtype=object)
        sim = sim * (labels[:, None] == labels[None, :])
    keys = [(s["start"], s["end"], labels_key(s), id_key(s)) for s in shapes.shapes]
    clusters = group_shapes(shapes, sim, threshold, keys)
    need = min_support(config, shapes.k)
    kept = [c for c in clusters if len(c) >= need]
    ids = assign_ids([[shapes.shapes[i].get("id") for i in c] for c in kept], prefix)
    details: list[dict[str, Any]]
    out, details = [], []
    for shape_id, c in zip(ids, kept, strict=True):
        members = [shapes.shapes[i] for i in c]
        start = center([m["start"] for m in members])
        end = center([m["end"] for m in members])
        label, _ = plurality([m.get("label") for m in members], class_names(config))
        fit = interval_iou_matrix([[start, end]], arr[c])[0]
        out.append({"id": shape_id, "start": start, "end": end, "label": label})
        details.append({"id": shape_id, "support": len(c), "mean_iou": float(fit.mean())})
    fits = iter(d["mean_iou"] for d in details)
    scores = [
        cluster_score(len(c), shapes.k, len(c) >= need, next(fits) if len(c) >= need else 0.0)
        for c in clusters
    ]
    return out, kept, shapes, float(np.mean(scores)) if scores else 1.0, details


def _relations(
    results: list[dict[str, Any]],
    shapes: Pool,
    kept: list[list[int]],
    spans: list[dict[str, Any]],
    need: int,
) -> list[dict[str, Any]]:
    """Relations mapped onto kept spans; kept when >= ``need`` annotators drew them."""
    cluster_of = {
        (int(shapes.owner[i]), shapes.shapes[i].get("id")): n for n, c in enumerate(kept) for i in c
    }
    votes: Counter[tuple[int, int, Any]] = Counter()
    positions: dict[tuple[int, int, Any], list[int]] = {}
    for a, result in enumerate(results):
        seen = set()
        for pos, rel in enumerate(result.get("relations") or []):
            src = cluster_of.get((a, rel.get("from")))
            dst = cluster_of.get((a, rel.get("to")))
            # a key with a missing end is skipped just below, before it is counted
            key = cast("tuple[int, int, Any]", (src, dst, rel.get("label")))
            if src is None or dst is None or key in seen:
                continue
            seen.add(key)
            votes[key] += 1
            positions.setdefault(key, []).append(pos)
    chosen = [key for key, n in votes.items() if n >= need]
    chosen.sort(key=lambda t: (sum(positions[t]) / len(positions[t]), t[0], t[1], str(t[2])))
    return [{"from": spans[s]["id"], "to": spans[d]["id"], "label": lab} for s, d, lab in chosen]
