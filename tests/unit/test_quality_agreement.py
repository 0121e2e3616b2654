"""Agreement coefficients against published worked examples, plus their invariants."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality import QualityInputError
from truthline.quality.agreement import (
    agreement_for_kind,
    cohen_kappa,
    cohen_kappa_ci,
    count_matrix,
    fleiss_kappa,
    fleiss_kappa_ci,
    krippendorff_alpha,
    krippendorff_alpha_ci,
    pairwise_cohen,
    percent_agreement,
    percent_agreement_ci,
    value_counts,
)

NAN = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 observers x
# 12 units, values 1..5, missing values.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]

# The Wikipedia article on Krippendorff's alpha: 3 coders x 15 units.
WIKIPEDIA_ALPHA = [
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
]

# Fleiss (1971) as worked in the Wikipedia article on Fleiss' kappa: 10 subjects, 14 raters,
# 5 categories.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Wikipedia, Cohen's kappa: 50 proposals, both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
COHEN_A = ["yes"] * 25 + ["no"] * 25
COHEN_B = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011_example(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == expected


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.691), ("interval", 0.811)])
def test_alpha_wikipedia_example(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(WIKIPEDIA_ALPHA, level), 3) == expected


def test_alpha_from_counts_equals_alpha_from_matrix() -> None:
    counts, domain = value_counts(KRIPPENDORFF_2011)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        from_counts = krippendorff_alpha(counts=counts, values=domain.tolist(), level=level)
        assert from_counts == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))


def test_alpha_ordinal_with_named_ordered_values() -> None:
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    data = [[None if math.isnan(v) else names[v] for v in row] for row in KRIPPENDORFF_2011]
    order = list(names.values())
    assert round(krippendorff_alpha(data, "ordinal", values=order), 3) == 0.815
    assert round(krippendorff_alpha(data, "nominal"), 3) == 0.743


def test_alpha_matches_krippendorff_package_on_random_data() -> None:
    kd = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    for _ in range(40):
        data = rng.integers(1, 6, size=(4, 25)).astype(float)
        data[rng.random(data.shape) < 0.25] = np.nan
        for level in ("nominal", "ordinal", "interval", "ratio"):
            ours = krippendorff_alpha(data, level)
            theirs = kd.alpha(reliability_data=data, level_of_measurement=level)
            assert ours == pytest.approx(theirs, abs=1e-9)


def test_alpha_undefined_cases_are_nan() -> None:
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # no variation
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]]))  # nothing pairable


def test_alpha_rejects_bad_input() -> None:
    with pytest.raises(QualityInputError):
        krippendorff_alpha([[1, 2]], "cardinal")  # type: ignore[arg-type]
    with pytest.raises(QualityInputError):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")
    with pytest.raises(QualityInputError):
        krippendorff_alpha([[1, 2], [1, 3]], values=[1, 2])  # 3 not in the domain


def test_alpha_ci_is_seeded_and_brackets_the_estimate() -> None:
    a = krippendorff_alpha_ci(KRIPPENDORFF_2011, "interval", n_boot=500, seed=3)
    b = krippendorff_alpha_ci(KRIPPENDORFF_2011, "interval", n_boot=500, seed=3)
    assert a == b
    assert round(a.value, 3) == 0.849
    assert a.low <= a.value <= a.high <= 1
    assert a.n_units == 11  # unit 12 has one value only: not pairable


def test_alpha_ci_on_large_coded_data_is_fast_and_tight() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 50_000)
    units = np.repeat(np.arange(50_000), 3)
    labels = np.where(rng.random(150_000) < 0.8, truth[units], rng.integers(0, 3, 150_000))
    est = krippendorff_alpha_ci(counts=count_matrix(units, labels), n_boot=1000, seed=1)
    assert est.high - est.low < 0.02
    assert est.low <= est.value <= est.high


def test_fleiss_1971_example() -> None:
    assert round(fleiss_kappa(FLEISS_1971), 3) == 0.210
    est = fleiss_kappa_ci(FLEISS_1971, n_boot=300, seed=0)
    assert est.low < 0.210 < est.high


def test_fleiss_matches_statsmodels_if_installed() -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(2)
    counts = rng.multinomial(6, [0.5, 0.3, 0.2], size=40)
    assert fleiss_kappa(counts) == pytest.approx(inter_rater.fleiss_kappa(counts))


def test_fleiss_needs_constant_raters() -> None:
    with pytest.raises(QualityInputError):
        fleiss_kappa([[2, 1], [1, 1]])


def test_cohen_wikipedia_example() -> None:
    assert round(cohen_kappa(COHEN_A, COHEN_B), 3) == 0.400
    est = cohen_kappa_ci(COHEN_A, COHEN_B, n_boot=300, seed=0)
    assert est.low < 0.4 < est.high and est.n_units == 50


def test_cohen_skips_items_either_rater_missed() -> None:
    a = [*COHEN_A, None, "yes"]
    b = [*COHEN_B, "no", None]
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_weighted_cohen_by_hand() -> None:
    a = [1, 1, 2, 2, 3, 3, 3, 1]
    b = [1, 2, 2, 3, 3, 3, 1, 1]
    conf = np.zeros((3, 3))
    for x, y in zip(a, b, strict=True):
        conf[x - 1, y - 1] += 1
    conf /= conf.sum()
    expected = np.outer(conf.sum(1), conf.sum(0))
    gap = np.abs(np.subtract.outer(np.arange(3), np.arange(3)))
    for name, w in (("linear", gap / 2), ("quadratic", (gap / 2) ** 2)):
        want = 1 - (w * conf).sum() / (w * expected).sum()
        assert cohen_kappa(a, b, weights=name) == pytest.approx(want)


def test_pairwise_cohen_matrix() -> None:
    data = [COHEN_A, COHEN_B, COHEN_A]
    m = pairwise_cohen(data)
    assert m.shape == (3, 3)
    assert m[0, 1] == pytest.approx(0.4) and m[1, 0] == pytest.approx(0.4)
    assert m[0, 2] == pytest.approx(1.0) and m[1, 1] == pytest.approx(1.0)
    sparse = pairwise_cohen([["a", "b", None], [None, None, "a"]])
    assert math.isnan(sparse[0, 1])  # no item in common


def test_percent_agreement() -> None:
    data = [["a", "a", "b", None], ["a", "b", "b", "c"], ["a", None, "b", None]]
    # unit 1: 3/3 pairs agree, unit 2: 0/1, unit 3: 3/3; unit 4 has one rating only.
    assert percent_agreement(data) == pytest.approx((1 + 0 + 1) / 3)
    est = percent_agreement_ci(data, n_boot=200, seed=1)
    assert est.n_units == 3 and 0 <= est.low <= est.high <= 1


def test_agreement_for_kind_picks_the_coefficient() -> None:
    items = [
        {"u1": {"value": 4}, "u2": {"value": 5}},
        {"u1": {"value": 1}, "u2": {"value": 2}, "u3": {"value": 1}},
        {"u1": {"value": 3}, "u2": None, "u3": {"value": 3}},
    ]
    got = agreement_for_kind("rating", items)
    matrix = [[4, 1, 3], [5, 2, None], [None, 1, 3]]
    assert got.metric == "krippendorff_alpha_interval"
    assert got.value == pytest.approx(krippendorff_alpha(matrix, "interval"))
    assert got.n_items == 3
    ordinal = agreement_for_kind("rating", items, {"level": "ordinal"})
    assert ordinal.value == pytest.approx(krippendorff_alpha(matrix, "ordinal"))


def test_agreement_for_kind_text_and_shapes() -> None:
    text = agreement_for_kind("transcription", [_two_transcripts("a b c d", "a b x d")])
    assert text.metric == "mean_wer" and text.value == pytest.approx(0.25)
    assert not text.higher_is_better
    boxes = [
        {
            "u1": {"boxes": [{"x": 0, "y": 0, "w": 10, "h": 10, "label": "car"}]},
            "u2": {"boxes": [{"x": 1, "y": 0, "w": 10, "h": 10, "label": "car"}]},
        }
    ]
    got = agreement_for_kind("bbox", boxes)
    assert got.value == 1.0 and got.details["mean_iou"] == pytest.approx(90 / 110)


def _two_transcripts(a: str, b: str) -> dict[str, dict]:
    seg = lambda t: {"segments": [{"id": "t", "start": 0, "end": 1, "text": t}]}  # noqa: E731
    return {"u1": seg(a), "u2": seg(b)}


coded = st.integers(min_value=2, max_value=5).flatmap(
    lambda m: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=m, max_size=m),
        min_size=2,
        max_size=12,
    )
)


@settings(max_examples=60, deadline=None)
@given(units=coded, seed=st.integers(0, 2**32 - 1))
def test_alpha_and_kappa_ignore_annotator_and_unit_order(units: list, seed: int) -> None:
    data = np.array(units, dtype=object).T  # annotators x units
    rng = np.random.default_rng(seed)
    shuffled = data[rng.permutation(data.shape[0])][:, rng.permutation(data.shape[1])]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert _same(krippendorff_alpha(data, level), krippendorff_alpha(shuffled, level))
    assert _same(percent_agreement(data), percent_agreement(shuffled))
    assert _same(cohen_kappa(data[0], data[1]), cohen_kappa(data[1], data[0]))


@settings(max_examples=60, deadline=None)
@given(
    row=st.lists(st.integers(1, 4), min_size=2, max_size=15).filter(lambda r: len(set(r)) > 1),
    k=st.integers(2, 5),
)
def test_identical_annotators_agree_perfectly(row: list[int], k: int) -> None:
    data = [row] * k
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(data, level) == pytest.approx(1.0)
    assert cohen_kappa(row, row) == pytest.approx(1.0)
    counts, _ = value_counts(data)
    assert fleiss_kappa(counts) == pytest.approx(1.0)
    assert percent_agreement(data) == 1.0


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


def _identical_items(result_of: Callable[[int], dict], n: int = 4) -> list[dict[str, dict]]:
    return [{"u1": result_of(i), "u2": result_of(i), "u3": result_of(i)} for i in range(n)]


PERFECT = {
    "classification": lambda i: {"labels": [["a", "b"][i % 2]]},
    "pairwise": lambda i: {"choice": "ab"[i % 2], "strength": None},
    "ranking": lambda i: {"order": ["x", "y", "z"] if i % 2 else ["z", "x", "y"]},
    "bbox": lambda i: {"boxes": [{"id": "b", "x": i, "y": 0, "w": 5, "h": 5, "label": "c"}]},
    "polygon": lambda i: {
        "polygons": [{"id": "p", "label": "r", "points": [[i, 0], [i + 4, 0], [i, 4]]}]
    },
    "keypoints": lambda i: {
        "instances": [
            {
                "id": "k",
                "label": "p",
                "points": [{"x": i, "y": 1, "v": 2}, {"x": 9, "y": 9, "v": 2}],
            }
        ]
    },
    "span": lambda i: {
        "spans": [{"id": "s", "start": i, "end": i + 3, "label": "PER"}],
        "relations": [],
    },
    "temporal_segment": lambda i: {
        "segments": [{"id": "t", "start": i, "end": i + 1.5, "label": "goal"}]
    },
    "mask": lambda i: {
        "masks": [
            {"id": "m", "label": "sky", "rle": {"size": [2, 2], "counts": [i % 3, 1, 3 - i % 3]}}
        ]
    },
}


@pytest.mark.parametrize("kind", sorted(PERFECT))
def test_agreement_for_kind_is_perfect_for_identical_annotators(kind: str) -> None:
    got = agreement_for_kind(kind, _identical_items(PERFECT[kind]))
    assert got.value == pytest.approx(1.0) and got.higher_is_better and got.n_items == 4


def test_agreement_for_kind_text_is_zero_error_for_identical_annotators() -> None:
    items = _identical_items(lambda i: {"text": f"text {i}"})
    got = agreement_for_kind("free_text", items)
    assert got.metric == "mean_cer" and got.value == 0.0


def test_agreement_for_kind_multi_label_is_per_label() -> None:
    items = [
        {"u1": {"labels": ["a", "b"]}, "u2": {"labels": ["a"]}},
        {"u1": {"labels": []}, "u2": {"labels": ["b"]}},
        {"u1": {"labels": ["a"]}, "u2": {"labels": ["a"]}},
        {"u1": {"labels": ["b"]}, "u2": {"labels": ["b"]}},
    ]
    got = agreement_for_kind("classification", items, {"multiple": True, "classes": ["a", "b"]})
    a = krippendorff_alpha([[1, 0, 1, 0], [1, 0, 1, 0]])
    b = krippendorff_alpha([[1, 0, 0, 1], [0, 1, 0, 1]])
    assert got.details["per_label"] == {"a": pytest.approx(a), "b": pytest.approx(b)}
    assert got.value == pytest.approx((a + b) / 2)


def test_agreement_for_unknown_kind() -> None:
    with pytest.raises(QualityInputError):
        agreement_for_kind("sticker", [])
