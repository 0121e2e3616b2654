"""Review verdicts (accept, fix, reject with the taxonomy's error codes), the end of an item's
review, rework for the original annotator, and lot decisions.

A review judges the latest version of one annotation. A fix stores the reviewer's corrected
result as a new immutable annotation version of the reviewer (stage ``review``), with the
same idempotency rule as submits: a retried request with the same key returns the first
verdict. An item's review ends when as many reviewers as it needs have judged every
annotation in scope; any reject sends the item to ``rework``: its annotator sees the
reviewer's notes and submits an edit, after which the item is reviewed again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    Assignment,
    GuidelineVersion,
    Item,
    Project,
    ReviewBatch,
    ReviewTask,
    ReviewVerdict,
    ReworkTask,
    SchemaVersion,
)
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.quality.sampling import SamplingPlan, accept_lot
from truthline.schema import validate_annotation
from truthline.services import audit
from truthline.services.projects import schema_of
from truthline.services.quality_data import latest_for_items
from truthline.services.quality_settings import quality_of
from truthline.services.review_sampling import HELD, send_to_review

VERDICTS = ("accept", "fix", "reject")
MAX_COMMENT = 5000


@dataclass
class ReviewOutcome:
    verdict: ReviewVerdict
    fixed: Annotation | None
    replayed: bool
    item_stage: str


def check_codes(project: Project, verdict: str, codes: list[str]) -> list[str]:
    """Codes must come from the taxonomy; a fix or reject names at least one when the
    project has a taxonomy. Duplicates are dropped, order kept."""
    taxonomy = quality_of(project).codes()
    for n, code in enumerate(codes):
        if code not in taxonomy:
            raise InvalidInput(
                f"error_codes[{n}]: {code!r} is not in the project's error taxonomy",
                code="unknown_error_code",
                field=f"error_codes[{n}]",
                value=code,
            )
    if verdict != "accept" and taxonomy and not codes:
        raise InvalidInput(f"a {verdict} needs at least one error code", field="error_codes")
    return list(dict.fromkeys(codes))


def _check_body(verdict: str, comment: str, fixed_result: dict[str, Any] | None) -> None:
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be one of {', '.join(VERDICTS)}", field="verdict")
    if (verdict == "fix") != (fixed_result is not None):
        raise InvalidInput("fixed_result is given with a fix, and only then", field="fixed_result")
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"comment is longer than {MAX_COMMENT} characters", field="comment")


async def _replay(s: AsyncSession, reviewer_id: int, key: str | None) -> ReviewVerdict | None:
    if key is None:
        return None
    return await s.scalar(
        select(ReviewVerdict).where(
            ReviewVerdict.reviewer_id == reviewer_id, ReviewVerdict.idempotency_key == key
        )
    )


async def submit_review(
    db: Database,
    access: ProjectAccess,
    item_id: int,
    *,
    annotation_id: int,
    verdict: str,
    error_codes: list[str],
    comment: str = "",
    fixed_result: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> ReviewOutcome:
    _check_body(verdict, comment, fixed_result)
    codes = check_codes(access.project, verdict, error_codes)
    reviewer = access.user.id
    async with db.read() as s:
        prior = await _replay(s, reviewer, idempotency_key)
        if prior is not None:
            return await _replayed(s, prior, item_id)
        item = await s.get(Item, item_id)
        if item is None or item.project_id != access.project.id:
            raise NotFound(f"no item {item_id} in this project", code="item_not_found")
        target = await s.get(Annotation, annotation_id)
        version = await s.get(SchemaVersion, access.project.schema_version_id)
    if target is None or target.item_id != item_id or target.stage != "annotate":
        raise NotFound(
            f"no annotation {annotation_id} of item {item_id}", code="annotation_not_found"
        )
    if target.user_id == reviewer:
        raise Forbidden("nobody reviews their own annotation", code="review_own_work")
    clean = None
    if fixed_result is not None:
        from truthline.services.annotations import item_context

        assert version is not None
        clean = validate_annotation(schema_of(version), fixed_result, item_context(item))
    try:
        async with db.write() as s:
            prior = await _replay(s, reviewer, idempotency_key)
            if prior is not None:
                return await _replayed(s, prior, item_id)
            out = await _store_verdict(
                s, access, item_id, target, verdict, codes, comment, clean, idempotency_key
            )
    except IntegrityError:
        async with db.read() as s:
            prior = await _replay(s, reviewer, idempotency_key)
            if prior is None:
                raise Conflict("a concurrent review got there first", code="retry") from None
            return await _replayed(s, prior, item_id)
    return out


async def _replayed(s: AsyncSession, prior: ReviewVerdict, item_id: int) -> ReviewOutcome:
    if prior.item_id != item_id:
        raise Conflict(
            "idempotency key already used for another item", code="idempotency_key_reused"
        )
    fixed = (
        await s.get(Annotation, prior.fixed_annotation_id) if prior.fixed_annotation_id else None
    )
    item = await s.get(Item, item_id)
    assert item is not None
    return ReviewOutcome(prior, fixed, True, item.stage)


async def _store_verdict(
    s: AsyncSession,
    access: ProjectAccess,
    item_id: int,
    target: Annotation,
    verdict: str,
    codes: list[str],
    comment: str,
    clean: dict[str, Any] | None,
    key: str | None,
) -> ReviewOutcome:
    reviewer = access.user.id
    current = (await latest_for_items(s, [item_id])).get(item_id, {}).get(target.user_id)
    if current is None or current.annotation_id != target.id:
        raise Conflict(
            "this annotation has a newer version; review that one",
            code="stale_annotation",
            current_annotation_id=current.annotation_id if current else None,
        )
    dup = await s.scalar(
        select(ReviewVerdict.id).where(
            ReviewVerdict.annotation_id == target.id, ReviewVerdict.reviewer_id == reviewer
        )
    )
    if dup is not None:
        raise Conflict("you have already reviewed this annotation", code="already_reviewed")
    key = key or f"review-{uuid.uuid4()}"
    fixed = None
    if clean is not None:
        fixed = await _store_fix(s, access, target, clean, key)
    row = ReviewVerdict(
        project_id=access.project.id,
        item_id=item_id,
        annotation_id=target.id,
        annotator_id=target.user_id,
        reviewer_id=reviewer,
        verdict=verdict,
        error_codes=codes,
        comment=comment,
        fixed_annotation_id=fixed.id if fixed else None,
        idempotency_key=key,
        created_at=utcnow(),
    )
    s.add(row)
    await s.flush()
    await _close_lease_if_covered(s, access.project, item_id, reviewer)
    stage = await finish_if_complete(s, access.project, item_id)
    audit.record(
        s, reviewer, "review.verdict", access.project.id, "item", item_id, {"verdict": verdict}
    )
    return ReviewOutcome(row, fixed, False, stage)


async def _store_fix(
    s: AsyncSession, access: ProjectAccess, target: Annotation, clean: dict[str, Any], key: str
) -> Annotation:
    """The reviewer's correction: a new version in the reviewer's own history of the item."""
    reviewer = access.user.id
    last = await s.scalar(
        select(Annotation.version)
        .where(Annotation.item_id == target.item_id, Annotation.user_id == reviewer)
        .order_by(Annotation.version.desc())
        .limit(1)
    )
    lease = await s.scalar(
        select(Assignment.id)
        .where(
            Assignment.item_id == target.item_id,
            Assignment.user_id == reviewer,
            Assignment.stage == "review",
        )
        .order_by(Assignment.id.desc())
        .limit(1)
    )
    fixed = Annotation(
        project_id=access.project.id,
        item_id=target.item_id,
        user_id=reviewer,
        assignment_id=lease,
        stage="review",
        version=(last or 0) + 1,
        base_version=last,
        result=clean,
        meta={"fixes_annotation_id": target.id},
        schema_version_id=access.project.schema_version_id,
        guideline_version_id=await s.scalar(
            select(GuidelineVersion.id)
            .where(GuidelineVersion.project_id == access.project.id)
            .order_by(GuidelineVersion.version.desc())
            .limit(1)
        ),
        active_ms=0,
        lease_expired=False,
        idempotency_key=f"{key}:fix"[:100],
    )
    s.add(fixed)
    await s.flush()
    return fixed


async def _scope(s: AsyncSession, item_id: int, task: ReviewTask | None) -> set[int]:
    """Annotations this review round must judge: the latest versions that no earlier round
    judged (after a rework, only the reworked ones)."""
    latest = (await latest_for_items(s, [item_id])).get(item_id, {})
    ids = {a.annotation_id for a in latest.values()}
    if task is None:
        return ids
    earlier = set(
        await s.scalars(
            select(ReviewVerdict.annotation_id).where(
                ReviewVerdict.item_id == item_id,
                ReviewVerdict.annotation_id.in_(ids),
                ReviewVerdict.created_at < task.created_at,
            )
        )
    )
    return ids - earlier


async def _round_verdicts(
    s: AsyncSession, item_id: int, task: ReviewTask | None, scope: set[int]
) -> list[ReviewVerdict]:
    q = select(ReviewVerdict).where(
        ReviewVerdict.item_id == item_id, ReviewVerdict.annotation_id.in_(scope)
    )
    if task is not None:
        q = q.where(ReviewVerdict.created_at >= task.created_at)
    return list(await s.scalars(q.order_by(ReviewVerdict.id)))


async def _close_lease_if_covered(
    s: AsyncSession, project: Project, item_id: int, reviewer: int
) -> None:
    task = await s.get(ReviewTask, item_id)
    scope = await _scope(s, item_id, task)
    mine = {
        v.annotation_id
        for v in await _round_verdicts(s, item_id, task, scope)
        if v.reviewer_id == reviewer
    }
    if scope <= mine:
        await s.execute(
            update(Assignment)
            .where(
                Assignment.item_id == item_id,
                Assignment.user_id == reviewer,
                Assignment.stage == "review",
                Assignment.status == "leased",
            )
            .values(status="submitted", finished_at=utcnow())
        )


async def finish_if_complete(s: AsyncSession, project: Project, item_id: int) -> str:
    """Ends the item's review round once enough reviewers judged its whole scope."""
    item = await s.get(Item, item_id, populate_existing=True)
    assert item is not None
    task = await s.get(ReviewTask, item_id)
    if item.stage != "review" or task is None or task.status != "open":
        return item.stage
    scope = await _scope(s, item_id, task)
    verdicts = await _round_verdicts(s, item_id, task, scope)
    covered: dict[int, set[int]] = defaultdict(set)
    for v in verdicts:
        covered[v.reviewer_id].add(v.annotation_id)
    if sum(1 for got in covered.values() if scope <= got) < task.reviews_needed:
        return item.stage
    rejected = {v.annotation_id: v for v in verdicts if v.verdict == "reject"}
    task.status, task.done_at = "done", utcnow()
    if rejected:
        for v in rejected.values():
            s.add(
                ReworkTask(
                    project_id=project.id,
                    item_id=item_id,
                    user_id=v.annotator_id,
                    annotation_id=v.annotation_id,
                    verdict_id=v.id,
                    notes=v.comment,
                    error_codes=list(v.error_codes),
                )
            )
        task.outcome, item.stage = "rework", "rework"
    else:
        task.outcome = "fixed" if any(v.verdict == "fix" for v in verdicts) else "accepted"
        item.stage = "done"
    item.slots_free = 0
    if task.batch_id is not None:
        await _record_in_batch(s, project, task)
    await s.flush()
    return item.stage


