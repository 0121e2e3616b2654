"""Import of items and of predictions (pre-annotations): streamed, batched, idempotent.

Rows are read one at a time from the upload (formats.iter_records), checked against the
project's schema, and inserted in batches with ``ON CONFLICT DO NOTHING`` on
(project, external id), so a re-import never duplicates. A bad row is reported with its line,
field and reason and never stops the good rows around it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select, update

from truthline.db.models import Import, ImportError_, Item, Project
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.formats.records import Record, RecordError
from truthline.media.storage import Storage
from truthline.schema import LabelingSchema, SchemaError, validate_annotation, validate_item
from truthline.services import audit
from truthline.services.annotations import item_context
from truthline.services.projects import current_schema

BATCH = 5000
MAX_STORED_ERRORS = 10_000
RESERVED = ("id", "external_id", "priority", "predictions", "_media", "meta")
_RESERVED = frozenset(RESERVED)


@dataclass
class ImportCounts:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RecordError] = field(default_factory=list)


def _external_id(data: dict[str, Any]) -> str | None:
    raw = data.get("id", data.get("external_id"))
    if raw is None:
        # No id: derive one from the content so that importing the same file twice is a no-op.
        return "sha1:" + hashlib.sha1(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = str(raw)
    return text if 0 < len(text) <= 500 else None


class _Shaper:
    """Turns a Record into an items-table row, or a RecordError naming what is wrong."""

    def __init__(self, schema: LabelingSchema, project: Project, import_id: int) -> None:
        self.schema, self.project, self.import_id = schema, project, import_id

    def row(
        self, rec: Record
    ) -> tuple[str, dict[str, Any], dict[str, Any], int, list] | RecordError:
        data = rec.data
        ext = _external_id(data)
        if ext is None:
            return RecordError(
                rec.line,
                rec.source,
                "id",
                "id must be a 1-500 character string or integer",
                repr(data.get("id"))[:80],
            )
        priority = data.get("priority", 0)
        if isinstance(priority, str) and priority.lstrip("-").isdigit():
            priority = int(priority)
        if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 2**31:
            return RecordError(
                rec.line, rec.source, "priority", "priority must be an integer", repr(priority)[:80]
            )
        if _RESERVED.isdisjoint(data):
            item_data = data  # nothing to drop: no copy
        else:
            item_data = data.copy()
            for key in RESERVED:
                if key in item_data:
                    del item_data[key]
        problems = validate_item(self.schema, item_data)
        if problems:
            fld, reason = problems[0]
            return RecordError(rec.line, rec.source, fld, reason, repr(item_data.get(fld))[:80])
        meta: dict[str, Any] = {}
        if data.get("_media"):
            meta["media"] = data["_media"]
        if isinstance(data.get("meta"), dict):
            meta["user"] = data["meta"]
        preds = data.get("predictions") or []
        if not isinstance(preds, list):
            return RecordError(
                rec.line, rec.source, "predictions", "predictions must be a list", None
            )
        return ext, item_data, meta, priority, preds


def _estimate_total(path: Path, fmt: str | None) -> int | None:
    if path.is_dir() or fmt == "zip" or path.suffix.lower() == ".zip":
        return None
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return max(count, 1)


class _ItemWriter:
    """Batched INSERT ... ON CONFLICT DO NOTHING through the driver's executemany."""

    def __init__(self, db: Database, project: Project, import_id: int) -> None:
        self.db, self.project, self.import_id = db, project, import_id
        if db.is_sqlite:
            self.sql = (
                "INSERT INTO items (project_id, external_id, data, meta, priority, stage,"
                " slots_free, submitted_count, import_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, 'annotate', ?, 0, ?, ?)"
                " ON CONFLICT (project_id, external_id) DO NOTHING"
            )
        else:
            self.sql = (
                "INSERT INTO items (project_id, external_id, data, meta, priority, stage,"
                " slots_free, submitted_count, import_id, created_at)"
                " VALUES (%s, %s, CAST(%s AS jsonb), CAST(%s AS jsonb), %s, 'annotate',"
                " %s, 0, %s, %s)"
                " ON CONFLICT (project_id, external_id) DO NOTHING"
            )

    def _now(self) -> Any:
        now = utcnow().replace(tzinfo=None)
        return now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.db.is_sqlite else now

    async def write(self, rows: list[tuple[str, dict, dict, int, list]]) -> tuple[int, list]:
        now, pid, k, imp = self._now(), self.project.id, self.project.overlap, self.import_id
        params = [
            (pid, ext, orjson.dumps(data).decode(), orjson.dumps(meta).decode(), prio, k, imp, now)
            for ext, data, meta, prio, _ in rows
        ]
        async with self.db.write() as s:
            conn = await s.connection()
            result = await conn.exec_driver_sql(self.sql, params)
            created = result.rowcount
            if any(r[4] for r in rows):
                await _write_inline_predictions(s, pid, rows, self.import_id)
        return created, []


