"""Drafts and submits of annotations."""

from __future__ import annotations

from fastapi import APIRouter, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import AnnotationRead, DraftIn, DraftRead, SubmitIn
from truthline.api.v1.items import annotation_read
from truthline.errors import NotFound
from truthline.policies import project_access
from truthline.services import annotations as annotation_service
from truthline.services import browse

router = APIRouter(tags=["annotations"])


@router.get("/projects/{project}/items/{item_id}/draft", response_model=DraftRead | None)
async def get_draft(
    project: str, item_id: int, principal: CurrentPrincipal, db: Db
) -> DraftRead | None:
    access = await project_access(db, principal.user, project, "queue.work")
    draft = await annotation_service.get_draft(db, access, item_id)
    return DraftRead.model_validate(draft) if draft else None


@router.put("/projects/{project}/items/{item_id}/draft", response_model=DraftRead)
async def save_draft(
    project: str, item_id: int, body: DraftIn, principal: CurrentPrincipal, db: Db
) -> DraftRead:
    access = await project_access(db, principal.user, project, "queue.work")
    draft = await annotation_service.save_draft(db, access, item_id, body.result, body.base_version)
    return DraftRead.model_validate(draft)


@router.post(
    "/projects/{project}/items/{item_id}/annotations",
    response_model=AnnotationRead,
    status_code=201,
    responses={200: {"model": AnnotationRead, "description": "a retried submit (same key)"}},
)
async def submit(
    project: str,
    item_id: int,
    body: SubmitIn,
    principal: CurrentPrincipal,
    db: Db,
    response: Response,
) -> AnnotationRead:
    access = await project_access(db, principal.user, project, "queue.work")
    outcome = await annotation_service.submit(
        db,
        access,
        item_id,
        result=body.result,
        idempotency_key=body.idempotency_key,
        lease_id=body.lease_id,
        base_version=body.base_version,
        active_ms=body.active_ms,
        meta=body.meta,
    )
    if outcome.replayed:
        response.status_code = 200
    read = annotation_read(outcome.annotation, principal.user.username)
    read.gold = outcome.extra.get("gold")
    return read


@router.get("/projects/{project}/items/{item_id}/annotations", response_model=list[AnnotationRead])
async def list_annotations(
    project: str, item_id: int, principal: CurrentPrincipal, db: Db, all_versions: bool = False
) -> list[AnnotationRead]:
    access = await project_access(db, principal.user, project)
    if not await annotation_service.can_read_item(db, access, item_id):
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    names = await browse.usernames(db)
    rows = await annotation_service.list_versions(db, access, item_id, all_versions=all_versions)
    return [annotation_read(a, names.get(a.user_id)) for a in rows]
