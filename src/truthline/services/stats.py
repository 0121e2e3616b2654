"""Counts for the lead's overview and the annotator's "My work" page."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import case, distinct, func, select

from truthline.db.models import Annotation, Assignment, Item, Project
from truthline.db.session import Database
from truthline.db.types import utcnow


def start_of_day(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


async def project_stats(db: Database, project: Project) -> dict:
    now = utcnow()
    async with db.read() as s:
        stages = (
            await s.execute(
                select(Item.stage, func.count(), func.coalesce(func.sum(Item.slots_free), 0))
                .where(Item.project_id == project.id)
                .group_by(Item.stage)
                .order_by(Item.stage)
            )
        ).all()
        live = await s.scalar(
            select(func.count()).where(
                Assignment.project_id == project.id,
                Assignment.status == "leased",
                Assignment.expires_at > now,
            )
        )
        anns = (
            await s.execute(
                select(func.count(), func.count(distinct(Annotation.user_id))).where(
                    Annotation.project_id == project.id
                )
            )
        ).one()
        today = await s.scalar(
            select(func.count()).where(
                Annotation.project_id == project.id,
                Annotation.version == 1,
                Annotation.created_at >= start_of_day(now),
            )
        )
    return {
        "items": sum(n for _, n, _ in stages),
        "stages": [{"stage": st, "items": n, "open_slots": int(free)} for st, n, free in stages],
        "live_leases": live or 0,
        "annotations": anns[0],
        "annotators": anns[1],
        "submitted_today": today or 0,
    }


async def my_counts(db: Database, user_id: int, project_ids: list[int]) -> dict[int, dict]:
    """Per project: done today, done in total, and items available to this person per stage."""
    if not project_ids:
        return {}
    day = start_of_day()
    out: dict[int, dict] = {
        pid: {"done_today": 0, "done_total": 0, "available": {}} for pid in project_ids
    }
    async with db.read() as s:
        rows = await s.execute(
            select(
                Annotation.project_id,
                func.count(),
                func.sum(case((Annotation.created_at >= day, 1), else_=0)),
            )
            .where(
                Annotation.user_id == user_id,
                Annotation.version == 1,
                Annotation.project_id.in_(project_ids),
            )
            .group_by(Annotation.project_id)
        )
        for pid, total, today in rows:
            out[pid]["done_total"], out[pid]["done_today"] = total, int(today or 0)
        avail = await s.execute(
            select(Item.project_id, Item.stage, func.count())
            .where(Item.project_id.in_(project_ids), Item.slots_free > 0)
            .group_by(Item.project_id, Item.stage)
        )
        for pid, stage, n in avail:
            out[pid]["available"][stage] = n
    return out
