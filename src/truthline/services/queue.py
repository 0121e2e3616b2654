"""The work queue: leases of items to people, with overlap, priorities, expiry, skip and release.

Invariants (enforced in the database, in one transaction per call):
- an item's ``slots_free`` counts the slots of its stage neither leased nor submitted; it never
  goes below 0 (CHECK constraint), so an item never has more than ``overlap`` live leases;
- one person holds at most one non-ended assignment per item and stage (partial unique index),
  so nobody is given the same item twice.
PostgreSQL claims rows with ``FOR UPDATE SKIP LOCKED``; SQLite serializes writers.

Routing: an item whose language field (``workforce.Requirements.language_field``) holds a
language goes only to people with the matching ``lang:*`` skill; items without one go to
anyone. The condition is one more filter on the claim, so items nobody can take are passed
over without blocking the rest. With ``exclude`` (prefetching) a person may hold a second
live lease on the same stage, never more than ``MAX_LIVE_LEASES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnClause,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from truthline.db.models import Assignment, AuditEvent, Draft, Item, Prediction
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit
from truthline.services.workforce import Routing

ENDED_FOR_REUSE = ("released", "expired")  # statuses after which the same person may get it again
REAP_BATCH = 500
MAX_LIVE_LEASES = 2  # per person, project and stage: the task at hand and one prefetched
MAX_EXCLUDE = 50
# A constant, not a bound parameter, so that SQLite can use the partial index ix_assignments_live.
LEASED: ColumnClause[str] = literal_column("'leased'")

# The hot paths use the tables directly (Core): no ORM identity map, unit of work or entity
# loading per statement. Statements are built once; only their parameters change per call.
# Declarative models type ``__table__`` as a FromClause; these are mapped Tables.
A = cast("Table", Assignment.__table__)
I = cast("Table", Item.__table__)  # noqa: E741
P = cast("Table", Prediction.__table__)
D = cast("Table", Draft.__table__)
EV = cast("Table", AuditEvent.__table__)

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


def _language_of(tbl: Any, source: str, is_pg: bool) -> Any:
    """The language an item carries, as text: ``source`` is the column (data or meta) and the
    key comes as a parameter (b_lkey on PostgreSQL, the JSON path b_lpath on SQLite)."""
    col = tbl.c.data if source == "data" else tbl.c.meta
    if not is_pg:
        return func.json_extract(col, bindparam("b_lpath", type_=String))
    if source == "meta":  # imported meta is kept under meta.user
        col = col.op("->")(literal_column("'user'"))
    return col.op("->>", return_type=String)(bindparam("b_lkey", type_=String))


def _language_ok(tbl: Any, source: str, is_pg: bool) -> Any:
    """The item has no language, or one of the person's (b_langs)."""
    lang = _language_of(tbl, source, is_pg)
    return or_(
        lang.is_(None),
        lang == literal_column("''"),
        func.lower(lang).in_(bindparam("b_langs", expanding=True, type_=String)),
    )


def routing_params(routing: Routing | None) -> tuple[str | None, dict[str, Any]]:
    """(column the language is read from, or None, and the parameters of the condition)."""
    if routing is None or routing.language_field is None:
        return None, {}
    source, key = "data", routing.language_field
    if key.startswith("meta."):
        source, key = "meta", key[5:]
    path = f'$."{key}"' if source == "data" else f'$."user"."{key}"'
    return source, {"b_lkey": key, "b_lpath": path, "b_langs": list(routing.languages)}


