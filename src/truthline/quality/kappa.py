"""Kappa-family coefficients: Fleiss (many raters), Cohen (two raters, optionally weighted),
the pairwise Cohen matrix across annotators, and plain percent agreement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from truthline.quality._common import (
    Estimate,
    QualityInputError,
    bootstrap,
    encode_matrix,
    patterns,
    safe_ratio,
    value_counts,
)

Weights = Literal["linear", "quadratic"] | None


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa from a units x categories count matrix with the same raters per unit.

    Units rated by nobody are ignored; NaN when chance agreement is 1 (one category only).
    """
    rows, freq, n = _fleiss_prepare(counts)
    if freq.size == 0:
        return float("nan")
    return float(_fleiss_rows(freq[None, :].astype(np.float64), rows, n)[0])


def fleiss_kappa_ci(
    counts: Any,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> Estimate:
    rows, freq, n = _fleiss_prepare(counts)
    return bootstrap(
        lambda w: _fleiss_rows(w, rows, n), freq, n_boot=n_boot, seed=seed, confidence=confidence
    )


def _fleiss_prepare(counts: Any) -> tuple[np.ndarray, np.ndarray, int]:
    matrix = np.asarray(counts)
    if matrix.ndim != 2:
        raise QualityInputError("counts must be a 2-D units x categories matrix")
    raters = matrix.sum(axis=1)
    raters = raters[raters > 0]
    if raters.size and (raters != raters[0]).any():
        raise QualityInputError(
            "Fleiss' kappa needs the same number of raters per unit; use Krippendorff's alpha"
        )
    n = int(raters[0]) if raters.size else 0
    if raters.size and n < 2:
        raise QualityInputError("Fleiss' kappa needs at least two raters per unit")
    rows, freq = patterns(matrix, min_pairable=max(n, 1))
    return rows, freq, n


def _fleiss_rows(weights: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    # P_i: share of agreeing rater pairs in unit i; p_j: share of all ratings in category j.
    per_unit = ((rows**2).sum(axis=1) - n) / (n * (n - 1))
    units = weights.sum(axis=1)
    p_bar = weights @ per_unit / units
    p_j = weights @ rows / (units[:, None] * n)
    p_e = (p_j**2).sum(axis=1)
    return safe_ratio(p_bar - p_e, 1 - p_e)


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    *,
    weights: Weights = None,
    values: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa between two raters over the items both rated (None/NaN = not rated).

    ``weights`` "linear" or "quadratic" gives weighted kappa for ordered categories, in the
    order of ``values`` (default: sorted).
    """
    cells, n_val = _cohen_prepare(a, b, values)
    if cells.sum() == 0:
        return float("nan")
    return float(_cohen_rows(cells[None, :].astype(np.float64), n_val, weights)[0])


def cohen_kappa_ci(
    a: Sequence[Any],
    b: Sequence[Any],
    *,
    weights: Weights = None,
    values: Sequence[Any] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> Estimate:
    """Cohen's kappa with a bootstrap interval over the jointly rated items."""
    cells, n_val = _cohen_prepare(a, b, values)
    return bootstrap(
        lambda w: _cohen_rows(w, n_val, weights),
        cells,
        n_boot=n_boot,
        seed=seed,
        confidence=confidence,
    )


def _cohen_prepare(
    a: Sequence[Any], b: Sequence[Any], values: Sequence[Any] | None
) -> tuple[np.ndarray, int]:
    a_list, b_list = list(a), list(b)
    if len(a_list) != len(b_list):
        raise QualityInputError("both raters must cover the same items")
    codes, domain = encode_matrix([a_list, b_list], values)
    return _confusion(codes[0], codes[1], len(domain)).ravel(), len(domain)


def _confusion(x: np.ndarray, y: np.ndarray, n_val: int) -> np.ndarray:
    both = (x >= 0) & (y >= 0)
    flat = np.bincount(x[both] * n_val + y[both], minlength=n_val * n_val)
    return flat.reshape(n_val, n_val)


def _disagreement(n_val: int, weights: Weights) -> np.ndarray:
    idx = np.arange(n_val)
    gap = np.abs(idx[:, None] - idx[None, :]).astype(np.float64)
    if weights is None:
        return (gap > 0).astype(np.float64)
    if weights not in ("linear", "quadratic"):
        raise QualityInputError("weights must be None, 'linear' or 'quadratic'")
    scale = max(1, n_val - 1)
    return gap / scale if weights == "linear" else (gap / scale) ** 2


def _cohen_rows(cells: np.ndarray, n_val: int, weights: Weights) -> np.ndarray:
    # kappa = 1 - sum(w * observed) / sum(w * expected); with 0/1 weights this is the usual
    # (p_o - p_e) / (1 - p_e).
    w = _disagreement(n_val, weights).ravel()
    total = cells.sum(axis=1)
    conf = cells.reshape(-1, n_val, n_val) / total[:, None, None]
    expected = (conf.sum(axis=2)[:, :, None] * conf.sum(axis=1)[:, None, :]).reshape(len(cells), -1)
    return 1 - safe_ratio(conf.reshape(len(cells), -1) @ w, expected @ w)


def pairwise_cohen(
    data: Any,
    *,
    weights: Weights = None,
    values: Sequence[Any] | None = None,
    min_common: int = 2,
) -> np.ndarray:
    """Annotators x annotators matrix of Cohen's kappa over the items each pair shares.

    ``data``: annotators x units matrix (None/NaN = not rated). NaN where a pair shares fewer
    than ``min_common`` items or kappa is undefined.
    """
    codes, domain = encode_matrix(data, values)
    n_ann, n_val = codes.shape[0], len(domain)
    out = np.full((n_ann, n_ann), np.nan)
    for i in range(n_ann):
        for j in range(i, n_ann):
            conf = _confusion(codes[i], codes[j], n_val)
            if conf.sum() >= min_common:
                out[i, j] = out[j, i] = _cohen_rows(conf.reshape(1, -1), n_val, weights)[0]
    return out


def percent_agreement(data: Any = None, *, counts: Any = None) -> float:
    """Mean over units (with >= 2 ratings) of the share of rater pairs that agree."""
    rows, freq = _percent_prepare(data, counts)
    if freq.size == 0:
        return float("nan")
    return float(_percent_rows(freq[None, :].astype(np.float64), rows)[0])


def percent_agreement_ci(
    data: Any = None,
    *,
    counts: Any = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> Estimate:
    rows, freq = _percent_prepare(data, counts)
    return bootstrap(
        lambda w: _percent_rows(w, rows), freq, n_boot=n_boot, seed=seed, confidence=confidence
    )


def _percent_prepare(data: Any, counts: Any) -> tuple[np.ndarray, np.ndarray]:
    if (data is None) == (counts is None):
        raise QualityInputError("pass exactly one of data or counts")
    matrix = value_counts(data)[0] if data is not None else np.asarray(counts)
    return patterns(matrix)


def _percent_rows(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    m = rows.sum(axis=1)
    per_unit = (rows * (rows - 1)).sum(axis=1) / (m * (m - 1))
    return weights @ per_unit / weights.sum(axis=1)
