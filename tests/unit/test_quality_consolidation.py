"""Per-kind consolidation: worked cases, and the invariants every aggregator must keep."""

from __future__ import annotations

import copy
import random
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truthline.quality import QualityInputError, consolidate
from truthline.quality._rle import rle_decode, rle_encode
from truthline.quality.consolidation import boxes as boxes_module
from truthline.quality.consolidation import consolidate_many, registered_kinds
from truthline.quality.consolidation._base import cluster_greedy, plurality
from truthline.quality.geometry import box_iou_matrix


def box(box_id: str, x: float, y: float, w: float, h: float, label: str = "car") -> dict:
    return {"id": box_id, "x": x, "y": y, "w": w, "h": h, "label": label}


def test_every_registered_kind_has_an_aggregator() -> None:
    from truthline.kinds import all_kinds

    assert set(registered_kinds()) == set(all_kinds())
    with pytest.raises(QualityInputError):
        consolidate("sticker", [{"stickers": []}])
    with pytest.raises(QualityInputError):
        consolidate("rating", [None, None])


def test_classification_majority_with_deterministic_ties() -> None:
    got = consolidate(
        "classification", [{"labels": ["neg"]}, {"labels": ["pos"]}], {"classes": ["pos", "neg"]}
    )
    assert got.result == {"labels": ["pos"]} and got.confidence == 0.5  # tie: class order
    got = consolidate("classification", [{"labels": ["b"]}, {"labels": ["a"]}])
    assert got.result == {"labels": ["a"]}  # no classes given: smallest name
    got = consolidate("classification", [{"labels": []}, {"labels": []}, {"labels": ["a"]}])
    assert got.result == {"labels": []} and got.confidence == pytest.approx(2 / 3)


def test_classification_multi_label_per_label_majority() -> None:
    results = [{"labels": ["a", "b"]}, {"labels": ["b"]}, {"labels": ["a", "b", "c"]}]
    got = consolidate("classification", results, {"multiple": True})
    assert got.result == {"labels": ["a", "b"]}
    assert got.confidence == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)


def test_bbox_clusters_mean_and_support() -> None:
    results = [
        {"boxes": [box("b1", 10, 20, 30, 40), box("b2", 100, 100, 20, 20, "person")]},
        {"boxes": [box("x", 12, 20, 30, 40)]},
        {"boxes": [box("y", 11, 23, 30, 40, "truck"), box("z", 300, 300, 5, 5)]},
    ]
    got = consolidate("bbox", results, {"classes": ["car", "truck", "person"]})
    [only] = got.result["boxes"]
    assert only == box("b1", 11.0, 21.0, 30.0, 40.0, "car")
    assert got.support["dropped"] == 2 and got.support["boxes"][0]["support"] == 3
    loose = consolidate("bbox", results, {"min_support": 1})
    assert len(loose.result["boxes"]) == 3


def test_bbox_two_annotators_need_both_by_default() -> None:
    got = consolidate("bbox", [{"boxes": [box("a", 0, 0, 10, 10)]}, {"boxes": []}])
    assert got.result == {"boxes": []} and got.confidence == 0.5


def test_polygon_per_pixel_majority_to_mask() -> None:
    def square(x0: int) -> dict:
        pts = [[x0, 0], [x0 + 3, 0], [x0 + 3, 3], [x0, 3]]
        return {"polygons": [{"id": "p", "label": "road", "points": pts}]}

    got = consolidate("polygon", [square(0), square(1), square(0)], {}, {"width": 8, "height": 5})
    [mask] = got.result["masks"]
    pixels = rle_decode(mask["rle"])
    assert pixels.shape == (5, 8) and pixels[:4, :4].all() and pixels.sum() == 16
    assert 0 < got.confidence < 1
    with pytest.raises(QualityInputError):
        consolidate("polygon", [square(0)], {}, {})


