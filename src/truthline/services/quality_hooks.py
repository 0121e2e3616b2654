"""The quality steps of the queue and submit paths, as three calls made inside their
transactions: before leasing an annotate task, after storing a submit, and when a submit
ends an item's annotate stage."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import Annotation, Assignment, Item, Project
from truthline.services import gold, review, review_sampling


async def before_lease(
    s: AsyncSession,
    project: Project,
    user_id: int,
    stage: str,
    now: datetime,
    rng: random.Random | None = None,
) -> tuple[Assignment, Item] | None:
    """Refuses a paused annotator (409 ``annotator_paused``); at the gold rate, leases a gold
    item instead of the next one. None: go on with the ordinary pick."""
    if stage != "annotate":
        return None
    await gold.check_not_paused(s, project, user_id)
    return await gold.lease_gold(s, project, user_id, stage, now, rng)


async def after_submit(
    s: AsyncSession, project: Project, item: Item, annotation: Annotation
) -> dict[str, Any]:
    """Scores a gold submit and closes a rework; returns what the submit's answer adds
    (``gold``: score, passed, feedback, only when the project's gold feedback is on, so that
    otherwise a gold submit is answered like any other) or an empty dict. Call after the
    annotation row is flushed (it needs its id)."""
    out: dict[str, Any] = {}
    feedback = await gold.after_submit(s, project, item, annotation)
    if feedback is not None:
        out["gold"] = {
            "score": feedback.score,
            "passed": feedback.passed,
            "feedback": feedback.feedback,
        }
    if await review.on_rework_submitted(s, project, annotation):
        out["rework_done"] = True
    return out


async def on_annotate_complete(s: AsyncSession, project: Project, item_id: int) -> str:
    """After the stage counter moved: review sampling; returns the item's next stage."""
    return await review_sampling.on_annotate_complete(s, project, item_id)
