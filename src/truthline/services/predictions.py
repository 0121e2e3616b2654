"""Predictions (model pre-annotations): one per item and source, shown as starting shapes."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from truthline.db.models import Item, Prediction, Project
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.formats.records import Record, RecordError
from truthline.schema import LabelingSchema


def _parse_one(raw: Any) -> tuple[str, float | None, dict[str, Any]] | str:
    """(source, score, result) or the reason the prediction is refused."""
    if not isinstance(raw, dict):
        return "a prediction must be an object with source, score and result"
    source, score, result = raw.get("source", "model"), raw.get("score"), raw.get("result")
    if not isinstance(source, str) or not 0 < len(source) <= 200:
        return "source must be a 1-200 character string"
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int | float):
            return "score must be a number"
        if not (0.0 <= float(score) <= 1.0):
            return f"score must be between 0 and 1, got {score!r}"
    if not isinstance(result, dict):
        return "result must be an object keyed by question name"
    return source, None if score is None else float(score), result


async def insert_predictions(
    s: Any, project_id: int, pending: list[tuple[int, Any]], import_id: int | None
) -> int:
    """Inserts (item_id, raw prediction) pairs; returns how many were new."""
    rows = []
    for item_id, raw in pending:
        parsed = _parse_one(raw)
        if isinstance(parsed, str):
            continue
        source, score, result = parsed
        rows.append((project_id, item_id, source, score, orjson.dumps(result).decode(), import_id))
    if not rows:
        return 0
    conn = await s.connection()
    is_sqlite = conn.dialect.name == "sqlite"
    now = utcnow().replace(tzinfo=None)
    stamp: Any = now.strftime("%Y-%m-%d %H:%M:%S.%f") if is_sqlite else now
    sql = (
        "INSERT INTO predictions"
        " (project_id, item_id, source, score, result, import_id, created_at)"
        + (
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            if is_sqlite
            else " VALUES (%s, %s, %s, %s, CAST(%s AS jsonb), %s, %s)"
        )
        + " ON CONFLICT (item_id, source) DO NOTHING"
    )
    res = await conn.exec_driver_sql(sql, [(*r, stamp) for r in rows])
    return res.rowcount


class PredictionWriter:
    """Import of predictions files: ``{"id": <item external id>, "source", "score", "result"}``
    per record, or ``{"id": ..., "predictions": [{source, score, result}, ...]}``."""

    def __init__(self, db: Database, project: Project, schema: LabelingSchema, import_id: int):
        self.db, self.project, self.schema, self.import_id = db, project, schema, import_id

    def prepare(self, rec: Record) -> tuple[Record, str, list[Any]] | RecordError:
        data = rec.data
        ext = data.get("id", data.get("item_id", data.get("external_id")))
        if ext is None or isinstance(ext, bool) or not isinstance(ext, str | int):
            return RecordError(rec.line, rec.source, "id", "the item's id is missing", None)
        preds = (
            data["predictions"]
            if "predictions" in data
            else [{k: data[k] for k in ("source", "score", "result") if k in data}]
        )
        if not isinstance(preds, list):
            return RecordError(rec.line, rec.source, "predictions", "must be a list", None)
        for i, raw in enumerate(preds):
            parsed = _parse_one(raw)
            if isinstance(parsed, str):
                return RecordError(rec.line, rec.source, f"predictions[{i}]", parsed, None)
        return rec, str(ext), preds

    async def write(self, batch: list[tuple[Record, str, list[Any]]]) -> tuple[int, list]:
        from truthline.services.imports import check_prediction_result

        async with self.db.read() as s:
            items = {
                i.external_id: i
                for i in await s.scalars(
                    select(Item).where(
                        Item.project_id == self.project.id,
                        Item.external_id.in_([ext for _, ext, _ in batch]),
                    )
                )
            }
        pending: list[tuple[int, Any]] = []
        errors: list[RecordError] = []
        for rec, ext, preds in batch:
            item = items.get(ext)
            if item is None:
                errors.append(
                    RecordError(
                        rec.line, rec.source, "id", f"no item {ext!r} in this project", None
                    )
                )
                continue
            for i, raw in enumerate(preds):
                problem = check_prediction_result(self.schema, item, raw["result"])
                if problem:
                    errors.append(
                        RecordError(rec.line, rec.source, f"predictions[{i}].result", problem, None)
                    )
                else:
                    pending.append((item.id, raw))
        async with self.db.write() as s:
            return await insert_predictions(s, self.project.id, pending, self.import_id), errors


async def predictions_for(db: Database, item_id: int) -> list[Prediction]:
    async with db.read() as s:
        return list(await s.scalars(select(Prediction).where(Prediction.item_id == item_id)))
