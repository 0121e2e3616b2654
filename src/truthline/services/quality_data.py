"""Loading what the quality services compute on: the project's questions and each annotator's
latest annotation of the annotate stage, page by page over item ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Annotation, Item, Project, SchemaVersion
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
    """One annotator's latest annotate-stage version of one item."""

    annotation_id: int
    item_id: int
    user_id: int
    version: int
    result: dict[str, Any]
    created_at: Any


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


async def pages(
    db: Database, project_id: int, page: int = PAGE
) -> AsyncIterator[tuple[list[Item], dict[int, dict[int, Latest]]]]:
    """Items of the project in id order, ``page`` at a time, with their latest annotations;
    items nobody annotated are left out. Each page is read in its own short transaction."""
    after = 0
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
        after = items[-1].id
        kept = [i for i in items if i.id in latest]
        if kept:
            yield kept, latest


def answers(latest: dict[int, Latest], question: str) -> dict[int, dict[str, Any]]:
    """annotator -> their answer to one question (unanswered left out)."""
    return {u: a.result[question] for u, a in latest.items() if a.result.get(question) is not None}
