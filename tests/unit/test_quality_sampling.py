"""Z1.4-style sampling plans and seeded sample selection."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality import QualityInputError
from truthline.quality.sampling import (
    AQLS,
    accept_lot,
    allocate,
    code_letter,
    random_sample,
    risk_ranked_sample,
    risk_weighted_sample,
    sampling_plan,
    stratified_items,
    stratified_sample,
)
from truthline.services.review_sampling import ItemRisk, _confidence, _pairwise_agreement


@pytest.mark.parametrize(
    ("lot", "letter"),
    [(2, "A"), (8, "A"), (9, "B"), (90, "E"), (91, "F"), (500, "H"), (1000, "J"),
     (1201, "K"), (10000, "L"), (35001, "N"), (500001, "Q")],
)  # fmt: skip
def test_code_letters_level_ii(lot: int, letter: str) -> None:
    assert code_letter(lot) == letter


@pytest.mark.parametrize(
    ("lot", "aql", "n", "ac"),
    [
        (1000, 2.5, 80, 5),  # J
        (1000, 1.0, 80, 2),
        (1000, 4.0, 80, 7),
        (1000, 0.65, 80, 1),
        (500, 2.5, 50, 3),  # H
        (3000, 2.5, 125, 7),  # K
        (5000, 1.0, 200, 5),  # L
        (100, 4.0, 20, 2),  # F
        (1000, 6.5, 80, 10),
        (1000, 10.0, 80, 14),
    ],
)
def test_single_sampling_normal_inspection(lot: int, aql: float, n: int, ac: int) -> None:
    plan = sampling_plan(lot, aql)
    assert (plan.sample_size, plan.accept, plan.reject) == (n, ac, ac + 1)


def test_arrows_move_to_another_plan() -> None:
    down = sampling_plan(200, 0.65)  # G row, AQL 0.65: Ac 0 with n = 32
    assert (down.code_letter, down.plan_letter, down.sample_size, down.accept) == ("G", "G", 32, 0)
    up = sampling_plan(60, 2.5)  # E, AQL 2.5 is the arrow after Ac 0: use D's plan (n 8)
    assert (up.plan_letter, up.sample_size, up.accept) == ("D", 8, 0)
    tiny = sampling_plan(10, 0.65)  # plan n 32 > lot: inspect all of it
    assert tiny.sample_size == 10 and tiny.full_inspection and tiny.accept == 0


def test_accept_lot() -> None:
    plan = sampling_plan(1000, 2.5)
    assert accept_lot(5, plan) and not accept_lot(6, plan)
    with pytest.raises(QualityInputError):
        accept_lot(-1, plan)


def test_rejects_unknown_aql_and_tiny_lots() -> None:
    with pytest.raises(QualityInputError):
        sampling_plan(1000, 3.0)
    with pytest.raises(QualityInputError):
        sampling_plan(1, 2.5)


@settings(max_examples=200, deadline=None)
@given(lot=st.integers(2, 2_000_000), aql=st.sampled_from(AQLS))
def test_every_plan_is_well_formed(lot: int, aql: float) -> None:
    plan = sampling_plan(lot, aql)
    assert 1 <= plan.sample_size <= lot
    assert plan.reject == plan.accept + 1 and plan.accept < plan.sample_size + 1


def test_random_sample_is_seeded_and_distinct() -> None:
    ids = [f"i{k}" for k in range(100)]
    a = random_sample(ids, 10, seed=4)
    assert a == random_sample(ids, 10, seed=4) and len(set(a)) == 10
    assert a != random_sample(ids, 10, seed=5)
    assert random_sample(ids, 500) == ids


def test_stratified_sample_is_proportional() -> None:
    ids = list(range(100))
    strata = ["a"] * 70 + ["b"] * 20 + ["c"] * 10
    got = stratified_sample(ids, strata, 10, seed=1)
    assert Counter(strata[i] for i in got) == {"a": 7, "b": 2, "c": 1}
    floor = stratified_sample(ids, ["a"] * 98 + ["b", "c"], 5, seed=1, min_per_stratum=1)
    assert {98, 99} <= set(floor) and len(floor) == 5


def test_risk_weighted_sample_prefers_risky_items() -> None:
    ids = list(range(1000))
    risks = [10.0 if i < 100 else 0.1 for i in ids]
    got = risk_weighted_sample(ids, risks, 100, seed=0)
    assert sum(1 for i in got if i < 100) > 70
    zero = risk_weighted_sample(["x", "y", "z"], [0, 1, 0], 2, seed=0)
    assert zero[0] == "y"


@settings(max_examples=300, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(0, 400), min_size=1, max_size=30))
def test_allocation_is_proportional_and_adds_up(data: st.DataObject, sizes: list[int]) -> None:
    total = sum(sizes)
    budget = data.draw(st.integers(0, total))
    quota = allocate(sizes, budget)
    assert sum(quota) == budget
    for size, q in zip(sizes, quota, strict=True):
        share = budget * size / total if total else 0.0
        assert abs(q - share) < 1 and 0 <= q <= size
    # Representation: each non-empty stratum gets one whenever the rounding leaves enough.
    floors = [budget * s // total for s in sizes] if total else [0] * len(sizes)
    unrepresented = sum(1 for s, f in zip(sizes, floors, strict=True) if s and not f)
    if unrepresented <= budget - sum(floors):
        assert all(q >= 1 for s, q in zip(sizes, quota, strict=True) if s and budget)


def test_allocation_examples_and_bad_input() -> None:
    assert allocate([70, 20, 10], 10) == [7, 2, 1]
    assert allocate([98, 1, 1], 5) == [4, 1, 0]  # 4.9, 0.05, 0.05: the leftover one goes to a
    assert allocate([5, 5, 0], 3) == [2, 1, 0]  # stratum with none; ties by order
    with pytest.raises(QualityInputError):
        allocate([1, 2], 4)
    with pytest.raises(QualityInputError):
        allocate([-1, 2], 1)


@settings(max_examples=200, deadline=None)
@given(
    items=st.integers(1, 60),
    overlap=st.integers(1, 4),
    people=st.integers(1, 6),
    labels=st.integers(1, 3),
    rate=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_stratified_items_draws_exactly_n_items(
    items: int, overlap: int, people: int, labels: int, rate: float, seed: int
) -> None:
    ids = [f"i{k}" for k in range(items)]
    units = [
        (item, f"u{(k + j) % people}|l{(k * 7 + j) % labels}")
        for k, item in enumerate(ids)
        for j in range(min(overlap, people))
    ]
    n = round(rate * items)
    got = stratified_items(units, ids, n, seed)
    assert len(got) == n == len(set(got)) and set(got) <= set(ids)
    assert got == sorted(got, key=ids.index) and got == stratified_items(units, ids, n, seed)
    strata = sorted({s for _, s in units})
    quota = allocate([sum(1 for _, s in units if s == key) for key in strata], n)
    for key, q in zip(strata, quota, strict=True):
        if q:  # every stratum given a quota is in the sample
            assert any(s == key and item in got for item, s in units)


def test_stratified_items_with_overlap_counts_items() -> None:
    ids = list(range(100))
    units = [(i, f"{u}|pos") for i in ids for u in ("a", "b", "c")]
    got = stratified_items(units, ids, 10, seed=3)
    assert len(got) == 10  # ten items, each judged for its three annotators
    lone = stratified_items([(0, "x"), (1, "y"), (2, "y")], [0, 1, 2, 3], 2, seed=0)
    assert 0 in lone and len(lone) == 2  # the smaller stratum is represented


def test_risk_ranked_sample_takes_the_riskiest_first() -> None:
    ids = list(range(10))
    risks = [0.05] * 10
    risks[7], risks[3] = 2.05, 1.05
    got = risk_ranked_sample(ids, risks, 3, seed=1)
    assert got[:2] == [7, 3] and got[2] not in (7, 3)
    # ties among equal risks are a seeded draw: both seeds agree on the top two
    assert risk_ranked_sample(ids, risks, 2, seed=9) == [7, 3]
    assert {risk_ranked_sample(ids, risks, 3, seed=s)[2] for s in range(20)} != {got[2]}


def test_agreement_and_confidence_are_separate_risk_factors() -> None:
    votes = [{"labels": ["pos"]}, {"labels": ["pos"]}, {"labels": ["neg"]}]
    cfg = {"classes": ["pos", "neg"]}
    # pairs agree 2 of 6 times (ordered pairs); the majority holds 2 of 3 votes
    assert _pairwise_agreement("classification", votes, cfg) == pytest.approx(1 / 3)
    assert _confidence("classification", votes, cfg) == pytest.approx(2 / 3)
    risk = ItemRisk(disagreement=2 / 3, low_confidence=1 / 3, new_annotator=False, failed_gold=True)
    assert risk.total == pytest.approx(0.05 + 2 / 3 + 1 / 3 + 1)
