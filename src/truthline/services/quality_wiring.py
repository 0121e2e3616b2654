"""Runs the quality steps (gold, review sampling, rework) around the queue and submit paths.

The hot paths run as one Core transaction each; the quality steps use the ORM, so they run in
their own short write transaction, and only for projects whose quality settings use them
(gold at a rate above 0, pausing flagged annotators, or a review mode other than off). Each
step is idempotent on the item's state: a crash between the submit and its quality step
leaves an item ``done`` that a later ``truthline consolidate``/review sampling run can pick up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from truthline.db.models import Annotation, Assignment, Draft, Item, Prediction, SchemaVersion
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.policies import ProjectAccess
from truthline.services import audit, quality_hooks
from truthline.services.quality_settings import quality_of


def _uses_gold(access: ProjectAccess) -> bool:
    gold = quality_of(access.project).gold
    return gold.rate > 0 or gold.pause_flagged


def _uses_quality_after_submit(access: ProjectAccess) -> bool:
    q = quality_of(access.project)
    return q.review.mode != "off" or q.gold.rate > 0


async def gold_before_lease(db: Database, access: ProjectAccess, stage: str) -> Any:
    """A gold task (as the queue's NextResult) when one is due, else None; refuses a paused
    annotator. A person holding a live lease resumes it first (the queue does that)."""
    from truthline.services.queue import Lease, NextResult

    if stage != "annotate" or not _uses_gold(access):
        return None
    now = utcnow()
    project, user = access.project, access.user
    async with db.write() as s:
        live = await s.scalar(
            select(Assignment.id)
            .where(
                Assignment.user_id == user.id,
                Assignment.project_id == project.id,
                Assignment.stage == stage,
                Assignment.status == "leased",
                Assignment.expires_at > now,
            )
            .limit(1)
        )
        if live is not None:
            return None
        got = await quality_hooks.before_lease(s, project, user.id, stage, now)
        if got is None:
            return None
        a, item = got
        audit.record(s, user.id, "item.lease", project.id, "item", item.id)
        preds = list(await s.scalars(select(Prediction).where(Prediction.item_id == item.id)))
        draft = await s.get(Draft, (item.id, user.id))
        version = await s.scalar(
            select(SchemaVersion.version).where(SchemaVersion.id == project.schema_version_id)
        )
    lease = Lease(a.id, item.id, a.stage, a.status, a.leased_at, a.expires_at, a.active_ms)
    return NextResult("assigned", lease, item, preds, draft, None, version)


async def after_submit(db: Database, access: ProjectAccess, stored: Any) -> dict[str, Any]:
    """Gold scoring, closing a rework, and review sampling after a stored (new) submit."""
    if not _uses_quality_after_submit(access):
        return {}
    async with db.write() as s:
        item = await s.get(Item, stored.item_id)
        annotation = await s.get(Annotation, stored.id)
        if item is None or annotation is None:
            return {}
        extra = await quality_hooks.after_submit(s, access.project, item, annotation)
        if annotation.version == 1 and annotation.stage == "annotate":
            await quality_hooks.on_annotate_complete(s, access.project, item.id)
    return extra
