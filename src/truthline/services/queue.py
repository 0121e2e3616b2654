"""The work queue: leases of items to people, with overlap, priorities, expiry, skip and release.

Invariants (enforced in the database, in one transaction per call):
- an item's ``slots_free`` counts the slots of its stage neither leased nor submitted; it never
  goes below 0 (CHECK constraint), so an item never has more than ``overlap`` live leases;
- one person holds at most one non-ended assignment per item and stage (partial unique index),
  so nobody is given the same item twice.
PostgreSQL claims rows with ``FOR UPDATE SKIP LOCKED``; SQLite serializes writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from truthline.db.models import Assignment, Draft, Item, Prediction
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit

ENDED_FOR_REUSE = ("released", "expired")  # statuses after which the same person may get it again
REAP_BATCH = 500
# A constant, not a bound parameter, so that SQLite can use the partial index ix_assignments_live.
LEASED = literal_column("'leased'")


@dataclass
class NextResult:
    status: str  # assigned | empty | all_leased
    assignment: Assignment | None = None
    item: Item | None = None
    predictions: list[Prediction] | None = None
    draft: Draft | None = None
    retry_after: float | None = None


def _not_mine(user_id: int, stage: str):  # type: ignore[no-untyped-def]
    mine = aliased(Assignment)
    return ~exists().where(
        mine.item_id == Item.id,
        mine.user_id == user_id,
        mine.stage == stage,
        # Constants, not bound parameters: only then can SQLite (and PostgreSQL's generic plans)
        # match the partial unique index uq_assignments_item_stage_user, a direct lookup by
        # (item, stage, user), instead of scanning every assignment the person ever had.
        mine.status.not_in([literal_column(f"'{s}'") for s in ENDED_FOR_REUSE]),
    )


async def reap_expired(s: AsyncSession, project_id: int | None, now: datetime, is_pg: bool) -> int:
    """Ends expired leases and gives their slots back; returns how many were ended."""
    q = select(Assignment.id, Assignment.item_id, Assignment.stage).where(
        Assignment.status == LEASED, Assignment.expires_at < now
    )
    if project_id is not None:
        q = q.where(Assignment.project_id == project_id)
    q = q.limit(REAP_BATCH)
    if is_pg:
        q = q.with_for_update(skip_locked=True)
    rows = (await s.execute(q)).all()
    for assignment_id, item_id, stage in rows:
        await s.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id)
            .values(status="expired", finished_at=now)
        )
        await s.execute(
            update(Item)
            .where(Item.id == item_id, Item.stage == stage)
            .values(slots_free=Item.slots_free + 1)
        )
    return len(rows)


async def _task_extras(
    s: AsyncSession, item_id: int, user_id: int
) -> tuple[list[Prediction], Draft | None]:
    preds = list(await s.scalars(select(Prediction).where(Prediction.item_id == item_id)))
    draft = await s.get(Draft, (item_id, user_id))
    return preds, draft


async def next_item(db: Database, access: ProjectAccess, stage: str = "annotate") -> NextResult:
    if stage not in ("annotate", "review"):
        raise InvalidInput(f"unknown stage {stage!r}", field="stage", value=stage)
    if not access.may_work_stage(stage):
        raise Forbidden(f"your role ({access.role}) does not work the {stage} stage")
    project, user = access.project, access.user
    now = utcnow()
    expires = now + timedelta(seconds=project.lease_seconds)
    is_pg = not db.is_sqlite
    async with db.write() as s:
        live = await s.scalar(
            select(Assignment)
            .where(
                Assignment.user_id == user.id,
                Assignment.project_id == project.id,
                Assignment.stage == stage,
                Assignment.status == "leased",
                Assignment.expires_at > now,
            )
            .limit(1)
        )
        if live is not None:  # a reload or a second tab resumes the same task
            live.expires_at = expires
            item = await s.get(Item, live.item_id)
            preds, draft = await _task_extras(s, live.item_id, user.id)
            return NextResult("assigned", live, item, preds, draft)
        await reap_expired(s, project.id, now, is_pg)
        q = (
            select(Item)
            .where(
                Item.project_id == project.id,
                Item.stage == stage,
                Item.slots_free > literal_column("0"),  # a constant matches ix_items_queue's WHERE
                _not_mine(user.id, stage),
            )
            .order_by(Item.priority.desc(), Item.id)
            .limit(1)
        )
        if is_pg:
            q = q.with_for_update(skip_locked=True, of=Item)
        item = await s.scalar(q)
        if item is None:
            return await _why_none(s, project.id, user.id, stage, now)
        taken = await s.execute(
            update(Item)
            .where(Item.id == item.id, Item.slots_free > 0)
            .values(slots_free=Item.slots_free - 1)
        )
        if taken.rowcount != 1:  # cannot happen under the row lock; refuse rather than overfill
            raise Conflict("item was taken concurrently; ask again", code="retry")
        assignment = Assignment(
            project_id=project.id,
            item_id=item.id,
            user_id=user.id,
            stage=stage,
            status="leased",
            leased_at=now,
            expires_at=expires,
        )
        s.add(assignment)
        await s.flush()
        audit.record(s, user.id, "item.lease", project.id, "item", item.id)
        preds, draft = await _task_extras(s, item.id, user.id)
    return NextResult("assigned", assignment, item, preds, draft)


async def _why_none(
    s: AsyncSession, project_id: int, user_id: int, stage: str, now: datetime
) -> NextResult:
    """Tells an empty queue from one whose remaining items are all leased by others."""
    blocked = await s.scalar(
        select(func.min(Assignment.expires_at))
        .join(Item, Item.id == Assignment.item_id)
        .where(
            Assignment.project_id == project_id,
            Assignment.stage == stage,
            Assignment.status == "leased",
            Assignment.user_id != user_id,
            Item.stage == stage,
            _not_mine(user_id, stage),
        )
    )
    if blocked is None:
        return NextResult("empty")
    return NextResult("all_leased", retry_after=max(1.0, (blocked - now).total_seconds()))


async def _own_lease(s: AsyncSession, access: ProjectAccess, lease_id: int) -> Assignment:
    a = await s.get(Assignment, lease_id, with_for_update=s.bind.dialect.name != "sqlite")
    if a is None or a.project_id != access.project.id or a.user_id != access.user.id:
        raise NotFound(f"no lease {lease_id}", code="lease_not_found")
    return a


async def heartbeat(
    db: Database, access: ProjectAccess, lease_id: int, active_ms: int | None = None
) -> Assignment:
    """Renews a live lease and records the active time the client reports so far."""
    now = utcnow()
    async with db.write() as s:
        a = await _own_lease(s, access, lease_id)
        if a.status != "leased":
            raise Conflict(
                f"lease {lease_id} has ended ({a.status})", code="lease_ended", status=a.status
            )
        a.expires_at = now + timedelta(seconds=access.project.lease_seconds)
        if active_ms is not None:
            if active_ms < 0:
                raise InvalidInput("active_ms must be >= 0", field="active_ms", value=active_ms)
            a.active_ms = max(a.active_ms, min(active_ms, _elapsed_ms(a, now)))
    return a


def _elapsed_ms(a: Assignment, now: datetime) -> int:
    return int((now - a.leased_at).total_seconds() * 1000)


async def end_lease(
    db: Database, access: ProjectAccess, lease_id: int, how: str, reason: str | None = None
) -> Assignment:
    """Skip (never offered to this person again) or release (may come back); the slot returns."""
    if how == "skipped" and not (reason and reason.strip()):
        raise InvalidInput("a skip needs a reason", field="reason")
    if reason and len(reason) > 2000:
        raise InvalidInput("reason is longer than 2000 characters", field="reason")
    now = utcnow()
    async with db.write() as s:
        a = await _own_lease(s, access, lease_id)
        if a.status not in ("leased", "expired"):
            raise Conflict(
                f"lease {lease_id} has ended ({a.status})", code="lease_ended", status=a.status
            )
        if a.status == "leased":  # an expired lease already gave its slot back
            await s.execute(
                update(Item)
                .where(Item.id == a.item_id, Item.stage == a.stage)
                .values(slots_free=Item.slots_free + 1)
            )
        a.status, a.finished_at, a.skip_reason = how, now, reason
        audit.record(s, access.user.id, f"item.{how}", access.project.id, "item", a.item_id)
    return a


async def set_priority(db: Database, access: ProjectAccess, item_id: int, priority: int) -> None:
    async with db.write() as s:
        res = await s.execute(
            update(Item)
            .where(and_(Item.id == item_id, Item.project_id == access.project.id))
            .values(priority=priority)
        )
        if res.rowcount == 0:
            raise NotFound(f"no item {item_id}", code="item_not_found")
