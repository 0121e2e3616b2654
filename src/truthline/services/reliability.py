"""Per-annotator reliability: agreement with the consensus, gold accuracy, the Dawid-Skene
confusion matrix of single-choice questions and the per-label 2 x 2 confusions of
multiple-choice ones; and reviewer agreement on the share of annotations judged by two
reviewers.

Agreement with the consensus is leave-one-out where it can be: on an item with at least two
other answers, an annotator is scored against the consolidation of the others' answers alone
(their majority, for a choice; none when they split evenly, and the answer is then not
scored), so nobody is graded against their own vote. The others'
answers are taken as consolidation takes them, a reviewer's fix in place of the version it
corrected; the annotator is scored on what they submitted. With one other answer there is no
majority to leave one out of, and the stored consolidated result is the reference, as it is
for kinds that cannot be consolidated here."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
from sqlalchemy import select

from truthline.db.models import ConsolidatedResult, Item, Project, ReviewVerdict, User
from truthline.db.session import Database
from truthline.quality import QualityInputError, consolidate, dawid_skene
from truthline.quality.agreement import (
    krippendorff_alpha,
    krippendorff_alpha_ci,
    percent_agreement,
    score_against,
)
from truthline.quality.consolidation import encode_annotations, registered_kinds
from truthline.quality.consolidation.choice import class_names
from truthline.quality.dawid_skene import multilabel_dawid_skene
from truthline.quality.reliability import summarize
from truthline.services.gold import gold_summary
from truthline.services.quality_data import Latest, Question, answers, pages, questions_of
from truthline.services.quality_settings import quality_of


def _num(x: float | None) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


async def annotator_reliability(db: Database, project: Project) -> dict[str, Any]:
    async with db.read() as s:
        questions = await questions_of(s, project)
        names = dict((await s.execute(select(User.id, User.username))).all())
    pass_mark = quality_of(project).gold.pass_threshold
    scores: dict[str, list[tuple[int, float]]] = {q.name: [] for q in questions}
    coded: dict[str, list[tuple[int, int, dict[str, Any]]]] = {
        q.name: [] for q in questions if q.kind == "classification"
    }
    counts: dict[int, int] = defaultdict(int)
    async for items, latest, ref in scored_pages(db, project.id):
        for i in items:
            for u in latest[i.id]:
                counts[u] += 1
            for q in questions:
                if q.name in coded:
                    given = _submitted(latest[i.id], q.name)
                    coded[q.name] += [(i.id, u, r) for u, r in given.items()]
                scores[q.name] += item_scores(q, i, latest[i.id], ref.get((i.id, q.name)))
    by_name = {q.name: q for q in questions}
    confusion = {
        name: _confusion(by_name[name], rows)
        for name, rows in coded.items()
        if by_name[name].single_choice
    }
    per_label = {
        name: _label_confusion(by_name[name], rows)
        for name, rows in coded.items()
        if not by_name[name].single_choice
    }
    gold = {a["user_id"]: a for a in (await gold_summary(db, project))["annotators"]}
    people = sorted(set(counts) | set(gold), key=lambda u: names.get(u, ""))
    per_q = {name: summarize(vals, pass_mark) for name, vals in scores.items()}
    return {
        "annotators": [
            {
                "user_id": u,
                "username": names.get(u),
                "items": counts.get(u, 0),
                "consensus": {
                    name: _score_dict(per_q[name].get(u)) for name in per_q if u in per_q[name]
                },
                "gold": gold.get(u),
                "confusion": {
                    name: c["annotators"][u]
                    for name, c in confusion.items()
                    if c and u in c["annotators"]
                },
                "label_confusion": {name: c[u] for name, c in per_label.items() if c and u in c},
            }
            for u in people
        ],
        "labels": {name: c["labels"] for name, c in confusion.items() if c},
    }


MIN_OTHERS = 2  # answers besides the annotator's own needed to leave theirs out


async def scored_pages(
    db: Database, project_id: int, after: int = 0
) -> AsyncIterator[tuple[list[Item], dict[int, dict[int, Latest]], dict[tuple[int, str], dict]]]:
    """The pages the consensus scores are computed on: items with their latest answers
    (reviewers' fixes applied) and their stored consolidated results by (item, question)."""
    async for items, latest in pages(db, project_id, fixes=True, after=after):
        yield items, latest, await _consolidated(db, [i.id for i in items])


def item_scores(
    q: Question, item: Item, latest: dict[int, Latest], stored: dict[str, Any] | None
) -> list[tuple[int, float]]:
    """(annotator, score) for one question of one item, as the annotators view counts them:
    each annotator's own submitted answer against the consensus of the others, in which
    reviewers' fixes count."""
    context = {"media": (item.meta or {}).get("media", {})}
    fixed = answers(latest, q.name)
    return consensus_scores(q, _submitted(latest, q.name), stored, context, basis=fixed)


def _submitted(latest: dict[int, Latest], question: str) -> dict[int, dict[str, Any]]:
    """annotator -> the answer they submitted (not a reviewer's fix of it)."""
    own = {u: a.result if a.original is None else a.original for u, a in latest.items()}
    return {u: r[question] for u, r in own.items() if r.get(question) is not None}


def consensus_scores(
    q: Question,
    given: dict[int, dict[str, Any]],
    stored: dict[str, Any] | None,
    context: dict[str, Any] | None = None,
    *,
    basis: dict[int, dict[str, Any]] | None = None,
) -> list[tuple[int, float]]:
    """(annotator, score) of each answer in ``given`` to one question of one item with two or
    more answers, against the consolidation of the other annotators' answers in ``basis``
    (default ``given``; the answers with reviewers' fixes in place) when there are at least
    MIN_OTHERS of them (leave one out; on a single choice that the others split evenly there
    is no majority, and the answer is not scored), else against ``stored``, the item's
    consolidated result (skipped when there is none)."""
    if len(given) < 2:
        return []
    basis = given if basis is None else basis
    out = []
    for user_id, result in given.items():
        reference = _reference(q, user_id, basis, stored, context)
        if reference is not None:
            out.append((user_id, _score(q, result, reference)))
    return out


def _reference(
    q: Question,
    user_id: int,
    basis: dict[int, dict[str, Any]],
    stored: dict[str, Any] | None,
    context: dict[str, Any] | None,
) -> dict[str, Any] | None:
    others = [r for u, r in sorted(basis.items()) if u != user_id]
    if len(others) < MIN_OTHERS or q.kind not in registered_kinds():
        return stored
    try:
        consensus = consolidate(q.kind, others, q.config, context)  # type: ignore[arg-type]
    except QualityInputError:
        return stored
    if q.single_choice and _tied(consensus.support):
        return None  # the others split evenly: no majority to be right or wrong against
    return consensus.result


def _tied(support: dict[str, Any]) -> bool:
    votes = support.get("votes") or []
    return len(votes) >= 2 and votes[0][1] == votes[1][1]


def _score(q: Question, result: dict[str, Any], reference: dict[str, Any]) -> float:
    try:
        return float(score_against(q.kind, result, reference, q.config))
    except QualityInputError:
        return 0.0


def _score_dict(score: Any) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "n": score.n,
        "mean": _num(score.mean),
        "correct": score.correct,
        "accuracy": _num(score.accuracy),
        "ci": [score.low, score.high],
    }


