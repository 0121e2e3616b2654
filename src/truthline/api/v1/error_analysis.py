"""Error analysis of review verdicts for the quality dashboard; every view as JSON or CSV
(``csv_response`` is the one CSV answer of every dashboard route); and the drill-down to the
items behind any number of the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas_quality import (
    ByAnnotatorRow,
    ByLabelRow,
    BySectionRow,
    ByWeekRow,
    CoachingRow,
    ConfusionRead,
    ItemIdRow,
    ParetoRow,
    Rows,
    RowsPage,
    TrendRow,
)
from truthline.api.v1 import paging
from truthline.errors import Forbidden
from truthline.policies import ProjectAccess, project_access
from truthline.services import error_analysis as ea
from truthline.services import quality_drill

router = APIRouter(prefix="/projects/{project}/quality/errors", tags=["quality"])
Format = Literal["json", "csv"]
Drill = Literal["reviewed", "annotated", "scored", "gold", "confusion"]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}
}


class ErrorFilterQuery:
    """The filters every error view takes; they narrow the verdicts the view counts."""

    def __init__(
        self,
        annotator: str | None = Query(default=None, description="username or user id"),
        code: str | None = Query(default=None, description="an error code of the taxonomy"),
        label: str | None = Query(default=None, description="a label in the judged answer"),
        week: str | None = Query(default=None, description="ISO week, e.g. 2026-W47"),
        section: str | None = Query(
            default=None, description=f"a guideline section of the taxonomy; {ea.NONE}: none"
        ),
        format: Format = Query(default="json", description="json, or csv for a download"),
    ) -> None:
        self.filters = ea.Filters(
            annotator=annotator, code=code, label=label, week=week, section=section
        )
        self.format = format


Filtered = Annotated[ErrorFilterQuery, Depends()]


async def _access(db: Db, principal: CurrentPrincipal, project: str) -> ProjectAccess:
    return await project_access(db, principal.user, project, "quality.read")


def csv_response(
    rows: list[dict[str, Any]], name: str, fields: list[str] | None = None
) -> PlainTextResponse:
    """A dashboard table as a CSV download named ``name``.csv."""
    return PlainTextResponse(
        ea.to_csv(rows, fields),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


def _view(
    name: str,
    model: type[BaseModel],
    compute: Callable[[ProjectAccess, list[ea.Row]], list[dict[str, Any]]],
) -> Callable[..., Any]:
    async def view(project: str, principal: CurrentPrincipal, db: Db, q: Filtered) -> Any:
        access = await _access(db, principal, project)
        rows = compute(access, await ea.load_rows(db, access.project, q.filters))
        if q.format == "csv":
            return csv_response(rows, name)
        return model.model_validate({"items": rows})

    view.__name__ = f"errors_{name.replace('-', '_')}"
    return view


_VIEWS: dict[str, tuple[type[BaseModel], Callable[[ProjectAccess, list[ea.Row]], Any]]] = {
    "pareto": (Rows[ParetoRow], lambda a, rows: ea.pareto(a.project, rows)),
    "by-annotator": (Rows[ByAnnotatorRow], lambda a, rows: ea.by_annotator(rows)),
    "by-label": (Rows[ByLabelRow], lambda a, rows: ea.by_label(rows)),
    "by-section": (Rows[BySectionRow], lambda a, rows: ea.by_section(a.project, rows)),
    "by-week": (Rows[ByWeekRow], lambda a, rows: ea.by_week(rows)),
    "trend": (Rows[TrendRow], lambda a, rows: ea.trend(rows)),
}
for _name, (_model, _fn) in _VIEWS.items():
    router.add_api_route(
        f"/{_name}",
        _view(_name, _model, _fn),
        methods=["GET"],
        response_model=_model,
        responses=CSV,
    )


@router.get("/confusion", response_model=ConfusionRead, responses=CSV)
async def confusion(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    annotator: str | None = Query(default=None, description="username or user id"),
    format: Format = "json",
) -> Any:
    access = await _access(db, principal, project)
    matrices = await ea.confusion(db, access.project, ea.Filters(annotator=annotator))
    if format == "csv":
        return csv_response(ea.confusion_rows(matrices), "confusion", ea.CONFUSION_FIELDS)
    return ConfusionRead.model_validate({"questions": matrices})


@router.get("/coaching", response_model=RowsPage[CoachingRow], responses=CSV)
async def coaching(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    q: Filtered,
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Items an annotator got wrong with the reviewer's notes; annotators see only theirs."""
    access = await project_access(db, principal.user, project)
    if not access.can("review.read"):
        if not access.can("review.read", owns=True):
            raise Forbidden(f"your role ({access.role}) may not read reviews", action="review.read")
        q.filters.annotator = str(access.user.id)
    rows = await ea.load_rows(db, access.project, q.filters)
    limit = paging.check_limit(limit)
    page = ea.coaching(rows, after_id=paging.decode(cursor), limit=limit)
    if q.format == "csv":
        return csv_response(page, "coaching")
    nxt = paging.encode(page[-1]["verdict_id"]) if len(page) == limit else None
    return RowsPage[CoachingRow].model_validate({"items": page, "next_cursor": nxt})


@router.get("/items", response_model=RowsPage[ItemIdRow], responses=CSV)
async def drill_down(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    q: Filtered,
    of: Drill = Query(default="reviewed", description="what the number counts"),
    question: str | None = Query(default=None, description="scored, confusion: the question"),
    given: str | None = Query(default=None, description=f"confusion: label given ({ea.NONE})"),
    consolidated: str | None = Query(default=None, description="confusion: consolidated label"),
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The item ids behind a number of the dashboard: reviewed items (the error filters),
    items an annotator annotated or had scored, or the items of one confusion cell."""
    access = await _access(db, principal, project)
    f = q.filters
    f.of, f.question, f.given, f.consolidated = of, question, given, consolidated
    limit = paging.check_limit(limit)
    ids = await quality_drill.drill_items(
        db, access.project, f, after_id=paging.decode(cursor), limit=limit
    )
    if q.format == "csv":
        return csv_response([{"item_id": i} for i in ids], "items", ["item_id"])
    nxt = paging.encode(ids[-1]) if len(ids) == limit else None
    return RowsPage[ItemIdRow].model_validate(
        {"items": [{"item_id": i} for i in ids], "next_cursor": nxt}
    )
