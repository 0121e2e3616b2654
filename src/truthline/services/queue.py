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
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, literal_column, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from truthline.db.models import Assignment, AuditEvent, Draft, Item, Prediction
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit

ENDED_FOR_REUSE = ("released", "expired")  # statuses after which the same person may get it again
REAP_BATCH = 500
# A constant, not a bound parameter, so that SQLite can use the partial index ix_assignments_live.
LEASED = literal_column("'leased'")

# The hot paths use the tables directly (Core): no ORM identity map, unit of work or entity
# loading per statement. Statements are built once; only their parameters change per call.
A = Assignment.__table__
I = Item.__table__  # noqa: E741
P = Prediction.__table__
D = Draft.__table__
EV = AuditEvent.__table__

# The columns of an item that a task shows (ItemRead), plus meta for its media.
ITEM_COLUMNS = (
    I.c.id,
    I.c.external_id,
    I.c.data,
    I.c.meta,
    I.c.priority,
    I.c.stage,
    I.c.submitted_count,
    I.c.created_at,
)
LEASE_COLUMNS = (
    A.c.id,
    A.c.item_id,
    A.c.stage,
    A.c.status,
    A.c.leased_at,
    A.c.expires_at,
    A.c.active_ms,
)


@dataclass
class Lease:
    """An assignment as the API shows it (LeaseRead)."""

    id: int
    item_id: int
    stage: str
    status: str
    leased_at: datetime
    expires_at: datetime
    active_ms: int


@dataclass
class NextResult:
    status: str  # assigned | empty | all_leased
    assignment: Any = None  # Lease when assigned
    item: Any = None  # a row with the ITEM_COLUMNS
    predictions: list[Any] | None = None  # rows: id, source, score, result
    draft: Any = None  # a row: result, base_version, updated_at
    retry_after: float | None = None
    schema_version: int | None = None  # the number of the project's schema version in force


def _not_mine(item_id: Any, user_id: Any, stage: Any):  # type: ignore[no-untyped-def]
    mine = A.alias("mine")
    return ~exists().where(
        mine.c.item_id == item_id,
        mine.c.user_id == user_id,
        mine.c.stage == stage,
        # Constants, not bound parameters: only then can SQLite (and PostgreSQL's generic plans)
        # match the partial unique index uq_assignments_item_stage_user, a direct lookup by
        # (item, stage, user), instead of scanning every assignment the person ever had.
        mine.c.status.not_in([literal_column(f"'{s}'") for s in ENDED_FOR_REUSE]),
    )


def audit_values(
    user_id: int | None,
    action: str,
    project_id: int | None,
    object_type: str | None,
    object_id: Any,
    now: datetime,
) -> dict[str, Any]:
    """The parameters of one audit_events row (as audit.record writes it) for INSERT_AUDIT."""
    return {
        "user_id": user_id,
        "action": action,
        "project_id": project_id,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "details": {},
        "at": now,
    }


INSERT_AUDIT = insert(EV)


class _Statements:
    """The statements of next_item for one dialect (PostgreSQL adds the row locks)."""

    def __init__(self, is_pg: bool) -> None:
        # A reload or a second tab resumes the same task: renew the live lease, if any.
        mine = A.alias("live")
        live = (
            select(mine.c.id)
            .where(
                mine.c.user_id == bindparam("b_uid"),
                mine.c.project_id == bindparam("b_pid"),
                mine.c.stage == bindparam("b_stage"),
                mine.c.status == LEASED,
                mine.c.expires_at > bindparam("b_now", type_=A.c.expires_at.type),
            )
            .limit(1)
            .scalar_subquery()
        )
        self.renew = (
            update(A)
            .where(A.c.id == live)
            .values(expires_at=bindparam("b_expires", type_=A.c.expires_at.type))
            .returning(*LEASE_COLUMNS)
        )
        self.reap = _reap_statement(is_pg, True)
        # Pick and take a slot in one statement. On PostgreSQL the pick locks the row (skipping
        # rows other transactions hold) so the slot check and decrement see the same row.
        cand = I.alias("cand")
        pick = (
            select(cand.c.id)
            .where(
                cand.c.project_id == bindparam("b_pid"),
                cand.c.stage == bindparam("b_stage"),
                cand.c.slots_free > literal_column("0"),  # a constant matches ix_items_queue
                _not_mine(cand.c.id, bindparam("b_uid"), bindparam("b_stage")),
            )
            .order_by(cand.c.priority.desc(), cand.c.id)
            .limit(1)
        )
        if is_pg:
            pick = pick.with_for_update(skip_locked=True)
        self.claim = (
            update(I)
            .where(I.c.id == pick.scalar_subquery(), I.c.slots_free > literal_column("0"))
            .values(slots_free=I.c.slots_free - 1)
            .returning(*ITEM_COLUMNS)
        )
        self.insert_lease = insert(A).returning(A.c.id)
        self.item = select(*ITEM_COLUMNS).where(I.c.id == bindparam("item_id"))
        self.predictions = (
            select(P.c.id, P.c.source, P.c.score, P.c.result)
            .where(P.c.item_id == bindparam("item_id"))
            .order_by(P.c.id)
        )
        self.draft = select(D.c.result, D.c.base_version, D.c.updated_at).where(
            D.c.item_id == bindparam("item_id"), D.c.user_id == bindparam("b_uid")
        )


_STATEMENTS: dict[bool, _Statements] = {}


