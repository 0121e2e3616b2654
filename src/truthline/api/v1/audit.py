"""Reading the audit log: a project's events for its leads, every project's for admins; as
pages or as one CSV download. Each read is itself recorded, so the log shows who looked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from truthline.api.deps import AdminPrincipal, CurrentPrincipal, Db
from truthline.api.schemas import Out, Page
from truthline.api.v1 import paging
from truthline.db.models import AuditEvent
from truthline.policies import project_access
from truthline.services import audit

router = APIRouter(tags=["audit"])
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}
}


class AuditUserRead(Out):
    id: int
    username: str


class AuditEventRead(Out):
    id: int
    at: datetime
    project_id: int | None
    user: AuditUserRead | None
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any]


class AuditQuery:
    """The filters and paging both audit routes take."""

    def __init__(
        self,
        action: str | None = Query(
            default=None, description='an action, or a prefix ending in "." (quality.)'
        ),
        user: str | None = Query(default=None, description="username"),
        since: datetime | None = Query(default=None, description="ISO time, inclusive (UTC)"),
        until: datetime | None = Query(default=None, description="ISO time, exclusive (UTC)"),
        cursor: str | None = None,
        limit: int = 100,
        format: Literal["json", "csv"] = Query(
            default="json", description="json, or csv for the whole filtered log"
        ),
    ) -> None:
        self.action, self.user, self.since, self.until = action, user, since, until
        self.cursor, self.limit, self.format = cursor, limit, format


Filtered = Annotated[AuditQuery, Depends()]


def _event(e: AuditEvent, username: str | None) -> AuditEventRead:
    who = AuditUserRead(id=e.user_id, username=username) if e.user_id and username else None
    return AuditEventRead(
        id=e.id,
        at=e.at,
        project_id=e.project_id,
        user=who,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        details=e.details,
    )


async def _answer(
    db: Db, user_id: int, q: AuditQuery, project_id: int | None, name: str
) -> Page[AuditEventRead] | StreamingResponse:
    filters = audit.check_filters(
        project_id=project_id, action=q.action, username=q.user, since=q.since, until=q.until
    )
    if q.format == "csv":
        await audit.log(
            db, user_id, "audit.export", project_id=project_id, details=filters.details()
        )
        return StreamingResponse(
            audit.stream_csv(db, filters),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    before, limit = paging.decode(q.cursor), paging.check_limit(q.limit)
    rows = await audit.list_newest(db, filters, before_id=before, limit=limit)
    details = {**filters.details(), "rows": len(rows)}
    await audit.log(db, user_id, "audit.read", project_id=project_id, details=details)
    return Page(
        items=[_event(e, username) for e, username in rows],
        next_cursor=paging.encode(rows[-1][0].id) if len(rows) == limit else None,
    )


@router.get("/projects/{project}/audit", response_model=Page[AuditEventRead], responses=CSV)
async def list_project_audit(
    project: str, principal: CurrentPrincipal, db: Db, q: Filtered
) -> Page[AuditEventRead] | StreamingResponse:
    access = await project_access(db, principal.user, project, "audit.read")
    pid = access.project.id
    return await _answer(db, principal.user.id, q, pid, f"audit-{pid}")


@router.get("/audit", response_model=Page[AuditEventRead], responses=CSV)
async def list_audit(
    principal: AdminPrincipal,
    db: Db,
    q: Filtered,
    project: str | None = Query(default=None, description="a project id or name"),
) -> Page[AuditEventRead] | StreamingResponse:
    pid = None
    if project:
        pid = (await project_access(db, principal.user, project, "audit.read")).project.id
    return await _answer(db, principal.user.id, q, pid, "audit")
