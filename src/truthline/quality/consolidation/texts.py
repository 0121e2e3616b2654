"""Aggregators for written answers: the medoid, since averaging texts has no meaning."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from truthline.quality.consolidation._base import Consolidated, clamp, register
from truthline.quality.text import normalized_distance, wer, words


@register("free_text")
def consolidate_free_text(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """The text with the lowest mean character edit distance (over the longer length) to
    the others; confidence is 1 - that mean."""
    texts = [r.get("text") or "" for r in results]
    best, mean = _medoid(texts, normalized_distance, texts)
    return Consolidated(
        {"text": texts[best]}, clamp(1 - mean), {"n": len(texts), "mean_distance": mean}
    )


@register("transcription")
def consolidate_transcription(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """The transcription whose words (segments in time order) have the lowest mean WER
    against each other one taken as reference; returned whole, with its segments."""
    texts = [joined_words(r) for r in results]
    tiebreak = [json.dumps(r, sort_keys=True, default=str) for r in results]
    best, mean = _medoid(texts, lambda hyp, ref: wer(ref, hyp), tiebreak)
    return Consolidated(
        results[best], clamp(1 - mean), {"n": len(texts), "mean_wer": mean, "medoid": best}
    )


def joined_words(result: Mapping[str, Any]) -> str:
    segments = sorted(result.get("segments") or [], key=lambda s: (s["start"], s["end"]))
    return " ".join(" ".join(words(s.get("text") or "")) for s in segments)


def _medoid(
    texts: list[str], dist: Callable[[str, str], float], tiebreak: list[str]
) -> tuple[int, float]:
    """Index of the text with the least mean distance to the others (ties: smallest
    ``tiebreak``, so the pick does not depend on annotator order) and that mean."""
    k = len(texts)
    if k == 1:
        return 0, 0.0
    d = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i != j:
                d[i, j] = dist(texts[i], texts[j])
    means = d.sum(axis=1) / (k - 1)
    best = min(range(k), key=lambda i: (round(means[i], 12), tiebreak[i]))
    return best, float(means[best])