async def _write_inline_predictions(s: Any, project_id: int, rows: list, import_id: int) -> None:
    from truthline.services.predictions import insert_predictions

    ids = dict(
        (
            await s.execute(
                select(Item.external_id, Item.id).where(
                    Item.project_id == project_id,
                    Item.external_id.in_([r[0] for r in rows if r[4]]),
                )
            )
        ).all()
    )
    pending = [(ids[r[0]], p) for r in rows if r[4] for p in r[4] if r[0] in ids]
    await insert_predictions(s, project_id, pending, import_id)


async def _store_errors(db: Database, import_id: int, errors: list[RecordError]) -> None:
    if not errors:
        return
    async with db.write() as s:
        s.add_all(
            ImportError_(
                import_id=import_id,
                line=e.line,
                source=e.source[:500],
                field=e.field,
                reason=e.reason,
                value=e.value,
            )
            for e in errors
        )


async def run_import(
    db: Database,
    storage: Storage,
    import_id: int,
    path: Path,
    *,
    progress: Callable[[int, int | None], Any] | None = None,
) -> ImportCounts:
    """Reads the file and writes items or predictions; updates the Import row as it goes."""
    from truthline.formats.readers import iter_records
    from truthline.services.predictions import PredictionWriter

    async with db.write() as s:
        imp = await s.get(Import, import_id)
        assert imp is not None
        project = await s.get(Project, imp.project_id)
        assert project is not None
        imp.status = "running"
    _, schema = await current_schema(db, project)
    field_types: dict[str, str] = {f.name: f.type for f in schema.fields}
    counts, total = ImportCounts(), _estimate_total(path, None)
    records = iter_records(path, filename=imp.filename, field_types=field_types, storage=storage)
    try:
        if imp.kind == "predictions":
            writer = PredictionWriter(db, project, schema, import_id)
            await _pump(
                records, writer.prepare, writer.write, counts, db, import_id, progress, total
            )
        else:
            shaper, items = _Shaper(schema, project, import_id), _ItemWriter(db, project, import_id)
            await _pump(records, shaper.row, items.write, counts, db, import_id, progress, total)
    except Exception as exc:
        await _finish(db, import_id, counts, "failed", str(exc))
        raise
    await _finish(db, import_id, counts, "done", None)
    return counts


async def _pump(
    records: Iterator[Record | RecordError],
    shape: Callable[[Record], Any],
    write: Callable[[list], Any],
    counts: ImportCounts,
    db: Database,
    import_id: int,
    progress: Callable[[int, int | None], Any] | None,
    total: int | None,
) -> None:
    batch: list = []
    pending_errors: list[RecordError] = []

    async def flush() -> None:
        if batch:
            created, late_errors = await write(batch)
            counts.created += created
            counts.rejected += len(late_errors)
            counts.duplicates += max(0, len(batch) - created - len(late_errors))
            pending_errors.extend(late_errors)
            batch.clear()
        stored = len(counts.errors)
        room = max(0, MAX_STORED_ERRORS - stored)
        await _store_errors(db, import_id, pending_errors[:room])
        counts.errors.extend(pending_errors[: max(0, 100 - stored)])
        pending_errors.clear()
        if progress:
            await progress(counts.received, total)

    for rec in records:
        counts.received += 1
        shaped = rec if isinstance(rec, RecordError) else shape(rec)
        if isinstance(shaped, RecordError):
            counts.rejected += 1
            pending_errors.append(shaped)
        else:
            batch.append(shaped)
        if len(batch) >= BATCH or len(pending_errors) >= BATCH:
            await flush()
    await flush()


async def _finish(
    db: Database, import_id: int, c: ImportCounts, status: str, msg: str | None
) -> None:
    async with db.write() as s:
        await s.execute(
            update(Import)
            .where(Import.id == import_id)
            .values(
                status=status,
                received=c.received,
                created=c.created,
                duplicates=c.duplicates,
                rejected=c.rejected,
                message=msg,
                finished_at=utcnow(),
            )
        )
        imp = await s.get(Import, import_id)
        assert imp is not None
        audit.record(
            s,
            imp.created_by,
            f"import.{status}",
            imp.project_id,
            "import",
            import_id,
            {"created": c.created, "rejected": c.rejected},
        )


async def create_import(
    db: Database, project: Project, user_id: int | None, filename: str, kind: str
) -> Import:
    if kind not in ("items", "predictions"):
        from truthline.errors import InvalidInput

        raise InvalidInput("kind must be 'items' or 'predictions'", field="kind", value=kind)
    async with db.write() as s:
        imp = Import(
            project_id=project.id,
            kind=kind,
            filename=filename[:500],
            status="pending",
            created_by=user_id,
        )
        s.add(imp)
        await s.flush()
    return imp


def check_prediction_result(schema: LabelingSchema, item: Item, result: Any) -> str | None:
    """Returns None when a prediction's result fits the schema, else the reason."""
    if not isinstance(result, dict):
        return "result must be an object keyed by question name"
    try:
        validate_annotation(schema, result, item_context(item), partial=True)
    except SchemaError as exc:
        return exc.message
    except Exception as exc:  # a kind's validation error names the path
        return getattr(exc, "message", str(exc))
    return None
