"""The audit log: every data access and export is recorded in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import AuditEvent
from truthline.db.session import Database


def record(
    session: AsyncSession,
    user_id: int | None,
    action: str,
    project_id: int | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            user_id=user_id,
            action=action,
            project_id=project_id,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            details=details or {},
        )
    )


async def log(db: Database, user_id: int | None, action: str, **kwargs: Any) -> None:
    async with db.write() as s:
        record(s, user_id, action, **kwargs)


async def list_events(
    db: Database, project_id: int | None, *, after_id: int = 0, limit: int = 100
) -> list[AuditEvent]:
    async with db.read() as s:
        q = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id).limit(limit)
        if project_id is not None:
            q = q.where(AuditEvent.project_id == project_id)
        return list(await s.scalars(q))
