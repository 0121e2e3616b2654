"""Consolidation: k annotations of one item -> one result in the kind's shape, a confidence
in [0, 1] and its support, through one aggregator per kind registered by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from truthline.quality._common import QualityInputError
from truthline.quality.consolidation import (
    boxes,
    choice,
    intervals,
    raster,
    shapes,
    texts,
    tracks,
)
from truthline.quality.consolidation._base import (
    Consolidated,
    aggregator_for,
    many_aggregator_for,
    register,
    register_many,
    registered_kinds,
)
from truthline.quality.consolidation.batch import (
    consolidate_classification_batch,
    encode_annotations,
    majority_vote,
)

# The kind modules register themselves on import.
del boxes, choice, intervals, raster, shapes, texts, tracks


def consolidate(
    kind: str,
    results: Sequence[dict[str, Any] | None],
    config: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> Consolidated:
    """Consolidate the results (one per annotator; None = question left unanswered, ignored)
    of one question on one item. ``config`` is the question's config plus aggregator options
    (``min_support``, ``iou_threshold``, ...); ``context`` carries item facts such as the
    image ``width`` and ``height``."""
    answered = [r for r in results if r is not None]
    if not answered:
        raise QualityInputError("nothing to consolidate: no answered results", kind=kind)
    return aggregator_for(kind)(answered, dict(config or {}), dict(context or {}))


def consolidate_many(
    kind: str,
    items: list[list[dict[str, Any] | None]],
    config: dict[str, Any] | None = None,
    contexts: list[dict[str, Any]] | None = None,
) -> list[Consolidated]:
    """``consolidate`` for many items of one question, vectorized where the kind allows
    (bbox); the results are those of item-by-item calls."""
    answered = [[r for r in results if r is not None] for results in items]
    if any(not results for results in answered):
        raise QualityInputError("nothing to consolidate: an item has no answered result", kind=kind)
    cfg = dict(config or {})
    many = many_aggregator_for(kind)
    if many is not None and contexts is None:
        return many(answered, cfg)
    one = aggregator_for(kind)
    ctxs = contexts or [{} for _ in answered]
    return [one(results, cfg, dict(ctx)) for results, ctx in zip(answered, ctxs, strict=True)]


__all__ = [
    "Consolidated",
    "consolidate",
    "consolidate_many",
    "consolidate_classification_batch",
    "encode_annotations",
    "majority_vote",
    "register",
    "register_many",
    "registered_kinds",
]
