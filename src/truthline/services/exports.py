"""Export of a project as JSONL: every item with its predictions and the parts asked for
(raw annotations, and the quality parts of ``quality_export``), streamed.

Memory stays constant: items are read in keyset pages and each line is written as soon as it
is built. ``versions="latest"`` gives each annotator's latest version; ``"all"`` every version.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    BindParameter,
    LargeBinary,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection

from truthline.db.models import Annotation, Item, Prediction, Project, SchemaVersion, User
from truthline.db.session import Database
from truthline.errors import InvalidInput

PAGE = 2000
FORMATS = ("jsonl",)
DEFAULT_PARTS = ("annotations",)  # what an export without ``include`` carries

I = Item.__table__  # noqa: E741
AN = Annotation.__table__
P = Prediction.__table__
Fragment = orjson.Fragment
EMPTY_OBJECT = (b"{}", "{}")


def check_options(fmt: str, versions: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}", field="format", value=fmt
        )
    if versions not in ("latest", "all"):
        raise InvalidInput("versions must be 'latest' or 'all'", field="versions", value=versions)


def _iso(dt: Any) -> str | None:
    return dt.isoformat() if dt is not None else None


async def count_items(db: Database, project: Project) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).where(Item.project_id == project.id)) or 0)


# --- reading pages ------------------------------------------------------------------------------
# Rows are read as plain values, without ORM or JSON/datetime type processing. On SQLite the JSON
# columns come back as the stored text (as bytes), which is what orjson wrote; it is spliced into
# the line as is (orjson.Fragment) instead of being decoded and encoded again. PostgreSQL stores
# JSONB, whose text form differs in spacing from orjson's, so there it is decoded and re-encoded.
# Annotations and predictions of a page are fetched by the page's id range and the project (items
# are paged by id, so the range holds exactly the page's items of this project).


class _Page:
    """The statements of one page, for one dialect."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite

        def raw_json(col: Any) -> Any:
            return cast(col, LargeBinary) if sqlite else cast(col, Text)

        def raw_time(col: Any) -> Any:
            return type_coerce(col, Text) if sqlite else type_coerce(col, _NaiveDateTime())

        # On SQLite ``project_id + 0`` keeps the (project, external id) index out of the plan, so
        # that each page walks the rowid from ``after``; with that index SQLite read and sorted
        # all of the project's items again for every page.
        project = (I.c.project_id + literal_column("0")) if sqlite else I.c.project_id
        self.items = (
            select(I.c.id, I.c.external_id, raw_json(I.c.data), I.c.stage, I.c.priority)
            .add_columns(raw_json(I.c.meta))
            .where(project == bindparam("pid"), I.c.id > bindparam("after"))
            .order_by(I.c.id)
            .limit(PAGE)
        )
        in_page: tuple[BindParameter[Any], ...] = (
            bindparam("pid"),
            bindparam("first"),
            bindparam("last"),
        )
        self.annotations = (
            select(
                AN.c.item_id,
                AN.c.user_id,
                AN.c.version,
                raw_json(AN.c.result),
                raw_json(AN.c.meta),
                AN.c.stage,
                raw_time(AN.c.created_at),
                AN.c.active_ms,
                AN.c.schema_version_id,
                AN.c.guideline_version_id,
                AN.c.lease_expired,
            )
            .where(AN.c.project_id == in_page[0], AN.c.item_id.between(in_page[1], in_page[2]))
            .order_by(AN.c.item_id, AN.c.user_id, AN.c.version)
        )
        self.predictions = (
            select(P.c.item_id, P.c.source, P.c.score, raw_json(P.c.result))
            .where(P.c.project_id == in_page[0], P.c.item_id.between(in_page[1], in_page[2]))
            .order_by(P.c.item_id, P.c.id)
        )


class _NaiveDateTime(Text):
    """Hands back the driver's value untouched (PostgreSQL: a naive UTC datetime)."""

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


_PAGES: dict[bool, _Page] = {}


def _read_page(
    conn: Connection, page: _Page, project_id: int, after: int, annotations: bool = True
) -> tuple:
    items = conn.execute(page.items, {"pid": project_id, "after": after}).all()
    if not items:
        return items, [], []
    span = {"pid": project_id, "first": items[0][0], "last": items[-1][0]}
    return (
        items,
        conn.execute(page.annotations, span).all() if annotations else [],
        conn.execute(page.predictions, span).all(),
    )


# --- writing lines ------------------------------------------------------------------------------


