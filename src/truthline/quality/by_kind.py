"""Agreement per annotation kind (the right coefficient for each result shape) and the score
of one result against a reference (consolidated or gold), both on the shapes of docs/kinds.md."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality.alpha import krippendorff_alpha, krippendorff_alpha_ci
from truthline.quality.consolidation.choice import class_names, kendall_tau
from truthline.quality.geometry import mask_iou
from truthline.quality.kappa import percent_agreement
from truthline.quality.shape_agreement import (
    MATCHERS,
    bbox_agreement,
    pairwise_sums,
    ratio_ci,
    set_agreement,
    track_agreement,
)
from truthline.quality.text import cer, normalized_distance, wer

Result = Mapping[str, Any]
Items = Sequence[Mapping[Hashable, Result | None]]
Extract = Callable[[Result], dict[Any, Any]]


@dataclass(frozen=True)
class KindAgreement:
    kind: str
    metric: str
    value: float
    n_items: int  # items with at least two answers
    higher_is_better: bool = True
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _AlphaSpec:
    metric: str
    level: str
    extract: Extract  # result -> {unit key within the item: value}
    per_key: bool = False  # one alpha per key (each label of a multi-label question), averaged


def agreement_for_kind(
    kind: str,
    items: Items,
    config: Mapping[str, Any] | None = None,
    *,
    n_boot: int = 0,
    seed: int = 0,
) -> KindAgreement:
    """Inter-annotator agreement on one question over many items.

    ``items``: per item, annotator id -> that annotator's result (None: not answered).
    Classification and pairwise: nominal alpha (multi-label: mean of per-label binary
    alphas); rating: interval alpha (``config["level"]`` may say ordinal or ratio); ranking:
    ordinal alpha on rank positions; bbox, polygon, keypoints, segments: F1 of one-to-one
    matches between every two annotators (``match_labels``, default true); span: exact-match
    F1; mask: mean per-label IoU; free_text: mean CER; transcription: mean WER (both lower is
    better); video_track: track F1 per pair of annotators, averaged. ``n_boot`` > 0 adds a
    bootstrap interval (``details["ci"]``): over units for alpha, over items otherwise.
    """
    cfg = dict(config or {})
    n_items = sum(1 for it in items if sum(r is not None for r in it.values()) >= 2)
    if kind in _ALPHA:
        spec = _ALPHA[kind](cfg)
        value, details = _alpha(items, spec, n_boot, seed)
        return KindAgreement(kind, spec.metric, value, n_items, True, details)
    if kind == "video_track":
        value, details = track_agreement(items, cfg, n_boot, seed)
        return KindAgreement(kind, "f1_per_annotator_pair", value, n_items, True, details)
    if kind == "bbox" or kind in MATCHERS or kind == "span":
        if kind == "bbox":
            value, details, num, den = bbox_agreement(items, cfg)
        else:
            value, details, num, den = set_agreement(kind, items, cfg)
        if n_boot and len(num):
            details["ci"] = list(ratio_ci(num, den, n_boot, seed, empty=1.0))
        return KindAgreement(kind, "f1", value, n_items, True, details)
    if kind == "mask" or kind in _TEXT:
        metric, score = ("mean_iou", _mask_score) if kind == "mask" else _TEXT[kind]
        total, count = pairwise_sums(items, score, ordered=kind in _TEXT)
        value = float(total.sum() / count.sum()) if count.sum() else float("nan")
        details = {}
        if n_boot and len(total):
            details["ci"] = list(ratio_ci(total, count, n_boot, seed))
        return KindAgreement(kind, metric, value, n_items, kind == "mask", details)
    raise QualityInputError(f"no agreement measure for kind {kind!r}", kind=kind)


def _classification(cfg: dict[str, Any]) -> _AlphaSpec:
    if cfg.get("multiple"):
        classes = class_names(cfg)

        def presence(r: Result) -> dict[Any, Any]:
            chosen = set(r.get("labels") or [])
            return {c: int(c in chosen) for c in classes or sorted(chosen, key=str)}

        return _AlphaSpec("krippendorff_alpha_nominal_per_label", "nominal", presence, True)
    return _AlphaSpec(
        "krippendorff_alpha_nominal", "nominal", lambda r: {"": (r.get("labels") or [""])[0]}
    )


def _rating(cfg: dict[str, Any]) -> _AlphaSpec:
    def values(r: Result) -> dict[Any, Any]:
        if "turns" in r:
            return {str(t): v for t, v in (r.get("turns") or {}).items() if v is not None}
        return {} if r.get("value") is None else {"": r["value"]}

    level = cfg.get("level", "interval")
    return _AlphaSpec(f"krippendorff_alpha_{level}", level, values)


_ALPHA: dict[str, Callable[[dict[str, Any]], _AlphaSpec]] = {
    "classification": _classification,
    "rating": _rating,
    "ranking": lambda cfg: _AlphaSpec(
        "krippendorff_alpha_ordinal",
        "ordinal",
        lambda r: {o: i for i, o in enumerate(r.get("order") or [])},
    ),
    "pairwise": lambda cfg: _AlphaSpec(
        "krippendorff_alpha_nominal", "nominal", lambda r: {"": r.get("choice")}
    ),
}


def _reliability(items: Items, extract: Extract) -> list[list[Any]]:
    """Annotators x units matrix; a unit is (item, key) for results with several values."""
    annotators = sorted({a for it in items for a in it}, key=str)
    row = {a: i for i, a in enumerate(annotators)}
    units: dict[tuple[int, Any], int] = {}
    cells: list[tuple[int, int, Any]] = []
    for n, item in enumerate(items):
        for a, result in item.items():
            if result is None:
                continue
            for key, value in extract(result).items():
                cells.append((row[a], units.setdefault((n, key), len(units)), value))
    matrix: list[list[Any]] = [[None] * len(units) for _ in annotators]
    for r, u, v in cells:
        matrix[r][u] = v
    return matrix


def _alpha(items: Items, spec: _AlphaSpec, n_boot: int, seed: int) -> tuple[float, dict[str, Any]]:
    if spec.per_key:
        return _per_key_alpha(items, spec)
    matrix = _reliability(items, spec.extract)
    if not matrix or not matrix[0]:
        return float("nan"), {}
    details: dict[str, Any] = {"percent_agreement": percent_agreement(matrix)}
    if n_boot:
        est = krippendorff_alpha_ci(matrix, spec.level, n_boot=n_boot, seed=seed)  # type: ignore[arg-type]
        details["ci"] = [est.low, est.high]
        return est.value, details
    return krippendorff_alpha(matrix, spec.level), details  # type: ignore[arg-type]


def _per_key_alpha(items: Items, spec: _AlphaSpec) -> tuple[float, dict[str, Any]]:
    keys = {k for it in items for r in it.values() if r is not None for k in spec.extract(r)}
    per_key: dict[str, float] = {}
    for key in sorted(keys, key=str):
        matrix = _reliability(
            items, cast(Extract, lambda r, key=key: {key: spec.extract(r).get(key, 0)})
        )
        per_key[str(key)] = krippendorff_alpha(matrix, spec.level)  # type: ignore[arg-type]
    defined = [v for v in per_key.values() if not np.isnan(v)]
    return (float(np.mean(defined)) if defined else float("nan")), {"per_label": per_key}


def _mask_score(a: Result, b: Result) -> float:
    """Mean over labels of the IoU of the two annotators' masks of that label."""
    ma, mb = _masks_by_label(a), _masks_by_label(b)
    labels = set(ma) | set(mb)
    if not labels:
        return 1.0
    return float(np.mean([_label_iou(ma.get(lab), mb.get(lab)) for lab in labels]))


