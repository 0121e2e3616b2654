"""Review verdicts on annotations, my rework, and review lots."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import (
    Page,
    ReviewBatchRead,
    ReviewIn,
    ReviewResult,
    ReviewVerdictRead,
    ReworkRead,
)
from truthline.api.schemas_quality import ReviewLotDetail, ReviewLotRead
from truthline.api.v1 import paging
from truthline.api.v1.error_analysis import CSV, Format, csv_download
from truthline.api.v1.items import annotation_read
from truthline.errors import NotFound
from truthline.policies import project_access
from truthline.services import annotations as annotation_service
from truthline.services import quality_tables, review, review_reports

router = APIRouter(tags=["quality"])


@router.post("/projects/{project}/items/{item_id}/review", response_model=ReviewResult)
async def submit_review(
    project: str,
    item_id: int,
    body: ReviewIn,
    principal: CurrentPrincipal,
    db: Db,
    response: Response,
) -> ReviewResult:
    access = await project_access(db, principal.user, project, "review.submit")
    out = await review.submit_review(
        db,
        access,
        item_id,
        annotation_id=body.annotation_id,
        verdict=body.verdict,
        error_codes=body.error_codes,
        comment=body.comment,
        fixed_result=body.fixed_result,
        idempotency_key=body.idempotency_key,
    )
    response.status_code = 200 if out.replayed else 201
    return ReviewResult(
        verdict=ReviewVerdictRead.model_validate(out.verdict),
        fixed_annotation=annotation_read(out.fixed) if out.fixed else None,
        item_stage=out.item_stage,
    )


@router.get("/projects/{project}/items/{item_id}/reviews", response_model=list[ReviewVerdictRead])
async def item_reviews(
    project: str, item_id: int, principal: CurrentPrincipal, db: Db
) -> list[ReviewVerdictRead]:
    access = await project_access(db, principal.user, project)
    if not await annotation_service.can_read_item(db, access, item_id):
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    return [
        ReviewVerdictRead.model_validate(v) for v in await review.item_reviews(db, access, item_id)
    ]


@router.get("/projects/{project}/rework", response_model=Page[ReworkRead])
async def my_rework(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[ReworkRead]:
    access = await project_access(db, principal.user, project, "queue.work")
    rows = await review.my_rework(
        db, access, after_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    items = []
    for task, base in rows:
        read = ReworkRead.model_validate(task)
        read.base_version = base
        items.append(read)
    return Page(
        items=items, next_cursor=paging.encode(rows[-1][0].id) if len(rows) == limit else None
    )


@router.get("/projects/{project}/review/batches", response_model=Page[ReviewBatchRead])
async def list_batches(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[ReviewBatchRead]:
    access = await project_access(db, principal.user, project, "quality.read")
    rows = await review.list_batches(
        db, access.project, after_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    return Page(
        items=[ReviewBatchRead.model_validate(b) for b in rows],
        next_cursor=paging.encode(rows[-1].id) if len(rows) == limit else None,
    )


@router.post("/projects/{project}/review/batches/close", response_model=ReviewBatchRead)
async def close_batch(project: str, principal: CurrentPrincipal, db: Db) -> ReviewBatchRead:
    access = await project_access(db, principal.user, project, "quality.manage")
    return ReviewBatchRead.model_validate(await review.close_filling_batch(db, access))


AllAsCsv = Query(default="json", description="csv: every row, unpaginated")


@router.get("/projects/{project}/review/lots", response_model=Page[ReviewLotRead], responses=CSV)
async def list_lots(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    cursor: str | None = None,
    limit: int = 50,
    format: Format = AllAsCsv,
) -> Any:
    """The project's Z1.4 lots and sampling pools, newest first."""
    access = await project_access(db, principal.user, project, "quality.read")
    if format == "csv":
        rows = await quality_tables.lot_rows(db, access.project)
        return await csv_download(db, access, rows, "lots", quality_tables.LOT_FIELDS)
    rows = await review_reports.list_lots(
        db, access.project, after_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    return Page(
        items=[ReviewLotRead.model_validate(r) for r in rows],
        next_cursor=paging.encode(rows[-1]["id"]) if len(rows) == limit else None,
    )


@router.get("/projects/{project}/review/lots/{lot}", response_model=ReviewLotDetail, responses=CSV)
async def get_lot(
    project: str,
    lot: int,
    principal: CurrentPrincipal,
    db: Db,
    cursor: str | None = None,
    limit: int = 200,
    format: Format = AllAsCsv,
) -> Any:
    """One lot with a page of its items: sampled, judged, defective, stage and rework."""
    access = await project_access(db, principal.user, project, "quality.read")
    if format == "csv":
        rows = await quality_tables.lot_item_rows(db, access.project, lot)
        return await csv_download(
            db, access, rows, f"lot-{lot}-items", quality_tables.LOT_ITEM_FIELDS
        )
    got = await review_reports.get_lot(
        db, access.project, lot, after_id=paging.decode(cursor), limit=paging.check_limit(limit)
    )
    last = got.pop("next_cursor_id")
    return ReviewLotDetail.model_validate(
        {**got, "next_cursor": paging.encode(last) if last is not None else None}
    )
