"""Builders for the quality tests: annotate through the real queue and submit API, then run
the quality hooks the way the submit path runs them (in one write transaction)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from truthline.db.models import Item, Project
from truthline.db.session import Database


async def project_row(db: Database, project_id: int) -> Project:
    async with db.read() as s:
        p = await s.get(Project, project_id)
    assert p is not None
    return p


async def next_task(c: httpx.AsyncClient, project: Any) -> dict:
    r = await c.post(f"/api/v1/projects/{project.id}/queue/next", json={"stage": "annotate"})
    assert r.status_code == 200, r.text
    return r.json()


async def submit(
    c: httpx.AsyncClient, project: Any, item_id: int, result: dict, **extra: Any
) -> httpx.Response:
    body = {"result": result, "idempotency_key": str(uuid.uuid4()), **extra}
    return await c.post(f"/api/v1/projects/{project.id}/items/{item_id}/annotations", json=body)


async def run_hooks(db: Database, project_id: int, answer: dict) -> tuple[dict, str]:
    """What the submit path did after storing the annotation ``answer`` (the submit's
    response body): the gold feedback it carried and the item's stage afterwards."""
    extra = {"gold": answer["gold"]} if answer.get("gold") is not None else {}
    return extra, await stage_of(db, answer["item_id"])


async def annotate_next(
    db: Database, c: httpx.AsyncClient, project: Any, result_for: Any
) -> tuple[int, dict, str]:
    """Takes the next task, submits ``result_for(item)`` and runs the hooks."""
    task = await next_task(c, project)
    assert task["status"] == "assigned", task
    item = task["item"]
    r = await submit(c, project, item["id"], result_for(item), lease_id=task["lease"]["id"])
    assert r.status_code == 201, r.text
    extra, stage = await run_hooks(db, project.id, r.json())
    return item["id"], extra, stage


async def item_ids(db: Database, project_id: int) -> dict[str, int]:
    async with db.read() as s:
        rows = await s.execute(
            select(Item.external_id, Item.id).where(Item.project_id == project_id)
        )
        return dict(rows.all())


async def stage_of(db: Database, item_id: int) -> str:
    async with db.read() as s:
        item = await s.scalar(
            select(Item).where(Item.id == item_id).execution_options(populate_existing=True)
        )
    assert item is not None
    return item.stage


def label(name: str) -> dict:
    return {"sentiment": {"labels": [name]}}
