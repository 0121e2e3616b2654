"""Project quality: settings, consolidation job, agreement, annotator reliability, gold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import JobRead
from truthline.policies import project_access
from truthline.services import consolidation, gold, reliability
from truthline.services.quality_settings import QualitySettings, quality_of, set_quality

router = APIRouter(tags=["quality"])


@router.get("/projects/{project}/quality/settings", response_model=QualitySettings)
async def get_settings(project: str, principal: CurrentPrincipal, db: Db) -> QualitySettings:
    access = await project_access(db, principal.user, project)
    return quality_of(access.project)


@router.put("/projects/{project}/quality/settings", response_model=QualitySettings)
async def put_settings(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    body: dict[str, Any] = Body(description="the whole quality settings document"),  # noqa: B008
) -> QualitySettings:
    access = await project_access(db, principal.user, project, "quality.manage")
    return await set_quality(db, access, body)


@router.post("/projects/{project}/consolidate", response_model=JobRead, status_code=202)
async def consolidate(project: str, principal: CurrentPrincipal, db: Db) -> JobRead:
    access = await project_access(db, principal.user, project, "quality.manage")
    return JobRead.model_validate(await consolidation.start_consolidation(db, access))


@router.get("/projects/{project}/quality/agreement")
async def agreement(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    n_boot: int = Query(default=1000, ge=0, le=10_000, description="bootstrap resamples"),
) -> dict[str, Any]:
    access = await project_access(db, principal.user, project, "quality.read")
    return {"questions": await consolidation.project_agreement(db, access.project, n_boot=n_boot)}


@router.get("/projects/{project}/quality/annotators")
async def annotators(project: str, principal: CurrentPrincipal, db: Db) -> dict[str, Any]:
    access = await project_access(db, principal.user, project, "quality.read")
    return await reliability.annotator_reliability(db, access.project)


@router.get("/projects/{project}/quality/reviewers")
async def reviewers(project: str, principal: CurrentPrincipal, db: Db) -> dict[str, Any]:
    access = await project_access(db, principal.user, project, "quality.read")
    return await reliability.reviewer_agreement(db, access.project)


@router.get("/projects/{project}/quality/gold")
async def gold_summary(project: str, principal: CurrentPrincipal, db: Db) -> dict[str, Any]:
    access = await project_access(db, principal.user, project, "quality.read")
    return await gold.gold_summary(db, access.project)


@router.delete("/projects/{project}/quality/flags/{user_id}", status_code=204)
async def clear_flag(project: str, user_id: int, principal: CurrentPrincipal, db: Db) -> Response:
    access = await project_access(db, principal.user, project, "quality.manage")
    await gold.clear_flag(db, access, user_id)
    return Response(status_code=204)
