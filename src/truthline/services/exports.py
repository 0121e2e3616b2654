"""Export of a project as JSONL: every item, its annotations and predictions, streamed.

Memory stays constant: items are read in keyset pages and each line is written as soon as it
is built. ``versions="latest"`` gives each annotator's latest version; ``"all"`` every version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import orjson
from sqlalchemy import func, select

from truthline.db.models import Annotation, Item, Prediction, Project, SchemaVersion, User
from truthline.db.session import Database
from truthline.errors import InvalidInput

PAGE = 2000
FORMATS = ("jsonl",)


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


async def _page_annotations(
    s: Any, ids: list[int], versions: str, users: dict[int, str], schema_versions: dict[int, int]
) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = await s.execute(
        select(
            Annotation.item_id,
            Annotation.user_id,
            Annotation.version,
            Annotation.result,
            Annotation.meta,
            Annotation.stage,
            Annotation.created_at,
            Annotation.active_ms,
            Annotation.schema_version_id,
            Annotation.guideline_version_id,
            Annotation.lease_expired,
            Annotation.id,
        )
        .where(Annotation.item_id.in_(ids))
        .order_by(Annotation.item_id, Annotation.user_id, Annotation.version)
    )
    for r in rows:
        entry = {
            "annotator": users.get(r.user_id, str(r.user_id)),
            "version": r.version,
            "stage": r.stage,
            "result": r.result,
            "created_at": _iso(r.created_at),
            "active_ms": r.active_ms,
            "schema_version": schema_versions.get(r.schema_version_id),
            "guideline_version": r.guideline_version_id,
            "lease_expired": r.lease_expired,
        }
        if r.meta:
            entry["meta"] = r.meta
        bucket = out[r.item_id]
        if versions == "latest" and bucket and bucket[-1]["annotator"] == entry["annotator"]:
            bucket[-1] = entry  # rows come in version order: the last one wins
        else:
            bucket.append(entry)
    return out


async def stream_jsonl(
    db: Database, project: Project, *, versions: str = "latest"
) -> AsyncIterator[bytes]:
    """Yields chunks of JSONL bytes (one page of items per chunk)."""
    check_options("jsonl", versions)
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
    after = 0
    while True:
        async with db.read() as s:
            items = (
                await s.execute(
                    select(
                        Item.id, Item.external_id, Item.data, Item.stage, Item.priority, Item.meta
                    )
                    .where(Item.project_id == project.id, Item.id > after)
                    .order_by(Item.id)
                    .limit(PAGE)
                )
            ).all()
            if not items:
                return
            ids = [i.id for i in items]
            anns = await _page_annotations(s, ids, versions, users, schema_versions)
            preds: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for p in await s.execute(
                select(
                    Prediction.item_id, Prediction.source, Prediction.score, Prediction.result
                ).where(Prediction.item_id.in_(ids))
            ):
                preds[p.item_id].append({"source": p.source, "score": p.score, "result": p.result})
        lines = []
        for it in items:
            line: dict[str, Any] = {
                "id": it.external_id,
                "item_id": it.id,
                "stage": it.stage,
                "priority": it.priority,
                "data": it.data,
                "annotations": anns.get(it.id, []),
                "predictions": preds.get(it.id, []),
            }
            if (it.meta or {}).get("media"):
                line["media"] = it.meta["media"]
            lines.append(orjson.dumps(line))
        lines.append(b"")
        yield b"\n".join(lines)
        after = items[-1].id
