"""Shared fixtures: the backend suite runs once on SQLite and once on PostgreSQL.

Each backend is migrated once per session; after each test every table is emptied. With
CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from truthline.db import migrate
from truthline.db.models import Base
from truthline.db.session import Database

PG_URL = os.environ.get(
    "TRUTHLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = [
    b for b in os.environ.get("TRUTHLINE_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]


def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    import psycopg

    try:
        url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means the same thing here
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}".strip()
    return None


async def _pg_database() -> tuple[Database, str]:
    schema = f"tl_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = Database(PG_URL)
    async with admin.write_engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return Database(f"{PG_URL}{sep}options=-csearch_path%3D{schema}"), schema


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    backend = request.param
    schema = None
    if backend == "postgresql":
        why = pg_reachable()
        if why:
            if IN_CI:
                pytest.fail(f"CI=true and {why}")
            pytest.skip(why)
        db, schema = await _pg_database()
    else:
        path = tmp_path_factory.mktemp("sqlite") / "test.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(db)
    yield db
    await db.dispose()
    if schema:
        admin = Database(PG_URL)
        async with admin.write_engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


# PostgreSQL: the tables a test wrote to, that is those with rows or whose id sequence moved.
# TRUNCATE costs file work per table, so emptying only those keeps the per-test reset cheap.
_USED_SEQUENCES = """
SELECT t.relname FROM pg_class q
JOIN pg_depend d ON d.objid = q.oid AND d.classid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_sequences ps ON ps.sequencename = q.relname AND ps.schemaname = current_schema()
WHERE q.relkind = 'S' AND ps.last_value IS NOT NULL
"""


async def empty_tables(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.write() as s:
        if db.is_sqlite:
            for name in tables:
                await s.execute(text(f"DELETE FROM {name}"))
            return
        with_rows = " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables
        )
        used = set((await s.execute(text(with_rows))).scalars())
        used |= set((await s.execute(text(_USED_SEQUENCES))).scalars())
        if used:
            names = ", ".join(t for t in tables if t in used)
            await s.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    yield database
    await empty_tables(database)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d
