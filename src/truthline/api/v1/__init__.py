"""Version 1 of the REST API: one module per resource family."""

from fastapi import APIRouter

from truthline.api.v1 import (
    activity,
    annotations,
    audit,
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
    qualification,
    quality,
    questions,
    queue,
    reports,
    review,
    users,
    workforce,
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
    qualification,
    quality,
    gold,
    review,
    error_analysis,
    questions,
    activity,
    reports,
    workforce,
    audit,
):
    router.include_router(module.router)