def test_mask_vote() -> None:
    a = np.zeros((4, 4), bool)
    a[:2] = True
    b = np.zeros((4, 4), bool)
    b[:3] = True
    results = [
        {"masks": [{"id": f"m{i}", "label": "sky", "rle": rle_encode(m)}]}
        for i, m in enumerate([a, b, b])
    ]
    got = consolidate("mask", results)
    assert (rle_decode(got.result["masks"][0]["rle"]) == b).all()
    assert got.result["masks"][0]["id"] == "m0"  # the smallest member id
    assert got.confidence == pytest.approx((8 / 12 + 1 + 1) / 3)


def test_span_mode_boundaries_majority_label_and_relations() -> None:
    def spans(*triples: tuple[int, int, str]) -> dict:
        out = [
            {"id": f"s{i}", "start": s, "end": e, "label": lab}
            for i, (s, e, lab) in enumerate(triples)
        ]
        return {"spans": out, "relations": [{"from": "s0", "to": "s1", "label": "works_for"}]}

    results = [
        spans((0, 5, "PER"), (10, 15, "ORG")),
        spans((0, 5, "PER"), (10, 16, "ORG")),
        spans((1, 5, "LOC"), (9, 14, "ORG")),
    ]
    got = consolidate("span", results)
    assert got.result["spans"] == [
        {"id": "s0", "start": 0, "end": 5, "label": "PER"},
        {"id": "s1", "start": 10, "end": 15, "label": "ORG"},  # no repeated end: lower median
    ]
    assert got.result["relations"] == [{"from": "s0", "to": "s1", "label": "works_for"}]


def test_segments_cluster_by_label() -> None:
    seg = lambda s, e, lab: {"id": "a", "start": s, "end": e, "label": lab}  # noqa: E731
    results = [
        {"segments": [seg(0.0, 2.0, "speech")]},
        {"segments": [seg(0.2, 2.2, "music")]},
        {"segments": [seg(0.1, 2.1, "speech")]},
    ]
    got = consolidate("audio_segment", results)
    assert got.result["segments"] == [{"id": "a", "start": 0.05, "end": 2.05, "label": "speech"}]


def test_keypoints_per_point_median() -> None:
    def inst(dx: float, third: dict | None) -> dict:
        points = [{"x": 10 + dx, "y": 10, "v": 2}, None, third]
        return {"instances": [{"id": "k1", "label": "person", "points": points}]}

    results = [
        inst(0, {"x": 30, "y": 40, "v": 1}),
        inst(1, None),
        inst(2, {"x": 31, "y": 40, "v": 2}),
    ]
    got = consolidate("keypoints", results)
    [one] = got.result["instances"]
    assert one["points"][0] == {"x": 11.0, "y": 10.0, "v": 2}
    assert one["points"][1] is None
    assert one["points"][2] == {"x": 30.5, "y": 40.0, "v": 2}


def test_texts_take_the_medoid() -> None:
    got = consolidate(
        "free_text", [{"text": "hello world"}, {"text": "hello word"}, {"text": "goodbye"}]
    )
    assert got.result == {"text": "hello word"}

    def tr(text: str) -> dict:
        return {"segments": [{"id": "t1", "start": 0.0, "end": 1.0, "text": text, "speaker": "A"}]}

    got = consolidate("transcription", [tr("a b c"), tr("a b d"), tr("a b c")])
    assert got.result == tr("a b c") and got.confidence == pytest.approx(1 - (0 + 1 / 3) / 2)