class _Statements:
    """The statements of next_item for one dialect (PostgreSQL adds the row locks)."""

    def __init__(self, is_pg: bool) -> None:
        self.is_pg = is_pg
        # A reload or a second tab resumes the same task: renew the live lease, if any (the
        # oldest, when a prefetched one is held too: the task the person was working on).
        self.renew = self._renew(exclude=False)
        # A prefetch resumes a live lease on another item than the one at hand.
        self.renew_other = self._renew(exclude=True)
        self.count_live = select(func.count()).where(
            A.c.user_id == bindparam("b_uid"),
            A.c.project_id == bindparam("b_pid"),
            A.c.stage == bindparam("b_stage"),
            A.c.status == LEASED,
            A.c.expires_at > bindparam("b_now", type_=A.c.expires_at.type),
        )
        self.reap = _reap_statement(is_pg, True)
        self._claims: dict[tuple[str | None, bool], Any] = {}
        self.claim = self.claim_for(None, False)
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

    def _renew(self, exclude: bool):  # type: ignore[no-untyped-def]
        mine = A.alias("live")
        live = select(mine.c.id).where(
            mine.c.user_id == bindparam("b_uid"),
            mine.c.project_id == bindparam("b_pid"),
            mine.c.stage == bindparam("b_stage"),
            mine.c.status == LEASED,
            mine.c.expires_at > bindparam("b_now", type_=A.c.expires_at.type),
        )
        if exclude:
            live = live.where(mine.c.item_id.not_in(bindparam("b_exclude", expanding=True)))
        oldest = live.order_by(mine.c.leased_at, mine.c.id).limit(1).scalar_subquery()
        return (
            update(A)
            .where(A.c.id == oldest)
            .values(expires_at=bindparam("b_expires", type_=A.c.expires_at.type))
            .returning(*LEASE_COLUMNS)
        )

    def claim_for(self, language_source: str | None, exclude: bool) -> Any:
        """Pick and take a slot in one statement. On PostgreSQL the pick locks the row
        (skipping rows other transactions hold) so the slot check and decrement see the same
        row. Built once per (language column, exclude) and kept."""
        key = (language_source, exclude)
        stmt = self._claims.get(key)
        if stmt is not None:
            return stmt
        cand = I.alias("cand")
        pick = select(cand.c.id).where(
            cand.c.project_id == bindparam("b_pid"),
            cand.c.stage == bindparam("b_stage"),
            cand.c.slots_free > literal_column("0"),  # a constant matches ix_items_queue
            _not_mine(cand.c.id, bindparam("b_uid"), bindparam("b_stage")),
        )
        if language_source is not None:
            pick = pick.where(_language_ok(cand, language_source, self.is_pg))
        if exclude:
            pick = pick.where(cand.c.id.not_in(bindparam("b_exclude", expanding=True)))
        pick = pick.order_by(cand.c.priority.desc(), cand.c.id).limit(1)
        if self.is_pg:
            pick = pick.with_for_update(skip_locked=True)
        stmt = self._claims[key] = (
            update(I)
            .where(I.c.id == pick.scalar_subquery(), I.c.slots_free > literal_column("0"))
            .values(slots_free=I.c.slots_free - 1)
            .returning(*ITEM_COLUMNS)
        )
        return stmt


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


async def next_item(
    db: Database,
    access: ProjectAccess,
    stage: str = "annotate",
    exclude: list[int] | tuple[int, ...] = (),
) -> NextResult:
    """The person's task: their live lease renewed, else a newly leased item. ``exclude``
    (prefetching) asks for a task on another item than those, beside the lease held."""
    if stage not in ("annotate", "review"):
        raise InvalidInput(f"unknown stage {stage!r}", field="stage", value=stage)
    if not access.may_work_stage(stage):
        raise Forbidden(f"your role ({access.role}) does not work the {stage} stage")
    if len(exclude) > MAX_EXCLUDE:
        raise InvalidInput(
            f"exclude_item_ids holds more than {MAX_EXCLUDE} ids",
            field="exclude_item_ids",
            value=len(exclude),
        )
    from truthline.services.quality_wiring import gold_before_lease
    from truthline.services.workforce import routing_for

    routing = await routing_for(db, access, stage)
    excluded = tuple(sorted(set(exclude)))
    if excluded:
        gold = await _gold_beside(db, access, stage, excluded)
    else:
        gold = await gold_before_lease(db, access, stage)
    if gold is not None:
        return gold  # type: ignore[no-any-return]
    return await db.run_write(
        _next_in_transaction, access, stage, not db.is_sqlite, routing, excluded
    )


async def _gold_beside(
    db: Database, access: ProjectAccess, stage: str, exclude: tuple[int, ...]
) -> NextResult | None:
    """The gold step of a prefetch. ``gold_before_lease`` steps aside while the person holds a
    live lease (it is resumed instead), which a prefetching person always does; the task
    asked for beside it is the one that gold replaces at the project's rate."""
    from truthline.services import quality_hooks
    from truthline.services.quality_settings import quality_of

    settings = quality_of(access.project).gold
    if stage != "annotate" or not (settings.rate > 0 or settings.pause_flagged):
        return None
    from truthline.services.annotations import schema_in_force_sync

    project, user, now = access.project, access.user, utcnow()
    async with db.write() as s:
        live = (
            await s.scalars(
                select(Assignment.item_id).where(
                    Assignment.user_id == user.id,
                    Assignment.project_id == project.id,
                    Assignment.stage == stage,
                    Assignment.status == "leased",
                    Assignment.expires_at > now,
                )
            )
        ).all()
        # A live lease to resume, or no room for another: the transaction answers.
        if any(i not in exclude for i in live) or len(live) >= MAX_LIVE_LEASES:
            return None
        got = await quality_hooks.before_lease(s, project, user.id, stage, now)
        if got is None:
            return None
        a, item = got
        audit.record(s, user.id, "item.lease", project.id, "item", item.id)
        st = _statements(not db.is_sqlite)

        def task(conn: Connection) -> tuple[Any, Any, Any, int]:
            row = conn.execute(st.item, {"item_id": item.id}).first()
            preds, draft = _task_extras(conn, st, item.id, user.id)
            return row, preds, draft, schema_in_force_sync(conn, project)[0]

        row, preds, draft, version = await s.run_sync(lambda sync: task(sync.connection()))
    lease = Lease(a.id, item.id, a.stage, a.status, a.leased_at, a.expires_at, a.active_ms)
    return NextResult("assigned", lease, row, preds, draft, None, version)


