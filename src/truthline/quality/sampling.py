"""Review sampling: ANSI/ASQ Z1.4-style single sampling plans (general inspection level II,
normal inspection) and seeded random, stratified and risk-weighted selection of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from truthline.quality._common import QualityInputError

# The tables below are written from the structure of ANSI/ASQ Z1.4 (identical to
# MIL-STD-105E) Table I (code letters, level II) and Table II-A (single sampling, normal
# inspection). Check every value against the standard's printed tables before relying on
# them for contractual acceptance decisions.

# Upper lot-size bound of each code letter at general inspection level II.
_LETTERS_LEVEL_II: tuple[tuple[int, str], ...] = (
    (8, "A"),
    (15, "B"),
    (25, "C"),
    (50, "D"),
    (90, "E"),
    (150, "F"),
    (280, "G"),
    (500, "H"),
    (1200, "J"),
    (3200, "K"),
    (10000, "L"),
    (35000, "M"),
    (150000, "N"),
    (500000, "P"),
)
_LAST_LETTER = "Q"

LETTERS = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZES = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000)

# Table II-A is diagonal: moving one letter down or one AQL step up shifts the same
# acceptance number. Index the full AQL series, and the diagonal d = letter index + AQL index
# gives Ac: d = 15 is Ac 0, d = 16 is the "use the plan above" arrow, d = 17.. are 1, 2, 3,
# 5, 7, 10, 14, 21; below 15 is "use the first plan below", above 24 "use the plan above".
_AQL_SERIES = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25,
    0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10.0,
)  # fmt: skip
AQLS = (0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10.0)
_ZERO_DIAGONAL = 15
_ACCEPT = {15: 0, 17: 1, 18: 2, 19: 3, 20: 5, 21: 7, 22: 10, 23: 14, 24: 21}


@dataclass(frozen=True)
class SamplingPlan:
    lot_size: int
    aql: float
    code_letter: str  # from the lot size (Table I)
    plan_letter: str  # the letter whose plan is used after following the table's arrows
    sample_size: int  # items to inspect (the whole lot when the plan's n reaches it)
    accept: int  # Ac: accept the lot with at most this many failures
    reject: int  # Re: reject it with this many or more

    @property
    def full_inspection(self) -> bool:
        return self.sample_size == self.lot_size


def code_letter(lot_size: int) -> str:
    """Sample size code letter for a lot at general inspection level II."""
    if lot_size < 2:
        raise QualityInputError("lot size must be at least 2")
    for upper, letter in _LETTERS_LEVEL_II:
        if lot_size <= upper:
            return letter
    return _LAST_LETTER


def sampling_plan(lot_size: int, aql: float, level: str = "II") -> SamplingPlan:
    """Single sampling plan for normal inspection: sample size and Ac/Re for ``aql`` (%)."""
    if level != "II":
        raise QualityInputError("only general inspection level II is encoded")
    aql_index = _aql_index(aql)
    letter = code_letter(lot_size)
    index = LETTERS.index(letter)
    diagonal = index + aql_index
    if diagonal < _ZERO_DIAGONAL:
        index = _ZERO_DIAGONAL - aql_index  # arrow down to the first plan (Ac 0)
    elif diagonal == _ZERO_DIAGONAL + 1:
        index -= 1  # the arrow between Ac 0 and Ac 1 points up
    elif diagonal > max(_ACCEPT):
        index = max(_ACCEPT) - aql_index  # arrow up to the last plan (Ac 21)
    accept = _ACCEPT[index + aql_index]
    n = SAMPLE_SIZES[index]
    return SamplingPlan(lot_size, aql, letter, LETTERS[index], min(n, lot_size), accept, accept + 1)


def _aql_index(aql: float) -> int:
    for i, value in enumerate(_AQL_SERIES):
        if abs(value - aql) < 1e-9:
            if value not in AQLS:
                raise QualityInputError(f"AQL {aql} is not encoded; use one of {AQLS}")
            return i
    raise QualityInputError(f"AQL {aql} is not a standard value; use one of {AQLS}")


def accept_lot(failures: int, plan: SamplingPlan) -> bool:
    """True when the sample's failures are at most the plan's acceptance number."""
    if failures < 0:
        raise QualityInputError("failures must be >= 0")
    return failures <= plan.accept


def random_sample(ids: Sequence[Hashable], n: int, seed: int | None = 0) -> list[Hashable]:
    """``n`` distinct ids uniformly at random, returned in their input order."""
    n = _check_n(n, len(ids))
    pick = np.random.default_rng(seed).choice(len(ids), size=n, replace=False)
    return [ids[i] for i in np.sort(pick)]


def stratified_sample(
    ids: Sequence[Hashable],
    strata: Sequence[Hashable],
    n: int,
    seed: int | None = 0,
    *,
    min_per_stratum: int = 0,
) -> list[Hashable]:
    """``n`` ids split across strata in proportion to their sizes (largest remainders get
    the leftover), at least ``min_per_stratum`` each where possible; random within each."""
    if len(ids) != len(strata):
        raise QualityInputError("ids and strata must have the same length")
    n = _check_n(n, len(ids))
    members: dict[Hashable, list[int]] = defaultdict(list)
    for i, s in enumerate(strata):
        members[s].append(i)
    keys = sorted(members, key=str)  # fixed order so the seed alone decides the draw
    quota = _allocate([len(members[k]) for k in keys], n, min_per_stratum)
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for key, q in zip(keys, quota, strict=True):
        pool = members[key]
        chosen += [pool[i] for i in rng.choice(len(pool), size=q, replace=False)]
    return [ids[i] for i in sorted(chosen)]


def _allocate(sizes: list[int], n: int, floor: int) -> list[int]:
    base = [min(s, floor) for s in sizes]
    left = n - sum(base)
    if left < 0:
        raise QualityInputError("n is smaller than the per-stratum minimum allows")
    room = [s - b for s, b in zip(sizes, base, strict=True)]
    total = sum(room)
    exact = [left * r / total if total else 0.0 for r in room]
    quota = [min(r, int(e)) for r, e in zip(room, exact, strict=True)]
    # Largest remainder first; ties by stratum order. Capped by what each stratum holds.
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    short = left - sum(quota)
    while short > 0:
        for i in order:
            if short and quota[i] < room[i]:
                quota[i] += 1
                short -= 1
    return [b + q for b, q in zip(base, quota, strict=True)]


def risk_weighted_sample(
    ids: Sequence[Hashable], risks: Sequence[float], n: int, seed: int | None = 0
) -> list[Hashable]:
    """``n`` distinct ids drawn with probability proportional to risk, without replacement
    (Efraimidis-Spirakis keys u^(1/w)); zero-risk ids come last. Highest key first."""
    if len(ids) != len(risks):
        raise QualityInputError("ids and risks must have the same length")
    n = _check_n(n, len(ids))
    w = np.asarray(risks, dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise QualityInputError("risks must be finite and >= 0")
    u = np.random.default_rng(seed).random(len(ids))
    # log(u) / w keeps the order of u^(1/w) without underflow; w = 0 sorts last.
    with np.errstate(divide="ignore"):
        keys = np.where(w > 0, np.log(u) / np.where(w > 0, w, 1.0), -np.inf)
    order = np.lexsort((np.arange(len(ids)), -keys))
    return [ids[i] for i in order[:n]]


def _check_n(n: int, available: int) -> int:
    if n < 0:
        raise QualityInputError("sample size must be >= 0")
    return min(int(n), available)


def allocate(sizes: Sequence[int], budget: int) -> list[int]:
    """Splits ``budget`` across strata in proportion to their ``sizes``: each stratum gets the
    floor or the ceiling of its exact share budget * size / total, so it is never one or more
    away from it, and the quotas add up to the budget. The ceilings go first to non-empty strata
    that would otherwise get nothing (largest share first), then by largest remainder; ties by
    stratum order. Every non-empty stratum is thus represented whenever the rounding leaves
    enough to do so without moving any stratum a whole unit off its share."""
    if any(s < 0 for s in sizes):
        raise QualityInputError("stratum sizes must be >= 0")
    total = sum(sizes)
    if budget < 0 or budget > total:
        raise QualityInputError(f"budget must be between 0 and the {total} units available")
    if budget == 0:
        return [0] * len(sizes)
    # Integer arithmetic: a share's remainder is compared exactly, never through a float.
    quota = [budget * s // total for s in sizes]
    remainder = [budget * s % total for s in sizes]
    left = budget - sum(quota)
    order = sorted(
        (i for i in range(len(sizes)) if remainder[i]),
        key=lambda i: (quota[i] > 0, -remainder[i], i),
    )
    for i in order[:left]:
        quota[i] += 1
    return quota


def stratified_items(
    units: Sequence[tuple[Hashable, Hashable]],
    items: Sequence[Hashable],
    n: int,
    seed: int | None = 0,
) -> list[Hashable]:
    """Exactly ``min(n, len(items))`` distinct items, stratified over ``units``: (item,
    stratum) pairs, where an item may sit in several strata (one unit per annotator of it).

    The n items are allocated to the strata in proportion to their units (``allocate``); the
    strata with the fewest items draw theirs first, each at random among its items not drawn
    yet. A stratum whose items were all drawn already gives its quota back, and what is given
    back is drawn at random among the items left, as are items in no stratum."""
    n = _check_n(n, len(items))
    members: dict[Hashable, list[Hashable]] = defaultdict(list)
    for item, stratum in units:
        members[stratum].append(item)
    keys = sorted(members, key=str)  # fixed order so the seed alone decides the draw
    quota = dict(zip(keys, allocate([len(members[k]) for k in keys], n), strict=True))
    rng = np.random.default_rng(seed)
    chosen: list[Hashable] = []
    taken: set[Hashable] = set()
    for key in sorted(keys, key=lambda k: (len(members[k]), str(k))):
        pool = [i for i in dict.fromkeys(members[key]) if i not in taken]
        for k in rng.choice(len(pool), size=min(quota[key], len(pool)), replace=False):
            chosen.append(pool[int(k)])
            taken.add(pool[int(k)])
    rest = [i for i in items if i not in taken]
    short = n - len(chosen)
    if short > 0:
        chosen += [rest[int(k)] for k in np.sort(rng.choice(len(rest), size=short, replace=False))]
    position = {item: p for p, item in enumerate(items)}
    return sorted(chosen, key=lambda i: position[i])


def risk_ranked_sample(
    ids: Sequence[Hashable], risks: Sequence[float], n: int, seed: int | None = 0
) -> list[Hashable]:
    """The ``n`` riskiest ids, riskiest first: ordered by risk, deterministically; among ids of
    equal risk, a seeded draw decides (so items that share the base risk still have an equal
    chance). Risks are compared to 9 decimals, so sums of the same factors tie."""
    if len(ids) != len(risks):
        raise QualityInputError("ids and risks must have the same length")
    n = _check_n(n, len(ids))
    w = np.asarray(risks, dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise QualityInputError("risks must be finite and >= 0")
    u = np.random.default_rng(seed).random(len(ids))
    order = np.lexsort((np.arange(len(ids)), u, -np.round(w, 9)))
    return [ids[i] for i in order[:n]]
