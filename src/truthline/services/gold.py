"""Gold items: known answers mixed into annotators' queues, scored on submit, rolling gold
accuracy per annotator, and flagging (optionally pausing) those who fall under the threshold.

A gold item is moved to the ``gold`` stage with no free slots, so the ordinary queue never
hands it out; ``lease_gold`` gives it as an annotate-stage lease, never twice to the same
person. The annotator cannot tell it from any other task: every answer they get shows it as an
annotate-stage item (``disguise``), and a submit says nothing of gold unless the project turns
feedback on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    AnnotatorFlag,
    Assignment,
    GoldItem,
    GoldScore,
    Item,
    Project,
    SchemaVersion,
    User,
)
from truthline.db.models_qualification import QualificationGoldEntry
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.quality.agreement import score_against
from truthline.quality.reliability import wilson_interval
from truthline.schema import validate_annotation
from truthline.services import audit
from truthline.services.projects import schema_of
from truthline.services.quality_settings import GoldSettings, quality_of

GOLD_STAGE = "gold"
MIN_FLAG_SCORES = 5  # never flag on fewer gold scores than this (or the window, if smaller)


@dataclass
class GoldFeedback:
    """What a gold submit's answer shows the annotator; only when the project's feedback is on."""

    score: float
    passed: bool
    feedback: str


def sees_gold(access: ProjectAccess) -> bool:
    """Whether the person may know which items are gold: those who read the project's quality
    (leads, reviewers, viewers). Annotators never do."""
    return access.can("quality.read")


def disguise(overlap: int, submitted: bool) -> tuple[str, int]:
    """(stage, submitted_count) that a gold item shows to someone who may not know it is gold:
    an annotate-stage item nobody else has submitted, then, once they submitted it, one with
    their submit only (done when the project's overlap is 1)."""
    if not submitted:
        return "annotate", 0
    return ("done" if overlap <= 1 else "annotate"), 1


async def _item(s: AsyncSession, project_id: int, item_id: int) -> Item:
    assert s.bind is not None  # sessions from Database are always bound
    item = await s.get(Item, item_id, with_for_update=s.bind.dialect.name != "sqlite")
    if item is None or item.project_id != project_id:
        raise NotFound(f"no item {item_id} in this project", code="item_not_found")
    return item


async def set_gold(
    db: Database,
    access: ProjectAccess,
    item_id: int,
    answer: dict[str, Any],
    feedback: str = "",
    *,
    source: str = "manual",
) -> GoldItem:
    """Makes the item gold with ``answer`` (checked against the current schema; questions
    may be left out, but not all of them), or replaces its answer and feedback."""
    async with db.read() as s:
        version = await s.get(SchemaVersion, access.project.schema_version_id)
        item = await _item(s, access.project.id, item_id)
    assert version is not None
    from truthline.services.annotations import item_context

    clean = validate_annotation(schema_of(version), answer, item_context(item), partial=True)
    if not clean:
        raise InvalidInput("a gold answer needs at least one answered question", field="answer")
    async with db.write() as s:
        item = await _item(s, access.project.id, item_id)
        gold = await s.get(GoldItem, item_id)
        if gold is None:
            gold = GoldItem(
                item_id=item_id, project_id=access.project.id, created_by=access.user.id
            )
            s.add(gold)
        gold.answer, gold.feedback, gold.source = clean, feedback, source
        item.stage, item.slots_free = GOLD_STAGE, 0
        audit.record(s, access.user.id, "gold.set", access.project.id, "item", item_id)
    return gold


async def promote_gold(
    db: Database, access: ProjectAccess, item_id: int, feedback: str = ""
) -> GoldItem:
    """Makes the item gold with its consolidated results as the answer."""
    from truthline.services.consolidation import consolidated_for

    found = (await consolidated_for(db, access.project.id, [item_id])).get(item_id)
    if not found:
        raise Conflict(
            f"item {item_id} has no consolidated result; run consolidation first",
            code="not_consolidated",
            item_id=item_id,
        )
    answer = {q: r.result for q, r in found.items()}
    return await set_gold(db, access, item_id, answer, feedback, source="consolidated")


async def remove_gold(db: Database, access: ProjectAccess, item_id: int) -> None:
    """Ends the item's gold status; it returns to annotation, or to done once covered."""
    async with db.write() as s:
        item = await _item(s, access.project.id, item_id)
        gold = await s.get(GoldItem, item_id)
        if gold is None:
            raise NotFound(f"item {item_id} is not gold", code="gold_not_found")
        await s.delete(gold)
        people = await s.scalar(
            select(func.count(func.distinct(Annotation.user_id))).where(
                Annotation.item_id == item_id, Annotation.stage == "annotate"
            )
        )
        left = max(access.project.overlap - int(people or 0), 0)
        item.stage, item.slots_free = ("annotate", left) if left else ("done", 0)
        audit.record(s, access.user.id, "gold.remove", access.project.id, "item", item_id)


async def list_gold(
    db: Database, project: Project, *, after_id: int | None, limit: int
) -> list[tuple[GoldItem, int, float | None]]:
    """Gold items with how often each was scored and the mean score."""
    scored = (
        select(
            GoldScore.item_id,
            func.count().label("n"),
            func.avg(GoldScore.score).label("mean"),
        )
        .where(GoldScore.project_id == project.id)
        .group_by(GoldScore.item_id)
        .subquery()
    )
    q = (
        select(GoldItem, scored.c.n, scored.c.mean)
        .outerjoin(scored, scored.c.item_id == GoldItem.item_id)
        .where(GoldItem.project_id == project.id)
        .order_by(GoldItem.item_id)
        .limit(limit)
    )
    if after_id is not None:
        q = q.where(GoldItem.item_id > after_id)
    async with db.read() as s:
        return [(g, int(n or 0), None if m is None else float(m)) for g, n, m in await s.execute(q)]


# --- the queue side -------------------------------------------------------------------------------
def _wants_gold(settings: GoldSettings, rng: random.Random | None) -> bool:
    if settings.rate <= 0:
        return False
    return (rng or random.SystemRandom()).random() < settings.rate


async def pick_gold(
    s: AsyncSession,
    project: Project,
    user_id: int,
    stage: str,
    now: datetime,
    rng: random.Random | None = None,
) -> Item | None:
    """A gold item for this person's next task, at the project's gold rate: one they have
    never been given nor annotated, and none that a qualification quiz of the project uses.
    None when this task is not gold or none is left."""
    if stage != "annotate" or not _wants_gold(quality_of(project).gold, rng):
        return None
    seen = exists().where(Assignment.item_id == GoldItem.item_id, Assignment.user_id == user_id)
    done = exists().where(Annotation.item_id == GoldItem.item_id, Annotation.user_id == user_id)
    # A gold item in a qualification quiz is shown, as a quiz entry, to whoever opens the
    # quiz (taking it or not); served later as a task it would be recognised as gold.
    quizzed = exists().where(QualificationGoldEntry.item_id == GoldItem.item_id)
    q = (
        select(Item)
        .join(GoldItem, GoldItem.item_id == Item.id)
        .where(GoldItem.project_id == project.id, ~seen, ~done, ~quizzed)
        .order_by(func.random())
        .limit(1)
    )
    return await s.scalar(q)


async def lease_gold(
    s: AsyncSession,
    project: Project,
    user_id: int,
    stage: str,
    now: datetime,
    rng: random.Random | None = None,
) -> tuple[Assignment, Item] | None:
    """``pick_gold`` plus its lease: an ordinary annotate-stage assignment that takes no slot
    (gold items have none). The caller returns it like any other assigned task."""
    item = await pick_gold(s, project, user_id, stage, now, rng)
    if item is None:
        return None
    a = Assignment(
        project_id=project.id,
        item_id=item.id,
        user_id=user_id,
        stage=stage,
        status="leased",
        leased_at=now,
        expires_at=now + timedelta(seconds=project.lease_seconds),
    )
    s.add(a)
    await s.flush()
    return a, item


async def check_not_paused(s: AsyncSession, project: Project, user_id: int) -> None:
    """Refuses new annotate tasks to an annotator the gold checks paused (409)."""
    flag = await s.get(AnnotatorFlag, (project.id, user_id))
    if flag is not None and flag.paused and flag.cleared_at is None:
        raise Conflict(
            "your gold accuracy fell under the project's threshold; a lead must clear it",
            code="annotator_paused",
            accuracy=flag.accuracy,
        )


# --- scoring --------------------------------------------------------------------------------------
def score_answer(
    questions: dict[str, dict[str, Any]], result: dict[str, Any], answer: dict[str, Any]
) -> tuple[float, dict[str, float]]:
    """Mean over the gold's answered questions of the kind's score; a skipped question is 0."""
    per: dict[str, float] = {}
    for name, reference in answer.items():
        cfg = questions.get(name)
        if cfg is None:
            continue
        got = result.get(name)
        per[name] = 0.0 if got is None else float(score_against(cfg["kind"], got, reference, cfg))
    return (sum(per.values()) / len(per) if per else 0.0), per


async def after_submit(
    s: AsyncSession, project: Project, item: Item, annotation: Annotation
) -> GoldFeedback | None:
    """Scores a first annotate-stage submit of a gold item (in the submit's transaction),
    updates the annotator's rolling accuracy and flag; returns what to show them (None when
    the item is not gold or the project's gold feedback is off)."""
    if annotation.stage != "annotate" or annotation.version != 1:
        return None
    gold = await s.get(GoldItem, item.id)
    if gold is None:
        return None
    settings = quality_of(project).gold
    scored = await s.scalar(select(GoldScore).where(GoldScore.annotation_id == annotation.id))
    if scored is not None:  # already scored (steps run again): one score per annotation
        return _shown(settings, scored.score, scored.passed, gold.feedback)
    version = await s.get(SchemaVersion, project.schema_version_id)
    assert version is not None
    questions = {q["name"]: q for q in version.schema.get("questions", [])}
    score, per = score_answer(questions, annotation.result, gold.answer)
    passed = score >= settings.pass_threshold - 1e-9
    s.add(
        GoldScore(
            project_id=project.id,
            item_id=item.id,
            user_id=annotation.user_id,
            annotation_id=annotation.id,
            score=score,
            passed=passed,
            per_question=per,
        )
    )
    await s.flush()
    await _update_flag(s, project, annotation.user_id, settings)
    return _shown(settings, score, passed, gold.feedback)


def _shown(settings: GoldSettings, score: float, passed: bool, text: str) -> GoldFeedback | None:
    # With feedback off the submit must look like any other: no score, no verdict, no key.
    return GoldFeedback(score, passed, text or "") if settings.feedback else None


async def rolling(s: AsyncSession, project_id: int, user_id: int, window: int) -> tuple[float, int]:
    scores = list(
        await s.scalars(
            select(GoldScore.score)
            .where(GoldScore.project_id == project_id, GoldScore.user_id == user_id)
            .order_by(GoldScore.created_at.desc(), GoldScore.id.desc())
            .limit(window)
        )
    )
    return (sum(scores) / len(scores) if scores else float("nan")), len(scores)


async def failed_recently(
    s: AsyncSession, project_id: int, user_ids: set[int] | list[int], window: int
) -> set[int]:
    """Those of ``user_ids`` who failed at least one of their last ``window`` gold scores (the
    same rolling window that flags annotators)."""
    if not user_ids:
        return set()
    rank = (
        func.row_number()
        .over(
            partition_by=GoldScore.user_id,
            order_by=(GoldScore.created_at.desc(), GoldScore.id.desc()),
        )
        .label("n")
    )
    recent = (
        select(GoldScore.user_id, GoldScore.passed, rank)
        .where(GoldScore.project_id == project_id, GoldScore.user_id.in_(list(user_ids)))
        .subquery()
    )
    failed = select(recent.c.user_id).where(recent.c.n <= window, recent.c.passed.is_(False))
    return set(await s.scalars(failed.distinct()))


async def _update_flag(
    s: AsyncSession, project: Project, user_id: int, settings: GoldSettings
) -> None:
    if settings.flag_below is None:
        return
    acc, n = await rolling(s, project.id, user_id, settings.flag_window)
    if n < min(MIN_FLAG_SCORES, settings.flag_window) or acc >= settings.flag_below:
        return
    flag = await s.get(AnnotatorFlag, (project.id, user_id))
    if flag is None:
        s.add(
            AnnotatorFlag(
                project_id=project.id,
                user_id=user_id,
                accuracy=acc,
                paused=settings.pause_flagged,
                flagged_at=utcnow(),
            )
        )
    elif flag.cleared_at is not None:  # flagged again after a lead cleared it
        flag.accuracy, flag.paused, flag.flagged_at = acc, settings.pause_flagged, utcnow()
        flag.cleared_at = flag.cleared_by = None
    else:
        flag.accuracy = acc


async def clear_flag(db: Database, access: ProjectAccess, user_id: int) -> None:
    async with db.write() as s:
        flag = await s.get(AnnotatorFlag, (access.project.id, user_id))
        if flag is None or flag.cleared_at is not None:
            raise NotFound(f"user {user_id} is not flagged", code="flag_not_found")
        flag.cleared_at, flag.cleared_by, flag.paused = utcnow(), access.user.id, False
        audit.record(s, access.user.id, "gold.flag_clear", access.project.id, "user", user_id)


async def gold_summary(db: Database, project: Project) -> dict[str, Any]:
    """Per annotator: gold scored, mean, passed, accuracy with its Wilson interval, rolling
    accuracy over the flag window and flag state; plus project totals."""
    settings = quality_of(project).gold
    async with db.read() as s:
        rows = (
            await s.execute(
                select(
                    GoldScore.user_id,
                    User.username,
                    func.count(),
                    func.avg(GoldScore.score),
                    func.sum(case((GoldScore.passed, 1), else_=0)),
                )
                .join(User, User.id == GoldScore.user_id)
                .where(GoldScore.project_id == project.id)
                .group_by(GoldScore.user_id, User.username)
                .order_by(User.username)
            )
        ).all()
        flags = {
            f.user_id: f
            for f in await s.scalars(
                select(AnnotatorFlag).where(
                    and_(AnnotatorFlag.project_id == project.id, AnnotatorFlag.cleared_at.is_(None))
                )
            )
        }
        annotators = []
        for user_id, username, n, mean, passed in rows:
            low, high = wilson_interval(int(passed or 0), int(n))
            acc, _ = await rolling(s, project.id, user_id, settings.flag_window)  # n >= 1 here
            flag = flags.get(user_id)
            annotators.append(
                {
                    "user_id": user_id,
                    "username": username,
                    "scored": int(n),
                    "mean_score": float(mean),
                    "passed": int(passed or 0),
                    "accuracy": int(passed or 0) / int(n),
                    "ci": [low, high],
                    "rolling_accuracy": acc,
                    "flagged": flag is not None,
                    "paused": bool(flag and flag.paused),
                }
            )
        items = await s.scalar(select(func.count()).where(GoldItem.project_id == project.id))
    scored = sum(a["scored"] for a in annotators)
    passed_all = sum(a["passed"] for a in annotators)
    return {
        "gold_items": int(items or 0),
        "scored": scored,
        "accuracy": passed_all / scored if scored else None,
        "annotators": annotators,
    }


async def gold_item_ids(s: AsyncSession, project_id: int) -> set[int]:
    return set(await s.scalars(select(GoldItem.item_id).where(GoldItem.project_id == project_id)))
