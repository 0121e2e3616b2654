"""Engines and sessions. Writes go through ``Database.write()``; reads through ``Database.read()``.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (so two writers never deadlock
on a lock upgrade) and, inside one process, writers queue on an asyncio lock instead of
sleeping in SQLite's busy handler. Reads use a deferred ``BEGIN`` on a separate engine, so WAL
lets them run beside the writer. On PostgreSQL both are the same engine.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

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


# --- SQLite: one thread hand-off per statement ---------------------------------------------------
# aiosqlite runs every call in the connection's own thread. The stock adapter makes three or four
# calls per statement (open a cursor, execute, fetch the rows, close the cursor), each a hand-off
# to that thread and back to the event loop; with statements that take microseconds, those
# hand-offs were most of the time of a request. This cursor does the whole statement in one call.
# Server-side (streaming) cursors keep the stock behaviour.


def _run_statement(
    conn: Any, operation: str, parameters: Any, many: bool, begin: str | None
) -> tuple:
    """Runs in the connection's thread: (begin,) execute, fetch everything, close."""
    if begin:
        conn.execute(begin)
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _OneCallCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")
    _awaitable_cursor_close = False
    arraysize = 1

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _run(self, operation: str, parameters: Any, many: bool) -> None:
        aconn = self._connection
        adapt = cast("_OneCallConnection", self._adapt_connection)
        async with adapt._execute_mutex:
            begin, adapt._pending_begin = adapt._pending_begin, None
            out = await aconn._execute(
                _run_statement, aconn._conn, operation, parameters, many, begin
            )
        self._description, rows, self._rowcount, self._lastrowid = out
        self._rows = collections.deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._run(operation, parameters, False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._run(operation, seq_of_parameters, True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)


class _OneCallConnection(AsyncAdapt_aiosqlite_connection):
    """Also defers the transaction's BEGIN to the call of its first statement (one hand-off
    instead of two); a transaction that runs no statement sends nothing at all."""

    __slots__ = ("_pending_begin",)
    _cursor_cls = _OneCallCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._pending_begin: str | None = None

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and self._pending_begin:  # the stock streaming cursor: BEGIN first
            begin, self._pending_begin = self._pending_begin, None
            try:
                await_(self._connection._execute(self._connection._conn.execute, begin))
            except Exception as error:
                self._handle_exception(error)
        return super().cursor(server_side)

    def _idle(self) -> bool:
        """True when no transaction is open (the flag is read without a hand-off, as aiosqlite's
        own ``in_transaction`` does); nothing else uses the connection while SQLAlchemy holds it."""
        raw = self._connection._connection
        return raw is not None and not raw.in_transaction

    def rollback(self) -> None:
        # The pool rolls back every connection it gets back, also after a commit: skip the
        # hand-off when there is nothing to roll back.
        self._pending_begin = None
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        self._pending_begin = None
        if not self._idle():
            super().commit()


class _OneCallDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> Any:
        stock = super().connect(*arg, **kw)
        return _OneCallConnection(self, stock._connection)


class OneCallSQLiteDialect(SQLiteDialect_aiosqlite):
    """aiosqlite with one thread hand-off per statement (see ``_OneCallCursor``)."""

    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:
        return _OneCallDbapi(__import__("aiosqlite"), __import__("sqlite3"))


registry.register("sqlite.truthline_aiosqlite", __name__, "OneCallSQLiteDialect")


T = TypeVar("T")


def _in_connection_thread(driver_conn: Any, begin: str, fn: Callable[..., T], args: tuple) -> T:
    """Runs in an aiosqlite connection's thread: ``fn(conn, *args)`` in one transaction, where
    ``conn`` is a synchronous SQLAlchemy connection over the same sqlite3 connection."""
    engine = getattr(driver_conn, "_truthline_sync_engine", None)
    if engine is None:
        raw = driver_conn._conn
        engine = create_engine(
            "sqlite://",
            creator=lambda: raw,
            poolclass=StaticPool,
            pool_reset_on_return=None,
            **JSON_OPTIONS,
        )
        driver_conn._truthline_sync_engine = engine
    with engine.connect() as conn:
        conn.exec_driver_sql(begin)
        try:
            result = fn(conn, *args)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return result


def _sqlite_engine(url: str, begin: str, synchronous: str | None) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.drivername == "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+truthline_aiosqlite")
    engine = create_async_engine(parsed, pool_size=8, max_overflow=8, **JSON_OPTIONS)

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
        dbapi_conn = conn.connection.dbapi_connection
        if isinstance(dbapi_conn, _OneCallConnection):
            dbapi_conn._pending_begin = begin  # sent with the first statement
        else:
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
    async def write_conn(self) -> AsyncIterator[AsyncConnection]:
        """``write()`` without the ORM session: a Core connection in a write transaction.

        For hot paths that run a few Core statements; the same lock and ``BEGIN IMMEDIATE``.
        """
        if self.is_sqlite:
            if self._write_lock is None:
                self._write_lock = asyncio.Lock()
            async with self._write_lock, self.write_engine.begin() as conn:
                yield conn
        else:
            async with self.write_engine.begin() as conn:
                yield conn

    async def run_write(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs ``fn(conn, *args)`` (a synchronous function of a Core ``Connection``) in one write
        transaction and returns its result; committed if it returns, rolled back if it raises.

        On SQLite the whole transaction runs in the connection's thread: one hand-off from the
        event loop, so the write lock is held for the time the SQL takes rather than for a round
        of hand-offs per statement. On PostgreSQL it runs through ``AsyncConnection.run_sync``.
        """
        if not self.is_sqlite:
            async with self.write_engine.begin() as conn:
                return await conn.run_sync(fn, *args)
        if self._write_lock is None:
            self._write_lock = asyncio.Lock()
        async with self._write_lock, self.write_engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            return await driver._execute(  # type: ignore[no-any-return, union-attr]
                _in_connection_thread, driver, "BEGIN IMMEDIATE", fn, args
            )

    async def run_read(self, fn: Callable[..., T], *args: Any) -> T:
        """``run_write`` for reads: a read transaction (on SQLite a deferred ``BEGIN`` on the read
        engine, beside the writer)."""
        if not self.is_sqlite:
            async with self.read_engine.begin() as conn:
                return await conn.run_sync(fn, *args)
        async with self.read_engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            return await driver._execute(  # type: ignore[no-any-return, union-attr]
                _in_connection_thread, driver, "BEGIN", fn, args
            )

    @asynccontextmanager
    async def read_conn(self) -> AsyncIterator[AsyncConnection]:
        """``read()`` without the ORM session: a Core connection in a read transaction."""
        async with self.read_engine.begin() as conn:
            yield conn

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
