"""What the quality dashboard shows beside each question's agreement measure: Fleiss' kappa,
the pairwise Cohen's kappa matrix, mean IoU, overlap F1, WER and CER, agreement per label of
shape kinds; and the agreement of each question per ISO week."""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from truthline.db.models import Project
from truthline.db.session import Database
from truthline.quality import QualityInputError, agreement_for_kind
from truthline.quality.agreement import cer, fleiss_kappa, fleiss_kappa_ci, pairwise_cohen, wer
from truthline.quality.by_kind import KindAgreement
from truthline.quality.consolidation.choice import class_names
from truthline.quality.consolidation.texts import joined_words
from truthline.quality.shape_agreement import bbox_label_sums, pairwise_sums, ratio_ci
from truthline.services.error_analysis import iso_week
from truthline.services.quality_data import Question, answers, pages, questions_of

Answers = dict[Any, dict[str, Any]]  # annotator id -> that annotator's answer

# The list of labelled shapes in a result of each shape kind.
SHAPES = {
    "bbox": "boxes",
    "polygon": "polygons",
    "keypoints": "instances",
    "span": "spans",
    "audio_segment": "segments",
    "temporal_segment": "segments",
    "video_track": "tracks",
    "mask": "masks",
}
NOMINAL = ("classification", "pairwise")
# Kinds whose matched shapes are compared by IoU (keypoints use keypoint similarity instead).
# A mask's measure is its mean IoU already.
IOU_KINDS = ("bbox", "polygon", "audio_segment", "temporal_segment", "video_track")


