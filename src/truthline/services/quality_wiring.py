"""Runs the quality steps (gold, review sampling, rework) around the queue and submit paths.

The hot paths run as one Core transaction each; the quality steps use the ORM, so they run in
their own short write transaction, and only for projects whose quality settings use them
(gold at a rate above 0, or a review mode other than off). So that a crash between the two
cannot leave an item ``done`` without its review decision or gold score, the submit's own
transaction writes a ``quality_outbox`` row naming the annotation; the transaction that runs
the steps marks that row done, so they run exactly once, whether the request runs them right
after the commit (its answer carries the gold feedback) or a worker finishes a row a crash left
(``truthline.jobs.outbox``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from truthline.db.models import (
    Annotation,
    Assignment,
    Draft,
    Item,
    Prediction,
    Project,
    SchemaVersion,
)
from truthline.db.models_outbox import QualityOutbox
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.policies import ProjectAccess
from truthline.services import audit, quality_hooks
from truthline.services.quality_settings import quality_of

log = logging.getLogger("truthline.quality")


def _uses_gold(access: ProjectAccess) -> bool:
    gold = quality_of(access.project).gold
    return gold.rate > 0 or gold.pause_flagged


def uses_quality_after_submit(project: Project) -> bool:
    """Whether a submit to the project has quality steps to run after it is stored."""
    q = quality_of(project)
    return q.review.mode != "off" or q.gold.rate > 0


_INSERT_OUTBOX = insert(QualityOutbox)


def enqueue_quality_steps(
    conn: Connection, project_id: int, annotation_id: int, now: datetime
) -> None:
    """Called in the submit's own transaction (a Core connection): the steps are now due."""
    conn.execute(
        _INSERT_OUTBOX,
        {
            "project_id": project_id,
            "annotation_id": annotation_id,
            "created_at": now,
            "attempts": 0,
        },
    )


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
    """Runs the quality steps of a stored (new) submit at once; returns what the submit's
    answer adds. A failure leaves the outbox row for the workers: the submit itself is stored
    and is answered as such."""
    try:
        return await run_quality_steps(db, access.project, stored.id) or {}
    except Exception as exc:  # the workers retry it; the submit must still be acknowledged
        log.exception("quality steps of annotation %s failed; a worker retries them", stored.id)
        await record_failure(db, stored.id, exc)
        return {}


async def run_quality_steps(
    db: Database, project: Project, annotation_id: int
) -> dict[str, Any] | None:
    """Gold scoring, closing a rework and review sampling of one submit, in one transaction
    that also marks its outbox row done; returns what the submit's answer adds. Nothing
    happens (None) when the row is already done or was never written: running it twice, or on
    two hosts at once, leaves the state of running it once."""
    async with db.write() as s:
        claimed = await s.execute(
            update(QualityOutbox)
            .where(QualityOutbox.annotation_id == annotation_id, QualityOutbox.done_at.is_(None))
            .values(done_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        annotation = await s.get(Annotation, annotation_id)
        item = await s.get(Item, annotation.item_id) if annotation else None
        if annotation is None or item is None:
            return {}
        extra = await quality_hooks.after_submit(s, project, item, annotation)
        if annotation.version == 1 and annotation.stage == "annotate":
            await quality_hooks.on_annotate_complete(s, project, item.id)
    return extra


async def record_failure(db: Database, annotation_id: int, exc: BaseException) -> None:
    async with db.write() as s:
        await s.execute(
            update(QualityOutbox)
            .where(QualityOutbox.annotation_id == annotation_id, QualityOutbox.done_at.is_(None))
            .values(
                attempts=QualityOutbox.attempts + 1, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            .execution_options(synchronize_session=False)
        )