async def _record_in_batch(s: AsyncSession, project: Project, task: ReviewTask) -> None:
    batch = await s.get(ReviewBatch, task.batch_id)
    if batch is None or batch.status != "sampling":
        return
    ids = dict(batch.item_ids)
    ids["judged"] = sorted({*ids.get("judged", []), task.item_id})
    if task.outcome != "accepted":
        ids["defective"] = sorted({*ids.get("defective", []), task.item_id})
    batch.item_ids = ids
    if set(ids.get("sample", [])) <= set(ids["judged"]):
        await decide_batch(s, project, batch)


async def decide_batch(s: AsyncSession, project: Project, batch: ReviewBatch) -> None:
    """Accepts the lot (its held items are done) or rejects it: every held item goes to
    rework for each of its annotators, with the lot's result as the note."""
    failures = len(batch.item_ids.get("defective", []))
    plan = SamplingPlan(
        batch.lot_size, batch.aql or 0, "", "", batch.sample_size or 0,
        batch.accept or 0, batch.reject or 1,
    )  # fmt: skip
    accepted = accept_lot(failures, plan)
    batch.failures, batch.decided_at = failures, utcnow()
    batch.status = "accepted" if accepted else "rejected"
    lot = batch.item_ids.get("lot", [])
    held = list(await s.scalars(select(Item).where(Item.id.in_(lot), Item.stage == HELD)))
    if accepted:
        for item in held:
            item.stage = "done"
        return
    latest = await latest_for_items(s, [i.id for i in held])
    note = (
        f"lot {batch.id} was rejected: {failures} defective of {batch.sample_size} sampled "
        f"(accept at most {batch.accept}); please check this item again"
    )
    for item in held:
        for a in latest.get(item.id, {}).values():
            s.add(
                ReworkTask(
                    project_id=project.id,
                    item_id=item.id,
                    user_id=a.user_id,
                    annotation_id=a.annotation_id,
                    notes=note,
                    error_codes=[],
                )
            )
        item.stage, item.slots_free = "rework", 0


