"""Quality steps written in the same transaction as a submit, finished here if the
server stopped before running them."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from sqlalchemy import delete, select

from truthline.db.models import Project
from truthline.db.models_outbox import QualityOutbox
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.jobs.worker import periodic
from truthline.services.quality_wiring import record_failure, run_quality_steps
from truthline.settings import Settings

log = logging.getLogger("truthline.jobs")

# The request runs a submit's steps right after its commit; only rows older than this are
# left over (by a crash, or a step that failed), so the workers do not race the requests.
GRACE = timedelta(seconds=10)
BATCH = 200
MAX_ATTEMPTS = 5  # a row that failed this often waits for a person (its error is kept)
TIME_BUDGET = 20.0  # seconds per periodic run, so the worker gets back to its jobs
KEEP_DONE = timedelta(days=7)


@periodic("quality.outbox")
async def finish_quality_steps(db: Database, settings: Settings) -> None:
    done = await run_due(db)
    if done:
        log.info("finished the quality steps of %d submits left over", done)
    await prune_done(db)


async def run_due(db: Database, *, grace: timedelta = GRACE, budget: float = TIME_BUDGET) -> int:
    """Runs the steps of every row due for longer than ``grace``; returns how many ran. Safe
    on several hosts at once: each row is claimed in the transaction that runs its steps."""
    start, ran, after_id = time.monotonic(), 0, 0
    projects: dict[int, Project] = {}
    while time.monotonic() - start < budget:
        async with db.read() as s:
            rows = (
                await s.execute(
                    select(QualityOutbox.id, QualityOutbox.project_id, QualityOutbox.annotation_id)
                    .where(
                        QualityOutbox.done_at.is_(None),
                        QualityOutbox.created_at <= utcnow() - grace,
                        QualityOutbox.attempts < MAX_ATTEMPTS,
                        QualityOutbox.id > after_id,
                    )
                    .order_by(QualityOutbox.id)
                    .limit(BATCH)
                )
            ).all()
            missing = {r.project_id for r in rows} - projects.keys()
            if missing:
                found = await s.scalars(select(Project).where(Project.id.in_(missing)))
                projects.update({p.id: p for p in found})
        for row in rows:
            after_id = row.id
            project = projects.get(row.project_id)
            if project is None:
                continue
            try:
                if await run_quality_steps(db, project, row.annotation_id) is not None:
                    ran += 1
            except Exception as exc:  # one bad row must not hold up the others
                log.exception("quality steps of annotation %s failed", row.annotation_id)
                await record_failure(db, row.annotation_id, exc)
        if len(rows) < BATCH:
            break
    return ran


async def prune_done(db: Database, keep: timedelta = KEEP_DONE) -> None:
    """Done rows are kept a while (they show what ran when), then removed."""
    async with db.write() as s:
        await s.execute(
            delete(QualityOutbox)
            .where(QualityOutbox.done_at < utcnow() - keep)
            .execution_options(synchronize_session=False)
        )
