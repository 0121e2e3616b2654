"""Liveness and database reachability."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from truthline import __version__
from truthline.api.deps import Db
from truthline.api.schemas import HealthRead

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthRead, responses={503: {"model": HealthRead}})
async def health(db: Db) -> HealthRead | JSONResponse:
    try:
        await db.ping()
    except Exception as exc:
        body = {
            "status": "unavailable",
            "database": f"unreachable: {type(exc).__name__}",
            "version": __version__,
        }
        return JSONResponse(body, status_code=503)
    return HealthRead(status="ok", database="ok", version=__version__)
