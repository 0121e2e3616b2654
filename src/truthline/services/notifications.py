"""In-app notifications: written inside the transaction of what they announce, read by the
person they are for."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import User
from truthline.db.models_questions import Notification
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import NotFound

MAX_TITLE = 300
MAX_BODY = 5000
MAX_PAGE = 200


def notify(
    session: AsyncSession,
    user_id: int,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> None:
    """Adds a notification row in the caller's session, so it is committed (or rolled back)
    with the change it announces."""
    session.add(
        Notification(
            user_id=user_id,
            kind=kind[:50],
            title=title[:MAX_TITLE],
            body=body[:MAX_BODY],
            link=link[:500] if link else None,
            created_at=utcnow(),
        )
    )


async def list_for(
    db: Database, user: User, *, unread_only: bool = False, limit: int = 50
) -> tuple[list[Notification], int]:
    """The newest notifications of a person and how many are unread in all."""
    limit = max(1, min(limit, MAX_PAGE))
    async with db.read() as s:
        q = select(Notification).where(Notification.user_id == user.id)
        if unread_only:
            q = q.where(Notification.read_at.is_(None))
        rows = list(await s.scalars(q.order_by(Notification.id.desc()).limit(limit)))
        unread = await s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
    return rows, int(unread or 0)


async def unread_count(db: Database, user: User) -> int:
    async with db.read() as s:
        n = await s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
    return int(n or 0)


async def mark_read(db: Database, user: User, notification_id: int) -> Notification:
    now = utcnow()
    async with db.write() as s:
        row = await s.get(Notification, notification_id)
        if row is None or row.user_id != user.id:
            raise NotFound(
                f"no notification {notification_id}",
                code="notification_not_found",
                notification_id=notification_id,
            )
        if row.read_at is None:
            row.read_at = now
    return row


async def mark_all_read(db: Database, user: User, before: datetime | None = None) -> int:
    """Marks every unread notification (up to ``before``, when given) as read."""
    async with db.write() as s:
        q = update(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
        if before is not None:
            q = q.where(Notification.created_at <= before)
        res = cast("CursorResult[Any]", await s.execute(q.values(read_at=utcnow())))
    return int(res.rowcount or 0)
