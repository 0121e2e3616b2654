"""Guidelines: versions, diff, acknowledgements, images, the lead's reports and re-checks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db, State, get_principal
from truthline.api.schemas import In, ItemRead, Out, UserRead
from truthline.api.v1.items import item_read
from truthline.db.models_qualification import GuidelineAsset
from truthline.errors import InvalidInput
from truthline.policies import project_access
from truthline.services import guidelines

router = APIRouter(prefix="/projects/{project}/guideline", tags=["guidelines"])


class GuidelinePublish(In):
    body: str = Field(min_length=1, max_length=1_000_000)
    change_summary: str = Field(default="", max_length=5000)
    requires_ack: bool = False


class GuidelineRead(Out):
    version: int
    body: str
    change_summary: str
    requires_ack: bool
    sections: dict[str, dict]
    created_at: datetime


class PendingAckRead(Out):
    version: int
    since: int | None


class GuidelineState(Out):
    current: GuidelineRead | None
    pending_ack: PendingAckRead | None


class AckIn(In):
    version: int = Field(ge=1)


class AckRead(Out):
    version: int
    acked_at: datetime


class AckEntry(Out):
    user: UserRead
    role: str
    acked_at: datetime | None


class DiffRead(Out):
    from_version: int | None
    to_version: int
    lines: list[str]


class AffectedItem(Out):
    item: ItemRead
    annotations: int


@router.get("", response_model=GuidelineState)
async def current(project: str, principal: CurrentPrincipal, db: Db) -> GuidelineState:
    access = await project_access(db, principal.user, project, "guideline.read")
    versions = await guidelines.list_versions(db, access.project.id)
    pending = await guidelines.pending_ack(db, access)
    return GuidelineState(
        current=GuidelineRead.model_validate(versions[-1]) if versions else None,
        pending_ack=PendingAckRead(version=pending.version, since=pending.since)
        if pending
        else None,
    )


@router.get("/versions", response_model=list[GuidelineRead])
async def versions(project: str, principal: CurrentPrincipal, db: Db) -> list[GuidelineRead]:
    access = await project_access(db, principal.user, project, "guideline.read")
    return [
        GuidelineRead.model_validate(v)
        for v in await guidelines.list_versions(db, access.project.id)
    ]


class _JsonOrMarkdownFile(APIRoute):
    """Publishing takes JSON, or a multipart form with the Markdown as its ``file`` (and the
    ``change_summary`` and ``requires_ack`` fields): the form becomes the same JSON body here, so
    both go through one handler and one validation."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                # Who is asking is settled before any of the upload is read.
                await get_principal(request, request.app.state.truthline.db)
                request = await _form_as_json(request)
            return await handler(request)

        return route


_TRUE, _FALSE = ("true", "1", "on", "yes"), ("false", "0", "off", "no", "")


async def _form_as_json(request: Request) -> Request:
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("the form needs a 'file' field with the Markdown", field="file")
        declared = (upload.content_type or "").split(";")[0].strip().lower()
        if declared and not declared.startswith("text/") and declared != "application/octet-stream":
            raise InvalidInput(
                f"the file must be Markdown text (text/markdown), not {declared}",
                code="guideline_file_type",
                field="file",
                value=declared,
            )
        text = guidelines.read_markdown(await upload.read())
        summary, ack = form.get("change_summary", ""), form.get("requires_ack", "")
    if not isinstance(summary, str) or not isinstance(ack, str):
        raise InvalidInput("change_summary and requires_ack are text fields", field="file")
    if ack.strip().lower() not in _TRUE + _FALSE:
        raise InvalidInput("requires_ack must be true or false", field="requires_ack", value=ack)
    body = orjson.dumps(
        {"body": text, "change_summary": summary, "requires_ack": ack.strip().lower() in _TRUE}
    )
    scope = dict(request.scope)
    scope["headers"] = [
        (k, v) for k, v in request.scope["headers"] if k not in (b"content-type", b"content-length")
    ] + [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


_PUBLISH_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "UTF-8 Markdown"},
        "change_summary": {"type": "string", "maxLength": 5000},
        "requires_ack": {"type": "boolean"},
    },
}


