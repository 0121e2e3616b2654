"""The signed-in person's own views: my work, my history."""

from __future__ import annotations

from fastapi import APIRouter, Query

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import HistoryEntry, Page, WorkRead
from truthline.api.v1 import paging
from truthline.api.v1.items import annotation_read, hide_gold, item_read
from truthline.api.v1.projects import project_read
from truthline.policies import project_access
from truthline.services import annotations as annotation_service
from truthline.services import gold, projects, stats

router = APIRouter(prefix="/me", tags=["me"])


@router.get("/work", response_model=list[WorkRead])
async def my_work(principal: CurrentPrincipal, db: Db) -> list[WorkRead]:
    mine = [
        (p, r)
        for p, r in await projects.list_projects(db, principal.user)
        if not p.archived and (r is not None or principal.user.is_admin)
    ]
    counts = await stats.my_counts(db, principal.user.id, [p.id for p, _ in mine])
    return [WorkRead(project=project_read(p, r), **counts[p.id]) for p, r in mine]


@router.get("/history", response_model=Page[HistoryEntry])
async def my_history(
    principal: CurrentPrincipal,
    db: Db,
    project: str = Query(..., description="project id or name"),
    cursor: str | None = None,
    limit: int = 50,
) -> Page[HistoryEntry]:
    access = await project_access(db, principal.user, project)
    rows = await annotation_service.my_history(
        db, access, before_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    entries = [
        HistoryEntry(
            annotation=annotation_read(a, principal.user.username), item=item_read(i, None)
        )
        for a, i in rows
    ]
    if not gold.sees_gold(access):
        for entry in entries:
            hide_gold(entry.item, access.project.overlap, submitted=True)
    next_cursor = paging.encode(rows[-1][0].id) if len(rows) == limit else None
    return Page(items=entries, next_cursor=next_cursor)