def _next_in_transaction(
    conn: Connection,
    access: ProjectAccess,
    stage: str,
    is_pg: bool,
    routing: Routing | None = None,
    exclude: tuple[int, ...] = (),
) -> NextResult:
    """The whole of next_item in one write transaction (run by Database.run_write)."""
    from truthline.services.annotations import schema_in_force_sync

    project, user = access.project, access.user
    now = utcnow()
    expires = now + timedelta(seconds=project.lease_seconds)
    st = _statements(is_pg)
    keys: dict[str, Any] = {"b_uid": user.id, "b_pid": project.id, "b_stage": stage, "b_now": now}
    if exclude:
        keys["b_exclude"] = list(exclude)
        live = conn.execute(st.renew_other, {**keys, "b_expires": expires}).first()
    else:
        live = conn.execute(st.renew, {**keys, "b_expires": expires}).first()
    if live is not None:  # a reload or a second tab resumes the same task
        item = conn.execute(st.item, {"item_id": live.item_id}).first()
        preds, draft = _task_extras(conn, st, live.item_id, user.id)
        version, _ = schema_in_force_sync(conn, project)
        return NextResult("assigned", Lease(*live), item, preds, draft, None, version)
    if exclude and (conn.scalar(st.count_live, keys) or 0) >= MAX_LIVE_LEASES:
        raise Conflict(
            f"you hold {MAX_LIVE_LEASES} live leases on this stage; finish or release one",
            code="lease_limit",
            limit=MAX_LIVE_LEASES,
        )
    reap_expired_sync(conn, project.id, now, is_pg)
    source, lang_params = routing_params(routing)
    item = conn.execute(st.claim_for(source, bool(exclude)), {**keys, **lang_params}).first()
    if item is None:
        return _why_none(conn, project.id, user.id, stage, now, routing)
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
    conn: Connection,
    project_id: int,
    user_id: int,
    stage: str,
    now: datetime,
    routing: Routing | None = None,
) -> NextResult:
    """Tells an empty queue from one whose remaining items, of those this person may take,
    are all leased by others."""
    q = (
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
    source, params = routing_params(routing)
    if source is not None:
        q = q.where(_language_ok(I, source, conn.dialect.name != "sqlite"))
    blocked = conn.scalar(q, params)
    if blocked is None:
        return NextResult("empty")
    return NextResult("all_leased", retry_after=max(1.0, (blocked - now).total_seconds()))


async def _own_lease(s: AsyncSession, access: ProjectAccess, lease_id: int) -> Assignment:
    assert s.bind is not None  # sessions from Database are always bound
    a = await s.get(Assignment, lease_id, with_for_update=s.bind.dialect.name != "sqlite")
    if a is None or a.project_id != access.project.id or a.user_id != access.user.id:
        raise NotFound(f"no lease {lease_id}", code="lease_not_found")
    return a


async def heartbeat(
    db: Database,
    access: ProjectAccess,
    lease_id: int,
    active_ms: int | None = None,
    *,
    hidden: bool = False,
    idle: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """Renews a live lease, records the active time the client reports so far and keeps the
    beat (with the client's state) for the server's own accounting (services/activity.py)."""
    from truthline.services.activity import record_heartbeat, state_of

    now = now or utcnow()
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
        record_heartbeat(s, a, state_of(idle, hidden), active_ms, now)
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
        res = cast(
            "CursorResult[Any]",
            await s.execute(
                update(Item)
                .where(and_(Item.id == item_id, Item.project_id == access.project.id))
                .values(priority=priority)
            ),
        )
        if res.rowcount == 0:
            raise NotFound(f"no item {item_id}", code="item_not_found")
