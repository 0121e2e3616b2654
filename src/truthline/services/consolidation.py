"""Consolidation of each question's answers into ``consolidated_results`` (run as the
``consolidate`` job), and agreement per question and per label with bootstrap intervals."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select

from truthline.db.models import ConsolidatedResult, Project
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.jobs import queue as jobs
from truthline.policies import ProjectAccess
from truthline.quality import QualityInputError, agreement_for_kind, consolidate_many
from truthline.quality.agreement import krippendorff_alpha_ci
from truthline.quality.consolidation import (
    consolidate_classification_batch,
    majority_vote,
    registered_kinds,
)
from truthline.quality.consolidation._base import rank_key
from truthline.quality.consolidation.choice import class_names
from truthline.services import agreement_report, audit
from truthline.services.quality_data import (
    PAGE,
    Question,
    annotated_item_count,
    answers,
    pages,
    questions_of,
)
from truthline.services.quality_settings import quality_of

Progress = Callable[[int, int | None], Awaitable[None]]
RASTER = ("polygon", "mask")


async def start_consolidation(db: Database, access: ProjectAccess) -> Any:
    """Enqueues the consolidate job of the project; returns the job."""
    async with db.write() as s:
        job = jobs.enqueue(
            s,
            "consolidate",
            {"project_id": access.project.id},
            project_id=access.project.id,
            created_by=access.user.id,
        )
        await s.flush()
        audit.record(s, access.user.id, "quality.consolidate", access.project.id, "job", job.id)
    return job


async def run_consolidation_here(db: Database, settings: Any, job_id: int, worker_id: str) -> bool:
    """Claims the consolidate job ``job_id`` for this process, when it is ready to run and no
    worker holds it, and runs it as a worker does (``jobs.worker.run_job``). False when it
    could not be claimed (a worker has it, it has ended, or its retry is not due yet)."""
    from truthline.jobs.worker import JobContext, run_job
    from truthline.media.storage import storage_from_url

    job = await jobs.claim(db, worker_id, ["consolidate"], job_id=job_id)
    if job is None:
        return False
    storage = storage_from_url(settings.resolved_storage_url())
    await run_job(JobContext(db, storage, settings, job, worker_id))
    return True


async def consolidate_project(
    db: Database, project: Project, progress: Progress | None = None
) -> dict[str, Any]:
    """Recomputes every consolidated result of the project, page by page; results of items
    that no longer have answers are removed at the end. Returns counts per question."""
    started = utcnow()
    async with db.read() as s:
        questions = await questions_of(s, project)
    method = quality_of(project).consolidation.method
    total = await annotated_item_count(db, project.id)
    counts = {q.name: 0 for q in questions}
    skipped = [q.name for q in questions if q.kind not in registered_kinds()]
    # Dawid-Skene estimates each annotator's confusions from the whole project at once.
    batch_q = [q for q in questions if q.kind == "classification" and method == "dawid_skene"]
    pending: dict[str, list[tuple[int, int, dict[str, Any]]]] = {q.name: [] for q in batch_q}
    done = 0
    async for items, latest in pages(db, project.id, fixes=True):
        rows: list[dict[str, Any]] = []
        for q in questions:
            if q.name in skipped:
                continue
            per_item = {i.id: answers(latest[i.id], q.name) for i in items}
            per_item = {k: v for k, v in per_item.items() if v}
            if q.name in pending:
                pending[q.name] += [(i, u, r) for i, a in per_item.items() for u, r in a.items()]
                continue
            rows += _consolidate_page(project.id, q, items, per_item, started)
        await _store(db, project.id, [i.id for i in items], rows, [q.name for q in batch_q])
        for r in rows:
            counts[r["question"]] += 1
        done += len(items)
        if progress:
            await progress(done, total)
    for q in batch_q:
        rows = _consolidate_batch(project.id, q, pending[q.name], method, started)
        await _store(db, project.id, [r["item_id"] for r in rows], rows, [], only=q.name)
        counts[q.name] = len(rows)
    async with db.write() as s:
        await s.execute(
            delete(ConsolidatedResult).where(
                ConsolidatedResult.project_id == project.id,
                ConsolidatedResult.computed_at < started,
            )
        )
    return {"items": done, "questions": counts, "skipped": skipped, "method": method}


def _consolidate_page(
    project_id: int,
    q: Question,
    items: list[Any],
    per_item: dict[int, dict[int, dict[str, Any]]],
    now: Any,
) -> list[dict[str, Any]]:
    """The result rows (column -> value) of one question over one page of items."""
    ids = [i.id for i in items if i.id in per_item]
    if not ids:
        return []
    if q.single_choice:
        rows = _majority_page(project_id, q, ids, per_item, now)
        if rows is not None:
            return rows
    ordered = [[per_item[i][u] for u in sorted(per_item[i])] for i in ids]
    contexts = None
    if q.kind in RASTER:
        media = {i.id: {"media": (i.meta or {}).get("media", {})} for i in items}
        contexts = [media[i] for i in ids]
    results = consolidate_many(q.kind, ordered, q.config, contexts)  # type: ignore[arg-type]
    method = q.kind if q.kind != "classification" else "majority"
    return [
        _row(project_id, q.name, i, c, method, len(per_item[i]), now)
        for i, c in zip(ids, results, strict=True)
    ]


_NO_LABEL = (None,)


def _majority_page(
    project_id: int,
    q: Question,
    ids: list[int],
    per_item: dict[int, dict[int, dict[str, Any]]],
    now: Any,
) -> list[dict[str, Any]] | None:
    """Single choice by majority over the whole page at once (``majority_vote`` on label
    codes), with exactly the rows of the item-by-item aggregator: the plurality of first
    labels (no label is a vote too), ties to the earliest class and then the smallest text
    form, the vote share, and the tally. Codes follow that tie order, so the lowest code wins
    a tie. None when two different labels would tie on that order (labels outside the
    classes that print alike): the item-by-item path decides those."""
    given = [per_item[i] for i in ids]
    sizes = [len(g) for g in given]
    firsts = [(r.get("labels") or _NO_LABEL)[0] for g in given for r in g.values()]
    key = rank_key(class_names(q.config))
    labels = sorted(set(firsts), key=key)
    if len({key(lab) for lab in labels}) < len(labels):
        return None
    code = {lab: n for n, lab in enumerate(labels)}
    n, k = len(ids), len(labels)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    codes = np.fromiter(map(code.__getitem__, firsts), np.int64, len(firsts))
    winner, share = majority_vote(owner, codes, n, k)
    tally = np.bincount(owner * k + codes, minlength=n * k).reshape(n, k)
    at, lab = np.nonzero(tally)
    count = tally[at, lab]
    order = np.lexsort((lab, -count, at))  # per item: most votes first, then tie order
    tallied = [
        [labels[c], v] for c, v in zip(lab[order].tolist(), count[order].tolist(), strict=True)
    ]
    bounds = np.cumsum(np.count_nonzero(tally, axis=1)).tolist()
    rows, first = [], 0
    for i, w, conf, size, last in zip(
        ids, winner.tolist(), share.tolist(), sizes, bounds, strict=True
    ):
        won = labels[w]
        rows.append(
            {
                "item_id": i,
                "question": q.name,
                "project_id": project_id,
                "result": {"labels": [] if won is None else [won]},
                "confidence": conf,
                "method": "majority",
                "support": {"n": size, "votes": tallied[first:last]},
                "n_annotations": size,
                "computed_at": now,
            }
        )
        first = last
    return rows


def _row(
    project_id: int, question: str, item_id: int, c: Any, method: str, n: int, now: Any
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "question": question,
        "project_id": project_id,
        "result": c.result,
        "confidence": _finite(c.confidence),
        "method": method,
        "support": _jsonable(c.support),
        "n_annotations": n,
        "computed_at": now,
    }


def _consolidate_batch(
    project_id: int,
    q: Question,
    rows: list[tuple[int, int, dict[str, Any]]],
    method: str,
    now: Any,
) -> list[dict[str, Any]]:
    if not rows:
        return []
    config = {**q.config, "method": method}
    fitted = consolidate_classification_batch(rows, config)
    n: dict[Any, int] = {}
    for item, _, _ in rows:
        n[item] = n.get(item, 0) + 1
    return [
        _row(project_id, q.name, int(item), c, method, n[item], now)  # type: ignore[call-overload]
        for item, c in fitted.items()
    ]


async def _store(
    db: Database,
    project_id: int,
    item_ids: list[int],
    rows: list[dict[str, Any]],
    keep: list[str],
    only: str | None = None,
) -> None:
    """Replaces the page's results (questions in ``keep`` are written later, by the batch).
    Rows are inserted as plain values: building ORM objects cost more than consolidating."""
    for start in range(0, max(len(item_ids), 1), PAGE):
        chunk = set(item_ids[start : start + PAGE])
        async with db.write() as s:
            q = delete(ConsolidatedResult).where(ConsolidatedResult.item_id.in_(chunk))
            if keep:
                q = q.where(ConsolidatedResult.question.not_in(keep))
            if only:
                q = q.where(ConsolidatedResult.question == only)
            await s.execute(q)
            batch = [r for r in rows if r["item_id"] in chunk]
            if batch:
                await s.execute(insert(ConsolidatedResult), batch)


def _finite(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


def _jsonable(value: Any) -> Any:
    # Plain leaves are tested first by exact type: supports of shape kinds hold many of them.
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k if type(k) is str else str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


async def consolidated_for(db: Database, project_id: int, item_ids: list[int]) -> dict[int, dict]:
    """item id -> question -> stored consolidated result (for gold promotion and exports)."""
    async with db.read() as s:
        rows = await s.scalars(
            select(ConsolidatedResult).where(
                ConsolidatedResult.project_id == project_id,
                ConsolidatedResult.item_id.in_(item_ids),
            )
        )
        out: dict[int, dict] = {}
        for r in rows:
            out.setdefault(r.item_id, {})[r.question] = r
    return out


# --- agreement ------------------------------------------------------------------------------------
def _num(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


async def project_agreement(
    db: Database, project: Project, *, n_boot: int = 1000, seed: int = 0
) -> list[dict[str, Any]]:
    """Per question: the kind's agreement measure with its bootstrap interval, the
    coefficients of ``agreement_report.extras`` (Fleiss' kappa, Cohen's kappa matrix, mean
    IoU, overlap F1, WER and CER, as they apply), and one entry per label: binary alpha for
    classification, the kind's measure on that label's shapes for shape kinds."""
    from truthline.db.models import User

    async with db.read() as s:
        questions = await questions_of(s, project)
        names = dict((await s.execute(select(User.id, User.username))).all())
    per_q: dict[str, list[dict[int, dict[str, Any]]]] = {q.name: [] for q in questions}
    async for items, latest in pages(db, project.id):
        for q in questions:
            per_q[q.name] += [a for i in items if (a := answers(latest[i.id], q.name))]
    return [_question_agreement(q, per_q[q.name], n_boot, seed, names) for q in questions]


def _question_agreement(
    q: Question,
    items: list[dict[Any, dict[str, Any]]],
    n_boot: int,
    seed: int,
    names: dict[int, str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "question": q.name,
        "kind": q.kind,
        "items": len(items),
        "metric": None,
        "value": None,
        "ci": None,
        "n_items": 0,
        "higher_is_better": True,
        "percent_agreement": None,
        "labels": [],
    }
    try:
        ka = agreement_for_kind(q.kind, items, q.config, n_boot=n_boot, seed=seed)
    except QualityInputError as exc:
        out["error"] = exc.message
        return out
    out.update(
        agreement_report.measure(ka),
        n_items=ka.n_items,
        higher_is_better=ka.higher_is_better,
        percent_agreement=_num(ka.details.get("percent_agreement", float("nan"))),
    )
    out.update(agreement_report.extras(q, items, ka.details, names or {}, n_boot, seed))
    if q.kind == "classification":
        out["labels"] = [
            {**x, "metric": "binary_alpha"} for x in label_agreement(q, items, n_boot, seed)
        ]
    elif q.kind in agreement_report.SHAPES:
        out["labels"] = agreement_report.shape_labels(q, items, n_boot, seed)
    return out


def label_agreement(
    q: Question, items: list[dict[int, dict[str, Any]]], n_boot: int, seed: int
) -> list[dict[str, Any]]:
    """Per class: nominal alpha of "chose this label or not" over items with 2+ answers,
    computed on units x {absent, present} counts, with a bootstrap interval."""
    multi = [i for i in items if len(i) >= 2]
    labels = class_names(q.config) or sorted(
        {lab for i in multi for r in i.values() for lab in r.get("labels") or []}, key=str
    )
    out = []
    for label in labels:
        present = np.array(
            [sum(label in (r.get("labels") or []) for r in i.values()) for i in multi],
            dtype=np.int64,
        )
        counts = np.stack([np.array([len(i) for i in multi]) - present, present], axis=1)
        entry: dict[str, Any] = {
            "label": label,
            "chosen": int(present.sum()),
            "value": None,
            "ci": None,
        }
        if len(multi) and present.any():
            if n_boot:
                est = krippendorff_alpha_ci(counts=counts, values=[0, 1], n_boot=n_boot, seed=seed)
                entry["value"], entry["ci"] = _num(est.value), [_num(est.low), _num(est.high)]
            else:
                from truthline.quality.agreement import krippendorff_alpha

                entry["value"] = _num(krippendorff_alpha(counts=counts, values=[0, 1]))
        out.append(entry)
    return out


async def consolidation_summary(db: Database, project: Project) -> list[dict[str, Any]]:
    """Per question: items consolidated, mean confidence, method, last computed."""
    from sqlalchemy import func

    async with db.read() as s:
        rows = await s.execute(
            select(
                ConsolidatedResult.question,
                func.count(),
                func.avg(ConsolidatedResult.confidence),
                func.max(ConsolidatedResult.method),
                func.max(ConsolidatedResult.computed_at),
            )
            .where(ConsolidatedResult.project_id == project.id)
            .group_by(ConsolidatedResult.question)
            .order_by(ConsolidatedResult.question)
        )
        return [
            {
                "question": q,
                "items": int(n),
                "mean_confidence": _num(float(c)) if c is not None else None,
                "method": m,
                "computed_at": t.isoformat() if hasattr(t, "isoformat") else t,
            }
            for q, n, c, m, t in rows
        ]