def _statements(is_pg: bool) -> _Statements:
    st = _STATEMENTS.get(is_pg)
    if st is None:
        st = _STATEMENTS[is_pg] = _Statements(is_pg)
    return st


def _reap_statement(is_pg: bool, for_project: bool):  # type: ignore[no-untyped-def]
    expired = A.alias("expired")
    q = select(expired.c.id).where(
        expired.c.status == LEASED,
        expired.c.expires_at < bindparam("b_now", type_=A.c.expires_at.type),
    )
    if for_project:
        q = q.where(expired.c.project_id == bindparam("b_pid"))
    q = q.limit(REAP_BATCH)
    if is_pg:
        q = q.with_for_update(skip_locked=True)
    return (
        update(A)
        .where(A.c.id.in_(q.scalar_subquery()), A.c.status == LEASED)
        .values(status="expired", finished_at=bindparam("b_now", type_=A.c.finished_at.type))
        .returning(A.c.item_id, A.c.stage)
    )


_GIVE_BACK = (
    update(I)
    .where(I.c.id == bindparam("b_item"), I.c.stage == bindparam("b_stage"))
    .values(slots_free=I.c.slots_free + 1)
)
_REAP_ALL: dict[bool, Any] = {}


def reap_expired_sync(
    conn: Connection | Session, project_id: int | None, now: datetime, is_pg: bool
) -> int:
    """Ends expired leases and gives their slots back; returns how many were ended."""
    if project_id is not None:
        stmt, params = _statements(is_pg).reap, {"b_now": now, "b_pid": project_id}
    else:
        stmt = _REAP_ALL.get(is_pg)
        if stmt is None:
            stmt = _REAP_ALL[is_pg] = _reap_statement(is_pg, False)
        params = {"b_now": now}
    rows = conn.execute(stmt, params).all()
    if rows:
        conn.execute(_GIVE_BACK, [{"b_item": item_id, "b_stage": st} for item_id, st in rows])
    return len(rows)


async def reap_expired(s: AsyncSession, project_id: int | None, now: datetime, is_pg: bool) -> int:
    """``reap_expired_sync`` inside an async session's transaction (the periodic job)."""
    return await s.run_sync(reap_expired_sync, project_id, now, is_pg)


def _task_extras(conn: Connection, st: _Statements, item_id: int, user_id: int) -> tuple:
    preds = conn.execute(st.predictions, {"item_id": item_id}).all()
    draft = conn.execute(st.draft, {"item_id": item_id, "b_uid": user_id}).first()
    return preds, draft


async def next_item(db: Database, access: ProjectAccess, stage: str = "annotate") -> NextResult:
    if stage not in ("annotate", "review"):
        raise InvalidInput(f"unknown stage {stage!r}", field="stage", value=stage)
    if not access.may_work_stage(stage):
        raise Forbidden(f"your role ({access.role}) does not work the {stage} stage")
    from truthline.services.quality_wiring import gold_before_lease

    gold = await gold_before_lease(db, access, stage)
    if gold is not None:
        return gold  # type: ignore[no-any-return]
    return await db.run_write(_next_in_transaction, access, stage, not db.is_sqlite)


def _next_in_transaction(
    conn: Connection, access: ProjectAccess, stage: str, is_pg: bool
) -> NextResult:
    """The whole of next_item in one write transaction (run by Database.run_write)."""
    from truthline.services.annotations import schema_in_force_sync

    project, user = access.project, access.user
    now = utcnow()
    expires = now + timedelta(seconds=project.lease_seconds)
    st = _statements(is_pg)
    keys = {"b_uid": user.id, "b_pid": project.id, "b_stage": stage, "b_now": now}
    live = conn.execute(st.renew, {**keys, "b_expires": expires}).first()
    if live is not None:  # a reload or a second tab resumes the same task
        item = conn.execute(st.item, {"item_id": live.item_id}).first()
        preds, draft = _task_extras(conn, st, live.item_id, user.id)
        version, _ = schema_in_force_sync(conn, project)
        return NextResult("assigned", Lease(*live), item, preds, draft, None, version)
    reap_expired_sync(conn, project.id, now, is_pg)
    item = conn.execute(st.claim, keys).first()
    if item is None:
        return _why_none(conn, project.id, user.id, stage, now)
    lease_id = conn.execute(
        st.insert_lease,
        {
            "project_id": project.id,
            "item_id": item.id,
            "user_id": user.id,
            "stage": stage,
            "status": "leased",
            "leased_at": now,
            "expires_at": expires,
            "active_ms": 0,
        },
    ).scalar_one()
    conn.execute(
        INSERT_AUDIT, audit_values(user.id, "item.lease", project.id, "item", item.id, now)
    )
    preds, draft = _task_extras(conn, st, item.id, user.id)
    version, _ = schema_in_force_sync(conn, project)
    lease = Lease(lease_id, item.id, stage, "leased", now, expires, 0)
    return NextResult("assigned", lease, item, preds, draft, None, version)


def _why_none(
    conn: Connection, project_id: int, user_id: int, stage: str, now: datetime
) -> NextResult:
    """Tells an empty queue from one whose remaining items are all leased by others."""
    blocked = conn.scalar(
        select(func.min(A.c.expires_at))
        .select_from(A.join(I, I.c.id == A.c.item_id))
        .where(
            A.c.project_id == project_id,
            A.c.stage == stage,
            A.c.status == "leased",
            A.c.user_id != user_id,
            I.c.stage == stage,
            _not_mine(I.c.id, user_id, stage),
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