def _num(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def interval(ci: Any) -> list[float | None] | None:
    """A bootstrap interval as the API shows it (non-finite bounds as null), or None."""
    return [_num(ci[0]), _num(ci[1])] if ci else None


def measure(ka: KindAgreement) -> dict[str, Any]:
    """A kind's agreement measure as the API shows it: the metric, its value and interval."""
    return {"metric": ka.metric, "value": _num(ka.value), "ci": interval(ka.details.get("ci"))}


def category(q: Question, result: dict[str, Any]) -> str | None:
    """The one nominal value of an answer: its label (multiple choice: the sorted label set
    joined by |), or the pairwise choice."""
    if q.kind == "pairwise":
        choice = result.get("choice")
        return None if choice is None else str(choice)
    labels = [str(x) for x in result.get("labels") or []]
    if not q.config.get("multiple"):
        return labels[0] if labels else ""
    return "|".join(sorted(labels))


def extras(
    q: Question,
    items: list[Answers],
    details: dict[str, Any],
    names: dict[int, str],
    n_boot: int,
    seed: int,
) -> dict[str, Any]:
    """The coefficients the kind's measure leaves out, keyed as in ``AgreementRead``; only
    the keys that apply to the kind are present."""
    multi = [i for i in items if len(i) >= 2]
    out: dict[str, Any] = {}
    if q.kind in NOMINAL:
        out.update(fleiss(q, multi, n_boot, seed))
        out["cohen"] = cohen_matrix(q, multi, names)
    if q.kind in IOU_KINDS:
        mean = details.get("mean_similarity", details.get("mean_iou"))
        out["mean_iou"] = _num(mean)
    if q.kind == "keypoints":
        out["mean_oks"] = _num(details.get("mean_similarity"))
    if q.kind == "span":
        out["overlap_f1"] = _num(details.get("overlap_f1"))
    if q.kind in ("free_text", "transcription"):
        out.update(text_rates(q, multi))
    return out


def fleiss(q: Question, multi: list[Answers], n_boot: int, seed: int) -> dict[str, Any]:
    """Fleiss' kappa on the items with two answers or more, or the reason it is absent."""
    out: dict[str, Any] = {"fleiss_kappa": None, "fleiss_kappa_ci": None, "fleiss_note": None}
    if q.kind == "classification" and q.config.get("multiple"):
        out["fleiss_note"] = "multiple choice: see the binary alpha of each label"
        return out
    if not multi:
        out["fleiss_note"] = "no item has two answers yet"
        return out
    sizes = {len(i) for i in multi}
    if len(sizes) > 1:
        out["fleiss_note"] = (
            f"items have {min(sizes)} to {max(sizes)} answers; Fleiss' kappa needs the same "
            "number on every item (Krippendorff's alpha does not)"
        )
        return out
    values = sorted({v for i in multi for r in i.values() if (v := category(q, r)) is not None})
    index = {v: n for n, v in enumerate(values)}
    counts = np.zeros((len(multi), max(len(values), 1)), dtype=np.int64)
    for row, item in enumerate(multi):
        for r in item.values():
            v = category(q, r)
            if v is not None:
                counts[row, index[v]] += 1
    try:
        if n_boot:
            est = fleiss_kappa_ci(counts, n_boot=n_boot, seed=seed)
            value, ci = est.value, [_num(est.low), _num(est.high)]
        else:
            value, ci = fleiss_kappa(counts), None
    except QualityInputError as exc:
        out["fleiss_note"] = exc.message
        return out
    if _num(value) is None:
        out["fleiss_note"] = "undefined: every answer is the same"
        return out
    out.update(fleiss_kappa=_num(value), fleiss_kappa_ci=ci)
    return out


def cohen_matrix(q: Question, multi: list[Answers], names: dict[int, str]) -> dict[str, Any]:
    """Cohen's kappa of every two annotators over the items both answered (null where they
    share fewer than two items, kappa is undefined, or on the diagonal), with the counts of
    shared items."""
    people = sorted({u for i in multi for u in i}, key=lambda u: (names.get(u, ""), u))
    row = {u: n for n, u in enumerate(people)}
    data = np.full((len(people), len(multi)), None, dtype=object)
    answered = np.zeros(data.shape, dtype=np.int64)
    for col, item in enumerate(multi):
        for u, r in item.items():
            data[row[u], col] = value = category(q, r)
            answered[row[u], col] = value is not None
    shared = (answered @ answered.T).tolist()
    kappa = pairwise_cohen(data) if people and multi else np.zeros((0, 0))
    return {
        "annotators": [names.get(u, str(u)) for u in people],
        "matrix": [
            [None if a == b else _num(kappa[a][b]) for b in range(len(people))]
            for a in range(len(people))
        ],
        "shared": shared,
    }


def text_rates(q: Question, multi: list[Answers]) -> dict[str, Any]:
    """Mean WER and mean CER over every ordered pair of answers of an item."""

    def text(r: Mapping[str, Any]) -> str:
        return r.get("text") or "" if q.kind == "free_text" else joined_words(dict(r))

    def mean(score: Callable[[str, str], float]) -> float | None:
        total, count = pairwise_sums(multi, lambda a, b: score(text(a), text(b)), ordered=True)
        return _num(total.sum() / count.sum()) if count.sum() else None

    return {"wer": mean(wer), "cer": mean(cer)}


def shape_labels(q: Question, items: list[Answers], n_boot: int, seed: int) -> list[dict[str, Any]]:
    """Per label of a shape kind: the kind's measure on that label's shapes alone (F1 of
    matched shapes; mean IoU for masks), over items with two answers or more."""
    key = SHAPES[q.kind]
    multi = [i for i in items if len(i) >= 2]
    seen = {s.get("label") for i in multi for r in i.values() for s in r.get(key) or []}
    labels = class_names(q.config) or sorted((x for x in seen if x is not None), key=str)
    if q.kind == "bbox" and q.config.get("match_labels", True):
        return _bbox_labels(q, multi, labels, n_boot, seed)
    out = []
    for label in labels:
        only = [
            {u: {**r, key: [s for s in r.get(key) or [] if s.get("label") == label]}
             for u, r in i.items()}
            for i in multi
        ]  # fmt: skip
        chosen = sum(len(r[key]) for i in only for r in i.values())
        entry: dict[str, Any] = {"label": str(label), "chosen": chosen, "value": None, "ci": None}
        if chosen:
            with contextlib.suppress(QualityInputError):
                ka = agreement_for_kind(q.kind, only, q.config, n_boot=n_boot, seed=seed)
                entry.update(measure(ka))
        out.append(entry)
    return out


def _bbox_labels(
    q: Question, multi: list[Answers], labels: list[Any], n_boot: int, seed: int
) -> list[dict[str, Any]]:
    """``shape_labels`` for boxes from one matching of all labels (see ``bbox_label_sums``)."""
    try:
        sums = bbox_label_sums(multi, q.config)
    except QualityInputError:
        sums = {}
    drawn = Counter(b.get("label") for i in multi for r in i.values() for b in r.get("boxes") or [])
    out = []
    for label in labels:
        num, den = sums.get(label, (np.zeros(0), np.zeros(0)))
        chosen = drawn.get(label, 0)
        entry: dict[str, Any] = {"label": str(label), "chosen": chosen, "value": None, "ci": None}
        if chosen and label in sums:
            ci = ratio_ci(num, den, n_boot, seed, empty=1.0) if n_boot and len(num) else None
            entry.update(metric="f1", value=_num(num.sum() / den.sum()), ci=interval(ci))
        out.append(entry)
    return out


# --- agreement over time --------------------------------------------------------------------------
async def agreement_by_week(
    db: Database, project: Project, *, n_boot: int = 1000, seed: int = 0
) -> list[dict[str, Any]]:
    """Per question and ISO week: the kind's agreement measure with its bootstrap interval
    over the items whose answers were complete that week (an item counts in the week its
    latest answer was submitted), and the number of items with two answers or more."""
    async with db.read() as s:
        questions = await questions_of(s, project)
    per_q: dict[str, dict[str, list[Answers]]] = {q.name: {} for q in questions}
    async for page, latest in pages(db, project.id):
        for i in page:
            for q in questions:
                given = answers(latest[i.id], q.name)
                if len(given) < 2:
                    continue
                last = max(latest[i.id][u].created_at for u in given)
                per_q[q.name].setdefault(iso_week(last), []).append(given)
    out = []
    for q in questions:
        for week, items in sorted(per_q[q.name].items()):
            out.append(week_row(q, week, items, n_boot, seed))
    return out


def week_row(
    q: Question, week: str, items: list[Answers], n_boot: int, seed: int
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "question": q.name,
        "kind": q.kind,
        "week": week,
        "metric": None,
        "value": None,
        "ci": None,
        "n_items": len(items),
        "higher_is_better": True,
    }
    try:
        ka = agreement_for_kind(q.kind, items, q.config, n_boot=n_boot, seed=seed)
    except QualityInputError as exc:
        return {**row, "error": exc.message}
    row.update(measure(ka), higher_is_better=ka.higher_is_better)
    return row
