"""Drafts and submits. Every submit appends an immutable version; nothing is overwritten.

A first submit needs the submitter's lease of the item. A submit whose lease has expired (or
was skipped/released meanwhile) is still accepted, flagged ``lease_expired``: the work is never
thrown away; it takes the slot back if one is free, otherwise the item gets one annotation more
than its overlap. A submit with no lease at all for the item is refused (409 ``no_lease``).
Edits (base_version = the latest version) need no lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    Assignment,
    Draft,
    GuidelineVersion,
    Item,
    SchemaVersion,
)
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.kinds.base import ItemContext
from truthline.policies import ProjectAccess
from truthline.schema import validate_annotation
from truthline.services import audit
from truthline.services.projects import schema_of

MAX_KEY = 100


@dataclass
class SubmitOutcome:
    annotation: Annotation
    replayed: bool  # True when the idempotency key had already been used: nothing new stored


def item_context(item: Item) -> ItemContext:
    return ItemContext(data=item.data, media=(item.meta or {}).get("media", {}))


async def get_item(db: Database, access: ProjectAccess, item_id: int) -> Item:
    async with db.read() as s:
        item = await s.get(Item, item_id)
    if item is None or item.project_id != access.project.id:
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    return item


async def _replay(s: AsyncSession, user_id: int, key: str, item_id: int) -> Annotation | None:
    found = await s.scalar(
        select(Annotation).where(Annotation.user_id == user_id, Annotation.idempotency_key == key)
    )
    if found is not None and found.item_id != item_id:
        raise Conflict(
            "idempotency key already used for another item", code="idempotency_key_reused"
        )
    return found


async def _take_lease(
    s: AsyncSession, access: ProjectAccess, item: Item, lease_id: int | None
) -> tuple[Assignment, bool]:
    """Finds the submitter's lease of the item; returns it and whether it had expired."""
    q = select(Assignment).where(
        Assignment.item_id == item.id, Assignment.user_id == access.user.id
    )
    q = q.where(Assignment.id == lease_id) if lease_id is not None else q
    leases = list(await s.scalars(q.order_by(Assignment.id.desc())))
    live = [a for a in leases if a.status == "leased"]
    a = live[0] if live else (leases[0] if leases else None)
    if a is None:
        raise Conflict("you hold no lease of this item", code="no_lease", item_id=item.id)
    if a.status == "submitted":
        raise Conflict("this lease was already submitted", code="lease_ended", status=a.status)
    now = utcnow()
    expired = a.status != "leased" or a.expires_at < now
    if a.status != "leased":
        # The slot went back to the queue; take it again if still free, else over-cover.
        await s.execute(
            update(Item)
            .where(Item.id == item.id, Item.stage == a.stage, Item.slots_free > 0)
            .values(slots_free=Item.slots_free - 1)
        )
    a.status, a.finished_at = "submitted", now
    return a, expired


async def _advance_stage(s: AsyncSession, item: Item, overlap: int, stage: str) -> None:
    """Counts the submit; the k-th submit of the annotate stage moves the item to done."""
    values: dict[str, Any] = {"submitted_count": Item.submitted_count + 1}
    if stage == "annotate":
        done = (Item.submitted_count + 1 >= overlap) & (Item.stage == "annotate")
        values["stage"] = case((done, "done"), else_=Item.stage)
        values["slots_free"] = case((done, 0), else_=Item.slots_free)
    await s.execute(update(Item).where(Item.id == item.id).values(**values))


async def _guideline_in_force(s: AsyncSession, project_id: int) -> int | None:
    """The newest published guideline version of the project when the submit is stored."""
    return await s.scalar(
        select(GuidelineVersion.id)
        .where(GuidelineVersion.project_id == project_id)
        .order_by(GuidelineVersion.version.desc())
        .limit(1)
    )


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
    user = access.user
    async with db.read() as s:  # a retry is answered before any validation work
        prior = await _replay(s, user.id, idempotency_key, item_id)
        if prior is not None:
            return SubmitOutcome(prior, True)
        item = await s.get(Item, item_id)
        version_row = await s.get(SchemaVersion, access.project.schema_version_id)
    if item is None or item.project_id != access.project.id:
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    assert version_row is not None
    schema = schema_of(version_row)
    clean = validate_annotation(schema, result, item_context(item))
    try:
        async with db.write() as s:
            prior = await _replay(s, user.id, idempotency_key, item_id)
            if prior is not None:
                return SubmitOutcome(prior, True)
            last = (
                await s.execute(
                    select(Annotation.version, Annotation.stage)
                    .where(Annotation.item_id == item_id, Annotation.user_id == user.id)
                    .order_by(Annotation.version.desc())
                    .limit(1)
                )
            ).first()
            latest = last.version if last else None
            if base_version != latest:
                raise Conflict(
                    f"this annotation changed since version {base_version}; "
                    f"the current version is {latest}",
                    code="version_conflict",
                    current_version=latest,
                    base_version=base_version,
                )
            assignment_id, expired, stage = None, False, item.stage
            if latest is None:
                a, expired = await _take_lease(s, access, item, lease_id)
                assignment_id, stage = a.id, a.stage
                a.active_ms = max(a.active_ms, active_ms)
                await _advance_stage(s, item, access.project.overlap, a.stage)
            annotation = Annotation(
                project_id=access.project.id,
                item_id=item_id,
                user_id=user.id,
                assignment_id=assignment_id,
                stage=stage if last is None else last.stage,
                version=(latest or 0) + 1,
                base_version=base_version,
                result=clean,
                meta=meta or {},
                schema_version_id=version_row.id,
                guideline_version_id=await _guideline_in_force(s, access.project.id),
                active_ms=active_ms,
                lease_expired=expired,
                idempotency_key=idempotency_key,
            )
            s.add(annotation)
            await s.execute(delete(Draft).where(Draft.item_id == item_id, Draft.user_id == user.id))
            audit.record(s, user.id, "annotation.submit", access.project.id, "item", item_id)
    except (IntegrityError, Conflict) as exc:
        # A concurrent retry with the same key may have committed while this one ran (under
        # READ COMMITTED it then looks like a version conflict): answer it as a replay.
        async with db.read() as s:
            prior = await _replay(s, user.id, idempotency_key, item_id)
        if prior is not None:
            return SubmitOutcome(prior, True)
        if isinstance(exc, Conflict):
            raise
        raise Conflict(
            "a concurrent edit created this version first", code="version_conflict"
        ) from None
    return SubmitOutcome(annotation, False)


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
