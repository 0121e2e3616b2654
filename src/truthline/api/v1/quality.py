"""Project quality: settings, consolidation job, agreement, annotator reliability, gold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import JobRead
from truthline.api.schemas_quality import (
    AgreementRead,
    AnnotatorReliabilityRead,
    GoldSummaryRead,
    ReviewerAgreementRead,
)
from truthline.policies import project_access
from truthline.services import consolidation, gold, reliability, review_reports
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


NBoot = Query(default=1000, ge=0, le=10_000, description="bootstrap resamples")


@router.get(
    "/projects/{project}/quality/agreement",
    response_model=AgreementRead,
    response_model_exclude_unset=True,
)
async def agreement(
    project: str, principal: CurrentPrincipal, db: Db, n_boot: int = NBoot
) -> AgreementRead:
    access = await project_access(db, principal.user, project, "quality.read")
    questions = await consolidation.project_agreement(db, access.project, n_boot=n_boot)
    return AgreementRead.model_validate({"questions": questions})


@router.get("/projects/{project}/quality/annotators", response_model=AnnotatorReliabilityRead)
async def annotators(project: str, principal: CurrentPrincipal, db: Db) -> AnnotatorReliabilityRead:
    access = await project_access(db, principal.user, project, "quality.read")
    got = await reliability.annotator_reliability(db, access.project)
    return AnnotatorReliabilityRead.model_validate(got)


@router.get("/projects/{project}/quality/reviewers", response_model=ReviewerAgreementRead)
async def reviewers(
    project: str, principal: CurrentPrincipal, db: Db, n_boot: int = NBoot
) -> ReviewerAgreementRead:
    """Agreement between reviewers on the annotations two of them judged."""
    access = await project_access(db, principal.user, project, "quality.read")
    got = await review_reports.reviewer_agreement(db, access.project, n_boot=n_boot)
    return ReviewerAgreementRead.model_validate(got)


@router.get("/projects/{project}/quality/gold", response_model=GoldSummaryRead)
async def gold_summary(project: str, principal: CurrentPrincipal, db: Db) -> GoldSummaryRead:
    access = await project_access(db, principal.user, project, "quality.read")
    return GoldSummaryRead.model_validate(await gold.gold_summary(db, access.project))


@router.delete("/projects/{project}/quality/flags/{user_id}", status_code=204)
async def clear_flag(project: str, user_id: int, principal: CurrentPrincipal, db: Db) -> Response:
    access = await project_access(db, principal.user, project, "quality.manage")
    await gold.clear_flag(db, access, user_id)
    return Response(status_code=204)
