"""Version 1 of the REST API: one module per resource family."""

from fastapi import APIRouter

from truthline.api.v1 import (
    annotations,
    auth,
    error_analysis,
    exports,
    gold,
    guidelines,
    health,
    imports,
    items,
    jobs,
    me,
    media,
    projects,
    quality,
    queue,
    review,
    users,
)

router = APIRouter(prefix="/api/v1")
for module in (
    health,
    auth,
    users,
    me,
    projects,
    items,
    queue,
    annotations,
    imports,
    exports,
    jobs,
    media,
    guidelines,
    quality,
    gold,
    review,
    error_analysis,
):
    router.include_router(module.router)
