"""Dawid-Skene on synthetic annotators: single label against majority vote, and one binary
fit per label for multiple-choice questions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality import QualityInputError, dawid_skene
from truthline.quality.consolidation import consolidate_classification_batch, majority_vote
from truthline.quality.dawid_skene import multilabel_dawid_skene

CLASSES = ["news", "sports", "tech"]


def _single_label(seed: int, n_items: int = 400) -> tuple[np.ndarray, ...]:
    """Five annotators from known confusion matrices: one good, four that are weak and
    biased towards class 0 (majority vote follows their shared bias; Dawid-Skene learns it)."""
    rng = np.random.default_rng(seed)
    k = 3
    truth = rng.integers(0, k, n_items)
    good = np.full((k, k), 0.05) + np.eye(k) * 0.85
    biased = np.array([[0.8, 0.1, 0.1], [0.45, 0.45, 0.1], [0.45, 0.1, 0.45]])
    confusions = [good, biased, biased, biased, biased]
    items, annotators, labels = [], [], []
    for a, conf in enumerate(confusions):
        for i in range(n_items):
            items.append(i)
            annotators.append(a)
            labels.append(rng.choice(k, p=conf[truth[i]]))
    return truth, np.array(items), np.array(annotators), np.array(labels)


def test_dawid_skene_beats_majority_vote_on_average() -> None:
    ds_acc, mv_acc = [], []
    for seed in range(8):
        truth, items, annotators, labels = _single_label(seed)
        fit = dawid_skene(items, annotators, labels, n_classes=3)
        mv, _ = majority_vote(items, labels, len(truth), 3)
        ds_acc.append((fit.labels == truth).mean())
        mv_acc.append((mv == truth).mean())
    assert np.mean(ds_acc) > np.mean(mv_acc) + 0.03
    # The good annotator is the one estimated most accurate.
    accuracy = np.trace(fit.confusion, axis1=1, axis2=2) / 3
    assert accuracy.argmax() == 0


def _multi_label(
    seed: int, n_items: int, rates: list[tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per annotator (true positive rate, false positive rate), the same for every label."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n_items, len(CLASSES))) < 0.35
    items = np.repeat(np.arange(n_items), len(rates))
    annotators = np.tile(np.arange(len(rates)), n_items)
    tpr = np.array([r[0] for r in rates])[annotators, None]
    fpr = np.array([r[1] for r in rates])[annotators, None]
    p = np.where(truth[items], tpr, fpr)
    return truth, items, annotators, rng.random(p.shape) < p


def test_binary_confusion_fixed_values() -> None:
    # Two annotators who agree on every item: each label's 2 x 2 confusion is near identity.
    items = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    annotators = np.array([0, 1] * 4)
    chosen = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1], [0, 0], [0, 0]], bool)
    fit = multilabel_dawid_skene(items, annotators, chosen)
    assert (fit.posteriors >= 0.5).tolist() == [[1, 0], [0, 1], [1, 1], [0, 0]]
    assert fit.priors == pytest.approx([0.5, 0.5], abs=0.01)
    assert fit.confusion.shape == (2, 2, 2, 2)
    assert fit.confusion[0, 0] == pytest.approx(np.eye(2), abs=0.01)
    with pytest.raises(QualityInputError):
        multilabel_dawid_skene(items, annotators, chosen[:3])


def test_multilabel_batch_fixed_values() -> None:
    rows = [
        (1, "x", {"labels": ["news", "tech"]}),
        (1, "y", {"labels": ["news"]}),
        (1, "z", {"labels": ["tech", "news"]}),
        (2, "x", {"labels": []}),
        (2, "y", {"labels": ["sports"]}),
        (2, "z", {"labels": []}),
    ]
    cfg = {"classes": CLASSES, "multiple": True}
    ds = consolidate_classification_batch(rows, {**cfg, "method": "dawid_skene"})
    assert ds[1].result == {"labels": ["news", "tech"]}  # class order
    assert ds[2].result == {"labels": []}
    assert set(ds[1].support["confidence"]) == {"news", "tech"}
    assert set(ds[2].support["confidence"]) == {"sports"}
    assert ds[1].support["posterior"]["sports"] < 0.5
    # Majority: labels kept by 2 of 3, confidence the mean share agreeing with each decision.
    mv = consolidate_classification_batch(rows, {**cfg, "method": "majority"})
    assert mv[1].result == {"labels": ["news", "tech"]}
    assert mv[1].confidence == pytest.approx((1 + 2 / 3) / 2)
    assert mv[2].confidence == pytest.approx(2 / 3)


def test_multilabel_dawid_skene_beats_majority_on_average() -> None:
    # One careful annotator; four who tick labels that do not apply half as often as ones
    # that do. Majority is misled by their shared false positives; the fit discounts them.
    rates = [(0.95, 0.02), (0.7, 0.45), (0.7, 0.45), (0.7, 0.45), (0.7, 0.45)]
    ds_acc, mv_acc = [], []
    for seed in range(6):
        truth, items, annotators, chosen = _multi_label(seed, 300, rates)
        fit = multilabel_dawid_skene(items, annotators, chosen)
        votes = np.zeros(truth.shape)
        np.add.at(votes, items, chosen)
        ds_acc.append(((fit.posteriors >= 0.5) == truth).mean())
        mv_acc.append((votes >= 3).__eq__(truth).mean())
    assert np.mean(ds_acc) > np.mean(mv_acc) + 0.03


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.65, 0.85), st.floats(0.15, 0.35)), min_size=3, max_size=5),
    st.integers(0, 2**32 - 1),
)
def test_follows_a_perfect_annotator_among_random_ones(
    noisy: list[tuple[float, float]], seed: int
) -> None:
    # The others are noisy with random rates, but not coin flips: annotators who carry no
    # information at all leave nothing that tells the fit which of them is right.
    rates = [(1.0, 0.0), *noisy]
    truth, items, annotators, chosen = _multi_label(seed, 400, rates)
    fit = multilabel_dawid_skene(items, annotators, chosen)
    follows = ((fit.posteriors >= 0.5) == truth).mean()
    votes = np.zeros(truth.shape)
    np.add.at(votes, items, chosen)
    assert follows >= 0.94
    assert follows >= ((votes > len(rates) / 2) == truth).mean()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_multilabel_annotator_order_does_not_matter(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rates = [(0.9, 0.1), (0.8, 0.2), (0.6, 0.3)]
    _, items, annotators, chosen = _multi_label(seed, 40, rates)
    rows = [
        (int(i), f"u{a}", {"labels": [c for c, x in zip(CLASSES, row, strict=True) if x]})
        for i, a, row in zip(items, annotators, chosen, strict=True)
    ]
    shuffled = [rows[n] for n in rng.permutation(len(rows))]
    cfg = {"classes": CLASSES, "multiple": True, "method": "dawid_skene"}
    a = consolidate_classification_batch(rows, cfg)
    b = consolidate_classification_batch(shuffled, cfg)
    assert set(a) == set(b)
    for item in a:
        pa, pb = a[item].support["posterior"], b[item].support["posterior"]
        assert pa == pytest.approx(pb, abs=1e-6)
        # A posterior within rounding of 0.5 may fall either side; every other decision holds.
        if all(abs(p - 0.5) > 1e-6 for p in pa.values()):
            assert a[item].result == b[item].result


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(CLASSES), unique=True), min_size=1, max_size=20),
    st.integers(2, 4),
)
def test_identical_answers_are_the_result(answers: list[list[str]], k: int) -> None:
    rows = [(i, a, {"labels": labels}) for i, labels in enumerate(answers) for a in range(k)]
    got = consolidate_classification_batch(
        rows, {"classes": CLASSES, "multiple": True, "method": "dawid_skene"}
    )
    for i, labels in enumerate(answers):
        assert got[i].result == {"labels": [c for c in CLASSES if c in labels]}
        assert got[i].confidence > 0.9
