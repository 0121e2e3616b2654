"""Shared plumbing of the quality library: input errors, encoding, unit patterns, bootstrap."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from truthline.errors import InvalidInput

# Cap on floats materialised per bootstrap chunk (weights and coincidence rows), ~32 MB.
_CHUNK_CELLS = 4_000_000


class QualityInputError(InvalidInput, ValueError):
    """Input a quality computation cannot use; a ValueError for callers outside the app."""

    code = "invalid_quality_input"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a percentile bootstrap interval over units."""

    value: float
    low: float
    high: float
    n_units: int
    n_boot: int
    confidence: float


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def encode_matrix(data: Any, values: Sequence[Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Encode an annotators x units matrix as integer codes (-1 = missing) and its value domain.

    The domain is ``values`` when given (its order is the order used by ordinal metrics),
    else the sorted distinct observed values.
    """
    arr = np.asarray(data, dtype=object)
    if arr.ndim != 2:
        raise QualityInputError("reliability data must be a 2-D annotators x units matrix")
    flat = arr.ravel()
    missing = np.fromiter((is_missing(v) for v in flat), dtype=bool, count=flat.size)
    observed = flat[~missing]
    if values is None:
        domain = _sorted_domain(observed)
    else:
        domain = np.asarray(list(values), dtype=object)
        if len(set(domain.tolist())) != len(domain):
            raise QualityInputError("value domain has duplicates")
    index = {v: i for i, v in enumerate(domain.tolist())}
    codes = np.full(flat.size, -1, dtype=np.int64)
    try:
        codes[~missing] = [index[v] for v in observed.tolist()]
    except KeyError as exc:
        raise QualityInputError(f"value {exc.args[0]!r} is not in the value domain") from None
    return codes.reshape(arr.shape), domain


def _sorted_domain(observed: np.ndarray) -> np.ndarray:
    distinct = set(observed.tolist())
    try:
        ordered = sorted(distinct)
    except TypeError:
        raise QualityInputError("values of mixed types cannot be ordered; pass values=") from None
    return np.asarray(ordered, dtype=object)


def count_matrix(
    units: Any, values: Any, n_units: int | None = None, n_values: int | None = None
) -> np.ndarray:
    """Units x values count matrix from long-format integer codes (one row per annotation)."""
    u = np.asarray(units, dtype=np.int64)
    v = np.asarray(values, dtype=np.int64)
    if u.shape != v.shape or u.ndim != 1:
        raise QualityInputError("units and values must be 1-D arrays of the same length")
    if u.size and (u.min() < 0 or v.min() < 0):
        raise QualityInputError("codes must be non-negative")
    nu = int(u.max(initial=-1)) + 1 if n_units is None else n_units
    nv = int(v.max(initial=-1)) + 1 if n_values is None else n_values
    return np.bincount(u * nv + v, minlength=nu * nv).reshape(nu, nv)


def value_counts(data: Any, values: Sequence[Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Units x values count matrix (and domain) from an annotators x units matrix."""
    codes, domain = encode_matrix(data, values)
    n_units = codes.shape[1]
    unit = np.broadcast_to(np.arange(n_units), codes.shape)
    keep = codes >= 0
    return count_matrix(unit[keep], codes[keep], n_units, len(domain)), domain


def patterns(counts: np.ndarray, min_pairable: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Distinct count rows and how often each occurs, dropping units with fewer than
    ``min_pairable`` values.

    Resampling units is the same as drawing pattern frequencies from a multinomial, which
    keeps the bootstrap cost independent of the number of units for categorical data.
    """
    counts = np.asarray(counts)
    if counts.ndim != 2:
        raise QualityInputError("counts must be a 2-D units x values matrix")
    if counts.size and counts.min() < 0:
        raise QualityInputError("counts must be non-negative")
    kept = counts[counts.sum(axis=1) >= min_pairable]
    if kept.shape[0] == 0:
        return np.zeros((0, counts.shape[1])), np.zeros(0, dtype=np.int64)
    rows, freq = np.unique(kept, axis=0, return_counts=True)
    return rows.astype(np.float64), freq.astype(np.int64)


def resample_weights(
    freq: np.ndarray, n_boot: int, seed: int | np.random.Generator | None
) -> Iterator[np.ndarray]:
    """Yield chunks of bootstrap pattern weights (rows: resamples, columns: patterns)."""
    rng = np.random.default_rng(seed)
    n = int(freq.sum())
    p = freq / n
    step = max(1, min(n_boot, _CHUNK_CELLS // max(1, len(freq))))
    done = 0
    while done < n_boot:
        size = min(step, n_boot - done)
        yield rng.multinomial(n, p, size=size).astype(np.float64)
        done += size


def bootstrap(
    stat: Callable[[np.ndarray], np.ndarray],
    freq: np.ndarray,
    *,
    n_boot: int,
    seed: int | np.random.Generator | None,
    confidence: float,
) -> Estimate:
    """Point estimate and percentile interval of ``stat`` (weights -> values, row-wise)."""
    if not 0 < confidence < 1:
        raise QualityInputError("confidence must be in (0, 1)")
    if n_boot < 1:
        raise QualityInputError("n_boot must be >= 1")
    n_units = int(freq.sum())
    if n_units == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, 0, n_boot, confidence)
    value = float(stat(freq[None, :].astype(np.float64))[0])
    draws = np.concatenate([stat(w) for w in resample_weights(freq, n_boot, seed)])
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        low = high = float("nan")
    else:
        tail = (1 - confidence) / 2 * 100
        low, high = (float(x) for x in np.percentile(draws, [tail, 100 - tail]))
    return Estimate(value, low, high, n_units, n_boot, confidence)


def safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where den is 0 (an undefined coefficient, not an error)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