def test_rating_ranking_pairwise() -> None:
    got = consolidate(
        "rating", [{"value": 3}, {"value": 4}, {"value": 5}, {"value": 4}], {"min": 1, "max": 5}
    )
    assert got.result == {"value": 4} and got.support["mean"] == 4.0
    assert got.confidence == pytest.approx(1 - 0.5 / 4)
    turns = consolidate("rating", [{"turns": {"0": 4, "2": 5}}, {"turns": {"0": 2, "2": 5}}])
    assert turns.result == {"turns": {"0": 2, "2": 5}}  # lower median stays on the scale

    orders = [["b", "a", "c"], ["a", "b", "c"], ["b", "c", "a"]]
    got = consolidate("ranking", [{"order": o} for o in orders], {"options": ["a", "b", "c"]})
    assert got.result == {"order": ["b", "a", "c"]} and got.support["points"] == {
        "a": 3,
        "b": 5,
        "c": 1,
    }

    votes = [{"choice": "a", "strength": 2}, {"choice": "b", "strength": 3}]
    assert consolidate("pairwise", votes).result == {"choice": "tie", "strength": None}
    no_tie = consolidate("pairwise", votes, {"allow_tie": False})
    assert no_tie.result == {"choice": "b", "strength": 3}


# Strategies: one result of each kind, with ids unique within a result.
LABELS = ["a", "b", "c"]


def _boxes() -> st.SearchStrategy[dict]:
    coord = st.integers(0, 6).map(lambda v: v * 5)
    one = st.tuples(
        coord,
        coord,
        st.integers(1, 4).map(lambda v: v * 5),
        st.integers(1, 4).map(lambda v: v * 5),
        st.sampled_from(LABELS),
    )
    return st.lists(one, max_size=4).map(
        lambda bs: {"boxes": [box(f"b{i}", *b) for i, b in enumerate(bs)]}
    )


def _spans() -> st.SearchStrategy[dict]:
    one = st.tuples(st.integers(0, 20), st.integers(1, 8), st.sampled_from(LABELS))

    def build(items: list, rel: list) -> dict:
        spans = [
            {"id": f"s{i}", "start": s, "end": s + n, "label": lab}
            for i, (s, n, lab) in enumerate(items)
        ]
        pairs = {(a % len(spans), b % len(spans)) for a, b in rel} if spans else set()
        relations = [
            {"from": f"s{a}", "to": f"s{b}", "label": "r"} for a, b in sorted(pairs) if a != b
        ]
        return {"spans": spans, "relations": relations}

    return st.builds(
        build,
        st.lists(one, max_size=4),
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3),
    )


def _keypoints() -> st.SearchStrategy[dict]:
    point = st.one_of(
        st.none(),
        st.builds(
            lambda x, y, v: {"x": x, "y": y, "v": v},
            st.integers(0, 40),
            st.integers(0, 40),
            st.sampled_from([1, 2]),
        ),
    )
    inst = st.tuples(st.lists(point, min_size=3, max_size=3), st.sampled_from(LABELS))
    return st.lists(inst, max_size=3).map(
        lambda xs: {
            "instances": [
                {"id": f"k{i}", "label": lab, "points": pts} for i, (pts, lab) in enumerate(xs)
            ]
        }
    )


def _segments() -> st.SearchStrategy[dict]:
    one = st.tuples(
        st.integers(0, 10).map(lambda v: v / 2),
        st.integers(1, 6).map(lambda v: v / 2),
        st.sampled_from(LABELS),
    )
    return st.lists(one, max_size=4).map(
        lambda xs: {
            "segments": [
                {"id": f"a{i}", "start": s, "end": s + d, "label": lab}
                for i, (s, d, lab) in enumerate(xs)
            ]
        }
    )


def _transcription() -> st.SearchStrategy[dict]:
    text = st.lists(st.sampled_from(["hi", "there", "you", "ok"]), max_size=4).map(" ".join)
    return st.lists(text, min_size=1, max_size=2).map(
        lambda ts: {
            "segments": [
                {"id": f"t{i}", "start": float(i), "end": i + 1.0, "text": t, "speaker": "A"}
                for i, t in enumerate(ts)
            ]
        }
    )


