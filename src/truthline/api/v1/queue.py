"""The work queue: next item, heartbeat, skip, release."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from truthline.api.deps import CurrentPrincipal, Db, State
from truthline.api.schemas import (
    DraftRead,
    HeartbeatIn,
    LeaseRead,
    NextIn,
    NextRead,
    PredictionRead,
    SkipIn,
)
from truthline.api.v1.items import hide_gold, item_read
from truthline.db.models import Assignment
from truthline.errors import Conflict, NotFound
from truthline.policies import ProjectAccess, project_access
from truthline.services import gates, guidelines, qualification, queue

router = APIRouter(tags=["queue"])


@router.post("/projects/{project}/queue/next", response_model=NextRead)
async def next_item(
    project: str, principal: CurrentPrincipal, state: State, body: NextIn | None = None
) -> NextRead:
    access = await project_access(state.db, principal.user, project, "queue.work")
    if not gates.is_open(access.project.id, access.user.id):
        pending = await guidelines.pending_ack(state.db, access)
        if pending is not None:
            raise Conflict(
                f"confirm guideline version {pending.version} before taking work",
                code="guideline_ack_required",
                version=pending.version,
                since=pending.since,
            )
        if (quiz := await qualification.required(state.db, access)) is not None:
            raise Conflict(
                f"pass the qualification quiz of guideline version {quiz.version} "
                "before taking work",
                code="qualification_required",
                quiz_id=quiz.quiz_id,
                version=quiz.version,
            )
        gates.mark_open(access.project.id, access.user.id)
    body = body or NextIn()
    got = await queue.next_item(state.db, access, body.stage, body.exclude_item_ids)
    if got.status != "assigned":
        return NextRead(status=got.status, retry_after=got.retry_after)  # type: ignore[arg-type]
    assert got.item is not None and got.assignment is not None
    # A gold task is an ordinary task to whoever works it, leads included.
    item = item_read(got.item, state.secret, state.settings.media_url_ttl_seconds)
    return NextRead(
        status="assigned",
        lease=LeaseRead.model_validate(got.assignment),
        item=hide_gold(item, access.project.overlap, submitted=False),
        predictions=[PredictionRead.model_validate(p) for p in got.predictions or []],
        draft=DraftRead.model_validate(got.draft) if got.draft else None,
        schema_version=got.schema_version,
    )


async def _lease_access(db: Db, principal: CurrentPrincipal, lease_id: int) -> ProjectAccess:
    async with db.read() as s:
        project_id = await s.scalar(select(Assignment.project_id).where(Assignment.id == lease_id))
    if project_id is None:
        raise NotFound(f"no lease {lease_id}", code="lease_not_found")
    try:
        return await project_access(db, principal.user, project_id, "queue.work")
    except NotFound:
        raise NotFound(f"no lease {lease_id}", code="lease_not_found") from None


@router.post("/leases/{lease_id}/heartbeat", response_model=LeaseRead)
async def heartbeat(
    lease_id: int, body: HeartbeatIn, principal: CurrentPrincipal, db: Db
) -> LeaseRead:
    access = await _lease_access(db, principal, lease_id)
    lease = await queue.heartbeat(
        db, access, lease_id, body.active_ms, hidden=body.hidden, idle=body.idle
    )
    return LeaseRead.model_validate(lease)


@router.post("/leases/{lease_id}/skip", response_model=LeaseRead)
async def skip(lease_id: int, body: SkipIn, principal: CurrentPrincipal, db: Db) -> LeaseRead:
    access = await _lease_access(db, principal, lease_id)
    return LeaseRead.model_validate(
        await queue.end_lease(db, access, lease_id, "skipped", body.reason)
    )


@router.post("/leases/{lease_id}/release", response_model=LeaseRead)
async def release(lease_id: int, principal: CurrentPrincipal, db: Db) -> LeaseRead:
    access = await _lease_access(db, principal, lease_id)
    return LeaseRead.model_validate(await queue.end_lease(db, access, lease_id, "released"))