async def publish(
    project: str, body: GuidelinePublish, principal: CurrentPrincipal, db: Db
) -> GuidelineRead:
    access = await project_access(db, principal.user, project, "guideline.publish")
    row = await guidelines.publish(
        db,
        access,
        body=body.body,
        change_summary=body.change_summary,
        requires_ack=body.requires_ack,
    )
    return GuidelineRead.model_validate(row)


router.add_api_route(
    "/versions",
    publish,
    methods=["POST"],
    response_model=GuidelineRead,
    status_code=201,
    route_class_override=_JsonOrMarkdownFile,
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": _PUBLISH_FORM}}}},
)


@router.get("/versions/{version}", response_model=GuidelineRead)
async def get_version(
    project: str, version: int, principal: CurrentPrincipal, db: Db
) -> GuidelineRead:
    access = await project_access(db, principal.user, project, "guideline.read")
    return GuidelineRead.model_validate(
        await guidelines.get_version(db, access.project.id, version)
    )


@router.get("/diff", response_model=DiffRead)
async def diff(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    to: int = Query(ge=1),
    from_: int | None = Query(default=None, alias="from"),
) -> DiffRead:
    access = await project_access(db, principal.user, project, "guideline.read")
    lines = await guidelines.diff(db, access.project.id, from_, to)
    return DiffRead(from_version=from_, to_version=to, lines=lines)


@router.post("/ack", response_model=AckRead)
async def acknowledge(project: str, body: AckIn, principal: CurrentPrincipal, db: Db) -> AckRead:
    access = await project_access(db, principal.user, project, "guideline.read")
    ack = await guidelines.acknowledge(db, access, body.version)
    return AckRead(version=body.version, acked_at=ack.acked_at)


@router.get("/versions/{version}/acks", response_model=list[AckEntry])
async def acks(project: str, version: int, principal: CurrentPrincipal, db: Db) -> list[AckEntry]:
    access = await project_access(db, principal.user, project, "guideline.report")
    return [
        AckEntry(user=UserRead.model_validate(u), role=r, acked_at=at)
        for u, r, at in await guidelines.ack_report(db, access.project.id, version)
    ]


class SectionRead(Out):
    section: str
    title: str
    change: Literal["added", "changed", "removed"] | None
    questions: list[str]


@router.get("/versions/{version}/affected", response_model=list[AffectedItem])
async def affected(
    project: str,
    version: int,
    principal: CurrentPrincipal,
    db: Db,
    label: str | None = Query(default=None, max_length=200),
    section: str | None = Query(default=None, max_length=40),
    changed_sections: bool = False,
) -> list[AffectedItem]:
    access = await project_access(db, principal.user, project, "guideline.report")
    only = await guidelines.affected_filter(
        db,
        access.project.id,
        version,
        label=label,
        section=section,
        changed_sections=changed_sections,
    )
    rows = await guidelines.affected_items(db, access.project.id, version, only=only)
    return [AffectedItem(item=item_read(i, None), annotations=n) for i, n in rows]


@router.get("/versions/{version}/sections", response_model=list[SectionRead])
async def sections(
    project: str, version: int, principal: CurrentPrincipal, db: Db
) -> list[SectionRead]:
    access = await project_access(db, principal.user, project, "guideline.report")
    return [
        SectionRead(section=c.section, title=c.title, change=c.change, questions=q)
        for c, q in await guidelines.section_changes(db, access.project.id, version)
    ]


# --- images ---------------------------------------------------------------------------------------
class AssetRead(Out):
    id: int
    ref: str  # what the Markdown names: ![alt](asset:<id>)
    url: str
    content_type: str
    size: int
    width: int
    height: int
    filename: str
    sha256: str
    created_at: datetime


