"""Aggregator for keypoint instances (boxes, vectorized over images, are in boxes.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from truthline.quality.consolidation._base import (
    Consolidated,
    Pool,
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
from truthline.quality.geometry import (
    keypoint_array,
    keypoint_similarity,
    labelled,
)


@register("keypoints")
def consolidate_keypoints(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Instances are matched by an OKS-like similarity (>= ``min_similarity``, 0.5, with
    per-point falloff ``oks_sigma``, 0.1, of the instances' extent); each point of a kept
    instance is the median of the members that labelled it, if most of them did."""
    shapes = pool(results, "instances")
    sigma = float(config.get("oks_sigma", 0.1))
    pts = [keypoint_array(s) for s in shapes.shapes]
    n = len(pts)
    sim = np.array(
        [[keypoint_similarity(pts[i], pts[j], sigma) for j in range(n)] for i in range(n)]
    )
    sim = sim.reshape(n, n)
    if config.get("match_labels"):
        sim = sim * _same_label(shapes)
    keys = [
        (tuple(np.nan_to_num(p, nan=-1.0).ravel().tolist()), labels_key(s), id_key(s))
        for p, s in zip(pts, shapes.shapes, strict=True)
    ]
    clusters = group_shapes(shapes, sim, float(config.get("min_similarity", 0.5)), keys)
    need = min_support(config, shapes.k)
    n_points = max([len(config.get("points") or [])] + [len(p) for p in pts])
    kept = [c for c in clusters if len(c) >= need]
    ids = assign_ids([[shapes.shapes[i].get("id") for i in c] for c in kept], "k")
    details: list[dict[str, Any]]
    instances, details = [], []
    for inst_id, c in zip(ids, kept, strict=True):
        consensus = _median_points([shapes.shapes[i] for i in c], n_points)
        label, _ = plurality([shapes.shapes[i].get("label") for i in c], class_names(config))
        cons_pts = keypoint_array({"points": consensus})
        similarity = float(np.mean([keypoint_similarity(cons_pts, pts[i], sigma) for i in c]))
        instances.append({"id": inst_id, "label": label, "points": consensus})
        details.append({"id": inst_id, "support": len(c), "similarity": similarity})
    fit = iter(d["similarity"] for d in details)
    agree = [
        cluster_score(len(c), shapes.k, len(c) >= need, next(fit) if len(c) >= need else 0.0)
        for c in clusters
    ]
    return Consolidated(
        {"instances": instances},
        float(np.mean(agree)) if agree else 1.0,
        {"n": shapes.k, "instances": details, "dropped": len(clusters) - len(kept)},
    )


def _median_points(members: list[dict[str, Any]], n_points: int) -> list[dict[str, Any] | None]:
    out: list[dict[str, Any] | None] = []
    for j in range(n_points):
        got = [m["points"][j] for m in members if j < len(m.get("points") or [])]
        got = [p for p in got if labelled(p)]
        if len(got) < len(members) // 2 + 1:
            out.append(None)
            continue
        visible = sum(1 for p in got if p.get("v", 2) == 2)
        out.append(
            {
                "x": float(np.median([p["x"] for p in got])),
                "y": float(np.median([p["y"] for p in got])),
                "v": 2 if visible * 2 >= len(got) else 1,
            }
        )
    return out


def _same_label(shapes: Pool) -> np.ndarray:
    labels = np.array([labels_key(s) for s in shapes.shapes], dtype=object)
    return labels[:, None] == labels[None, :]
