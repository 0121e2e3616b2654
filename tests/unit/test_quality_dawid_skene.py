"""Dawid-Skene EM on synthetic annotators of known accuracy."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from truthline.quality import QualityInputError, dawid_skene
from truthline.quality.consolidation import (
    consolidate_classification_batch,
    encode_annotations,
    majority_vote,
)

ACCURACY = np.array([0.9, 0.8, 0.55])


def _synthetic(n_items: int, n_classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_classes, n_items)
    items = np.repeat(np.arange(n_items), len(ACCURACY))
    annotators = np.tile(np.arange(len(ACCURACY)), n_items)
    correct = rng.random(items.size) < ACCURACY[annotators]
    wrong = (truth[items] + rng.integers(1, n_classes, items.size)) % n_classes
    return truth, items, annotators, np.where(correct, truth[items], wrong)


def test_recovers_labels_at_least_as_well_as_majority_vote() -> None:
    truth, items, annotators, labels = _synthetic(3000)
    fit = dawid_skene(items, annotators, labels)
    mv, _ = majority_vote(items, labels)
    ds_acc = (fit.labels == truth).mean()
    assert ds_acc >= (mv == truth).mean()
    assert ds_acc > 0.88
    assert fit.converged
    # The diagonal of each confusion matrix is that annotator's accuracy.
    diag = np.diagonal(fit.confusion, axis1=1, axis2=2).mean(axis=1)
    assert diag == pytest.approx(ACCURACY, abs=0.03)
    assert fit.priors == pytest.approx([1 / 3] * 3, abs=0.03)
    assert np.allclose(fit.posteriors.sum(axis=1), 1.0)
    assert np.allclose(fit.confusion.sum(axis=2), 1.0)


def test_small_sample_from_the_evaluation() -> None:
    # 3 annotators x 50 items, as in the dependency evaluation; DS must not lose to MV.
    truth, items, annotators, labels = _synthetic(50, seed=11)
    fit = dawid_skene(items, annotators, labels)
    mv, _ = majority_vote(items, labels)
    assert (fit.labels == truth).mean() >= (mv == truth).mean()


def test_is_deterministic_and_independent_of_row_order() -> None:
    _, items, annotators, labels = _synthetic(500, seed=3)
    order = np.random.default_rng(1).permutation(items.size)
    a = dawid_skene(items, annotators, labels)
    b = dawid_skene(items[order], annotators[order], labels[order])
    assert np.allclose(a.posteriors, b.posteriors, atol=1e-9)
    assert (a.labels == b.labels).all()


def test_agrees_with_crowd_kit_if_installed() -> None:
    if importlib.util.find_spec("crowdkit") is None:
        pytest.skip("crowd-kit is not installed (deliberately not a dependency: ~870 MB)")
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    truth, items, annotators, labels = _synthetic(1000, seed=5)
    frame = pd.DataFrame({"task": items, "worker": annotators, "label": labels})
    theirs = DawidSkene(n_iter=100).fit_predict(frame).sort_index().to_numpy()
    ours = dawid_skene(items, annotators, labels).labels
    assert (ours == theirs).mean() > 0.99


def test_rejects_bad_codes() -> None:
    with pytest.raises(QualityInputError):
        dawid_skene([0, 1], [0], [0, 1])
    with pytest.raises(QualityInputError):
        dawid_skene([0, -1], [0, 0], [0, 1])
    with pytest.raises(QualityInputError):
        dawid_skene([0, 1], [0, 0], [0, 3], n_classes=2)


def test_majority_vote_ties_and_empty_items() -> None:
    winner, share = majority_vote([0, 0, 1, 1, 1], [2, 1, 0, 0, 1], n_items=3, n_classes=3)
    assert winner.tolist() == [1, 0, -1]  # item 0 ties 1-1: lowest code wins
    assert share.tolist() == pytest.approx([0.5, 2 / 3, 0.0])


def test_batch_consolidation_by_name() -> None:
    rows = [
        ("i1", "ann1", {"labels": ["pos"]}),
        ("i1", "ann2", {"labels": ["neg"]}),
        ("i1", "ann3", {"labels": ["pos"]}),
        ("i2", "ann1", {"labels": ["neg"]}),
        ("i2", "ann2", {"labels": []}),
    ]
    config = {"classes": ["pos", "neg", "neu"]}
    out = consolidate_classification_batch(rows, config)
    assert out["i1"].result == {"labels": ["pos"]} and out["i1"].confidence == pytest.approx(2 / 3)
    assert out["i2"].result == {"labels": ["neg"]}  # 1-1 tie: "neg" is before "no label"
    ds = consolidate_classification_batch(rows, {**config, "method": "dawid_skene"})
    assert ds["i1"].result == {"labels": ["pos"]}
    assert sum(ds["i1"].support["posterior"].values()) == pytest.approx(1.0)


def test_encode_annotations_orders_classes_by_config() -> None:
    enc = encode_annotations(
        [("x", "a", "neu"), ("x", "b", "pos"), ("y", "a", "zzz")], ["pos", "neu"]
    )
    assert enc.classes == ["pos", "neu", "zzz"]
    assert enc.labels.tolist() == [1, 0, 2]
    assert enc.item_ids == ["x", "y"] and enc.annotator_ids == ["a", "b"]
