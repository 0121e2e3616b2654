"""Engines and sessions. Writes go through ``Database.write()``; reads through ``Database.read()``.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (so two writers never deadlock
on a lock upgrade) and, inside one process, writers queue on an asyncio lock instead of
sleeping in SQLite's busy handler. Reads use a deferred ``BEGIN`` on a separate engine, so WAL
lets them run beside the writer. On PostgreSQL both are the same engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    # NORMAL in WAL mode survives a crash of the process (kill -9); only a power loss can lose
    # the last commits. TRUTHLINE_DATABASE_URL=...?synchronous=full trades speed for that.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-65536",
)


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def _sqlite_engine(url: str, begin: str, synchronous: str | None) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=8, max_overflow=8, **JSON_OPTIONS)

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to us: the driver's implicit BEGIN is deferred.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        if synchronous:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


class Database:
    """The two engines and the session helpers every service uses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            synchronous = None
            if "?synchronous=" in url:
                url, _, synchronous = url.partition("?synchronous=")
            self.write_engine = _sqlite_engine(url, "BEGIN IMMEDIATE", synchronous)
            self.read_engine = _sqlite_engine(url, "BEGIN", synchronous)
        else:
            self.write_engine = create_async_engine(
                url, pool_size=20, max_overflow=20, pool_pre_ping=True, **JSON_OPTIONS
            )
            self.read_engine = self.write_engine
        self._write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._write_lock: asyncio.Lock | None = None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed when the block ends, rolled back on error."""
        if self.is_sqlite:
            if self._write_lock is None:
                self._write_lock = asyncio.Lock()
            async with self._write_lock, self._write_sessions() as session, session.begin():
                yield session
        else:
            async with self._write_sessions() as session, session.begin():
                yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.read() as session:
            await session.execute(text("SELECT 1"))
