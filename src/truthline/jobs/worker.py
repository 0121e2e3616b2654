"""Job workers: one loop, run as threads inside ``serve`` or as ``truthline worker``."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from truthline.db.models import Job
from truthline.db.session import Database
from truthline.jobs import queue
from truthline.media.storage import Storage
from truthline.settings import Settings

log = logging.getLogger("truthline.jobs")


class Cancelled(Exception):
    """Raised inside a handler when the job's cancel was requested."""


@dataclass
class JobContext:
    db: Database
    storage: Storage
    settings: Settings
    job: Job
    worker_id: str

    async def progress(self, done: int, total: int | None) -> None:
        if not await queue.progress(self.db, self.job.id, self.worker_id, done, total):
            raise Cancelled()


Handler = Callable[[JobContext], Awaitable[dict[str, Any]]]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


PERIODIC_SECONDS = 30.0

Periodic = Callable[[Database, Settings], Awaitable[None]]
PERIODIC: dict[str, Periodic] = {}


def periodic(name: str) -> Callable[[Periodic], Periodic]:
    """Registers work every worker runs about every PERIODIC_SECONDS (SLA checks, reports...).
    It must be safe to run concurrently on several hosts and idempotent."""

    def register(fn: Periodic) -> Periodic:
        PERIODIC[name] = fn
        return fn

    return register


def load_builtin_jobs() -> None:
    """Imports the modules whose decorators register the built-in handlers and periodic work."""
    from truthline.jobs import handlers, outbox, reports, sla  # noqa: F401


async def run_job(ctx: JobContext) -> None:
    """Runs a claimed job through its handler and records how it ended: done, cancelled, or
    failed (retried with backoff or dead-lettered)."""
    load_builtin_jobs()
    job = ctx.job
    try:
        result = await HANDLERS[job.kind](ctx)
    except Cancelled:
        await queue.mark_cancelled(ctx.db, job.id)
    except Exception as exc:  # a job's failure must never kill the worker
        status = await queue.fail(
            ctx.db,
            job,
            f"{exc}\n{traceback.format_exc()}"[-10_000:],
            retry=getattr(exc, "retryable", True),
        )
        log.warning("job %s (%s) failed: %s -> %s", job.id, job.kind, exc, status)
    else:
        await queue.succeed(ctx.db, job.id, result)


class Worker:
    def __init__(self, settings: Settings, name: str | None = None) -> None:
        from truthline.media.storage import storage_from_url

        self.settings = settings
        self.id = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.db = Database(settings.resolved_database_url())
        self.storage = storage_from_url(settings.resolved_storage_url())

    async def run_once(self) -> bool:
        """Claims and runs one job; returns False when there was none."""
        load_builtin_jobs()

        job = await queue.claim(self.db, self.id, list(HANDLERS))
        if job is None:
            return False
        await run_job(JobContext(self.db, self.storage, self.settings, job, self.id))
        return True

    async def periodic(self) -> None:
        from truthline.db.types import utcnow
        from truthline.services.queue import reap_expired

        async with self.db.write() as s:
            await reap_expired(s, None, utcnow(), not self.db.is_sqlite)
        load_builtin_jobs()
        for name, fn in PERIODIC.items():
            try:
                await fn(self.db, self.settings)
            except Exception:
                log.exception("periodic work %r failed", name)

    async def run(self, stop: threading.Event | asyncio.Event, poll: float = 0.5) -> None:
        loop = asyncio.get_running_loop()
        last_periodic = 0.0
        try:
            while not stop.is_set():
                if loop.time() - last_periodic > PERIODIC_SECONDS:
                    last_periodic = loop.time()
                    try:
                        await self.periodic()
                    except Exception:
                        log.exception("periodic work failed")
                try:
                    worked = await self.run_once()
                except Exception:
                    log.exception("claiming a job failed")
                    worked = False
                if not worked:
                    await asyncio.sleep(poll)
        finally:
            await self.db.dispose()


def start_threads(settings: Settings, count: int) -> tuple[threading.Event, list[threading.Thread]]:
    """Embedded mode: workers as daemon threads, each with its own event loop and engine."""
    stop = threading.Event()
    threads = []
    for n in range(count):
        worker = Worker(settings, name=f"{socket.gethostname()}:{os.getpid()}:embedded-{n}")
        t = threading.Thread(
            target=lambda w=worker: asyncio.run(w.run(stop)),
            name=f"truthline-worker-{n}",
            daemon=True,
        )
        t.start()
        threads.append(t)
    return stop, threads
