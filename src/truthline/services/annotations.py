"""Drafts and submits. Every submit appends an immutable version; nothing is overwritten.

A first submit needs the submitter's lease of the item. A submit whose lease has expired (or
was skipped/released meanwhile) is still accepted, flagged ``lease_expired``: the work is never
thrown away; it takes the slot back if one is free, otherwise the item gets one annotation more
than its overlap. A submit with no lease at all for the item is refused (409 ``no_lease``).
Edits (base_version = the latest version) need no lease.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    Assignment,
    Draft,
    GuidelineVersion,
    Item,
    Project,
    SchemaVersion,
)
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.kinds.base import ItemContext
from truthline.policies import ProjectAccess
from truthline.schema import LabelingSchema, validate_annotation
from truthline.services.activity import (
    edit_active_ms,
    record_submit_sync,
    submit_active_ms_sync,
)
from truthline.services.projects import schema_of
from truthline.services.quality_wiring import enqueue_quality_steps, uses_quality_after_submit
from truthline.services.queue import INSERT_AUDIT, audit_values

MAX_KEY = 100

# Declarative models type ``__table__`` as a FromClause; these are mapped Tables.
AN = cast("Table", Annotation.__table__)
A = cast("Table", Assignment.__table__)
I = cast("Table", Item.__table__)  # noqa: E741
D = cast("Table", Draft.__table__)
GV = cast("Table", GuidelineVersion.__table__)
SV = cast("Table", SchemaVersion.__table__)


@dataclass
class StoredAnnotation:
    """A submitted annotation version as the API shows it (AnnotationRead)."""

    id: int
    item_id: int
    user_id: int
    version: int
    base_version: int | None
    stage: str
    result: dict[str, Any]
    meta: dict[str, Any]
    schema_version_id: int
    guideline_version_id: int | None
    active_ms: int
    lease_expired: bool
    created_at: datetime


@dataclass
class SubmitOutcome:
    annotation: Any  # StoredAnnotation, or the stored row of a replay (same attributes)
    replayed: bool  # True when the idempotency key had already been used: nothing new stored
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. gold feedback


def item_context(item: Any) -> ItemContext:
    return ItemContext(data=item.data, media=(item.meta or {}).get("media", {}))


# --- the schema in force, without a query per request -------------------------------------------
# Schema versions are immutable rows, so their number and parsed schema can be kept. The key holds
# the project's id and creation time besides the version id: ids can come back after a project is
# deleted (SQLite reuses the highest rowid), but not together with the same project creation time.
_SCHEMAS: dict[tuple[Any, ...], tuple[int, LabelingSchema]] = {}
_SCHEMAS_MAX = 512
_SCHEMA_ROW = select(SV.c.id, SV.c.version, SV.c.schema).where(SV.c.id == bindparam("sv"))


def schema_in_force_sync(conn: Connection, project: Project) -> tuple[int, LabelingSchema]:
    """(version number, parsed schema) of the project's current schema version."""
    key = (project.schema_version_id, project.id, project.created_at)
    hit = _SCHEMAS.get(key)
    if hit is None:
        row = conn.execute(_SCHEMA_ROW, {"sv": project.schema_version_id}).one()
        hit = (row.version, schema_of(row))  # type: ignore[arg-type]
        if len(_SCHEMAS) >= _SCHEMAS_MAX:
            _SCHEMAS.clear()
        _SCHEMAS[key] = hit
    return hit


async def get_item(db: Database, access: ProjectAccess, item_id: int) -> Item:
    async with db.read() as s:
        item = await s.get(Item, item_id)
    if item is None or item.project_id != access.project.id:
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    return item


_REPLAY = select(AN).where(
    AN.c.user_id == bindparam("uid"), AN.c.idempotency_key == bindparam("key")
)


def _replay(conn: Connection, user_id: int, key: str, item_id: int) -> Any | None:
    found = conn.execute(_REPLAY, {"uid": user_id, "key": key}).first()
    if found is not None and found.item_id != item_id:
        raise Conflict(
            "idempotency key already used for another item", code="idempotency_key_reused"
        )
    return found


def _prior_id() -> Any:
    return (
        select(AN.c.id)
        .where(AN.c.user_id == bindparam("uid"), AN.c.idempotency_key == bindparam("key"))
        .scalar_subquery()
    )


# Before validation: the item (for its data and media) and whether the key was used already.
_PRECHECK = select(I.c.project_id, I.c.data, I.c.meta, _prior_id().label("prior_id")).where(
    I.c.id == bindparam("item_id")
)


