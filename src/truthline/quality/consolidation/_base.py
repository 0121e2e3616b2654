"""The aggregator registry and the helpers every aggregator shares: deterministic majority,
exact means and medians, cross-annotator clustering and stable ids."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError


@dataclass(frozen=True)
class Consolidated:
    """One result in the kind's result shape, how much the annotators agreed on it (0..1),
    and what supported it (vote counts, cluster sizes, ...)."""

    result: dict[str, Any]
    confidence: float
    support: dict[str, Any] = field(default_factory=dict)


Aggregator = Callable[[list[dict[str, Any]], dict[str, Any], dict[str, Any]], Consolidated]
# Optional vectorized aggregators over many items at once (same results as one by one).
ManyAggregator = Callable[[list[list[dict[str, Any]]], dict[str, Any]], list[Consolidated]]
_AGGREGATORS: dict[str, Aggregator] = {}
_MANY: dict[str, ManyAggregator] = {}


def register(*kinds: str) -> Callable[[Aggregator], Aggregator]:
    """Make a function the aggregator of the named kinds (a later registration replaces)."""

    def deco(fn: Aggregator) -> Aggregator:
        for kind in kinds:
            _AGGREGATORS[kind] = fn
        return fn

    return deco


def register_many(*kinds: str) -> Callable[[ManyAggregator], ManyAggregator]:
    """Make a function the batch aggregator of the named kinds (for items without context)."""

    def deco(fn: ManyAggregator) -> ManyAggregator:
        for kind in kinds:
            _MANY[kind] = fn
        return fn

    return deco


def many_aggregator_for(kind: str) -> ManyAggregator | None:
    return _MANY.get(kind)


def aggregator_for(kind: str) -> Aggregator:
    try:
        return _AGGREGATORS[kind]
    except KeyError:
        raise QualityInputError(f"no consolidation for kind {kind!r}", kind=kind) from None


def registered_kinds() -> list[str]:
    return sorted(_AGGREGATORS)


def min_support(config: Mapping[str, Any], k: int) -> int:
    """Annotators needed to keep a shape: ``config["min_support"]``, or ``config["min_share"]``
    of the k annotators (rounded up), default a strict majority."""
    value = config.get("min_support")
    if value is None and config.get("min_share") is not None:
        return share_needed(float(config["min_share"]), k)
    return k // 2 + 1 if value is None else max(1, int(value))


def share_needed(share: float, k: int) -> int:
    if not 0 < share <= 1:
        raise QualityInputError("min_share must be in (0, 1]")
    # The epsilon keeps 0.6 x 5 at 3 despite floating point.
    return max(1, math.ceil(share * k - 1e-9))


def clamp(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def rank_key(order: Sequence[Any] | None) -> Callable[[Any], tuple[int, str]]:
    """Sort key: position in ``order`` (e.g. the question's classes) first, then text form."""
    pos = {v: i for i, v in enumerate(order or [])}
    return lambda v: (pos.get(v, len(pos)), str(v))


def plurality(votes: Sequence[Hashable], order: Sequence[Any] | None = None) -> tuple[Any, int]:
    """Most frequent vote; ties go to the earliest in ``order``, then the smallest text form,
    so the outcome never depends on who voted first."""
    if all(v == votes[0] for v in votes):
        return votes[0], len(votes)
    counts = Counter(votes)
    best = max(counts.values())
    key = rank_key(order)
    winner = min((v for v, c in counts.items() if c == best), key=key)
    return winner, best


def lower_median(values: Sequence[float]) -> float:
    """The lower middle value: always one of the inputs, so integer scales stay integer."""
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def cluster_greedy(
    owners: Sequence[int] | np.ndarray,
    sim: np.ndarray,
    threshold: float,
    keys: Sequence[tuple[Any, ...]],
) -> list[list[int]]:
    """Group elements of different owners (annotators) whose similarity is >= threshold.

    Pairs are merged best-first; two clusters join only if they share no owner and every
    cross pair clears the threshold (complete linkage). Ties are ordered by the elements'
    ``keys`` (coordinates, label), not by input position, so that permuting the annotators
    does not change the clusters.
    """
    owner = np.asarray(owners)
    n = len(owner)
    if n == 0:
        return []
    ok = (sim >= threshold) & (owner[:, None] != owner[None, :])
    classes = _equivalence_classes(ok)
    if classes is not None:
        return classes
    rows, cols = np.nonzero(np.triu(ok, 1))
    # Dense ranks of the keys make the tie-break integer comparisons.
    rank = [0] * n
    ordered = sorted(range(n), key=keys.__getitem__)
    for pos in range(1, n):
        prev, cur = ordered[pos - 1], ordered[pos]
        rank[cur] = rank[prev] + (keys[cur] != keys[prev])
    r, c = rows.tolist(), cols.tolist()
    edges = sorted(
        zip(sim[rows, cols].tolist(), r, c, strict=True),
        key=lambda e: (-e[0], min(rank[e[1]], rank[e[2]]), max(rank[e[1]], rank[e[2]])),
    )
    linked = set(zip(r, c, strict=True)) | set(zip(c, r, strict=True))
    own = owner.tolist()
    member = [[i] for i in range(n)]
    owned = [{o} for o in own]
    where = list(range(n))
    for _, a, b in edges:
        ca, cb = where[a], where[b]
        if ca == cb or owned[ca] & owned[cb]:
            continue
        if not all((x, y) in linked for x in member[ca] for y in member[cb]):
            continue
        for x in member[cb]:
            where[x] = ca
        member[ca] += member[cb]
        owned[ca] |= owned[cb]
        member[cb] = []
    return [sorted(m) for m in member if m]


def _equivalence_classes(ok: np.ndarray) -> list[list[int]] | None:
    """The clusters directly, when "candidate or same element" is transitive.

    Then every connected group is a clique of distinct owners, which is exactly what the
    greedy merge would build whatever the order; this is the common case and skips it.
    """
    n = len(ok)
    linked = ok | np.eye(n, dtype=bool)
    as_num = linked.astype(np.float32)
    if not ((as_num @ as_num > 0) == linked).all():
        return None
    groups: dict[int, list[int]] = {}
    for i, head in enumerate(linked.argmax(axis=1).tolist()):
        groups.setdefault(head, []).append(i)
    return list(groups.values())


def assign_ids(preferred: Sequence[list[Any]], prefix: str) -> list[str]:
    """One id per output shape: the smallest member id if still free, else a fresh one.

    Consolidating identical results thus keeps their ids.
    """
    chosen: list[str | None] = []
    used: set[str] = set()
    for ids in preferred:
        first = ids[0] if ids else None
        if ids.count(first) == len(ids):  # the common case: members share their id
            pick = None if first is None else str(first)
        else:
            pick = min((str(i) for i in ids if i is not None), default=None)
        if pick in used:
            pick = None
        if pick is not None:
            used.add(pick)
        chosen.append(pick)
    counter = 0
    out: list[str] = []
    for pick in chosen:
        while pick is None:
            counter += 1
            pick = f"{prefix}{counter}" if f"{prefix}{counter}" not in used else None
        used.add(pick)
        out.append(pick)
    return out


def cluster_score(size: int, k: int, kept: bool, similarity: float) -> float:
    """Agreement on one cluster: for a kept shape, the share of annotators who drew it times
    how well they agree on its geometry; for a dropped one, the share who did not draw it."""
    return size / k * similarity if kept else 1 - size / k


def order_clusters(
    clusters: list[list[int]], position: Sequence[int], keys: Sequence[Any]
) -> list[list[int]]:
    """Output order: by each cluster's earliest position within an annotation, then its key;
    this reproduces the input order for identical results and ignores annotator order."""
    return sorted(clusters, key=lambda c: (min(position[i] for i in c), min(keys[i] for i in c)))


@dataclass(frozen=True)
class Pool:
    """All shapes of one field across the k results, with who drew each and where."""

    shapes: list[dict[str, Any]]
    owner: np.ndarray
    position: list[int]
    k: int


def pool(results: list[dict[str, Any]], field_name: str) -> Pool:
    shapes: list[dict[str, Any]] = []
    owner: list[int] = []
    position: list[int] = []
    for a, result in enumerate(results):
        for pos, shape in enumerate(result.get(field_name) or []):
            shapes.append(shape)
            owner.append(a)
            position.append(pos)
    return Pool(shapes, np.asarray(owner, dtype=np.int64), position, len(results))


def group_shapes(
    shapes: Pool, sim: np.ndarray, threshold: float, keys: Sequence[tuple[Any, ...]]
) -> list[list[int]]:
    """Clusters of the pool in output order (see ``cluster_greedy``, ``order_clusters``)."""
    if not shapes.shapes:
        return []
    clusters = cluster_greedy(shapes.owner, sim, threshold, keys)
    return order_clusters(clusters, shapes.position, keys)


def id_key(shape: dict[str, Any]) -> str:
    """Shape id as a sort key: part of the tie-break that keeps clustering order-free."""
    return "" if shape.get("id") is None else str(shape["id"])


def labels_key(shape: dict[str, Any]) -> str:
    label = shape.get("label")
    return "" if label is None else str(label)
