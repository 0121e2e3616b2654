"""Project-wide classification consolidation on integer codes: vectorized majority vote and
Dawid-Skene, which needs every item at once to estimate each annotator's confusions."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality.consolidation._base import Consolidated, aggregator_for, rank_key
from truthline.quality.consolidation.choice import class_names
from truthline.quality.dawid_skene import dawid_skene, multilabel_dawid_skene


def majority_vote(
    items: Any, labels: Any, n_items: int | None = None, n_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per item: winning label code (ties: the lowest code) and its vote share.

    Items with no annotation get label -1 and share 0.
    """
    it = np.asarray(items, dtype=np.int64)
    lb = np.asarray(labels, dtype=np.int64)
    n_i = int(it.max(initial=-1)) + 1 if n_items is None else n_items
    n_k = int(lb.max(initial=-1)) + 1 if n_classes is None else n_classes
    votes = np.bincount(it * n_k + lb, minlength=n_i * n_k).reshape(n_i, n_k)
    total = votes.sum(axis=1)
    winner = votes.argmax(axis=1)  # argmax returns the first maximum: the lowest code
    share = np.divide(votes[np.arange(n_i), winner], total, out=np.zeros(n_i), where=total > 0)
    return np.where(total > 0, winner, -1), share


@dataclass(frozen=True)
class Encoded:
    """Long-format annotations as codes, with the tables to decode them."""

    items: np.ndarray
    annotators: np.ndarray
    labels: np.ndarray
    item_ids: list[Hashable]
    annotator_ids: list[Hashable]
    classes: list[Hashable]


def encode_annotations(
    rows: Iterable[tuple[Hashable, Hashable, Hashable]], classes: list[Any] | None = None
) -> Encoded:
    """Codes for (item, annotator, label) rows. Classes follow ``classes`` (then sorted
    extras), so that tie-breaking by lowest code means "first in the question's classes"."""
    item_ix: dict[Hashable, int] = {}
    ann_ix: dict[Hashable, int] = {}
    raw: list[tuple[int, int, Hashable]] = []
    for item, annotator, label in rows:
        raw.append(
            (
                item_ix.setdefault(item, len(item_ix)),
                ann_ix.setdefault(annotator, len(ann_ix)),
                label,
            )
        )
    seen = {r[2] for r in raw}
    ordered = list(classes or []) + sorted(seen - set(classes or []), key=rank_key(None))
    cls_ix = {c: i for i, c in enumerate(ordered)}
    arr = np.array([(i, a, cls_ix[lab]) for i, a, lab in raw], dtype=np.int64).reshape(-1, 3)
    return Encoded(arr[:, 0], arr[:, 1], arr[:, 2], list(item_ix), list(ann_ix), ordered)


def consolidate_classification_batch(
    rows: Iterable[tuple[Hashable, Hashable, dict[str, Any]]],
    config: dict[str, Any] | None = None,
) -> dict[Hashable, Consolidated]:
    """Classification over a whole project: ``rows`` are (item, annotator, result) with
    results shaped ``{"labels": [...]}``. ``config["method"]`` is "majority" (default) or
    "dawid_skene"; confidence is the vote share or the posterior. With
    ``config["multiple"]`` each label is decided on its own (see ``_multi_label_batch``)."""
    config = config or {}
    method = config.get("method", "majority")
    if method not in ("majority", "dawid_skene"):
        raise QualityInputError("method must be 'majority' or 'dawid_skene'")
    if config.get("multiple"):
        return _multi_label_batch(list(rows), config, method)
    none = object()  # an empty answer is a vote for "no label"
    flat = [(i, a, (r.get("labels") or [none])[0]) for i, a, r in rows]
    used_none = any(lab is none for _, _, lab in flat)
    enc = encode_annotations(flat, [*class_names(config), *([none] if used_none else [])])
    n_i, n_k = len(enc.item_ids), len(enc.classes)
    if method == "majority":
        winner, conf = majority_vote(enc.items, enc.labels, n_i, n_k)
        posterior = None
    else:
        fit = dawid_skene(
            enc.items,
            enc.annotators,
            enc.labels,
            n_items=n_i,
            n_classes=n_k,
            max_iter=int(config.get("max_iter", 100)),
            smoothing=float(config.get("smoothing", 0.01)),
        )
        winner, posterior = fit.labels, fit.posteriors
        conf = posterior[np.arange(n_i), winner]
    out: dict[Hashable, Consolidated] = {}
    for i, item in enumerate(enc.item_ids):
        label = enc.classes[winner[i]]
        support: dict[str, Any] = {"method": method}
        if posterior is not None:
            support["posterior"] = {
                _name(c, none): float(p) for c, p in zip(enc.classes, posterior[i], strict=True)
            }
        out[item] = Consolidated(
            {"labels": [] if label is none else [label]}, float(conf[i]), support
        )
    return out


def _name(label: Any, none: object) -> Any:
    return None if label is none else label


def _multi_label_batch(
    rows: list[tuple[Hashable, Hashable, dict[str, Any]]], config: dict[str, Any], method: str
) -> dict[Hashable, Consolidated]:
    """Multiple choice. "majority": each item on its own, as ``consolidate``. "dawid_skene":
    one binary Dawid-Skene per label over all answers (an answer that leaves a label out
    says it does not apply); the result is the labels with posterior >= 0.5, in class
    order. Confidence per label is the posterior of the decision (p if kept, else 1 - p);
    the item's confidence is their mean over the labels anyone chose or the fit kept."""
    by_item: dict[Hashable, list[dict[str, Any]]] = {}
    for item, _, result in rows:
        by_item.setdefault(item, []).append(result)
    if method == "majority":
        one = aggregator_for("classification")
        return {item: one(results, config, {}) for item, results in by_item.items()}
    enc = encode_annotations((i, a, 0) for i, a, _ in rows)
    seen = {lab for _, _, r in rows for lab in r.get("labels") or []}
    classes = class_names(config)
    labels = [*classes, *sorted(seen - set(classes), key=rank_key(None))]
    column = {lab: n for n, lab in enumerate(labels)}
    chosen = np.zeros((len(rows), len(labels)), dtype=bool)
    for e, (_, _, r) in enumerate(rows):
        for lab in r.get("labels") or []:
            chosen[e, column[lab]] = True
    fit = multilabel_dawid_skene(
        enc.items,
        enc.annotators,
        chosen,
        n_items=len(enc.item_ids),
        max_iter=int(config.get("max_iter", 100)),
        smoothing=float(config.get("smoothing", 0.01)),
    )
    voted = np.zeros((len(enc.item_ids), len(labels)), dtype=bool)
    np.logical_or.at(voted, enc.items, chosen)
    out: dict[Hashable, Consolidated] = {}
    for i, item in enumerate(enc.item_ids):
        post = fit.posteriors[i]
        keep = post >= 0.5
        sure = np.where(keep, post, 1 - post)
        candidates = np.flatnonzero(keep | voted[i])
        out[item] = Consolidated(
            {"labels": [labels[n] for n in np.flatnonzero(keep).tolist()]},
            float(sure[candidates].mean()) if candidates.size else 1.0,
            {
                "method": "dawid_skene",
                "n": len(by_item[item]),
                "posterior": {labels[n]: float(post[n]) for n in range(len(labels))},
                "confidence": {labels[n]: float(sure[n]) for n in candidates.tolist()},
            },
        )
    return out
