"""Items: browse with filters, read one with everything attached, change priority."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from truthline.api.deps import CurrentPrincipal, Db, State
from truthline.api.schemas import (
    AnnotationRead,
    ItemDetail,
    ItemRead,
    ItemUpdate,
    Page,
    PredictionRead,
)
from truthline.api.v1 import paging
from truthline.errors import NotFound
from truthline.policies import project_access
from truthline.services import annotations as annotation_service
from truthline.services import audit, browse, gold, predictions, queue
from truthline.services.media import media_urls

router = APIRouter(tags=["items"])


def item_read(
    item: Any, secret: str | None, ttl: int = 600, cls: type[ItemRead] = ItemRead
) -> ItemRead:
    """``item``: an Item or any row with its columns (id, external_id, data, meta, ...)."""
    read = cls.model_validate(item)
    read.media = (item.meta or {}).get("media", {})
    if secret:
        read.media_urls = media_urls(item.data, secret, ttl, read.media)
    return read


def hide_gold(read: ItemRead, overlap: int, submitted: bool) -> ItemRead:
    """The item as someone who may not know it is gold sees it (``gold.disguise``)."""
    if read.stage == gold.GOLD_STAGE:
        read.stage, read.submitted_count = gold.disguise(overlap, submitted)
    return read


def annotation_read(a: Any, annotator: str | None = None) -> AnnotationRead:
    read = AnnotationRead.model_validate(a)
    read.annotator = annotator
    return read


@router.get("/projects/{project}/items", response_model=Page[ItemRead])
async def list_items(
    project: str,
    principal: CurrentPrincipal,
    state: State,
    stage: str | None = None,
    annotator: str | None = Query(default=None, description="username"),
    label: str | None = Query(default=None, description="a class name in any annotation"),
    q: str | None = Query(default=None, max_length=500, description="text search in item data"),
    cursor: str | None = None,
    limit: int = 50,
) -> Page[ItemRead]:
    access = await project_access(state.db, principal.user, project, "items.browse")
    rows = await browse.list_items(
        state.db,
        access.project,
        stage=stage,
        annotator=annotator,
        label=label,
        text=q,
        after_id=paging.decode(cursor),
        limit=paging.check_limit(limit),
    )
    await audit.log(state.db, principal.user.id, "items.browse", project_id=access.project.id)
    ttl = state.settings.media_url_ttl_seconds
    return Page(
        items=[item_read(i, state.secret, ttl) for i in rows],
        next_cursor=paging.encode(rows[-1].id) if len(rows) == limit else None,
    )


@router.get("/projects/{project}/items/{item_id}", response_model=ItemDetail)
async def get_item(
    project: str, item_id: int, principal: CurrentPrincipal, state: State
) -> ItemDetail:
    db = state.db
    access = await project_access(db, principal.user, project)
    if not await annotation_service.can_read_item(db, access, item_id):
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    item = await annotation_service.get_item(db, access, item_id)
    detail = item_read(item, state.secret, state.settings.media_url_ttl_seconds, ItemDetail)
    assert isinstance(detail, ItemDetail)
    detail.predictions = [
        PredictionRead.model_validate(p) for p in await predictions.predictions_for(db, item_id)
    ]
    names = await browse.usernames(db)
    detail.annotations = [
        annotation_read(a, names.get(a.user_id))
        for a in await annotation_service.list_versions(db, access, item_id, all_versions=True)
    ]
    if not gold.sees_gold(access):
        mine = any(a.user_id == access.user.id for a in detail.annotations)
        hide_gold(detail, access.project.overlap, mine)
    await audit.log(
        db,
        principal.user.id,
        "item.read",
        project_id=access.project.id,
        object_type="item",
        object_id=item_id,
    )
    return detail


@router.patch("/projects/{project}/items/{item_id}", response_model=ItemRead)
async def update_item(
    project: str, item_id: int, body: ItemUpdate, principal: CurrentPrincipal, db: Db
) -> ItemRead:
    access = await project_access(db, principal.user, project, "item.update")
    await queue.set_priority(db, access, item_id, body.priority)
    return item_read(await annotation_service.get_item(db, access, item_id), None)
