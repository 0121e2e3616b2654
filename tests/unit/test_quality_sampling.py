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
    code_letter,
    random_sample,
    risk_weighted_sample,
    sampling_plan,
    stratified_sample,
)


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
