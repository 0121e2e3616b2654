"""The item ids behind one number of the quality dashboard: items behind review verdicts
(the error-analysis filters), items an annotator annotated, items whose answer was scored
against the consolidated result, gold-scored items, and the items of one confusion cell."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Annotation, ConsolidatedResult, GoldScore, Project, User
from truthline.db.session import Database
from truthline.errors import InvalidInput
from truthline.services.error_analysis import (
    DRILLS,
    NONE,
    Filters,
    drill_down,
    first_label,
    load_rows,
)
from truthline.services.quality_data import Question, answers, latest_for_items, questions_of
from truthline.services.reliability import item_scores, scored_pages


def check_drill(f: Filters) -> None:
    """The filters each kind of drill-down needs, named in a 422 when missing."""
    if f.of not in DRILLS:
        raise InvalidInput(f"of must be one of {', '.join(DRILLS)}", field="of", value=f.of)
    need = {
        "annotated": ["annotator"],
        "gold": ["annotator"],
        "scored": ["annotator", "question"],
        "confusion": ["given", "consolidated"],
    }.get(f.of, [])
    for name in need:
        if not getattr(f, name):
            raise InvalidInput(f"{name} is required with of={f.of}", field=name)


async def drill_items(
    db: Database, project: Project, f: Filters, *, after_id: int | None, limit: int
) -> list[int]:
    """The item ids behind one number of the dashboard, in id order after ``after_id``."""
    check_drill(f)
    if f.of == "reviewed":
        rows = await load_rows(db, project, f)
        return drill_down(rows, after_id=after_id, limit=limit)
    async with db.read() as s:
        user = await _user_id(s, f.annotator) if f.annotator else None
        if f.annotator and user is None:
            return []
        if f.of == "annotated":
            q = select(Annotation.item_id).where(
                Annotation.project_id == project.id,
                Annotation.stage == "annotate",
                Annotation.user_id == user,
            )
            return await _ids(s, q, Annotation.item_id, after_id, limit)
        if f.of == "gold":
            q = select(GoldScore.item_id).where(
                GoldScore.project_id == project.id, GoldScore.user_id == user
            )
            return await _ids(s, q, GoldScore.item_id, after_id, limit)
        questions = await _questions(s, project, f)
    if f.of == "scored":
        return await _scored_items(db, project, questions, user, after_id, limit)  # type: ignore[arg-type]
    async with db.read() as s:
        keep = _in_cell(user, f.given or "", f.consolidated or "")
        return await _walk(s, project, [q.name for q in questions], keep, after_id, limit)


async def _user_id(s: AsyncSession, who: str) -> int | None:
    by_name = await s.scalar(select(User.id).where(User.username == who))
    if by_name is not None or not who.isdigit():
        return by_name
    return await s.scalar(select(User.id).where(User.id == int(who)))


async def _ids(s: AsyncSession, q: Any, column: Any, after_id: int | None, limit: int) -> list[int]:
    if after_id is not None:
        q = q.where(column > after_id)
    return list(await s.scalars(q.distinct().order_by(column).limit(limit)))


async def _questions(s: AsyncSession, project: Project, f: Filters) -> list[Question]:
    questions = await questions_of(s, project)
    if f.of == "confusion":
        questions = [q for q in questions if q.kind == "classification"]
    if f.question is None:
        return questions
    picked = [q for q in questions if q.name == f.question]
    if not picked:
        raise InvalidInput(
            f"no question {f.question!r} fits this drill-down", field="question", value=f.question
        )
    return picked


# (the answers to a question of an item, its consolidated result) -> whether the item counts
Keep = Callable[[dict[int, dict[str, Any]], dict[str, Any]], bool]


async def _scored_items(
    db: Database,
    project: Project,
    questions: list[Question],
    user: int,
    after_id: int | None,
    limit: int,
) -> list[int]:
    """The items where the annotators view scored ``user``'s answer (the same routine)."""
    out: list[int] = []
    async for items, latest, stored in scored_pages(db, project.id, after=after_id or 0):
        for i in items:
            if user not in latest[i.id]:
                continue
            if any(
                u == user
                for q in questions
                for u, _ in item_scores(q, i, latest[i.id], stored.get((i.id, q.name)))
            ):
                out.append(i.id)
                if len(out) == limit:
                    return out
    return out


def _in_cell(user: int | None, given: str, consolidated: str) -> Keep:
    """An answer (of ``user``, or anyone's) with label ``given`` on an item consolidated as
    ``consolidated``: one cell of the confusion matrix."""
    want_given = "" if given == NONE else given
    want_ref = "" if consolidated == NONE else consolidated

    def keep(answered: dict[int, dict[str, Any]], ref: dict[str, Any]) -> bool:
        return first_label(ref) == want_ref and any(
            first_label(r) == want_given for u, r in answered.items() if user in (None, u)
        )

    return keep


async def _walk(
    s: AsyncSession,
    project: Project,
    names: list[str],
    keep: Keep,
    after_id: int | None,
    limit: int,
) -> list[int]:
    """Item ids with a consolidated result of one of the questions ``names`` that ``keep``
    accepts, in id order, reading 500 items at a time."""
    q = select(ConsolidatedResult.item_id, ConsolidatedResult.question, ConsolidatedResult.result)
    q = q.where(ConsolidatedResult.project_id == project.id, ConsolidatedResult.question.in_(names))
    if after_id is not None:
        q = q.where(ConsolidatedResult.item_id > after_id)
    refs: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for item_id, name, result in await s.execute(q):
        refs[item_id][name] = result
    ids, out = sorted(refs), []
    for start in range(0, len(ids), 500):
        latest = await latest_for_items(s, ids[start : start + 500])
        for item_id in ids[start : start + 500]:
            per = latest.get(item_id, {})
            if any(keep(answers(per, n), r) for n, r in refs[item_id].items()):
                out.append(item_id)
                if len(out) == limit:
                    return out
    return out