def _masks() -> st.SearchStrategy[dict]:
    def build(seed: int, labels: list[str]) -> dict:
        rng = np.random.default_rng(seed)
        return {
            "masks": [
                {"id": f"m{i}", "label": lab, "rle": rle_encode(rng.random((5, 4)) < 0.5)}
                for i, lab in enumerate(labels)
            ]
        }

    return st.builds(
        build, st.integers(0, 10**6), st.lists(st.sampled_from(LABELS), unique=True, max_size=3)
    )


KIND_RESULTS: dict[str, tuple[st.SearchStrategy[dict], dict]] = {
    "classification": (
        st.sampled_from([[], ["a"], ["b"], ["c"]]).map(lambda ls: {"labels": ls}),
        {},
    ),
    "classification_multi": (
        st.lists(st.sampled_from(LABELS), unique=True, max_size=3).map(lambda ls: {"labels": ls}),
        {"multiple": True},
    ),
    "rating": (st.integers(1, 5).map(lambda v: {"value": v}), {}),
    "ranking": (st.permutations(["a", "b", "c", "d"]).map(lambda o: {"order": list(o)}), {}),
    "pairwise": (
        st.one_of(
            st.just({"choice": "tie", "strength": None}),
            st.builds(
                lambda c, s: {"choice": c, "strength": s}, st.sampled_from("ab"), st.integers(1, 3)
            ),
        ),
        {},
    ),
    "bbox": (_boxes(), {}),
    "span": (_spans(), {}),
    "keypoints": (_keypoints(), {}),
    "audio_segment": (_segments(), {}),
    "free_text": (st.text(alphabet="abc ", max_size=12).map(lambda t: {"text": t}), {}),
    "transcription": (_transcription(), {}),
    "mask": (_masks(), {}),
}


def _kind(name: str) -> str:
    return name.removesuffix("_multi")


@pytest.mark.parametrize("name", sorted(KIND_RESULTS))
def test_identical_results_come_back_with_full_confidence(name: str) -> None:
    strategy, config = KIND_RESULTS[name]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(result=strategy, k=st.integers(1, 5))
    def check(result: dict, k: int) -> None:
        got = consolidate(_kind(name), [copy.deepcopy(result) for _ in range(k)], config)
        assert got.result == result
        assert got.confidence == pytest.approx(1.0)

    check()


@pytest.mark.parametrize("name", sorted(KIND_RESULTS))
def test_annotator_order_does_not_matter(name: str) -> None:
    strategy, config = KIND_RESULTS[name]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(results=st.lists(strategy, min_size=1, max_size=5), seed=st.integers(0, 10**6))
    def check(results: list[dict], seed: int) -> None:
        shuffled = results[:]
        random.Random(seed).shuffle(shuffled)
        a = consolidate(_kind(name), results, config)
        b = consolidate(_kind(name), shuffled, config)
        assert a.result == b.result
        assert a.confidence == pytest.approx(b.confidence, abs=1e-9)
        assert 0.0 <= a.confidence <= 1.0

    check()


def test_polygon_identical_results_full_confidence() -> None:
    poly = {"polygons": [{"id": "p1", "label": "road", "points": [[1, 1], [6, 1], [6, 4], [1, 4]]}]}
    got = consolidate("polygon", [poly] * 3, {}, {"width": 8, "height": 6})
    assert got.confidence == 1.0
    again = consolidate("mask", [got.result] * 3)
    assert again.result == got.result


@settings(max_examples=60, deadline=None)
@given(
    orders=st.lists(st.permutations(["a", "b", "c", "d", "e"]), min_size=1, max_size=6),
    seed=st.integers(0, 10**6),
)
def test_borda_ignores_annotator_order(orders: list, seed: int) -> None:
    results = [{"order": list(o)} for o in orders]
    shuffled = results[:]
    random.Random(seed).shuffle(shuffled)
    a, b = consolidate("ranking", results), consolidate("ranking", shuffled)
    assert a.result == b.result and a.support["points"] == b.support["points"]


