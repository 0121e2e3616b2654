"""Text and span agreement: Levenshtein distance, WER and CER (jiwer's default conventions),
and span F1 with exact or overlapping boundaries."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from truthline.quality.geometry import interval_iou_matrix

_RUNS_OF_SPACE = re.compile(r"\s\s+")


def edit_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance (unit-cost insert, delete, substitute) between two sequences.

    Bit-parallel (Myers 1999, Hyyrö 2001) with Python integers as bit vectors, so a pair of
    long texts costs len(b) word operations rather than len(a) * len(b) cell updates.
    """
    if len(a) < len(b):
        a, b = b, a
    m = len(a)
    if m == 0 or len(b) == 0:
        return m
    peq: dict[Hashable, int] = {}
    for i, token in enumerate(a):
        peq[token] = peq.get(token, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    vp, vn, score = full, 0, m
    for token in b:
        eq = peq.get(token, 0)
        xv = eq | vn
        xh = (((eq & vp) + vp) ^ vp) | eq
        hp = vn | (~(xh | vp) & full)
        hn = vp & xh
        if hp & top:
            score += 1
        elif hn & top:
            score -= 1
        hp = ((hp << 1) | 1) & full
        hn = (hn << 1) & full
        vp = hn | (~(xv | hp) & full)
        vn = hp & xv
    return score


def words(text: str) -> list[str]:
    """Words as jiwer splits them by default: runs of whitespace collapsed, split on spaces."""
    return [w for w in _RUNS_OF_SPACE.sub(" ", text).strip().split(" ") if w]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word edits / reference words (insertions count when the reference is
    empty, as in jiwer)."""
    ref, hyp = words(reference), words(hypothesis)
    return edit_distance(ref, hyp) / len(ref) if ref else float(len(hyp))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate over the stripped strings (spaces count as characters)."""
    ref, hyp = reference.strip(), hypothesis.strip()
    return edit_distance(ref, hyp) / len(ref) if ref else float(len(hyp))


def normalized_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Edit distance / longer length, in [0, 1]; symmetric, unlike WER."""
    longest = max(len(a), len(b))
    return edit_distance(a, b) / longest if longest else 0.0


@dataclass(frozen=True)
class SpanScores:
    precision: float
    recall: float
    f1: float
    matched: int
    n_a: int
    n_b: int


def span_f1(
    a: Sequence[Mapping[str, Any]],
    b: Sequence[Mapping[str, Any]],
    *,
    mode: str = "exact",
    match_labels: bool = True,
) -> SpanScores:
    """F1 of spans b against spans a (``a`` is the reference for precision/recall).

    ``exact``: same start, end (and label); ``overlap``: one-to-one matching of overlapping
    spans, maximising the summed Jaccard overlap.
    """
    if mode == "exact":
        matched = _exact_matches(a, b, match_labels)
    elif mode == "overlap":
        matched = _overlap_matches(a, b, match_labels)
    else:
        raise ValueError("mode must be 'exact' or 'overlap'")
    n_a, n_b = len(a), len(b)
    precision = matched / n_b if n_b else (1.0 if n_a == 0 else 0.0)
    recall = matched / n_a if n_a else (1.0 if n_b == 0 else 0.0)
    f1 = 2 * matched / (n_a + n_b) if n_a + n_b else 1.0
    return SpanScores(precision, recall, f1, matched, n_a, n_b)


def _key(span: Mapping[str, Any], with_label: bool) -> tuple[Any, ...]:
    base = (span["start"], span["end"])
    return (*base, span.get("label")) if with_label else base


def _exact_matches(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], lab: bool
) -> int:
    ca = Counter(_key(s, lab) for s in a)
    cb = Counter(_key(s, lab) for s in b)
    return sum((ca & cb).values())


def _overlap_matches(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], lab: bool
) -> int:
    if not a or not b:
        return 0
    jac = interval_iou_matrix(
        [(s["start"], s["end"]) for s in a], [(s["start"], s["end"]) for s in b]
    )
    if lab:
        la = np.array([s.get("label") for s in a], dtype=object)
        lb = np.array([s.get("label") for s in b], dtype=object)
        jac = jac * (la[:, None] == lb[None, :])
    rows, cols = linear_sum_assignment(-jac)
    return int((jac[rows, cols] > 0).sum())
