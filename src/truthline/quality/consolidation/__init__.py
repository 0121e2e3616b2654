"""Consolidation: k annotations of one item -> one result in the kind's shape, a confidence
in [0, 1] and its support, through one aggregator per kind registered by name."""

from __future__ import annotations

from typing import Any

from truthline.quality._common import QualityInputError
from truthline.quality.consolidation import choice, intervals, raster, shapes, texts
from truthline.quality.consolidation._base import (
    Consolidated,
    aggregator_for,
    register,
    registered_kinds,
)
from truthline.quality.consolidation.batch import (
    consolidate_classification_batch,
    encode_annotations,
    majority_vote,
)

# The kind modules register themselves on import.
del choice, intervals, raster, shapes, texts


def consolidate(
    kind: str,
    results: list[dict[str, Any] | None],
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


__all__ = [
    "Consolidated",
    "consolidate",
    "consolidate_classification_batch",
    "encode_annotations",
    "majority_vote",
    "register",
    "registered_kinds",
]
