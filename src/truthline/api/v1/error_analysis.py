"""Error analysis of review verdicts for the quality dashboard; every view as JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.v1 import paging
from truthline.errors import Forbidden
from truthline.policies import ProjectAccess, project_access
from truthline.services import error_analysis as ea

router = APIRouter(prefix="/projects/{project}/quality/errors", tags=["quality"])
Format = Literal["json", "csv"]


async def _access(db: Db, principal: CurrentPrincipal, project: str) -> ProjectAccess:
    return await project_access(db, principal.user, project, "quality.read")


def _filters(annotator: str | None, code: str | None, label: str | None, week: str | None):  # type: ignore[no-untyped-def]
    return ea.Filters(annotator=annotator, code=code, label=label, week=week)


def _answer(rows: list[dict[str, Any]], fmt: Format, name: str, **extra: Any) -> Any:
    if fmt == "csv":
        return PlainTextResponse(
            ea.to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse({"items": rows, **extra})


def _view(name: str, compute: Callable[[ProjectAccess, list[ea.Row]], list[dict[str, Any]]]):  # type: ignore[no-untyped-def]
    async def view(
        project: str,
        principal: CurrentPrincipal,
        db: Db,
        annotator: str | None = Query(default=None, description="username or user id"),
        code: str | None = None,
        label: str | None = None,
        week: str | None = Query(default=None, description="ISO week, e.g. 2026-W47"),
        format: Format = "json",
    ) -> Any:
        access = await _access(db, principal, project)
        rows = await ea.load_rows(db, access.project, _filters(annotator, code, label, week))
        return _answer(compute(access, rows), format, name)

    view.__name__ = f"errors_{name.replace('-', '_')}"
    return view


for _name, _fn in {
    "pareto": lambda a, rows: ea.pareto(a.project, rows),
    "by-annotator": lambda a, rows: ea.by_annotator(rows),
    "by-label": lambda a, rows: ea.by_label(rows),
    "by-section": lambda a, rows: ea.by_section(a.project, rows),
    "by-week": lambda a, rows: ea.by_week(rows),
    "trend": lambda a, rows: ea.trend(rows),
}.items():
    router.add_api_route(f"/{_name}", _view(_name, _fn), methods=["GET"])


@router.get("/confusion")
async def confusion(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    annotator: str | None = None,
    format: Format = "json",
) -> Any:
    access = await _access(db, principal, project)
    matrices = await ea.confusion(db, access.project, ea.Filters(annotator=annotator))
    if format == "csv":
        return PlainTextResponse(ea.confusion_csv(matrices), media_type="text/csv; charset=utf-8")
    return {"questions": matrices}


@router.get("/coaching")
async def coaching(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    annotator: str | None = None,
    code: str | None = None,
    label: str | None = None,
    week: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    format: Format = "json",
) -> Any:
    """Items an annotator got wrong with the reviewer's notes; annotators see only theirs."""
    access = await project_access(db, principal.user, project)
    if not access.can("review.read"):
        if not access.can("review.read", owns=True):
            raise Forbidden(f"your role ({access.role}) may not read reviews", action="review.read")
        annotator = str(access.user.id)
    rows = await ea.load_rows(db, access.project, _filters(annotator, code, label, week))
    limit = paging.check_limit(limit)
    page = ea.coaching(rows, after_id=paging.decode(cursor), limit=limit)
    nxt = paging.encode(page[-1]["verdict_id"]) if len(page) == limit else None
    return _answer(page, format, "coaching", next_cursor=nxt)


@router.get("/items")
async def drill_down(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    annotator: str | None = None,
    code: str | None = None,
    label: str | None = None,
    week: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    format: Format = "json",
) -> Any:
    """The item ids behind a cell of any view: the same filters, reviewed items only."""
    access = await _access(db, principal, project)
    rows = await ea.load_rows(db, access.project, _filters(annotator, code, label, week))
    limit = paging.check_limit(limit)
    ids = ea.drill_down(rows, after_id=paging.decode(cursor), limit=limit)
    nxt = paging.encode(ids[-1]) if len(ids) == limit else None
    return _answer([{"item_id": i} for i in ids], format, "items", next_cursor=nxt)
