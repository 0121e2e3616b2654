"""Project quality: settings, consolidation job, agreement (overall and per week), annotator
reliability, reviewer agreement, gold; every dashboard table also as CSV (``format=csv``)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Query, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import JobRead
from truthline.api.schemas_quality import (
    AgreementRead,
    AgreementWeekRow,
    AnnotatorReliabilityRead,
    GoldSummaryRead,
    ReviewerAgreementRead,
    Rows,
)
from truthline.api.v1.error_analysis import CSV, Format, csv_download
from truthline.policies import project_access
from truthline.services import (
    agreement_report,
    consolidation,
    gold,
    quality_tables,
    reliability,
    review_reports,
)
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
AsCsv = Query(default="json", description="json, or csv for a download")


@router.get(
    "/projects/{project}/quality/agreement",
    response_model=AgreementRead,
    response_model_exclude_unset=True,
    responses=CSV,
)
async def agreement(
    project: str, principal: CurrentPrincipal, db: Db, n_boot: int = NBoot, format: Format = AsCsv
) -> Any:
    access = await project_access(db, principal.user, project, "quality.read")
    questions = await consolidation.project_agreement(db, access.project, n_boot=n_boot)
    if format == "csv":
        rows = quality_tables.agreement_rows(questions)
        return await csv_download(db, access, rows, "agreement", quality_tables.AGREEMENT_FIELDS)
    return AgreementRead.model_validate({"questions": questions})


@router.get(
    "/projects/{project}/quality/agreement/weekly",
    response_model=Rows[AgreementWeekRow],
    responses=CSV,
)
async def agreement_weekly(
    project: str, principal: CurrentPrincipal, db: Db, n_boot: int = NBoot, format: Format = AsCsv
) -> Any:
    """Agreement per question and ISO week (the week of each item's latest answer)."""
    access = await project_access(db, principal.user, project, "quality.read")
    rows = await agreement_report.agreement_by_week(db, access.project, n_boot=n_boot)
    if format == "csv":
        flat = quality_tables.week_rows(rows)
        return await csv_download(db, access, flat, "agreement-weekly", quality_tables.WEEK_FIELDS)
    return Rows[AgreementWeekRow].model_validate({"items": rows})


@router.get(
    "/projects/{project}/quality/annotators",
    response_model=AnnotatorReliabilityRead,
    responses=CSV,
)
async def annotators(
    project: str, principal: CurrentPrincipal, db: Db, format: Format = AsCsv
) -> Any:
    access = await project_access(db, principal.user, project, "quality.read")
    got = await reliability.annotator_reliability(db, access.project)
    if format == "csv":
        rows, fields = quality_tables.annotator_rows(got)
        return await csv_download(db, access, rows, "annotators", fields)
    return AnnotatorReliabilityRead.model_validate(got)


@router.get(
    "/projects/{project}/quality/reviewers", response_model=ReviewerAgreementRead, responses=CSV
)
async def reviewers(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    n_boot: int = NBoot,
    format: Format = AsCsv,
    table: Literal["summary", "verdicts", "pairs", "codes"] = Query(
        default="summary", description="with format=csv: which table of the view"
    ),
) -> Any:
    """Agreement between reviewers on the annotations two of them judged."""
    access = await project_access(db, principal.user, project, "quality.read")
    got = await review_reports.reviewer_agreement(db, access.project, n_boot=n_boot)
    if format == "csv":
        rows = quality_tables.reviewer_rows(got, table)
        return await csv_download(
            db, access, rows, f"reviewers-{table}", quality_tables.REVIEWER_FIELDS[table]
        )
    return ReviewerAgreementRead.model_validate(got)


@router.get("/projects/{project}/quality/gold", response_model=GoldSummaryRead, responses=CSV)
async def gold_summary(
    project: str, principal: CurrentPrincipal, db: Db, format: Format = AsCsv
) -> Any:
    access = await project_access(db, principal.user, project, "quality.read")
    got = await gold.gold_summary(db, access.project)
    if format == "csv":
        return await csv_download(
            db, access, quality_tables.gold_rows(got), "gold", quality_tables.GOLD_FIELDS
        )
    return GoldSummaryRead.model_validate(got)


@router.delete("/projects/{project}/quality/flags/{user_id}", status_code=204)
async def clear_flag(project: str, user_id: int, principal: CurrentPrincipal, db: Db) -> Response:
    access = await project_access(db, principal.user, project, "quality.manage")
    await gold.clear_flag(db, access, user_id)
    return Response(status_code=204)