def _asset_read(project_id: int, a: GuidelineAsset) -> AssetRead:
    return AssetRead(
        id=a.id,
        ref=f"asset:{a.id}",
        url=f"/api/v1/guideline-assets/{a.id}",
        content_type=a.content_type,
        size=a.size,
        width=a.width,
        height=a.height,
        filename=a.filename,
        sha256=a.sha256,
        created_at=a.created_at,
    )


@router.post(
    "/assets",
    response_model=AssetRead,
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("image/png", "image/jpeg", "image/webp", "image/gif")
            },
        }
    },
)
async def upload_asset(
    project: str,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    state: State,
    filename: str = Query(default="", max_length=200),
) -> AssetRead:
    """The image is a multipart ``file`` field or the raw request body; its type is decided by
    decoding it, whatever the request declared."""
    access = await project_access(state.db, principal.user, project, "guideline.publish")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("multipart upload needs a 'file' field", field="file")
        data = await upload.read()
        filename = filename or (upload.filename or "")[:200]
    else:
        data = await request.body()
    asset, created = await guidelines.add_asset(state.db, state.storage, access, data, filename)
    if not created:
        response.status_code = 200
    return _asset_read(access.project.id, asset)


@router.get("/assets", response_model=list[AssetRead])
async def list_assets(project: str, principal: CurrentPrincipal, db: Db) -> list[AssetRead]:
    access = await project_access(db, principal.user, project, "guideline.read")
    return [
        _asset_read(access.project.id, a)
        for a in await guidelines.list_assets(db, access.project.id)
    ]


# --- re-check -------------------------------------------------------------------------------------
class RecheckIn(In):
    stage: Literal["review", "annotate"]
    item_ids: list[int] | None = Field(default=None, max_length=5000)
    label: str | None = Field(default=None, max_length=200)
    section: str | None = Field(default=None, max_length=40)
    changed_sections: bool = False


class RecheckRead(Out):
    stage: str
    sent: int
    already_pending: int
    in_progress: int
    already_reviewed: int
    up_to_date: int
    truncated: bool
    item_ids: list[int]


@router.post("/versions/{version}/recheck", response_model=RecheckRead)
async def recheck(
    project: str, version: int, body: RecheckIn, principal: CurrentPrincipal, db: Db
) -> RecheckRead:
    access = await project_access(db, principal.user, project, "guideline.recheck")
    only = await guidelines.affected_filter(
        db,
        access.project.id,
        version,
        label=body.label,
        section=body.section,
        changed_sections=body.changed_sections,
    )
    out = await guidelines.send_back(
        db, access, version, stage=body.stage, item_ids=body.item_ids, only=only
    )
    return RecheckRead(
        stage=body.stage,
        sent=out.sent,
        already_pending=out.already_pending,
        in_progress=out.in_progress,
        already_reviewed=out.already_reviewed,
        up_to_date=out.up_to_date,
        truncated=out.truncated,
        item_ids=out.item_ids,
    )


# An image is addressed by its id alone, so that Markdown can name it (asset:<id>) without the
# project; the route still answers only members of the asset's project.
_assets = APIRouter(tags=["guidelines"])


@_assets.get(
    "/guideline-assets/{asset_id}",
    response_class=Response,
    responses={
        200: {"content": {t: {} for t in ("image/png", "image/jpeg", "image/webp", "image/gif")}}
    },
)
async def get_asset(asset_id: int, principal: CurrentPrincipal, state: State) -> Response:
    asset = await guidelines.readable_asset(state.db, principal.user, asset_id)

    def read() -> bytes:
        with state.storage.open(asset.storage_key) as fh:
            return fh.read()

    data = await asyncio.to_thread(read)
    return Response(
        data,
        media_type=asset.content_type,
        headers={
            # The bytes behind an id never change (content-addressed); only members may see them.
            "cache-control": "private, max-age=86400, immutable",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


_project_routes = router
router = APIRouter()
router.include_router(_project_routes)
router.include_router(_assets)