# --- rework --------------------------------------------------------------------------------------
async def on_rework_submitted(s: AsyncSession, project: Project, annotation: Annotation) -> bool:
    """Called in the submit's transaction for every annotate-stage edit: closes the
    annotator's open rework of the item; when none is left the item is reviewed again.
    Returns whether a rework was closed."""
    if annotation.stage != "annotate" or annotation.version < 2:
        return False
    open_tasks = list(
        await s.scalars(
            select(ReworkTask).where(
                ReworkTask.item_id == annotation.item_id, ReworkTask.status == "open"
            )
        )
    )
    mine = [t for t in open_tasks if t.user_id == annotation.user_id]
    if not mine:
        return False
    for t in mine:
        t.status, t.done_at = "done", utcnow()
    if len(mine) == len(open_tasks):
        item = await s.get(Item, annotation.item_id, populate_existing=True)
        assert item is not None
        if item.stage == "rework":
            await send_to_review(s, project, item, "rework", quality_of(project).review)
    await s.flush()
    return True


async def my_rework(
    db: Database, access: ProjectAccess, *, after_id: int | None, limit: int
) -> list[tuple[ReworkTask, int | None]]:
    """My open rework, oldest first, with the version to base the edit on."""
    async with db.read() as s:
        q = (
            select(ReworkTask)
            .where(
                ReworkTask.project_id == access.project.id,
                ReworkTask.user_id == access.user.id,
                ReworkTask.status == "open",
            )
            .order_by(ReworkTask.id)
            .limit(limit)
        )
        if after_id is not None:
            q = q.where(ReworkTask.id > after_id)
        tasks = list(await s.scalars(q))
        latest = await latest_for_items(s, [t.item_id for t in tasks])
    return [
        (t, getattr(latest.get(t.item_id, {}).get(access.user.id), "version", None)) for t in tasks
    ]


