"""Aggregators for answers chosen from a fixed set: classification, rating, ranking, pairwise."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any

import numpy as np

from truthline.quality.consolidation._base import (
    Consolidated,
    clamp,
    lower_median,
    min_support,
    plurality,
    rank_key,
    register,
)


def class_names(config: dict[str, Any]) -> list[Any]:
    """Class names of a question, whether given as strings or as {name: ...} objects."""
    out = []
    for c in config.get("classes") or []:
        out.append(c.get("name") if isinstance(c, dict) else c)
    return out


@register("classification")
def consolidate_classification(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Single choice: plurality of the first label (no label is a vote too); confidence is
    the winner's vote share. Multiple choice: each label kept by its own majority."""
    if config.get("multiple"):
        return _multi_label(results, config)
    votes = [(r.get("labels") or [None])[0] for r in results]
    order = class_names(config)
    winner, best = plurality(votes, order)
    tally = sorted(Counter(votes).items(), key=lambda kv: (-kv[1], rank_key(order)(kv[0])))
    return Consolidated(
        {"labels": [] if winner is None else [winner]},
        best / len(results),
        {"n": len(results), "votes": [[label, count] for label, count in tally]},
    )


def _multi_label(results: list[dict[str, Any]], config: dict[str, Any]) -> Consolidated:
    k = len(results)
    need = min_support(config, k)
    count: Counter[Any] = Counter()
    pos_sum: Counter[Any] = Counter()
    for r in results:
        for pos, label in enumerate(dict.fromkeys(r.get("labels") or [])):
            count[label] += 1
            pos_sum[label] += pos
    kept = [label for label, c in count.items() if c >= need]
    # Keep the annotators' own ordering of labels (mean position), so identical answers
    # come back unchanged; class order and name break ties.
    by_class = rank_key(class_names(config))
    kept.sort(key=lambda lab: (pos_sum[lab] / count[lab], by_class(lab)))
    agree = [c / k if c >= need else 1 - c / k for c in count.values()]
    confidence = float(np.mean(agree)) if agree else 1.0
    votes = sorted(count.items(), key=lambda kv: (-kv[1], by_class(kv[0])))
    return Consolidated(
        {"labels": kept},
        clamp(confidence),
        {"n": k, "votes": [[label, c] for label, c in votes]},
    )


@register("rating")
def consolidate_rating(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Lower median (a value on the scale); the support carries the exact median and mean.

    Confidence is 1 - mean absolute deviation from the median / scale width.
    """
    width = float(config.get("max", 5)) - float(config.get("min", 1))
    if any("turns" in r for r in results):
        return _per_turn(results, width)
    values = [r["value"] for r in results if r.get("value") is not None]
    if not values:
        return Consolidated({"value": None}, 1.0, {"n": len(results)})
    value, confidence, stats = _rate(values, width)
    return Consolidated({"value": value}, confidence, {"n": len(results), **stats})


def _rate(values: list[Any], width: float) -> tuple[Any, float, dict[str, Any]]:
    value = lower_median(values)
    spread = float(np.mean([abs(v - value) for v in values]))
    confidence = 1.0 if width <= 0 else clamp(1 - spread / width)
    stats = {
        "median": float(np.median(values)),
        "mean": float(np.mean(values)),
        "values": sorted(values),
    }
    return value, confidence, stats


def _per_turn(results: list[dict[str, Any]], width: float) -> Consolidated:
    by_turn: dict[str, list[Any]] = {}
    for r in results:
        for turn, v in (r.get("turns") or {}).items():
            if v is not None:
                by_turn.setdefault(str(turn), []).append(v)
    turns: dict[str, Any] = {}
    stats: dict[str, Any] = {}
    scores = []
    for turn in sorted(by_turn, key=lambda t: (len(t), t)):  # "2" before "10"
        turns[turn], score, stats[turn] = _rate(by_turn[turn], width)
        scores.append(score)
    confidence = float(np.mean(scores)) if scores else 1.0
    return Consolidated({"turns": turns}, confidence, {"n": len(results), "turns": stats})


@register("ranking")
def consolidate_ranking(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Borda count: with n options, first place earns n-1 points, last 0; options missing
    from an order earn nothing. Confidence is the mean (Kendall tau + 1) / 2 of each order
    against the consensus."""
    options = list(config.get("options") or [])
    for r in results:
        options += [o for o in r.get("order") or [] if o not in options]
    by_name = rank_key(config.get("options") or sorted(options, key=str))
    n = len(options)
    points = dict.fromkeys(options, 0)
    for r in results:
        for pos, option in enumerate(r.get("order") or []):
            points[option] += n - 1 - pos
    order = sorted(options, key=lambda o: (-points[o], by_name(o)))
    taus = [kendall_tau(r.get("order") or [], order) for r in results]
    return Consolidated(
        {"order": order},
        clamp(float(np.mean([(t + 1) / 2 for t in taus]))),
        {"n": len(results), "points": points, "kendall_tau": taus},
    )


def kendall_tau(a: list[Any], b: list[Any]) -> float:
    """Kendall tau over the options both orders rank; 1 when fewer than two are shared."""
    pa = {o: i for i, o in enumerate(a)}
    pb = {o: i for i, o in enumerate(b)}
    shared = [o for o in a if o in pb]
    if len(shared) < 2:
        return 1.0
    score = sum(
        1 if (pa[x] - pa[y]) * (pb[x] - pb[y]) > 0 else -1 for x, y in combinations(shared, 2)
    )
    return score / (len(shared) * (len(shared) - 1) / 2)


@register("pairwise")
def consolidate_pairwise(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Majority choice. When "a" and "b" tie at the top, the outcome is "tie" if ties are
    allowed, else the side with the larger summed strength (then "a"). Confidence is the
    top vote share; strength is the lower median among the winner's voters."""
    votes = Counter(r.get("choice") for r in results)
    best = max(votes.values())
    top = {c for c, n in votes.items() if n == best}
    if len(top) == 1:
        choice = top.pop()
    elif config.get("allow_tie", True):
        choice = "tie"
    else:
        choice = _by_strength(results)
    strengths = [
        r["strength"]
        for r in results
        if r.get("choice") == choice and r.get("strength") is not None
    ]
    strength = lower_median(strengths) if strengths and choice != "tie" else None
    return Consolidated(
        {"choice": choice, "strength": strength},
        best / len(results),
        {"n": len(results), "votes": {str(c): n for c, n in sorted(votes.items(), key=str)}},
    )


def _by_strength(results: list[dict[str, Any]]) -> str:
    total: Counter[str] = Counter()
    for r in results:
        if r.get("choice") in ("a", "b"):
            total[r["choice"]] += r.get("strength") or 1
    return "b" if total["b"] > total["a"] else "a"
