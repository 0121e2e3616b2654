"""The app under test, wired to the session's database (no lifespan: state is set here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from truthline.api.deps import AppState
from truthline.app import create_app
from truthline.db.session import Database
from truthline.media.storage import LocalStorage
from truthline.settings import Settings


@pytest.fixture
def settings(data_dir: Path, db: Database) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=db.url,
        embedded_workers=0,
        secret_key="test-secret",
        import_job_threshold_bytes=1_000_000,
    )


@pytest.fixture
def app(settings: Settings, db: Database) -> Any:
    application = create_app(settings, migrate_on_start=False)
    application.state.truthline = AppState(
        settings=settings,
        db=db,
        storage=LocalStorage(settings.data_dir / "media"),
        secret="test-secret",
    )
    return application


@pytest.fixture
async def anon(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client