def _masks_by_label(r: Result) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for m in r.get("masks") or []:
        out.setdefault(m.get("label"), []).append(m["rle"])
    return out


def _label_iou(a: list[dict[str, Any]] | None, b: list[dict[str, Any]] | None) -> float:
    if not a or not b:
        return 0.0
    if len(a) == 1 and len(b) == 1:
        return mask_iou(a[0], b[0])
    from truthline.quality._rle import decode_flat, encode_flat, rle_size

    def merged(rles: list[dict[str, Any]]) -> dict[str, Any]:
        flat = np.logical_or.reduce([decode_flat(r) for r in rles])
        h, w = rle_size(rles[0])
        return {"size": [h, w], "counts": encode_flat(flat)}

    return mask_iou(merged(a), merged(b))


def _free_text_cer(a: Result, b: Result) -> float:
    return cer(a.get("text") or "", b.get("text") or "")


def _transcription_wer(a: Result, b: Result) -> float:
    from truthline.quality.consolidation.texts import joined_words

    return wer(joined_words(a), joined_words(b))


_TEXT: dict[str, tuple[str, Callable[[Result, Result], float]]] = {
    "free_text": ("mean_cer", _free_text_cer),
    "transcription": ("mean_wer", _transcription_wer),
}


def score_against(
    kind: str,
    result: Result,
    reference: Result,
    config: Mapping[str, Any] | None = None,
) -> float:
    """How well one result matches a reference result (gold or consolidated), in [0, 1]."""
    cfg = dict(config or {})
    if kind == "classification":
        got, want = set(result.get("labels") or []), set(reference.get("labels") or [])
        return 1.0 if got == want else len(got & want) / len(got | want)
    if kind == "rating":
        width = float(cfg.get("max", 5)) - float(cfg.get("min", 1))
        return _rating_score(result, reference, width)
    if kind == "ranking":
        return (kendall_tau(result.get("order") or [], reference.get("order") or []) + 1) / 2
    if kind == "pairwise":
        return float(result.get("choice") == reference.get("choice"))
    if kind == "mask":
        return _mask_score(result, reference)
    if kind in _TEXT:
        return _text_score(kind, result, reference)
    if kind == "bbox":
        return bbox_agreement([{0: reference, 1: result}], cfg)[0]
    if kind == "span" or kind in MATCHERS:
        return set_agreement(kind, [{0: reference, 1: result}], cfg)[0]
    raise QualityInputError(f"no score for kind {kind!r}", kind=kind)


def _rating_score(result: Result, reference: Result, width: float) -> float:
    if "turns" in reference:
        want = reference.get("turns") or {}
        got = result.get("turns") or {}
        scores = [
            _rating_score({"value": got.get(t)}, {"value": v}, width) for t, v in want.items()
        ]
        return float(np.mean(scores)) if scores else 1.0
    got, want = result.get("value"), reference.get("value")
    if got is None or want is None:
        return float(got == want)
    return 1.0 if width <= 0 else max(0.0, 1 - abs(got - want) / width)


def _text_score(kind: str, result: Result, reference: Result) -> float:
    if kind == "free_text":
        return 1 - normalized_distance(result.get("text") or "", reference.get("text") or "")
    return max(0.0, 1 - _transcription_wer(reference, result))
