"""The lead's item browser: filters by stage, annotator, label and text."""

from __future__ import annotations

from sqlalchemy import String, cast, exists, select

from truthline.db.models import Annotation, Item, Project, User
from truthline.db.session import Database


async def list_items(
    db: Database,
    project: Project,
    *,
    stage: str | None,
    annotator: str | None,
    label: str | None,
    text: str | None,
    after_id: int | None,
    limit: int,
) -> list[Item]:
    q = select(Item).where(Item.project_id == project.id).order_by(Item.id).limit(limit)
    if after_id is not None:
        q = q.where(Item.id > after_id)
    if stage:
        q = q.where(Item.stage == stage)
    if annotator:
        q = q.where(
            exists().where(
                Annotation.item_id == Item.id,
                Annotation.user_id
                == select(User.id).where(User.username == annotator).scalar_subquery(),
            )
        )
    if label:
        # Labels live inside each kind's result; a quoted-string match over the stored JSON finds
        # them in every kind without knowing its shape.
        needle = '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
        q = q.where(
            exists().where(
                Annotation.item_id == Item.id,
                cast(Annotation.result, String).contains(needle, autoescape=True),
            )
        )
    if text:
        q = q.where(cast(Item.data, String).icontains(text, autoescape=True))
    async with db.read() as s:
        return list(await s.scalars(q))


async def usernames(db: Database) -> dict[int, str]:
    async with db.read() as s:
        return dict((await s.execute(select(User.id, User.username))).all())
