"""The application factory: the only place that touches disk, database and threads."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from truthline import __version__
from truthline.api import errors
from truthline.api.deps import AppState
from truthline.api.limits import BodyLimitMiddleware
from truthline.api.v1 import router as v1_router
from truthline.db import migrate
from truthline.db.session import Database
from truthline.settings import Settings

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("truthline")

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Truthline</title>
<p>The web app is not built. Run <code>make run</code> (or <code>cd web && npm ci &&
npm run build</code>). The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p>"""


def create_app(settings: Settings | None = None, *, migrate_on_start: bool = True) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from truthline.jobs.worker import start_threads
        from truthline.media.storage import storage_from_url

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url())
        if migrate_on_start:
            await migrate.upgrade(db)
        app.state.truthline = AppState(
            settings=settings,
            db=db,
            storage=storage_from_url(settings.resolved_storage_url()),
            secret=settings.resolved_secret_key(),
        )
        stop, threads = start_threads(settings, settings.embedded_workers)
        try:
            yield
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=5)
            await db.dispose()

    app = FastAPI(
        title="Truthline",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    errors.install(app)
    app.include_router(v1_router)
    app.add_middleware(
        BodyLimitMiddleware, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )
    _mount_web(app, settings.web_dir or STATIC)
    return app


def _mount_web(app: FastAPI, static: Path) -> None:
    """Serves the built single-page app: assets by path, index.html for every other page."""
    if (static / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=static / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    async def spa(path: str, request: Request) -> FileResponse | HTMLResponse | JSONResponse:
        if path.startswith("api/"):
            return errors.error_response(404, "not_found", f"no route /{path}")
        candidate = (static / path).resolve()
        if path and candidate.is_file() and static.resolve() in candidate.parents:
            return FileResponse(candidate)
        index = static / "index.html"
        if index.exists():
            return FileResponse(index, headers={"cache-control": "no-cache"})
        return HTMLResponse(NOT_BUILT)
