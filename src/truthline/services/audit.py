"""The audit log: every data access and export is recorded in the same transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import AuditEvent, User
from truthline.db.session import Database
from truthline.errors import InvalidInput


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


@dataclass(frozen=True)
class EventFilters:
    """What a reader narrows the log to; ``action`` ending in "." is a prefix (``quality.``)."""

    project_id: int | None = None
    action: str | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def details(self) -> dict[str, Any]:
        """The filters as the audit entry of a read records them."""
        out: dict[str, Any] = {"action": self.action, "user": self.username}
        out.update(since=_iso(self.since), until=_iso(self.until))
        return {k: v for k, v in out.items() if v is not None}


def check_filters(
    *,
    project_id: int | None = None,
    action: str | None = None,
    username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EventFilters:
    """Validated filters; a time without a zone is taken as UTC."""
    if action is not None and not 1 <= len(action) <= 100:
        raise InvalidInput("action must be 1 to 100 characters", field="action", value=action)
    since, until = _utc(since), _utc(until)
    if since and until and until < since:
        raise InvalidInput("until is before since", field="until", value=until.isoformat())
    return EventFilters(project_id, action or None, username or None, since, until)


def _utc(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _query(f: EventFilters) -> Select[AuditEvent, str]:
    q = select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
    if f.project_id is not None:
        q = q.where(AuditEvent.project_id == f.project_id)
    if f.action and f.action.endswith("."):
        q = q.where(AuditEvent.action.startswith(f.action, autoescape=True))
    elif f.action:
        q = q.where(AuditEvent.action == f.action)
    if f.username:
        q = q.where(User.username == f.username)
    if f.since:
        q = q.where(AuditEvent.at >= f.since)
    if f.until:
        q = q.where(AuditEvent.at < f.until)
    return q


async def list_newest(
    db: Database, filters: EventFilters, *, before_id: int | None = None, limit: int = 100
) -> list[tuple[AuditEvent, str | None]]:
    """One page of the log, newest first; ``before_id`` is the last id of the previous page.
    Each row is the event and its user's username (None for the system or a removed user)."""
    q = _query(filters).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(AuditEvent.id < before_id)
    async with db.read() as s:
        return [(e, name) for e, name in (await s.execute(q)).all()]


CSV_FIELDS = [
    "id",
    "at",
    "project_id",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "details",
]
_CSV_PAGE = 1000


async def stream_csv(db: Database, filters: EventFilters) -> AsyncIterator[str]:
    """The whole filtered log as CSV text, newest first, one page of events per chunk."""
    # Imported here: error_analysis pulls in services that themselves record audit entries.
    from truthline.services.error_analysis import to_csv

    yield to_csv([], CSV_FIELDS)
    before: int | None = None
    while rows := await list_newest(db, filters, before_id=before, limit=_CSV_PAGE):
        yield to_csv([_csv_row(e, name) for e, name in rows], CSV_FIELDS, header=False)
        before = rows[-1][0].id


def _csv_row(e: AuditEvent, username: str | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "project_id": e.project_id,
        "user_id": e.user_id,
        "username": username,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "details": e.details,
    }
