"""Jobs: claim, retry with backoff, dead letters, cancel, reclaiming a dead worker's job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from truthline.db.models import Job
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.jobs import queue
from truthline.jobs.worker import HANDLERS, JobContext, Worker, handler

CALLS: list[int] = []


@handler("test.flaky")
async def _flaky(ctx: JobContext) -> dict[str, Any]:
    CALLS.append(ctx.job.attempts)
    if ctx.job.attempts < ctx.job.payload["succeed_on"]:
        raise RuntimeError(f"attempt {ctx.job.attempts} failed")
    return {"ok": True}


@handler("test.slow")
async def _slow(ctx: JobContext) -> dict[str, Any]:
    for n in range(3):
        await ctx.progress(n, 3)
    return {"done": 3}


async def _enqueue(db: Database, kind: str, payload: dict, **kw: Any) -> int:
    async with db.write() as s:
        job = queue.enqueue(s, kind, payload, **kw)
        await s.flush()
        return job.id


async def _make_runnable(db: Database, job_id: int) -> None:
    async with db.write() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))


async def test_retries_then_succeeds(db: Database, settings: Any) -> None:
    worker = Worker(settings)
    job_id = await _enqueue(db, "test.flaky", {"succeed_on": 2})
    assert await worker.run_once()
    job = await queue.get_job(db, job_id)
    assert job.status == "queued" and "attempt 1 failed" in job.error
    assert job.run_after > utcnow()  # backoff
    assert not await worker.run_once()  # not before its time
    await _make_runnable(db, job_id)
    assert await worker.run_once()
    job = await queue.get_job(db, job_id)
    assert job.status == "succeeded" and job.result == {"ok": True} and job.attempts == 2
    await worker.db.dispose()


async def test_dead_letter_after_max_attempts_and_retry(db: Database, settings: Any) -> None:
    worker = Worker(settings)
    job_id = await _enqueue(db, "test.flaky", {"succeed_on": 99}, max_attempts=2)
    for _ in range(2):
        await _make_runnable(db, job_id)
        assert await worker.run_once()
    job = await queue.get_job(db, job_id)
    assert job.status == "dead" and job.finished_at is not None
    again = await queue.retry_dead(db, job_id)
    assert again.status == "queued" and again.attempts == 0
    await worker.db.dispose()


async def test_cancel_queued_and_running(db: Database, settings: Any) -> None:
    worker = Worker(settings)
    queued = await _enqueue(db, "test.slow", {})
    cancelled = await queue.request_cancel(db, queued)
    assert cancelled.status == "cancelled"
    running = await _enqueue(db, "test.slow", {})
    job = await queue.claim(db, "w1")
    assert job is not None and job.id == running
    await queue.request_cancel(db, running)
    # The handler sees the cancel at its next progress report.
    assert not await queue.progress(db, running, "w1", 1, 3)
    await worker.db.dispose()


async def test_a_dead_workers_job_is_claimed_again(db: Database, settings: Any) -> None:
    job_id = await _enqueue(db, "test.slow", {})
    first = await queue.claim(db, "crashed-worker")
    assert first is not None and first.id == job_id
    assert await queue.claim(db, "other") is None  # still leased
    async with db.write() as s:
        await s.execute(update(Job).values(locked_until=utcnow() - timedelta(seconds=1)))
    second = await queue.claim(db, "other")
    assert second is not None and second.id == job_id and second.attempts == 2


async def test_handlers_registered() -> None:
    from truthline.jobs import handlers  # noqa: F401

    assert {"import", "export"} <= set(HANDLERS)
