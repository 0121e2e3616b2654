"""Box, polygon and mask overlap measures, and box matching."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality import geometry
from truthline.quality._rle import decode_flat, rle_decode, rle_encode
from truthline.quality.geometry import (
    box_agreement,
    box_agreement_many,
    box_iou_matrix,
    interval_iou_matrix,
    mask_iou,
    match_boxes,
    polygon_iou,
)


def test_box_iou_values() -> None:
    iou = box_iou_matrix([[0, 0, 10, 10]], [[5, 0, 10, 10], [20, 20, 5, 5], [0, 0, 10, 10]])
    assert iou[0].tolist() == pytest.approx([50 / 150, 0.0, 1.0])


def test_box_dicts_are_accepted() -> None:
    a = [{"id": "b1", "x": 0, "y": 0, "w": 4, "h": 4, "label": "car"}]
    assert box_iou_matrix(a, [[0, 0, 4, 2]])[0, 0] == pytest.approx(0.5)


def test_match_boxes_is_optimal_not_greedy() -> None:
    # Greedy best-first would pair a0-b0 (0.82) and leave a1 unmatched; the optimum pairs
    # a0-b1 and a1-b0, both above 0.5.
    a = [[0, 0, 10, 10], [3, 0, 10, 10]]
    b = [[1.5, 0, 10, 10], [-2, 0, 10, 10]]
    pairs = match_boxes(a, b, 0.5)
    assert sorted((i, j) for i, j, _ in pairs) == [(0, 1), (1, 0)]


def test_match_boxes_respects_threshold_and_labels() -> None:
    a, b = [[0, 0, 10, 10]], [[6, 0, 10, 10]]  # IoU 4/16 = 0.25
    assert match_boxes(a, b, 0.5) == []
    assert len(match_boxes(a, b, 0.2)) == 1
    assert match_boxes(a, a, 0.5, labels_a=["car"], labels_b=["bus"]) == []


def test_box_agreement_precision_recall_f1() -> None:
    a = [[0, 0, 10, 10], [50, 50, 10, 10], [100, 100, 5, 5]]
    b = [[1, 0, 10, 10], [50, 50, 10, 10]]
    ag = box_agreement(a, b)
    assert (ag.matched, ag.n_a, ag.n_b) == (2, 3, 2)
    assert ag.precision == 1.0 and ag.recall == pytest.approx(2 / 3)
    assert ag.f1 == pytest.approx(0.8)
    assert ag.mean_iou == pytest.approx((90 / 110 + 1) / 2)
    empty = box_agreement([], [])
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)


def test_box_agreement_many_equals_summed_pairs() -> None:
    rng = np.random.default_rng(4)
    pairs = []
    for _ in range(200):
        base = rng.uniform(0, 100, (rng.integers(0, 6), 4))
        noisy = base + rng.normal(0, 3, base.shape)
        noisy[:, 2:] = np.abs(noisy[:, 2:])
        pairs.append((base, noisy[rng.permutation(len(noisy))][: rng.integers(0, 6)]))
    many = box_agreement_many(pairs)
    with patch.object(geometry, "_PAIR_CHUNK", 7):
        chunked = box_agreement_many(pairs)
    assert (chunked.matched, chunked.n_a, chunked.n_b) == (many.matched, many.n_a, many.n_b)
    assert chunked.mean_iou == pytest.approx(many.mean_iou)
    singles = [box_agreement(a, b) for a, b in pairs]
    assert many.matched == sum(s.matched for s in singles)
    assert many.n_a == sum(s.n_a for s in singles)
    iou_sum = sum(s.mean_iou * s.matched for s in singles if s.matched)
    assert many.mean_iou == pytest.approx(iou_sum / many.matched)


def test_polygon_iou_squares_and_holes() -> None:
    square = [[0, 0], [2, 0], [2, 2], [0, 2]]
    shifted = [[1, 0], [3, 0], [3, 2], [1, 2]]
    assert round(polygon_iou(square, shifted), 3) == 0.333
    with_hole = {"points": square, "holes": [[[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5]]]}
    assert polygon_iou(with_hole, square) == pytest.approx(0.75)
    bow_tie = [[0, 0], [2, 2], [2, 0], [0, 2]]  # self-intersecting: repaired, not rejected
    assert 0 < polygon_iou(bow_tie, square) < 1


def test_mask_iou_and_rle_round_trip() -> None:
    a = np.zeros((6, 5), dtype=bool)
    a[1:4, 1:4] = True
    b = np.zeros((6, 5), dtype=bool)
    b[2:5, 1:4] = True
    assert mask_iou(rle_encode(a), rle_encode(b)) == pytest.approx(6 / 12)
    assert (rle_decode(rle_encode(a)) == a).all()
    listed = {"size": [6, 5], "counts": [0, 30]}  # an all-foreground mask as a list of counts
    assert mask_iou(listed, listed) == 1.0 and decode_flat(listed).all()


def test_rle_matches_pycocotools_if_installed() -> None:
    mask_api = pytest.importorskip("pycocotools.mask")
    rng = np.random.default_rng(0)
    for _ in range(50):
        m = (rng.random(tuple(rng.integers(1, 30, 2))) < rng.random()).astype(np.uint8)
        theirs = mask_api.encode(np.asfortranarray(m))
        assert rle_encode(m)["counts"] == theirs["counts"].decode()
        assert mask_iou(rle_encode(m), rle_encode(m.T.copy().T)) == 1.0


def test_interval_iou() -> None:
    got = interval_iou_matrix([[0, 10]], [[5, 15], [10, 20], [0, 10]])
    assert got[0].tolist() == pytest.approx([5 / 15, 0.0, 1.0])


box = st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 30), st.integers(0, 30)).map(
    list
)


@settings(max_examples=100, deadline=None)
@given(a=st.lists(box, min_size=1, max_size=6), b=st.lists(box, min_size=1, max_size=6))
def test_box_iou_is_symmetric_and_bounded(a: list, b: list) -> None:
    ab, ba = box_iou_matrix(a, b), box_iou_matrix(b, a)
    assert np.allclose(ab, ba.T)
    assert ((ab >= 0) & (ab <= 1)).all()
    assert np.allclose(np.diag(box_iou_matrix(a, a)), 1.0)


polygon = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 20)).map(list), min_size=3, max_size=6
)


@settings(max_examples=60, deadline=None)
@given(a=polygon, b=polygon)
def test_polygon_iou_is_symmetric_and_bounded(a: list, b: list) -> None:
    x, y = polygon_iou(a, b), polygon_iou(b, a)
    assert x == pytest.approx(y, abs=1e-9)
    assert 0.0 <= x <= 1.0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_mask_iou_is_symmetric_and_bounded(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(1, 12, 2))
    a, b = rng.random(shape) < 0.4, rng.random(shape) < 0.4
    x, y = mask_iou(rle_encode(a), rle_encode(b)), mask_iou(rle_encode(b), rle_encode(a))
    assert x == y and 0.0 <= x <= 1.0


# --- agreement per label from one matching ------------------------------------------------------
def _random_box_items(seed: int, n_items: int) -> list[dict[int, dict]]:
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(n_items):
        item = {}
        for annotator in range(int(rng.integers(1, 4))):
            boxes = []
            for _ in range(int(rng.integers(0, 5))):
                x, y = rng.uniform(0, 60, 2)
                w, h = rng.uniform(5, 40, 2)
                label = str(rng.choice(["car", "person", "sign"]))
                boxes.append({"x": x, "y": y, "w": w, "h": h, "label": label})
            item[annotator] = {"boxes": boxes}
        items.append(item)
    return items


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_items=st.integers(1, 30))
def test_box_agreement_per_label_from_one_matching(seed: int, n_items: int) -> None:
    # The per-label F1 and interval computed from one matching of all labels equal those of
    # matching each label's boxes on their own (the dashboard's per-label rows).
    from truthline.quality import agreement_for_kind
    from truthline.services.agreement_report import shape_labels
    from truthline.services.quality_data import Question

    items = _random_box_items(seed, n_items)
    config = {"classes": ["car", "person", "sign"]}
    q = Question(name="objects", kind="bbox", config=config)
    fast = {row["label"]: row for row in shape_labels(q, items, 200, 0)}
    multi = [i for i in items if len(i) >= 2]
    for label in config["classes"]:
        only = [
            {u: {"boxes": [b for b in r["boxes"] if b["label"] == label]} for u, r in i.items()}
            for i in multi
        ]
        chosen = sum(len(r["boxes"]) for i in only for r in i.values())
        assert fast[label]["chosen"] == chosen
        if not chosen:
            assert fast[label]["value"] is None
            continue
        ka = agreement_for_kind("bbox", only, config, n_boot=200, seed=0)
        assert fast[label]["value"] == pytest.approx(ka.value, abs=1e-12)
        assert fast[label]["ci"] == pytest.approx(ka.details["ci"], abs=1e-12)