def test_bbox_greedy_fallback_when_candidates_compete() -> None:
    # a0 is a candidate of both b0 (IoU 0.82) and b1 (0.67), which one annotator drew: not a
    # clean clique, so the best pair wins and the other box stays alone.
    a = {"boxes": [box("a0", 0, 0, 10, 10)]}
    b = {"boxes": [box("b0", 1, 0, 10, 10), box("b1", -2, 0, 10, 10)]}
    got = consolidate("bbox", [a, b], {"min_support": 1})
    assert [x["id"] for x in got.result["boxes"]] == ["a0", "b1"]
    assert got.result["boxes"][0]["x"] == 0.5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(st.lists(_boxes(), min_size=1, max_size=4), min_size=1, max_size=6),
    config=st.sampled_from(
        [{}, {"min_support": 1}, {"match_labels": True}, {"iou_threshold": 0.3}]
    ),
)
def test_bbox_many_equals_one_by_one(items: list, config: dict) -> None:
    # A tiny chunk budget forces images to be split across chunks.
    with patch.object(boxes_module, "_CHUNK_CELLS", 40):
        many = consolidate_many("bbox", items, config)
    for results, got in zip(items, many, strict=True):
        one = consolidate("bbox", results, config)
        assert got.result == one.result and got.support == one.support
        assert got.confidence == pytest.approx(one.confidence)


def _reference_bbox(results: list[dict], threshold: float, need: int) -> list[tuple]:
    """Plain per-image reading of the bbox rule: greedy clusters, mean box, majority label."""
    shapes = [(a, b) for a, r in enumerate(results) for b in r["boxes"]]
    arr = np.array([[b["x"], b["y"], b["w"], b["h"]] for _, b in shapes], dtype=float).reshape(
        -1, 4
    )
    keys = [(*row, b["label"], b["id"]) for row, (_, b) in zip(arr.tolist(), shapes, strict=True)]
    owners = [a for a, _ in shapes]
    out = []
    for c in cluster_greedy(owners, box_iou_matrix(arr, arr), threshold, keys):
        if len(c) >= need:
            mean = arr[c].mean(axis=0)
            label = plurality([shapes[i][1]["label"] for i in c])[0]
            out.append((*np.round(mean, 9).tolist(), label, len(c)))
    return sorted(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    results=st.lists(_boxes(), min_size=1, max_size=5), threshold=st.sampled_from([0.3, 0.5, 0.7])
)
def test_bbox_matches_a_plain_reference(results: list[dict], threshold: float) -> None:
    need = len(results) // 2 + 1
    got = consolidate("bbox", results, {"iou_threshold": threshold})
    mine = sorted(
        (*np.round([b["x"], b["y"], b["w"], b["h"]], 9).tolist(), b["label"], d["support"])
        for b, d in zip(got.result["boxes"], got.support["boxes"], strict=True)
    )
    assert mine == _reference_bbox(results, threshold, need)


