"""Loading what the quality services compute on: the project's questions and each annotator's
latest annotation of the annotate stage, page by page over item ids; for consolidation, with a
reviewer's fix standing in for the version it corrected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Annotation, Item, Project, ReviewVerdict, SchemaVersion
from truthline.db.session import Database

PAGE = 500


@dataclass(frozen=True)
class Question:
    name: str
    kind: str
    config: dict[str, Any]  # the normalized question, as stored in the schema version

    @property
    def single_choice(self) -> bool:
        return self.kind == "classification" and not self.config.get("multiple")


@dataclass
class Latest:
    """One annotator's latest annotate-stage version of one item (or, with ``fixed_by``, the
    reviewer's fix of that version: ``annotation_id`` and ``result`` are then the fix's, and
    ``original`` is what the annotator submitted, to score their own work on)."""

    annotation_id: int
    item_id: int
    user_id: int
    version: int
    result: dict[str, Any]
    created_at: Any
    fixed_by: int | None = None
    original: dict[str, Any] | None = None


async def questions_of(s: AsyncSession, project: Project) -> list[Question]:
    version = await s.get(SchemaVersion, project.schema_version_id)
    assert version is not None
    return [Question(q["name"], q["kind"], q) for q in version.schema.get("questions", [])]


async def latest_for_items(s: AsyncSession, item_ids: list[int]) -> dict[int, dict[int, Latest]]:
    """item id -> annotator id -> that annotator's latest annotate-stage version."""
    if not item_ids:
        return {}
    rows = await s.execute(
        select(
            Annotation.id,
            Annotation.item_id,
            Annotation.user_id,
            Annotation.version,
            Annotation.result,
            Annotation.created_at,
        )
        .where(Annotation.item_id.in_(item_ids), Annotation.stage == "annotate")
        .order_by(Annotation.item_id, Annotation.user_id, Annotation.version)
    )
    out: dict[int, dict[int, Latest]] = {}
    for aid, item_id, user_id, version, result, created in rows:
        out.setdefault(item_id, {})[user_id] = Latest(
            aid, item_id, user_id, version, result, created
        )
    return out


async def annotated_item_count(db: Database, project_id: int) -> int:
    from sqlalchemy import distinct, func

    async with db.read() as s:
        n = await s.scalar(
            select(func.count(distinct(Annotation.item_id))).where(
                Annotation.project_id == project_id, Annotation.stage == "annotate"
            )
        )
    return int(n or 0)


async def apply_fixes(
    s: AsyncSession, latest: dict[int, dict[int, Latest]]
) -> dict[int, dict[int, Latest]]:
    """Puts a reviewer's fix in place of the annotator's version it corrected (in place; the
    latest fix when several reviewers fixed it). A fix of an older version, since edited by
    its annotator, no longer applies."""
    current = {a.annotation_id: a for per in latest.values() for a in per.values()}
    if not current:
        return latest
    rows = await s.execute(
        select(
            ReviewVerdict.annotation_id,
            ReviewVerdict.reviewer_id,
            Annotation.id,
            Annotation.result,
            Annotation.created_at,
        )
        .join(Annotation, Annotation.id == ReviewVerdict.fixed_annotation_id)
        .where(ReviewVerdict.item_id.in_(list(latest)), ReviewVerdict.verdict == "fix")
        .order_by(ReviewVerdict.id)
    )
    for target, reviewer, fix_id, result, created in rows:
        a = current.get(target)
        if a is not None:
            latest[a.item_id][a.user_id] = Latest(
                fix_id, a.item_id, a.user_id, a.version, result, created, reviewer, a.result
            )
    return latest


async def pages(
    db: Database, project_id: int, page: int = PAGE, *, fixes: bool = False, after: int = 0
) -> AsyncIterator[tuple[list[Item], dict[int, dict[int, Latest]]]]:
    """Items of the project in id order after ``after``, ``page`` at a time, with their latest
    annotations (``fixes``: with reviewers' fixes applied, see ``apply_fixes``); items nobody
    annotated are left out. Each page is read in its own short transaction."""
    while True:
        async with db.read() as s:
            items = list(
                await s.scalars(
                    select(Item)
                    .where(Item.project_id == project_id, Item.id > after)
                    .order_by(Item.id)
                    .limit(page)
                )
            )
            if not items:
                return
            latest = await latest_for_items(s, [i.id for i in items])
            if fixes:
                await apply_fixes(s, latest)
        after = items[-1].id
        kept = [i for i in items if i.id in latest]
        if kept:
            yield kept, latest


def answers(latest: dict[int, Latest], question: str) -> dict[int, dict[str, Any]]:
    """annotator -> their answer to one question (unanswered left out)."""
    return {u: a.result[question] for u, a in latest.items() if a.result.get(question) is not None}


# --- gold per question ---------------------------------------------------------------------------
async def gold_by_question(db: Database, project: Project) -> list[dict[str, Any]]:
    """Per question (schema order, then questions only older gold still names): the gold items
    whose answer covers it, the scored answers to it, their mean score and the share that
    reached the project's gold pass threshold (None while nothing is scored)."""
    from truthline.db.models import GoldItem, GoldScore
    from truthline.services.quality_settings import quality_of

    threshold = quality_of(project).gold.pass_threshold - 1e-9  # as a whole submit is judged
    async with db.read() as s:
        questions = await questions_of(s, project)
        golds = list(
            await s.scalars(select(GoldItem.answer).where(GoldItem.project_id == project.id))
        )
        scored = list(
            await s.scalars(
                select(GoldScore.per_question).where(GoldScore.project_id == project.id)
            )
        )
    kinds = {q.name: q.kind for q in questions}
    seen = {name for answer in golds for name in answer} | {n for per in scored for n in per}
    names = [q.name for q in questions] + sorted(seen - set(kinds))
    out = []
    for name in names:
        scores = [float(per[name]) for per in scored if per.get(name) is not None]
        out.append(
            {
                "question": name,
                "kind": kinds.get(name),
                "gold_items": sum(1 for answer in golds if answer.get(name) is not None),
                "scored": len(scores),
                "mean_score": sum(scores) / len(scores) if scores else None,
                "pass_rate": sum(x >= threshold for x in scores) / len(scores) if scores else None,
            }
        )
    return out
