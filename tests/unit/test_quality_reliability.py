"""Per-annotator scores against gold and against the consensus, and rolling accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from truthline.quality import consolidate
from truthline.quality.agreement import score_against
from truthline.quality.reliability import (
    accuracy_from_codes,
    consensus_accuracy,
    gold_accuracy,
    rolling_accuracy,
    wilson_interval,
)
from truthline.services.quality_data import Question
from truthline.services.reliability import consensus_scores


def lab(x: str) -> dict:
    return {"labels": [x]}


RECORDS = [
    ("ann", "i1", lab("a")),
    ("ann", "i2", lab("b")),
    ("bob", "i1", lab("a")),
    ("bob", "i2", lab("a")),
    ("cat", "i1", lab("b")),
    ("cat", "i2", lab("b")),
]


def test_gold_accuracy_with_wilson_interval() -> None:
    gold = {"i1": lab("a"), "i2": lab("b")}
    got = gold_accuracy("classification", RECORDS, gold)
    assert got["ann"].accuracy == 1.0 and got["ann"].n == 2
    assert got["bob"].accuracy == 0.5 and got["cat"].correct == 1
    assert got["ann"].low == pytest.approx(wilson_interval(2, 2)[0])
    assert 0 < got["bob"].low < 0.5 < got["bob"].high < 1


def test_wilson_interval_known_value() -> None:
    low, high = wilson_interval(8, 10)  # textbook: 0.490 .. 0.943
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943


def test_consensus_accuracy_leave_one_out_and_given() -> None:
    # Leave-one-out: each is graded against the other two; a 1-1 tie goes to "a".
    loo = consensus_accuracy("classification", RECORDS)
    assert {a: s.accuracy for a, s in loo.items()} == {"ann": 0.5, "bob": 0.5, "cat": 0.0}
    assert loo["ann"].n == 2
    consensus = {
        i: consolidate("classification", [r for _, j, r in RECORDS if j == i]) for i in ("i1", "i2")
    }
    given = consensus_accuracy(
        "classification", RECORDS, consolidated=consensus, leave_one_out=False
    )
    assert given["ann"].accuracy == 1.0 and given["cat"].accuracy == 0.5


def test_partial_credit_scores() -> None:
    ref = {"boxes": [{"id": "1", "x": 0, "y": 0, "w": 10, "h": 10, "label": "car"}]}
    two = {"boxes": [*ref["boxes"], {"id": "2", "x": 50, "y": 50, "w": 5, "h": 5, "label": "car"}]}
    assert score_against("bbox", two, ref) == pytest.approx(2 / 3)
    assert score_against("rating", {"value": 2}, {"value": 4}, {"min": 1, "max": 5}) == 0.5
    assert score_against("classification", {"labels": ["a", "b"]}, {"labels": ["a"]}) == 0.5
    assert score_against("ranking", {"order": ["b", "a"]}, {"order": ["a", "b"]}) == 0.0
    assert score_against("free_text", {"text": "abcd"}, {"text": "abcx"}) == 0.75


def test_rolling_accuracy_uses_a_trailing_window_in_time_order() -> None:
    events = [("u", 3, 0.0), ("u", 1, 1.0), ("u", 2, 1.0), ("v", 1, 0.0), ("u", 4, 0.0)]
    got = rolling_accuracy(events, window=2)
    assert got["u"] == [(1, 1.0), (2, 1.0), (3, 0.5), (4, 0.0)]
    assert got["v"] == [(1, 0.0)]


def test_accuracy_from_codes() -> None:
    acc, count = accuracy_from_codes(
        [0, 0, 1, 1, 1], [2, 1, 0, 0, 1], [2, 2, 0, -1, 0], n_annotators=3
    )
    assert count.tolist() == [2, 2, 0]
    assert acc[:2].tolist() == [0.5, 0.5] and np.isnan(acc[2])


SENTIMENT = Question(
    "sentiment", "classification", {"name": "sentiment", "classes": ["pos", "neg", "neu"]}
)


def test_consensus_scores_leave_the_annotator_out() -> None:
    # Two against two: the stored consensus (all four, tie to the first class) is "pos", so
    # the two "pos" voters would agree with it only thanks to their own votes. Left out, each
    # faces the other three, whose majority is the opposite label.
    given = {1: lab("neg"), 2: lab("neg"), 3: lab("pos"), 4: lab("pos")}
    got = dict(consensus_scores(SENTIMENT, given, stored=lab("pos")))
    assert got == {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}
    # 2 and 3 each face a neu-neg split: no majority of the others, so they are not scored
    three = {1: lab("neu"), 2: lab("neg"), 3: lab("neg")}
    assert dict(consensus_scores(SENTIMENT, three, stored=lab("neg"))) == {1: 0.0}


def test_consensus_scores_use_the_stored_result_with_one_other() -> None:
    pair = {1: lab("neu"), 2: lab("pos")}
    assert dict(consensus_scores(SENTIMENT, pair, stored=lab("pos"))) == {1: 0.0, 2: 1.0}
    assert consensus_scores(SENTIMENT, pair, stored=None) == []  # not consolidated yet
    assert consensus_scores(SENTIMENT, {1: lab("pos")}, stored=lab("pos")) == []


def test_consensus_scores_take_the_others_as_reviewers_fixed_them() -> None:
    submitted = {1: lab("neg"), 2: lab("neg"), 3: lab("neg"), 4: lab("pos")}
    fixed = {**submitted, 2: lab("pos"), 3: lab("pos")}  # a reviewer corrected 2 and 3
    got = dict(consensus_scores(SENTIMENT, submitted, stored=None, basis=fixed))
    assert got == {1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0}  # each scored on what they submitted
    raw = dict(consensus_scores(SENTIMENT, submitted, stored=None))
    assert raw == {1: 1.0, 2: 1.0, 3: 1.0, 4: 0.0}
