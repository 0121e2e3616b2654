"""Error analysis of review verdicts for the quality dashboard; every view as JSON or CSV
(``csv_response`` is the one CSV answer of every dashboard route); and the drill-down to the
items behind any number of the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

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
from truthline.services import audit, quality_drill
from truthline.services import error_analysis as ea

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


async def csv_download(
    db: Db,
    access: ProjectAccess,
    rows: list[dict[str, Any]],
    name: str,
    fields: list[str] | None = None,
) -> PlainTextResponse:
    """A dashboard table as a CSV download named ``name``.csv, recorded in the audit log like
    every other download of project data."""
    await audit.log(
        db,
        access.user.id,
        "quality.export",
        project_id=access.project.id,
        details={"table": name, "rows": len(rows)},
    )
    return PlainTextResponse(
        ea.to_csv(rows, fields),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


# A CSV download is the whole table, not one page of it; this bounds one download.
CSV_MAX_ROWS = 1_000_000


def _row_fields(model: type[BaseModel]) -> list[str]:
    """The columns of a ``Rows[X]`` model: X's fields (the header of an empty table)."""
    (row,) = get_args(model.model_fields["items"].annotation)
    # The row's own fields come first, as in the rows the services build (a label, then the
    # counts every view shares).
    own = [f for f in vars(row).get("__annotations__", {}) if f in row.model_fields]
    return own + [f for f in row.model_fields if f not in own]


def _view(
    name: str,
    model: type[BaseModel],
    compute: Callable[[ProjectAccess, list[ea.Row]], list[dict[str, Any]]],
) -> Callable[..., Any]:
    fields = _row_fields(model)

    async def view(project: str, principal: CurrentPrincipal, db: Db, q: Filtered) -> Any:
        access = await _access(db, principal, project)
        rows = compute(access, await ea.load_rows(db, access.project, q.filters))
        if q.format == "csv":
            return await csv_download(db, access, rows, name, None if rows else fields)
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
        return await csv_download(
            db, access, ea.confusion_rows(matrices), "confusion", ea.CONFUSION_FIELDS
        )
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
    if q.format == "csv":
        whole = ea.coaching(rows, after_id=None, limit=CSV_MAX_ROWS)
        fields = None if whole else list(CoachingRow.model_fields)
        return await csv_download(db, access, whole, "coaching", fields)
    limit = paging.check_limit(limit)
    page = ea.coaching(rows, after_id=paging.decode(cursor), limit=limit)
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
    if q.format == "csv":
        ids = await quality_drill.drill_items(
            db, access.project, f, after_id=None, limit=CSV_MAX_ROWS
        )
        return await csv_download(db, access, [{"item_id": i} for i in ids], "items", ["item_id"])
    limit = paging.check_limit(limit)
    ids = await quality_drill.drill_items(
        db, access.project, f, after_id=paging.decode(cursor), limit=limit
    )
    nxt = paging.encode(ids[-1]) if len(ids) == limit else None
    return RowsPage[ItemIdRow].model_validate(
        {"items": [{"item_id": i} for i in ids], "next_cursor": nxt}
    )
