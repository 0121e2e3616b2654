"""Krippendorff's alpha for nominal, ordinal, interval and ratio data, with missing values.

Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": a coincidence
matrix over pairable values, observed vs expected disagreement, alpha = 1 - Do / De.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy import sparse

from truthline.quality._common import (
    Estimate,
    QualityInputError,
    bootstrap,
    patterns,
    safe_ratio,
    value_counts,
)

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

# Coincidence matrices are V x V per resample; beyond this many distinct values the data is
# continuous in practice and should be binned before asking for alpha.
MAX_VALUES = 2000
_SLICE_CELLS = 2_000_000


def krippendorff_alpha(
    data: Any = None,
    level: Level = "nominal",
    *,
    counts: Any = None,
    values: Sequence[Any] | None = None,
) -> float:
    """Krippendorff's alpha; NaN when undefined (fewer than two pairable values, or no variation).

    ``data``: annotators x units matrix, missing as None/NaN. Or ``counts``: units x values
    matrix of how many annotators gave each value (then ``values`` names its columns; numeric
    levels default to 0..V-1). ``values`` fixes the domain and its order for ordinal data.
    """
    q, freq, domain = _prepare(data, counts, values, level)
    if freq.size == 0:
        return float("nan")
    return float(_alpha_rows(q.T @ freq[:, None].astype(np.float64), domain, level)[0])


def krippendorff_alpha_ci(
    data: Any = None,
    level: Level = "nominal",
    *,
    counts: Any = None,
    values: Sequence[Any] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> Estimate:
    """Alpha with a percentile bootstrap interval over pairable units (units resampled)."""
    q, freq, domain = _prepare(data, counts, values, level)
    qt = q.T.tocsr()

    # Resamples per slice so that the B x V x V distance tensors stay small.
    step = max(1, _SLICE_CELLS // max(1, len(domain) ** 2))

    def stat(weights: np.ndarray) -> np.ndarray:
        parts = [
            _alpha_rows(qt @ weights[i : i + step].T, domain, level)
            for i in range(0, len(weights), step)
        ]
        return np.concatenate(parts)

    return bootstrap(stat, freq, n_boot=n_boot, seed=seed, confidence=confidence)


def _prepare(
    data: Any, counts: Any, values: Sequence[Any] | None, level: str
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    if level not in LEVELS:
        raise QualityInputError(f"level must be one of {', '.join(LEVELS)}")
    if (data is None) == (counts is None):
        raise QualityInputError("pass exactly one of data or counts")
    if data is not None:
        matrix, domain = value_counts(data, values)
    else:
        matrix = np.asarray(counts)
        n_values = matrix.shape[1] if matrix.ndim == 2 else 0
        domain = np.arange(n_values) if values is None else np.asarray(list(values), dtype=object)
        if len(domain) != n_values:
            raise QualityInputError("values must name every column of counts")
    if len(domain) > MAX_VALUES:
        raise QualityInputError(f"more than {MAX_VALUES} distinct values; bin them first")
    if level in ("interval", "ratio"):
        domain = _numeric(domain)
    rows, freq = patterns(matrix)
    return _pattern_coincidences(rows), freq, domain


def _numeric(domain: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(domain, dtype=np.float64)
    except (TypeError, ValueError):
        raise QualityInputError("interval and ratio alpha need numeric values") from None


def _pattern_coincidences(rows: np.ndarray) -> sparse.csr_matrix:
    """Per pattern, its flattened V x V contribution to the coincidence matrix.

    A unit with m_u values adds n_uc * n_uk / (m_u - 1) to o_ck (minus n_uc on the diagonal,
    since a value is not paired with itself).
    """
    n_pat, n_val = rows.shape
    pat, val = np.nonzero(rows)
    per_row = np.bincount(pat, minlength=n_pat)
    start = np.concatenate(([0], np.cumsum(per_row)[:-1]))
    # Self-join the non-zero entries of each pattern: entry e pairs with every entry of its row.
    reps = per_row[pat]
    first = np.repeat(np.arange(pat.size), reps)
    block = np.repeat(np.cumsum(reps) - reps, reps)
    second = start[pat[first]] + (np.arange(first.size) - block)
    n1 = rows[pat[first], val[first]]
    n2 = rows[pat[second], val[second]]
    m = rows.sum(axis=1)[pat[first]]
    weight = (n1 * n2 - np.where(first == second, n1, 0.0)) / (m - 1)
    cols = val[first] * n_val + val[second]
    return sparse.csr_matrix((weight, (pat[first], cols)), shape=(n_pat, n_val * n_val))


def _alpha_rows(o_t: np.ndarray, domain: np.ndarray, level: str) -> np.ndarray:
    """Alpha per column of ``o_t`` (V*V x B flattened coincidence matrices)."""
    o_t = np.asarray(o_t)
    n_val = len(domain)
    o = o_t.T.reshape(-1, n_val, n_val)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "ordinal":
        d = _ordinal_distance(n_c)
        observed = np.einsum("bck,bck->b", o, d)
        expected = np.einsum("bc,bck,bk->b", n_c, d, n_c)
    else:
        d = _fixed_distance(domain, level)
        observed = o.reshape(len(n), -1) @ d.ravel()
        expected = np.einsum("bc,ck,bk->b", n_c, d, n_c)
    # alpha = 1 - Do/De with Do = sum(o*d)/n and De = sum(n_c*n_k*d)/(n*(n-1)).
    alpha = 1 - safe_ratio((n - 1) * observed, expected)
    alpha[n < 2] = np.nan
    return alpha


def _fixed_distance(domain: np.ndarray, level: str) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(domain))
    v = domain.astype(np.float64)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    return _ratio(diff, total)


def _ratio(diff: np.ndarray, total: np.ndarray) -> np.ndarray:
    # ((c - k) / (c + k))^2, defined as 0 when both values are 0.
    out = np.zeros_like(diff)
    np.divide(diff, total, out=out, where=total != 0)
    return out**2


def _ordinal_distance(n_c: np.ndarray) -> np.ndarray:
    """Per resample (rows of n_c): (sum of n_g for g from c to k - (n_c + n_k) / 2)^2."""
    n_val = n_c.shape[1]
    cum = np.cumsum(n_c, axis=1)
    idx = np.arange(n_val)
    lo = np.minimum(idx[:, None], idx[None, :])
    hi = np.maximum(idx[:, None], idx[None, :])
    between = cum[:, hi] - cum[:, lo] + n_c[:, lo]
    return (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