def _json(raw: Any) -> Any:
    """A JSON column's raw value as something orjson writes out unchanged in meaning."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        if b"\n" in raw or b"\r" in raw:  # not what orjson writes: keep the line on one line
            return orjson.loads(raw)
        return Fragment(raw)
    return orjson.loads(raw)


def _time(raw: Any) -> str | None:
    """The stored UTC time as ``datetime.isoformat`` of the aware value would give it."""
    if raw is None:
        return None
    if isinstance(raw, datetime):  # PostgreSQL: naive UTC
        return raw.isoformat() + "+00:00"
    if len(raw) == 26 and raw[10] == " " and raw[19] == ".":  # "YYYY-MM-DD HH:MM:SS.ffffff"
        frac = raw[20:]
        if frac == "000000":
            return f"{raw[:10]}T{raw[11:19]}+00:00"
        return f"{raw[:10]}T{raw[11:19]}.{frac}+00:00"
    return datetime.fromisoformat(raw).replace(tzinfo=UTC).isoformat()


def _annotation_entries(
    rows: list, versions: str, users: dict[int, str], schema_versions: dict[int, int]
) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    latest = versions == "latest"
    for item_id, user_id, version, result, meta, stage, created, active, sv, gv, expired in rows:
        annotator = users.get(user_id)
        if annotator is None:
            annotator = str(user_id)
        entry = {
            "annotator": annotator,
            "version": version,
            "stage": stage,
            "result": _json(result),
            "created_at": _time(created),
            "active_ms": active,
            "schema_version": schema_versions.get(sv),
            "guideline_version": gv,
            "lease_expired": bool(expired),
        }
        if meta is not None and meta not in EMPTY_OBJECT:
            decoded = orjson.loads(meta)
            if decoded:
                entry["meta"] = Fragment(meta) if isinstance(meta, bytes) else decoded
        bucket = out.get(item_id)
        if bucket is None:
            out[item_id] = [entry]
        elif latest and bucket[-1]["annotator"] == annotator:
            bucket[-1] = entry  # rows come in version order: the last one wins
        else:
            bucket.append(entry)
    return out


def _lines(items: list, anns: dict | None, pred_rows: list, quality: dict | None = None) -> bytes:
    """One JSON line per item; ``anns`` None leaves the annotations out."""
    preds: dict[int, list[dict[str, Any]]] = {}
    for item_id, source, score, result in pred_rows:
        entry = {"source": source, "score": score, "result": _json(result)}
        bucket = preds.get(item_id)
        if bucket is None:
            preds[item_id] = [entry]
        else:
            bucket.append(entry)
    empty: list[Any]
    dumps, empty = orjson.dumps, []
    lines = []
    for item_id, external_id, data, stage, priority, meta in items:
        line: dict[str, Any] = {
            "id": external_id,
            "item_id": item_id,
            "stage": stage,
            "priority": priority,
            "data": _json(data),
        }
        if anns is not None:
            line["annotations"] = anns.get(item_id, empty)
        line["predictions"] = preds.get(item_id, empty)
        if meta is not None and meta not in EMPTY_OBJECT:
            media = (orjson.loads(meta) or {}).get("media")
            if media:
                line["media"] = media
        if quality is not None:
            line["quality"] = quality.get(item_id, {})
        lines.append(dumps(line))
    lines.append(b"")
    return b"\n".join(lines)


def check_include(include: tuple[str, ...]) -> tuple[str, ...]:
    """The parts named, each once; raw ``annotations`` or any quality part."""
    from truthline.services.quality_export import INCLUDES

    known = (*DEFAULT_PARTS, *INCLUDES)
    unknown = [part for part in include if part not in known]
    if unknown:
        raise InvalidInput(
            f"unknown include {unknown[0]!r}; known: {', '.join(known)}",
            field="include",
            value=unknown[0],
        )
    return tuple(dict.fromkeys(include))


async def _quality(db: Database, project: Project, items: list, include: tuple[str, ...]) -> dict:
    from truthline.services.quality_export import quality_for_items

    async with db.read() as s:
        return await quality_for_items(s, project, [row[0] for row in items], include)


async def stream_jsonl(
    db: Database, project: Project, *, versions: str = "latest", include: tuple[str, ...] = ()
) -> AsyncIterator[bytes]:
    """Yields chunks of JSONL bytes (one page of items per chunk). ``include`` names the parts
    each line carries besides the item and its predictions: ``annotations`` (the raw
    annotations) and any of consolidated, agreement, review, gold (in a ``quality`` object).
    Without ``include`` a line carries the annotations alone."""
    check_options("jsonl", versions)
    parts = check_include(include) or DEFAULT_PARTS
    with_annotations = "annotations" in parts
    extras = tuple(p for p in parts if p != "annotations")
    async with db.read() as s:
        users = dict((await s.execute(select(User.id, User.username))).all())
        schema_versions = dict(
            (
                await s.execute(
                    select(SchemaVersion.id, SchemaVersion.version).where(
                        SchemaVersion.project_id == project.id
                    )
                )
            ).all()
        )
    page = _PAGES.get(db.is_sqlite)
    if page is None:
        page = _PAGES[db.is_sqlite] = _Page(db.is_sqlite)
    # The next page is read (in the database thread on SQLite) while this one is written out.
    ahead = asyncio.ensure_future(db.run_read(_read_page, page, project.id, 0, with_annotations))
    try:
        while True:
            items, ann_rows, pred_rows = await ahead
            if not items:
                return
            ahead = asyncio.ensure_future(
                db.run_read(_read_page, page, project.id, items[-1][0], with_annotations)
            )
            anns = (
                _annotation_entries(ann_rows, versions, users, schema_versions)
                if with_annotations
                else None
            )
            quality = await _quality(db, project, items, extras) if extras else None
            yield _lines(items, anns, pred_rows, quality)
    finally:
        if not ahead.done():
            with contextlib.suppress(Exception):
                await ahead  # a page read at most; never left running on a pooled connection
