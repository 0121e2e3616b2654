"""Guidelines: versions, diff, acknowledgements and the lead's reports."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import In, ItemRead, Out, UserRead
from truthline.api.v1.items import item_read
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


@router.post("/versions", response_model=GuidelineRead, status_code=201)
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


@router.get("/versions/{version}/affected", response_model=list[AffectedItem])
async def affected(
    project: str,
    version: int,
    principal: CurrentPrincipal,
    db: Db,
    label: str | None = Query(default=None, max_length=200),
) -> list[AffectedItem]:
    access = await project_access(db, principal.user, project, "guideline.report")
    rows = await guidelines.affected_items(db, access.project.id, version, label=label)
    return [AffectedItem(item=item_read(i, None), annotations=n) for i, n in rows]