async def item_reviews(db: Database, access: ProjectAccess, item_id: int) -> list[ReviewVerdict]:
    async with db.read() as s:
        q = select(ReviewVerdict).where(
            ReviewVerdict.item_id == item_id, ReviewVerdict.project_id == access.project.id
        )
        if not access.can("review.read"):
            q = q.where(ReviewVerdict.annotator_id == access.user.id)
        return list(await s.scalars(q.order_by(ReviewVerdict.id)))


async def list_batches(
    db: Database, project: Project, *, after_id: int | None, limit: int
) -> list[ReviewBatch]:
    async with db.read() as s:
        q = (
            select(ReviewBatch)
            .where(ReviewBatch.project_id == project.id)
            .order_by(ReviewBatch.id)
            .limit(limit)
        )
        if after_id is not None:
            q = q.where(ReviewBatch.id > after_id)
        return list(await s.scalars(q))


async def close_filling_batch(db: Database, access: ProjectAccess) -> ReviewBatch:
    from truthline.services.review_sampling import close_batch

    async with db.write() as s:
        batch = await close_batch(s, access.project)
        if batch is None:
            raise Conflict("no pool or lot is filling", code="no_open_batch")
        audit.record(s, access.user.id, "review.batch_close", access.project.id, "batch", batch.id)
    return batch