def test_bbox_matches_the_reference_on_crowded_jittered_images() -> None:
    # Jittered copies of overlapping boxes: many clusters where the candidates do not form a
    # clean clique, so the greedy merge decides.
    rng = np.random.default_rng(0)
    for _ in range(150):
        base = np.hstack([rng.uniform(0, 60, (4, 2)), rng.uniform(8, 20, (4, 2))])
        results = []
        for _ in range(int(rng.integers(2, 6))):
            jittered = base + rng.normal(0, 2.5, base.shape)
            jittered[:, 2:] = np.abs(jittered[:, 2:])
            results.append(
                {
                    "boxes": [
                        box(f"b{i}", *row, "ab"[i % 2]) for i, row in enumerate(jittered.tolist())
                    ]
                }
            )
        got = consolidate("bbox", results)
        mine = sorted(
            (*np.round([b["x"], b["y"], b["w"], b["h"]], 9).tolist(), b["label"], d["support"])
            for b, d in zip(got.result["boxes"], got.support["boxes"], strict=True)
        )
        assert mine == _reference_bbox(results, 0.5, len(results) // 2 + 1)


def test_bbox_label_ties_follow_class_order_then_name() -> None:
    results = [
        {"boxes": [box("a", 0, 0, 10, 10, "truck")]},
        {"boxes": [box("a", 0, 0, 10, 10, "car")]},
    ]
    assert consolidate("bbox", results).result["boxes"][0]["label"] == "car"
    ordered = consolidate("bbox", results, {"classes": ["truck", "car"]})
    assert ordered.result["boxes"][0]["label"] == "truck"


# --- the consolidate job's vectorised single choice ----------------------------------------------
def _page_rows_one_by_one(q: object, per_item: dict, now: object) -> list[dict]:
    """What the job stored before single choice was vectorised: item by item."""
    from truthline.services import consolidation

    ids = list(per_item)
    results = consolidate_many(
        "classification", [[per_item[i][u] for u in sorted(per_item[i])] for i in ids], q.config
    )
    return [
        consolidation._row(7, q.name, i, c, "majority", len(per_item[i]), now)
        for i, c in zip(ids, results, strict=True)
    ]


def _page_rows(q: object, per_item: dict, now: object) -> list[dict]:
    from types import SimpleNamespace

    from truthline.services import consolidation

    items = [SimpleNamespace(id=i, meta={}) for i in sorted(per_item)]
    return consolidation._consolidate_page(7, q, items, per_item, now)


ANSWERS = st.sampled_from(
    [{"labels": ["pos"]}, {"labels": ["neg"]}, {"labels": ["neu"]}, {"labels": ["other"]},
     {"labels": ["Aside"]}, {"labels": []}, {}, {"labels": None}]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.dictionaries(st.integers(1, 6), ANSWERS, min_size=1, max_size=6), max_size=40),
    st.sampled_from([["pos", "neg", "neu"], [{"name": "neu"}, {"name": "pos"}], []]),
)
def test_job_majority_page_equals_item_by_item(given_items: list, classes: list) -> None:
    from truthline.services.quality_data import Question

    q = Question("s", "classification", {"name": "s", "kind": "classification",
                                         "classes": classes, "multiple": False})  # fmt: skip
    per_item = {n * 3 + 1: answers for n, answers in enumerate(given_items)}
    assert q.single_choice
    assert _page_rows(q, per_item, "now") == _page_rows_one_by_one(q, per_item, "now")


def test_job_majority_page_on_random_votes_and_ties() -> None:
    from truthline.services.quality_data import Question

    rng = np.random.default_rng(3)
    names = np.array(["a", "b", "c", "d", "zz"])
    per_item = {}
    for item in range(1, 3001):
        k = int(rng.integers(1, 7))
        votes = rng.integers(0, 5, k)
        per_item[item] = {int(u): {"labels": [str(names[v])]} for u, v in enumerate(votes, 10)}
    q = Question("s", "classification", {"classes": ["c", "b", "a"], "multiple": False})
    got = _page_rows(q, per_item, "now")
    assert got == _page_rows_one_by_one(q, per_item, "now")
    tallies = [r["support"]["votes"] for r in got]
    assert any(len(t) > 1 and t[0][1] == t[1][1] for t in tallies), "the data must hold ties"
    assert all(isinstance(r["confidence"], float) for r in got)


def test_job_majority_page_leaves_look_alike_labels_to_the_item_path() -> None:
    from truthline.services import consolidation
    from truthline.services.quality_data import Question

    # 1 and "1" are different labels that sort alike: the item-by-item aggregator decides.
    per_item = {1: {1: {"labels": [1]}, 2: {"labels": ["1"]}}, 2: {1: {"labels": ["x"]}}}
    q = Question("s", "classification", {"classes": ["x"], "multiple": False})
    assert consolidation._majority_page(7, q, [1, 2], per_item, "now") is None
    assert _page_rows(q, per_item, "now") == _page_rows_one_by_one(q, per_item, "now")
