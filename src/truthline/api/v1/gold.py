"""Gold items: set, replace, promote from consolidated results, remove, list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import GoldIn, GoldPromoteIn, GoldRead, Page
from truthline.api.v1 import paging
from truthline.api.v1.error_analysis import CSV, Format, csv_download
from truthline.policies import project_access
from truthline.services import gold, quality_tables

router = APIRouter(tags=["quality"])


@router.put("/projects/{project}/items/{item_id}/gold", response_model=GoldRead)
async def set_gold(
    project: str, item_id: int, body: GoldIn, principal: CurrentPrincipal, db: Db
) -> GoldRead:
    access = await project_access(db, principal.user, project, "quality.manage")
    return GoldRead.model_validate(
        await gold.set_gold(db, access, item_id, body.answer, body.feedback)
    )


@router.post("/projects/{project}/items/{item_id}/gold/promote", response_model=GoldRead)
async def promote_gold(
    project: str, item_id: int, body: GoldPromoteIn, principal: CurrentPrincipal, db: Db
) -> GoldRead:
    access = await project_access(db, principal.user, project, "quality.manage")
    return GoldRead.model_validate(await gold.promote_gold(db, access, item_id, body.feedback))


@router.delete("/projects/{project}/items/{item_id}/gold", status_code=204)
async def remove_gold(project: str, item_id: int, principal: CurrentPrincipal, db: Db) -> Response:
    access = await project_access(db, principal.user, project, "quality.manage")
    await gold.remove_gold(db, access, item_id)
    return Response(status_code=204)


@router.get("/projects/{project}/gold", response_model=Page[GoldRead], responses=CSV)
async def list_gold(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    cursor: str | None = None,
    limit: int = 50,
    format: Format = Query(default="json", description="csv: every gold item, unpaginated"),
) -> Any:
    access = await project_access(db, principal.user, project, "quality.manage")
    if format == "csv":
        table = await quality_tables.gold_item_rows(db, access.project)
        return await csv_download(db, access, table, "gold-items", quality_tables.GOLD_ITEM_FIELDS)
    rows = await gold.list_gold(
        db, access.project, after_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    items = []
    for g, n, mean in rows:
        read = GoldRead.model_validate(g)
        read.scored, read.mean_score = n, mean
        items.append(read)
    return Page(
        items=items,
        next_cursor=paging.encode(rows[-1][0].item_id) if len(rows) == limit else None,
    )
