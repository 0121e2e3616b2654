"""The jobs table as a queue: enqueue in the caller's transaction, claim with a lease, finish.

Claiming uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serializes writers. A job whose
worker died is claimed again once its lease (``locked_until``) has passed. A failed job is
retried with exponential backoff until ``max_attempts``, then it is ``dead`` (a dead letter
that a person can inspect and retry).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Job
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, NotFound

LEASE = timedelta(seconds=60)
FINAL = ("succeeded", "dead", "cancelled")


def enqueue(
    s: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    project_id: int | None = None,
    created_by: int | None = None,
    max_attempts: int = 3,
    priority: int = 0,
) -> Job:
    job = Job(
        kind=kind,
        payload=payload,
        project_id=project_id,
        created_by=created_by,
        max_attempts=max_attempts,
        priority=priority,
        status="queued",
        run_after=utcnow(),
    )
    s.add(job)
    return job


async def claim(
    db: Database, worker_id: str, kinds: list[str] | None = None, *, job_id: int | None = None
) -> Job | None:
    """The next job ready to run (queued and due, or running with a lapsed lease), leased to
    ``worker_id``; ``job_id`` claims that one job only. None when there is none."""
    now = utcnow()
    async with db.write() as s:
        q = (
            select(Job)
            .where(
                or_(
                    (Job.status == "queued") & (Job.run_after <= now),
                    (Job.status == "running") & (Job.locked_until < now),
                )
            )
            .order_by(Job.priority.desc(), Job.id)
            .limit(1)
        )
        if kinds:
            q = q.where(Job.kind.in_(kinds))
        if job_id is not None:
            q = q.where(Job.id == job_id)
        if not db.is_sqlite:
            q = q.with_for_update(skip_locked=True)
        job = await s.scalar(q)
        if job is None:
            return None
        if job.cancel_requested:
            job.status, job.finished_at = "cancelled", now
            return None
        job.status, job.locked_by, job.locked_until = "running", worker_id, now + LEASE
        job.attempts += 1
        job.started_at = job.started_at or now
    return job


async def progress(db: Database, job_id: int, worker_id: str, done: int, total: int | None) -> bool:
    """Records progress and extends the lease; returns False when a cancel was requested."""
    async with db.write() as s:
        await s.execute(
            update(Job)
            .where(Job.id == job_id, Job.locked_by == worker_id)
            .values(progress_done=done, progress_total=total, locked_until=utcnow() + LEASE)
        )
        cancel = await s.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return not cancel


async def succeed(db: Database, job_id: int, result: dict[str, Any]) -> None:
    async with db.write() as s:
        await s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="succeeded",
                result=result,
                finished_at=utcnow(),
                locked_until=None,
                error=None,
            )
        )


async def fail(db: Database, job: Job, error: str, *, retry: bool = True) -> str:
    """Schedules a retry with backoff, or marks the job dead; returns the new status."""
    now = utcnow()
    dead = not retry or job.attempts >= job.max_attempts
    status = "dead" if dead else "queued"
    async with db.write() as s:
        await s.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(
                status=status,
                error=error[:10_000],
                locked_until=None,
                run_after=now + timedelta(seconds=min(300, 2**job.attempts)),
                finished_at=now if dead else None,
            )
        )
    return status


async def mark_cancelled(db: Database, job_id: int) -> None:
    async with db.write() as s:
        await s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="cancelled", finished_at=utcnow(), locked_until=None)
        )


async def request_cancel(db: Database, job_id: int) -> Job:
    async with db.write() as s:
        job = await s.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", code="job_not_found")
        if job.status in FINAL:
            raise Conflict(f"job {job_id} has already ended ({job.status})", code="job_ended")
        job.cancel_requested = True
        if job.status == "queued":
            job.status, job.finished_at = "cancelled", utcnow()
    return job


async def retry_dead(db: Database, job_id: int) -> Job:
    async with db.write() as s:
        job = await s.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", code="job_not_found")
        if job.status not in ("dead", "cancelled"):
            raise Conflict(f"job {job_id} is {job.status}; only dead or cancelled jobs are retried")
        job.status, job.attempts, job.run_after, job.cancel_requested = "queued", 0, utcnow(), False
        job.finished_at = None
    return job


async def get_job(db: Database, job_id: int) -> Job:
    async with db.read() as s:
        job = await s.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", code="job_not_found")
    return job
