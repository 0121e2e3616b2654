"""Per-annotator reliability: scores against consolidated results or gold answers, with
Wilson intervals, and trailing (rolling) gold accuracy over time."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality.by_kind import score_against
from truthline.quality.consolidation import Consolidated, consolidate

Record = tuple[Hashable, Hashable, Mapping[str, Any]]  # (annotator, item, result)


@dataclass(frozen=True)
class AnnotatorScore:
    n: int  # results scored
    mean: float  # mean score in [0, 1] (partial credit, e.g. box F1)
    correct: int  # results scoring >= the pass mark
    accuracy: float  # correct / n
    low: float  # Wilson interval on accuracy
    high: float


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    den = 1 + z * z / n
    return max(0.0, (centre - half) / den), min(1.0, (centre + half) / den)


def summarize(
    scores: Iterable[tuple[Hashable, float]], pass_mark: float = 1.0, confidence: float = 0.95
) -> dict[Hashable, AnnotatorScore]:
    """Fold (annotator, score) pairs into one AnnotatorScore per annotator."""
    per: dict[Hashable, list[float]] = defaultdict(list)
    for annotator, score in scores:
        per[annotator].append(score)
    out = {}
    for annotator, values in per.items():
        correct = sum(1 for v in values if v >= pass_mark - 1e-12)
        low, high = wilson_interval(correct, len(values), confidence)
        out[annotator] = AnnotatorScore(
            len(values), float(np.mean(values)), correct, correct / len(values), low, high
        )
    return out


def gold_accuracy(
    kind: str,
    records: Iterable[Record],
    gold: Mapping[Hashable, Mapping[str, Any]],
    config: Mapping[str, Any] | None = None,
    *,
    pass_mark: float = 1.0,
    confidence: float = 0.95,
) -> dict[Hashable, AnnotatorScore]:
    """Each annotator's results on gold items scored against the gold answers."""
    scores = (
        (annotator, score_against(kind, result, gold[item], config))
        for annotator, item, result in records
        if item in gold
    )
    return summarize(scores, pass_mark, confidence)


def consensus_accuracy(
    kind: str,
    records: Iterable[Record],
    config: Mapping[str, Any] | None = None,
    *,
    consolidated: Mapping[Hashable, Consolidated | Mapping[str, Any]] | None = None,
    leave_one_out: bool = True,
    context: Mapping[Hashable, Mapping[str, Any]] | None = None,
    pass_mark: float = 1.0,
    confidence: float = 0.95,
) -> dict[Hashable, AnnotatorScore]:
    """Each annotator's results scored against the consensus of the item.

    With ``leave_one_out`` (default) the consensus is rebuilt from the other annotators'
    results, so that nobody is graded against their own vote; items with a single answer are
    skipped. Otherwise ``consolidated`` (item -> Consolidated or result) is the reference.
    """
    by_item: dict[Hashable, list[tuple[Hashable, Mapping[str, Any]]]] = defaultdict(list)
    for annotator, item, result in records:
        by_item[item].append((annotator, result))
    if not leave_one_out and consolidated is None:
        raise QualityInputError("pass consolidated results or use leave_one_out")
    scores: list[tuple[Hashable, float]] = []
    for item, answers in by_item.items():
        ctx = dict((context or {}).get(item, {}))
        for i, (annotator, result) in enumerate(answers):
            reference: Mapping[str, Any]
            if leave_one_out:
                others = [dict(r) for j, (_, r) in enumerate(answers) if j != i]
                if not others:
                    continue
                reference = consolidate(kind, others, dict(config or {}), ctx).result
            elif item in consolidated:  # type: ignore[operator]
                ref = consolidated[item]  # type: ignore[index]
                reference = ref.result if isinstance(ref, Consolidated) else ref
            else:
                continue
            scores.append((annotator, score_against(kind, result, reference, config)))
    return summarize(scores, pass_mark, confidence)


def rolling_accuracy(
    events: Iterable[tuple[Hashable, Any, float]], window: int = 20
) -> dict[Hashable, list[tuple[Any, float]]]:
    """Trailing mean of each annotator's last ``window`` gold scores, after each event.

    ``events``: (annotator, time, score); sorted by time here, so any order is accepted.
    """
    if window < 1:
        raise QualityInputError("window must be >= 1")
    recent: dict[Hashable, deque[float]] = defaultdict(lambda: deque(maxlen=window))
    out: dict[Hashable, list[tuple[Any, float]]] = defaultdict(list)
    for annotator, when, score in sorted(events, key=lambda e: e[1]):
        last = recent[annotator]
        last.append(float(score))
        out[annotator].append((when, sum(last) / len(last)))
    return dict(out)


def accuracy_from_codes(
    annotators: Any, given: Any, truth: Any, n_annotators: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized per-annotator accuracy for coded classification: per annotation, the
    annotator, the label given and the reference label (-1 = no reference, skipped).

    Returns (accuracy, count) per annotator; accuracy is NaN where count is 0.
    """
    an = np.asarray(annotators, dtype=np.int64)
    ok = np.asarray(truth, dtype=np.int64) >= 0
    hit = (np.asarray(given) == np.asarray(truth)) & ok
    size = int(an.max(initial=-1)) + 1 if n_annotators is None else n_annotators
    count = np.bincount(an[ok], minlength=size)
    right = np.bincount(an[hit], minlength=size)
    acc = np.divide(right, count, out=np.full(size, np.nan), where=count > 0)
    return acc, count
