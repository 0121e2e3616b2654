"""Dawid-Skene (1979) EM for classification: true labels, class priors and one confusion
matrix per annotator, estimated jointly from integer-coded annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError


@dataclass(frozen=True)
class DawidSkeneResult:
    posteriors: np.ndarray  # items x classes, P(true class | annotations)
    labels: np.ndarray  # items, argmax of posteriors (lowest class on ties)
    priors: np.ndarray  # classes
    confusion: np.ndarray  # annotators x true class x given label, rows sum to 1
    log_likelihood: float
    n_iter: int
    converged: bool


def dawid_skene(
    items: Any,
    annotators: Any,
    labels: Any,
    *,
    n_items: int | None = None,
    n_annotators: int | None = None,
    n_classes: int | None = None,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> DawidSkeneResult:
    """Fit Dawid-Skene by EM, starting from majority-vote shares.

    One row per annotation: ``items[e]``, ``annotators[e]``, ``labels[e]`` are 0-based codes.
    ``smoothing`` is a pseudo-count added to every confusion cell and prior, which keeps an
    annotator who never used a label from zeroing out a class. Stops when the log-likelihood
    improves by less than ``tol`` relative, or after ``max_iter`` iterations.
    """
    it, an, lb = _codes(items, annotators, labels)
    n_i = _size(it, n_items)
    n_a = _size(an, n_annotators)
    n_k = _size(lb, n_classes)
    post = _majority_shares(it, lb, n_i, n_k)
    priors, log_conf = _m_step(post, it, an, lb, n_a, n_k, smoothing)
    prev = -np.inf
    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        n_iter += 1
        post, ll = _e_step(priors, log_conf, it, an, lb, n_i)
        priors, log_conf = _m_step(post, it, an, lb, n_a, n_k, smoothing)
        converged = bool(np.isfinite(prev) and abs(ll - prev) <= tol * abs(prev))
        prev = ll
    post, ll = _e_step(priors, log_conf, it, an, lb, n_i)
    return DawidSkeneResult(
        posteriors=post,
        labels=post.argmax(axis=1),
        priors=priors,
        confusion=np.exp(log_conf),
        log_likelihood=float(ll),
        n_iter=n_iter,
        converged=converged,
    )


def _codes(items: Any, annotators: Any, labels: Any) -> tuple[np.ndarray, ...]:
    arrays = tuple(np.asarray(x, dtype=np.int64) for x in (items, annotators, labels))
    if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
        raise QualityInputError("items, annotators and labels must be 1-D and of equal length")
    if arrays[0].size == 0:
        raise QualityInputError("no annotations")
    if min(int(a.min()) for a in arrays) < 0:
        raise QualityInputError("codes must be non-negative")
    return arrays


def _size(codes: np.ndarray, given: int | None) -> int:
    needed = int(codes.max()) + 1
    if given is not None and given < needed:
        raise QualityInputError("a code is out of range of the given size")
    return needed if given is None else given


def _majority_shares(it: np.ndarray, lb: np.ndarray, n_i: int, n_k: int) -> np.ndarray:
    votes = np.bincount(it * n_k + lb, minlength=n_i * n_k).reshape(n_i, n_k).astype(np.float64)
    total = votes.sum(axis=1, keepdims=True)
    # Items nobody annotated start uniform; they only ever get the prior.
    return np.divide(votes, total, out=np.full_like(votes, 1.0 / n_k), where=total > 0)


def _m_step(
    post: np.ndarray,
    it: np.ndarray,
    an: np.ndarray,
    lb: np.ndarray,
    n_a: int,
    n_k: int,
    smoothing: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Priors and per-annotator confusion (log) from soft labels."""
    priors = post.sum(axis=0) + smoothing
    priors /= priors.sum()
    soft = post[it]  # annotations x classes
    cell = an * n_k + lb
    counts = np.empty((n_a, n_k, n_k))
    for k in range(n_k):
        counts[:, k, :] = np.bincount(cell, weights=soft[:, k], minlength=n_a * n_k).reshape(
            n_a, n_k
        )
    counts += smoothing
    counts /= counts.sum(axis=2, keepdims=True)
    return priors, np.log(counts)


def _e_step(
    priors: np.ndarray,
    log_conf: np.ndarray,
    it: np.ndarray,
    an: np.ndarray,
    lb: np.ndarray,
    n_i: int,
) -> tuple[np.ndarray, float]:
    """Posteriors over true classes and the data log-likelihood."""
    per_ann = log_conf[an, :, lb]  # annotations x true classes
    n_k = len(priors)
    log_post = np.empty((n_i, n_k))
    for k in range(n_k):
        log_post[:, k] = np.bincount(it, weights=per_ann[:, k], minlength=n_i)
    log_post += np.log(priors)
    top = log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post - top)
    norm = post.sum(axis=1, keepdims=True)
    post /= norm
    return post, float((np.log(norm) + top).sum())


@dataclass(frozen=True)
class MultiLabelResult:
    """One binary Dawid-Skene per label (absent = 0, present = 1)."""

    posteriors: np.ndarray  # items x labels, P(label truly applies | annotations)
    priors: np.ndarray  # labels, estimated share of items the label applies to
    confusion: np.ndarray  # annotators x labels x true (absent, present) x given, rows sum to 1
    converged: np.ndarray  # labels, whether each fit converged


def multilabel_dawid_skene(
    items: Any,
    annotators: Any,
    chosen: Any,
    *,
    n_items: int | None = None,
    n_annotators: int | None = None,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> MultiLabelResult:
    """Dawid-Skene for questions where several labels may apply.

    One row per answer: ``items[e]`` and ``annotators[e]`` are codes and ``chosen[e]`` a
    boolean row over the labels (True: the annotator chose it). Each label is its own
    present/absent problem over the items where an annotator answered the question, so an
    annotator gets one 2 x 2 confusion matrix per label: someone who over-uses one label is
    discounted on that label only.
    """
    picks = np.asarray(chosen, dtype=bool)
    it, an, _ = _codes(items, annotators, np.zeros(len(picks), dtype=np.int64))
    if picks.ndim != 2 or picks.shape[0] != it.size:
        raise QualityInputError("chosen must be an answers x labels matrix")
    n_i, n_a, n_l = _size(it, n_items), _size(an, n_annotators), picks.shape[1]
    posteriors = np.zeros((n_i, n_l))
    priors = np.zeros(n_l)
    confusion = np.zeros((n_a, n_l, 2, 2))
    converged = np.zeros(n_l, dtype=bool)
    for label in range(n_l):
        fit = dawid_skene(
            it,
            an,
            picks[:, label].astype(np.int64),
            n_items=n_i,
            n_annotators=n_a,
            n_classes=2,
            max_iter=max_iter,
            tol=tol,
            smoothing=smoothing,
        )
        posteriors[:, label] = fit.posteriors[:, 1]
        priors[label] = fit.priors[1]
        confusion[:, label] = fit.confusion
        converged[label] = fit.converged
    return MultiLabelResult(posteriors, priors, confusion, converged)