async def _consolidated(db: Database, item_ids: list[int]) -> dict[tuple[int, str], dict]:
    async with db.read() as s:
        rows = await s.execute(
            select(
                ConsolidatedResult.item_id, ConsolidatedResult.question, ConsolidatedResult.result
            ).where(ConsolidatedResult.item_id.in_(item_ids))
        )
        return {(i, q): r for i, q, r in rows}


def _confusion(q: Question, rows: list[tuple[int, int, dict[str, Any]]]) -> dict[str, Any] | None:
    """Dawid-Skene confusion per annotator: rows are the estimated true class, columns the
    label given; each row sums to 1."""
    flat = [(i, u, (r.get("labels") or [None])[0]) for i, u, r in rows]
    flat = [(i, u, lab) for i, u, lab in flat if lab is not None]
    if not flat:
        return None
    enc = encode_annotations(flat, class_names(q.config))
    fit = dawid_skene(
        enc.items, enc.annotators, enc.labels,
        n_items=len(enc.item_ids), n_annotators=len(enc.annotator_ids), n_classes=len(enc.classes),
    )  # fmt: skip
    return {
        "labels": [str(c) for c in enc.classes],
        "annotators": {
            int(a): np.round(fit.confusion[n], 4).tolist()  # type: ignore[call-overload]
            for n, a in enumerate(enc.annotator_ids)
        },
    }