def _state_statement(with_lease_id: bool) -> Any:
    """One row with everything the write transaction decides on: a replay, the latest version,
    the submitter's lease of the item, the guideline in force and whether a draft exists."""
    last = (
        select(AN.c.version.label("last_version"), AN.c.stage.label("last_stage"))
        .where(AN.c.item_id == bindparam("item_id"), AN.c.user_id == bindparam("uid"))
        .order_by(AN.c.version.desc())
        .limit(1)
        .subquery("last")
    )
    lease = select(
        A.c.id.label("lease_id"),
        A.c.status.label("lease_status"),
        A.c.stage.label("lease_stage"),
        A.c.expires_at.label("lease_expires"),
    ).where(A.c.item_id == bindparam("item_id"), A.c.user_id == bindparam("uid"))
    if with_lease_id:
        lease = lease.where(A.c.id == bindparam("lease_id"))
    # The live lease if there is one, else the newest.
    lease = lease.order_by(
        case((A.c.status == literal_column("'leased'"), 0), else_=1), A.c.id.desc()
    ).limit(1)
    lease_sq = lease.subquery("lease")
    guideline = (
        select(GV.c.id)
        .where(GV.c.project_id == bindparam("pid"))
        .order_by(GV.c.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    draft = (
        select(literal(1))
        .where(D.c.item_id == bindparam("item_id"), D.c.user_id == bindparam("uid"))
        .exists()
    )
    one = select(literal(1).label("one")).subquery("one")
    return select(
        _prior_id().label("prior_id"),
        last.c.last_version,
        last.c.last_stage,
        lease_sq.c.lease_id,
        lease_sq.c.lease_status,
        lease_sq.c.lease_stage,
        lease_sq.c.lease_expires,
        guideline.label("guideline_id"),
        draft.label("has_draft"),
    ).select_from(one.outerjoin(last, true()).outerjoin(lease_sq, true()))


_STATE = {True: _state_statement(True), False: _state_statement(False)}
_TAKE_LEASE = (
    update(A)
    .where(A.c.id == bindparam("b_lease"))
    .values(
        status="submitted",
        finished_at=bindparam("b_now", type_=A.c.finished_at.type),
        active_ms=case(
            (
                A.c.active_ms < bindparam("b_active", type_=A.c.active_ms.type),
                bindparam("b_active"),
            ),
            else_=A.c.active_ms,
        ),
    )
)


def _advance_statement(take_slot: bool, annotate: bool) -> Any:
    """Counts the submit (the k-th submit of the annotate stage moves the item to done); a lease
    that had ended first takes its slot back if one is still free, else the item is over-covered.
    """
    values: dict[str, Any] = {"submitted_count": I.c.submitted_count + 1}
    slots: Any = I.c.slots_free
    if take_slot:
        slots = case(
            ((I.c.stage == bindparam("b_stage")) & (I.c.slots_free > 0), I.c.slots_free - 1),
            else_=I.c.slots_free,
        )
    if annotate:
        done = (I.c.submitted_count + 1 >= bindparam("b_overlap")) & (I.c.stage == "annotate")
        values["stage"] = case((done, "done"), else_=I.c.stage)
        values["slots_free"] = case((done, 0), else_=slots)
    elif take_slot:
        values["slots_free"] = slots
    return update(I).where(I.c.id == bindparam("b_item")).values(**values)


_ADVANCE = {(t, a): _advance_statement(t, a) for t in (True, False) for a in (True, False)}
_INSERT_ANNOTATION = insert(AN).returning(AN.c.id)
_DELETE_DRAFT = delete(D).where(
    D.c.item_id == bindparam("b_item"), D.c.user_id == bindparam("b_user")
)


@dataclass
class _Submit:
    """One submit's inputs, as the transaction functions below need them."""

    item_id: int
    user_id: int
    project: Project
    key: str
    lease_id: int | None
    base_version: int | None
    active_ms: int
    meta: dict[str, Any]
    quality_steps: bool = False  # the project runs quality steps after a submit (outbox row)


def _precheck(conn: Connection, sub: _Submit) -> tuple[Any, Any, LabelingSchema | None]:
    """(replayed annotation or None, the item's row or None, the schema in force)."""
    pre = conn.execute(
        _PRECHECK, {"item_id": sub.item_id, "uid": sub.user_id, "key": sub.key}
    ).first()
    if pre is None or pre.prior_id is not None:
        prior = _replay(conn, sub.user_id, sub.key, sub.item_id)
        if prior is not None:
            return prior, None, None
    if pre is None or pre.project_id != sub.project.id:
        return None, None, None
    return None, pre, schema_in_force_sync(conn, sub.project)[1]


def _take_lease(conn: Connection, sub: _Submit, state: Any, now: datetime) -> tuple[int, str, bool]:
    """Ends the submitter's lease of the item and counts the submit on the item; returns
    (lease id, stage, whether the lease had expired)."""
    if state.lease_id is None:
        raise Conflict("you hold no lease of this item", code="no_lease", item_id=sub.item_id)
    if state.lease_status == "submitted":
        raise Conflict("this lease was already submitted", code="lease_ended", status="submitted")
    ended = state.lease_status != "leased"
    expired = ended or state.lease_expires < now
    stage = state.lease_stage
    conn.execute(_TAKE_LEASE, {"b_lease": state.lease_id, "b_now": now, "b_active": sub.active_ms})
    conn.execute(
        _ADVANCE[(ended, stage == "annotate")],
        {"b_item": sub.item_id, "b_stage": stage, "b_overlap": sub.project.overlap},
    )
    return state.lease_id, stage, expired


def _store(conn: Connection, sub: _Submit, clean: dict[str, Any]) -> tuple[Any, bool]:
    """The write transaction of a submit: (the annotation, whether it is a replay)."""
    now = utcnow()
    params: dict[str, Any] = {
        "item_id": sub.item_id,
        "uid": sub.user_id,
        "key": sub.key,
        "pid": sub.project.id,
    }
    if sub.lease_id is not None:
        params["lease_id"] = sub.lease_id
    state = conn.execute(_STATE[sub.lease_id is not None], params).one()
    if state.prior_id is not None:
        return _replay(conn, sub.user_id, sub.key, sub.item_id), True
    latest = state.last_version
    if sub.base_version != latest:
        raise Conflict(
            f"this annotation changed since version {sub.base_version}; "
            f"the current version is {latest}",
            code="version_conflict",
            current_version=latest,
            base_version=sub.base_version,
        )
    # The client's active time is believed only as far as the server saw the work happen.
    claimed = sub.active_ms
    if latest is None and state.lease_id is not None:
        sub = replace(sub, active_ms=submit_active_ms_sync(conn, state.lease_id, claimed))
    elif latest is not None:
        sub = replace(sub, active_ms=edit_active_ms(claimed))
    if latest is None:
        assignment_id, stage, expired = _take_lease(conn, sub, state, now)
        record_submit_sync(conn, sub.user_id, sub.project.id, assignment_id, claimed, now)
    else:
        assignment_id, stage, expired = None, state.last_stage, False
    stored = StoredAnnotation(
        id=0,
        item_id=sub.item_id,
        user_id=sub.user_id,
        version=(latest or 0) + 1,
        base_version=sub.base_version,
        stage=stage,
        result=clean,
        meta=sub.meta,
        schema_version_id=sub.project.schema_version_id,  # type: ignore[arg-type]
        guideline_version_id=state.guideline_id,
        active_ms=sub.active_ms,
        lease_expired=expired,
        created_at=now,
    )
    values = {
        **stored.__dict__,
        "project_id": sub.project.id,
        "assignment_id": assignment_id,
        "idempotency_key": sub.key,
    }
    del values["id"]
    stored.id = conn.execute(_INSERT_ANNOTATION, values).scalar_one()
    if sub.quality_steps:
        enqueue_quality_steps(conn, sub.project.id, stored.id, now)
    if state.has_draft:
        conn.execute(_DELETE_DRAFT, {"b_item": sub.item_id, "b_user": sub.user_id})
    conn.execute(
        INSERT_AUDIT,
        audit_values(sub.user_id, "annotation.submit", sub.project.id, "item", sub.item_id, now),
    )
    return stored, False


async def submit(
    db: Database,
    access: ProjectAccess,
    item_id: int,
    *,
    result: dict[str, Any],
    idempotency_key: str,
    lease_id: int | None = None,
    base_version: int | None = None,
    active_ms: int = 0,
    meta: dict[str, Any] | None = None,
) -> SubmitOutcome:
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise InvalidInput(
            f"idempotency_key must be 1-{MAX_KEY} characters", field="idempotency_key"
        )
    if active_ms < 0:
        raise InvalidInput("active_ms must be >= 0", field="active_ms", value=active_ms)
    sub = _Submit(
        item_id=item_id,
        user_id=access.user.id,
        project=access.project,
        key=idempotency_key,
        lease_id=lease_id,
        base_version=base_version,
        active_ms=active_ms,
        meta=meta or {},
        quality_steps=uses_quality_after_submit(access.project),
    )
    # A retry is answered before any validation work: one read, then one write transaction.
    prior, item, schema = await db.run_read(_precheck, sub)
    if prior is not None:
        return SubmitOutcome(prior, True)
    if item is None or schema is None:
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    clean = validate_annotation(schema, result, item_context(item))
    try:
        stored, replayed = await db.run_write(_store, sub, clean)
    except (IntegrityError, Conflict) as exc:
        # A concurrent retry with the same key may have committed while this one ran (under
        # READ COMMITTED it then looks like a version conflict): answer it as a replay.
        prior = await db.run_read(_replay, sub.user_id, sub.key, sub.item_id)
        if prior is not None:
            return SubmitOutcome(prior, True)
        if isinstance(exc, Conflict):
            raise
        raise Conflict(
            "a concurrent edit created this version first", code="version_conflict"
        ) from None
    if replayed or not sub.quality_steps:
        return SubmitOutcome(stored, replayed)
    from truthline.services.quality_wiring import after_submit

    return SubmitOutcome(stored, False, await after_submit(db, access, stored))


async def save_draft(
    db: Database,
    access: ProjectAccess,
    item_id: int,
    result: dict[str, Any],
    base_version: int | None,
) -> Draft:
    """Drafts are partial (checked only to be an object); each replaces the previous one."""
    if not isinstance(result, dict):
        raise InvalidInput("draft result must be an object", field="result")
    item = await get_item(db, access, item_id)
    async with db.write() as s:
        if not access.can("item.read", owns=await _has_touched(s, access, item.id)):
            raise NotFound(f"no item {item_id} in this project", code="item_not_found")
        draft = await s.get(Draft, (item_id, access.user.id))
        if draft is None:
            draft = Draft(
                item_id=item_id,
                user_id=access.user.id,
                project_id=access.project.id,
                result=result,
                base_version=base_version,
            )
            s.add(draft)
        else:
            draft.result, draft.base_version, draft.updated_at = result, base_version, utcnow()
    return draft


async def get_draft(db: Database, access: ProjectAccess, item_id: int) -> Draft | None:
    async with db.read() as s:
        return await s.get(Draft, (item_id, access.user.id))


async def _has_touched(s: AsyncSession, access: ProjectAccess, item_id: int) -> bool:
    """Whether the person holds or held a lease of the item (ownership for annotators)."""
    found = await s.scalar(
        select(Assignment.id)
        .where(Assignment.item_id == item_id, Assignment.user_id == access.user.id)
        .limit(1)
    )
    return found is not None


async def can_read_item(db: Database, access: ProjectAccess, item_id: int) -> bool:
    if access.can("item.read"):
        return True
    async with db.read() as s:
        return access.can("item.read", owns=await _has_touched(s, access, item_id))


async def list_versions(
    db: Database, access: ProjectAccess, item_id: int, *, all_versions: bool
) -> list[Annotation]:
    async with db.read() as s:
        q = select(Annotation).where(
            Annotation.item_id == item_id, Annotation.project_id == access.project.id
        )
        if not access.can("annotation.read"):
            q = q.where(Annotation.user_id == access.user.id)
        rows = list(await s.scalars(q.order_by(Annotation.user_id, Annotation.version)))
    if all_versions:
        return rows
    latest: dict[int, Annotation] = {}
    for row in rows:
        latest[row.user_id] = row
    return list(latest.values())


async def my_history(
    db: Database, access: ProjectAccess, *, before_id: int | None, limit: int
) -> list[tuple[Annotation, Item]]:
    """My latest version per item, newest first."""
    async with db.read() as s:
        newest = (
            select(func.max(Annotation.id).label("id"))
            .where(Annotation.user_id == access.user.id, Annotation.project_id == access.project.id)
            .group_by(Annotation.item_id)
            .subquery()
        )
        q = (
            select(Annotation, Item)
            .join(newest, newest.c.id == Annotation.id)
            .join(Item, Item.id == Annotation.item_id)
            .order_by(Annotation.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            q = q.where(Annotation.id < before_id)
        return [(a, i) for a, i in (await s.execute(q)).all()]
