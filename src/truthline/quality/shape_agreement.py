"""Agreement on shapes and texts between every two annotators of an item: matched F1 and
mean IoU for boxes, polygons, keypoints, segments, spans and video tracks; mean IoU of
masks; mean CER / WER of texts. Each measure keeps per-item sums, so its bootstrap
interval resamples items."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from truthline.quality._common import bootstrap, patterns, safe_ratio
from truthline.quality.geometry import (
    assign_pairs,
    box_agreement_by_label,
    box_agreement_pairs,
    boxes_array,
    keypoint_array,
    keypoint_similarity,
    polygon_iou,
    segment_similarity,
)
from truthline.quality.text import span_f1
from truthline.quality.tracks import FrameBoxes, frame_boxes, labelled_similarity, match_tracks

Result = Mapping[str, Any]
Items = Sequence[Mapping[Hashable, Result | None]]
Matcher = Callable[[Result, Result, dict[str, Any]], tuple[list[tuple[int, int, float]], int, int]]


def item_pairs(items: Items) -> Iterator[tuple[int, Hashable, Hashable, Result, Result]]:
    """(item index, annotator, annotator, result, result) for every two answers of an item,
    annotators in a fixed order."""
    for n, item in enumerate(items):
        answered = sorted(
            ((a, r) for a, r in item.items() if r is not None), key=lambda x: str(x[0])
        )
        for (a, ra), (b, rb) in combinations(answered, 2):
            yield n, a, b, ra, rb


def ratio_ci(
    num: np.ndarray, den: np.ndarray, n_boot: int, seed: int, empty: float = float("nan")
) -> tuple[float, float]:
    """Percentile bootstrap interval of sum(num) / sum(den) over items (``empty`` where a
    resample's denominator is 0). Items with equal (num, den) are resampled as one pattern."""
    rows, freq = patterns(np.stack([num, den], axis=1).astype(np.float64), min_pairable=0)

    def stat(w: np.ndarray) -> np.ndarray:
        top, bottom = w @ rows[:, 0], w @ rows[:, 1]
        out = np.full(len(w), empty)
        np.divide(top, bottom, out=out, where=bottom != 0)
        return out

    est = bootstrap(stat, freq, n_boot=n_boot, seed=seed, confidence=0.95)
    return est.low, est.high


def _box_pairs(
    items: Items, with_labels: bool
) -> tuple[list[Any], list[tuple[np.ndarray, np.ndarray]], list[Any] | None]:
    """The answer pairs of ``item_pairs`` with each answer's boxes converted once (an answer
    is in k - 1 pairs), and their labels when they are matched within labels."""
    pairs = list(item_pairs(items))
    arrays: dict[int, np.ndarray] = {}
    names: dict[int, list[Any]] = {}
    for _, _, _, a, b in pairs:
        for r in (a, b):
            if id(r) not in arrays:
                arrays[id(r)] = boxes_array(_boxes(r))
                if with_labels:
                    names[id(r)] = [x.get("label") for x in _boxes(r)]
    boxes = [(arrays[id(a)], arrays[id(b)]) for _, _, _, a, b in pairs]
    labels = [(names[id(a)], names[id(b)]) for _, _, _, a, b in pairs] if with_labels else None
    return pairs, boxes, labels


def bbox_agreement(
    items: Items, cfg: dict[str, Any]
) -> tuple[float, dict[str, Any], np.ndarray, np.ndarray]:
    """Micro F1 over all pairs, with per-item numerators (2 x matched) and denominators."""
    pairs, boxes, labels = _box_pairs(items, bool(cfg.get("match_labels", True)))
    rows = box_agreement_pairs(boxes, float(cfg.get("iou_threshold", 0.5)), labels=labels)
    where = np.array([p[0] for p in pairs], dtype=np.int64)
    tp, iou_sum, n_a, n_b = rows.sum(axis=0).tolist() if len(rows) else (0, 0.0, 0, 0)
    f1 = 2 * tp / (n_a + n_b) if n_a + n_b else 1.0
    details = {
        "mean_iou": iou_sum / tp if tp else float("nan"),
        "matched": int(tp),
        "pairs": len(pairs),
    }
    num = np.bincount(where, weights=2 * rows[:, 0], minlength=len(items))
    den = np.bincount(where, weights=rows[:, 2] + rows[:, 3], minlength=len(items))
    used = np.bincount(where, minlength=len(items)) > 0
    return f1, details, num[used], den[used]


def _boxes(r: Result) -> list[Any]:
    return r.get("boxes") or []


def bbox_label_sums(items: Items, cfg: dict[str, Any]) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
    """Per label: the per-item numerators (2 x matched) and denominators of that label's F1,
    boxes matching only within their label, from one matching for every label. The same
    numbers as ``bbox_agreement`` on each label's boxes alone (``match_labels`` true)."""
    pairs, boxes, labels = _box_pairs(items, True)
    assert labels is not None
    names, rows = box_agreement_by_label(boxes, labels, float(cfg.get("iou_threshold", 0.5)))
    where = np.array([p[0] for p in pairs], dtype=np.int64)
    used = np.bincount(where, minlength=len(items)) > 0
    out = {}
    for c, name in enumerate(names):
        num = np.bincount(where, weights=2 * rows[:, c, 0], minlength=len(items))
        den = np.bincount(where, weights=rows[:, c, 1] + rows[:, c, 2], minlength=len(items))
        out[name] = (num[used], den[used])
    return out


def _polygons(a: Result, b: Result, cfg: dict[str, Any]) -> tuple[list[Any], int, int]:
    pa, pb = a.get("polygons") or [], b.get("polygons") or []
    sim = np.array([[polygon_iou(p, q) for q in pb] for p in pa]).reshape(len(pa), len(pb))
    return _match(sim, pa, pb, cfg, "iou_threshold", 0.5)


def _keypoints(a: Result, b: Result, cfg: dict[str, Any]) -> tuple[list[Any], int, int]:
    pa, pb = a.get("instances") or [], b.get("instances") or []
    sigma = float(cfg.get("oks_sigma", 0.1))
    xa, xb = [keypoint_array(p) for p in pa], [keypoint_array(q) for q in pb]
    sim = np.array([[keypoint_similarity(p, q, sigma) for q in xb] for p in xa])
    return _match(sim.reshape(len(pa), len(pb)), pa, pb, cfg, "min_similarity", 0.5)


def _segments(a: Result, b: Result, cfg: dict[str, Any]) -> tuple[list[Any], int, int]:
    pa, pb = a.get("segments") or [], b.get("segments") or []
    threshold = float(cfg.get("iou_threshold", 0.5))
    sim = segment_similarity(
        [(s["start"], s["end"]) for s in pa],
        [(s["start"], s["end"]) for s in pb],
        threshold,
        float(cfg.get("tolerance", 0.0)),
    )
    return _match(sim, pa, pb, cfg, "iou_threshold", 0.5)


def _tracks(a: Result, b: Result, cfg: dict[str, Any]) -> tuple[list[Any], int, int]:
    ta, tb = a.get("tracks") or [], b.get("tracks") or []
    matches = match_tracks(
        ta,
        tb,
        float(cfg.get("iou_threshold", 0.5)),
        interpolate=bool(cfg.get("interpolate", True)),
        match_labels=bool(cfg.get("match_labels", True)),
    )
    return matches, len(ta), len(tb)


def _match(
    sim: np.ndarray, pa: list[Any], pb: list[Any], cfg: dict[str, Any], name: str, default: float
) -> tuple[list[Any], int, int]:
    if cfg.get("match_labels", True) and sim.size:
        la = np.array([p.get("label") for p in pa], dtype=object)
        lb = np.array([q.get("label") for q in pb], dtype=object)
        sim = sim * (la[:, None] == lb[None, :])
    return assign_pairs(sim, float(cfg.get(name, default))), len(pa), len(pb)


MATCHERS: dict[str, Matcher] = {
    "polygon": _polygons,
    "keypoints": _keypoints,
    "audio_segment": _segments,
    "temporal_segment": _segments,
    "video_track": _tracks,
}


def set_agreement(
    kind: str, items: Items, cfg: dict[str, Any]
) -> tuple[float, dict[str, Any], np.ndarray, np.ndarray]:
    """Micro F1 over all pairs: 2 * matched / (shapes of a + shapes of b); with per-item
    numerators and denominators."""
    num = np.zeros(len(items))
    den = np.zeros(len(items))
    used = np.zeros(len(items), dtype=bool)
    tp = n = overlap = 0
    sim_sum = 0.0
    for i, _, _, a, b in item_pairs(items):
        used[i] = True
        if kind == "span":
            sa, sb = a.get("spans") or [], b.get("spans") or []
            matched = span_f1(sa, sb, match_labels=cfg.get("match_labels", True)).matched
            overlap += span_f1(sa, sb, mode="overlap").matched
            size = len(sa) + len(sb)
        else:
            matches, n_a, n_b = MATCHERS[kind](a, b, cfg)
            matched, size = len(matches), n_a + n_b
            sim_sum += sum(m[2] for m in matches)
        tp += matched
        n += size
        num[i] += 2 * matched
        den[i] += size
    f1 = 2 * tp / n if n else 1.0
    if kind == "span":
        details: dict[str, Any] = {"overlap_f1": 2 * overlap / n if n else 1.0}
    else:
        details = {"mean_similarity": sim_sum / tp if tp else float("nan")}
    return f1, details, num[used], den[used]


def track_agreement(
    items: Items, cfg: dict[str, Any], n_boot: int, seed: int
) -> tuple[float, dict[str, Any]]:
    """Track-level F1 at track IoU >= ``iou_threshold`` (0.5) for each pair of annotators
    over the items both answered, averaged over the pairs; the mean track IoU of matched
    tracks; with ``n_boot``, a bootstrap interval of the averaged F1 over items."""
    cells: dict[tuple[Hashable, Hashable], int] = {}
    rows: list[tuple[int, int, float, float, float]] = []  # item, pair, 2 x matched, size, iou
    interpolate = bool(cfg.get("interpolate", True))
    threshold = float(cfg.get("iou_threshold", 0.5))
    by_labels = bool(cfg.get("match_labels", True))
    tracks: dict[tuple[int, Hashable], tuple[list[FrameBoxes], list[Any] | None]] = {}

    def prepared(i: int, who: Hashable, result: Result) -> tuple[list[FrameBoxes], Any]:
        # Each answer's frame boxes are computed once, not once per pair it is part of.
        if (i, who) not in tracks:
            ts = result.get("tracks") or []
            labels = [t.get("label") for t in ts] if by_labels else None
            tracks[i, who] = ([frame_boxes(t, interpolate) for t in ts], labels)
        return tracks[i, who]

    for i, a, b, ra, rb in item_pairs(items):
        (fa, la), (fb, lb) = prepared(i, a, ra), prepared(i, b, rb)
        matches = assign_pairs(labelled_similarity(fa, fb, la, lb), threshold)
        n_a, n_b = len(fa), len(fb)
        pair = cells.setdefault((a, b), len(cells))
        rows.append((i, pair, 2.0 * len(matches), float(n_a + n_b), sum(m[2] for m in matches)))
    if not rows:
        return float("nan"), {"pairs": 0}
    data = np.array(rows)
    item_ix, pair_ix = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    # Items x annotator pairs: 2 x matched, tracks drawn, and whether the pair met there.
    shape = (len(items), len(cells))
    num, den, met = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    np.add.at(num, (item_ix, pair_ix), data[:, 2])
    np.add.at(den, (item_ix, pair_ix), data[:, 3])
    np.add.at(met, (item_ix, pair_ix), 1.0)
    used = met.any(axis=1)
    num, den, met = num[used], den[used], met[used]

    def stat(w: np.ndarray) -> np.ndarray:
        top, bottom, seen = w @ num, w @ den, w @ met
        # Two annotators who both drew nothing on their shared items agree perfectly.
        f1 = np.where(seen > 0, 1.0, 0.0)
        np.divide(top, bottom, out=f1, where=bottom > 0)
        return safe_ratio((f1 * (seen > 0)).sum(axis=1), (seen > 0).sum(axis=1))

    matched = data[:, 2].sum() / 2
    details: dict[str, Any] = {
        "mean_iou": float(data[:, 4].sum() / matched) if matched else float("nan"),
        "matched": int(matched),
        "pairs": len(cells),
        "micro_f1": float(data[:, 2].sum() / data[:, 3].sum()) if data[:, 3].sum() else 1.0,
    }
    value = float(stat(np.ones((1, len(num))))[0])
    if n_boot:
        est = bootstrap(stat, np.ones(len(num), dtype=np.int64), n_boot=n_boot, seed=seed,
                        confidence=0.95)  # fmt: skip
        details["ci"] = [est.low, est.high]
    return value, details


def pairwise_sums(
    items: Items, score: Callable[[Result, Result], float], *, ordered: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Per item with 2+ answers: sum of ``score`` over every two answers (both directions if
    ``ordered``, for measures such as WER that treat their first argument as the
    reference) and the number of scores."""
    total = np.zeros(len(items))
    count = np.zeros(len(items))
    for i, _, _, a, b in item_pairs(items):
        total[i] += score(a, b)
        count[i] += 1
        if ordered:
            total[i] += score(b, a)
            count[i] += 1
    used = count > 0
    return total[used], count[used]