def _label_confusion(
    q: Question, rows: list[tuple[int, int, dict[str, Any]]]
) -> dict[int, dict[str, list[list[float]]]] | None:
    """Multiple choice: per annotator and label, the 2 x 2 confusion of one binary
    Dawid-Skene per label; rows and columns are (absent, present), rows the estimated
    truth. Labels nobody chose are left out: there is nothing to estimate for them."""
    if not rows:
        return None
    enc = encode_annotations((i, u, 0) for i, u, _ in rows)
    classes = class_names(q.config)
    seen = {lab for _, _, r in rows for lab in r.get("labels") or []}
    labels = [c for c in classes if c in seen] + sorted(seen - set(classes), key=str)
    if not labels:
        return None
    column = {lab: n for n, lab in enumerate(labels)}
    chosen = np.zeros((len(rows), len(labels)), dtype=bool)
    for e, (_, _, r) in enumerate(rows):
        for lab in r.get("labels") or []:
            chosen[e, column[lab]] = True
    fit = multilabel_dawid_skene(
        enc.items, enc.annotators, chosen,
        n_items=len(enc.item_ids), n_annotators=len(enc.annotator_ids),
    )  # fmt: skip
    return {
        int(a): {  # type: ignore[call-overload]
            str(lab): np.round(fit.confusion[n, m], 4).tolist() for m, lab in enumerate(labels)
        }
        for n, a in enumerate(enc.annotator_ids)
    }


async def reviewer_agreement(
    db: Database, project: Project, *, n_boot: int = 1000
) -> dict[str, Any]:
    """Agreement between reviewers on annotations two or more of them judged: percent
    agreement and nominal alpha on the verdict, and alpha on accept vs not."""
    async with db.read() as s:
        rows = (
            await s.execute(
                select(
                    ReviewVerdict.annotation_id, ReviewVerdict.reviewer_id, ReviewVerdict.verdict
                ).where(ReviewVerdict.project_id == project.id)
            )
        ).all()
    per: dict[int, dict[int, str]] = defaultdict(dict)
    for annotation, reviewer, verdict in rows:
        per[annotation][reviewer] = verdict
    shared = [v for v in per.values() if len(v) >= 2]
    out: dict[str, Any] = {
        "annotations_reviewed": len(per),
        "reviewed_twice": len(shared),
        "percent_agreement": None,
        "alpha": None,
        "alpha_ci": None,
        "accept_alpha": None,
    }
    if not shared:
        return out
    verdicts = ("accept", "fix", "reject")
    counts = np.array([[list(v.values()).count(x) for x in verdicts] for v in shared])
    out["percent_agreement"] = _num(percent_agreement(counts=counts))
    try:
        est = krippendorff_alpha_ci(counts=counts, values=list(verdicts), n_boot=n_boot)
        out["alpha"], out["alpha_ci"] = _num(est.value), [_num(est.low), _num(est.high)]
        binary = np.stack([counts[:, 0], counts[:, 1] + counts[:, 2]], axis=1)
        out["accept_alpha"] = _num(krippendorff_alpha(counts=binary, values=[0, 1]))
    except QualityInputError:
        pass
    return out
