"""Which items go to review when their annotation ends: all, a random share (decided by a hash
of the item id, so the same item always gets the same answer), or a stratified or risk-based
sample of a pool; with an AQL, pools are Z1.4 lots whose sample accepts or rejects the lot.

Items waiting in a pool or in a lot under decision are in the ``held`` stage.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    Assignment,
    Item,
    Project,
    ReviewBatch,
    ReviewTask,
)
from truthline.db.types import utcnow
from truthline.quality import QualityInputError, consolidate
from truthline.quality.agreement import score_against
from truthline.quality.sampling import (
    random_sample,
    risk_ranked_sample,
    sampling_plan,
    stratified_items,
)
from truthline.services.gold import failed_recently
from truthline.services.quality_data import latest_for_items, questions_of
from truthline.services.quality_settings import ReviewSettings, quality_of

HELD = "held"
DEFAULT_POOL = 100
BASE_RISK = 0.05  # every item keeps a chance of being drawn


def unit_hash(project_id: int, item_id: int, salt: str) -> float:
    """A number in [0, 1) fixed by the item: the same item always gets the same draw."""
    digest = hashlib.sha256(f"{project_id}:{item_id}:{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


async def _fresh_item(s: AsyncSession, item_id: int) -> Item:
    item = await s.scalar(
        select(Item).where(Item.id == item_id).execution_options(populate_existing=True)
    )
    assert item is not None
    return item


async def on_annotate_complete(s: AsyncSession, project: Project, item_id: int) -> str:
    """Called in the submit's transaction after an annotate-stage submit: when that submit
    ended the stage (the item is ``done``), decides whether it goes to review; returns the
    item's stage afterwards."""
    item = await _fresh_item(s, item_id)
    if item.stage != "done":
        return item.stage
    cfg = quality_of(project).review
    if cfg.mode == "off":
        return "done"
    if cfg.mode in ("all", "random") and cfg.aql is None:
        if cfg.mode == "all" or unit_hash(project.id, item.id, "review") < cfg.rate:
            await send_to_review(s, project, item, cfg.mode, cfg)
            return "review"
        return "done"
    return await _add_to_batch(s, project, item, cfg)


async def send_to_review(
    s: AsyncSession,
    project: Project,
    item: Item,
    reason: str,
    cfg: ReviewSettings,
    batch_id: int | None = None,
) -> ReviewTask:
    """Moves the item to the review stage with one slot per reviewer it needs (two for the
    share reviewed twice, which measures reviewer agreement)."""
    needed = 2 if unit_hash(project.id, item.id, "double") < cfg.double_rate else 1
    task = await s.get(ReviewTask, item.id)
    if task is None:
        task = ReviewTask(item_id=item.id, project_id=project.id)
        s.add(task)
    task.reason, task.reviews_needed, task.batch_id = reason, needed, batch_id
    task.status, task.outcome, task.created_at, task.done_at = "open", None, utcnow(), None
    # An item back from rework is a new review round: earlier reviewers' ended leases must not
    # keep them from taking it again (the verdicts themselves keep the history).
    await s.execute(
        update(Assignment)
        .where(
            Assignment.item_id == item.id,
            Assignment.stage == "review",
            Assignment.status.not_in(("leased", "released", "expired")),
        )
        .values(status="released")
    )
    item.stage, item.slots_free = "review", needed
    await s.flush()
    return task


async def _add_to_batch(s: AsyncSession, project: Project, item: Item, cfg: ReviewSettings) -> str:
    q = (
        select(ReviewBatch)
        .where(ReviewBatch.project_id == project.id, ReviewBatch.status == "filling")
        .order_by(ReviewBatch.id)
        .limit(1)
    )
    assert s.bind is not None  # sessions from Database are always bound
    if s.bind.dialect.name != "sqlite":
        q = q.with_for_update()
    batch = await s.scalar(q)
    if batch is None:
        batch = ReviewBatch(
            project_id=project.id,
            status="filling",
            lot_size=cfg.lot_size or DEFAULT_POOL,
            aql=cfg.aql,
            item_ids={"lot": [], "sample": []},
        )
        s.add(batch)
        await s.flush()
    lot = [*batch.item_ids.get("lot", []), item.id]
    batch.item_ids = {**batch.item_ids, "lot": lot}
    item.stage, item.slots_free = HELD, 0
    if len(lot) >= batch.lot_size:
        await draw_batch(s, project, batch, cfg)
    return (await _fresh_item(s, item.id)).stage


async def draw_batch(
    s: AsyncSession, project: Project, batch: ReviewBatch, cfg: ReviewSettings
) -> list[int]:
    """Draws the batch's sample and sends it to review; the rest is done (a pool) or waits
    for the lot's decision (a lot)."""
    lot: list[int] = list(batch.item_ids.get("lot", []))
    if batch.aql is not None and len(lot) >= 2:
        plan = sampling_plan(len(lot), batch.aql)
        n, batch.accept, batch.reject = plan.sample_size, plan.accept, plan.reject
    elif batch.aql is not None:
        n, batch.accept, batch.reject = len(lot), 0, 1
    else:
        n = math.ceil(round(cfg.rate * len(lot), 9))  # 0.07 x 100 is 7.000000000000001
    sample = await _select(s, project, cfg, lot, n, seed=batch.id)
    batch.sample_size = len(sample)
    batch.item_ids = {**batch.item_ids, "sample": sample, "judged": [], "defective": []}
    batch.status = "sampling" if batch.aql is not None else "sampled"
    chosen = set(sample)
    reason = "lot" if batch.aql is not None else cfg.mode
    items = {i.id: i for i in await s.scalars(select(Item).where(Item.id.in_(lot)))}
    for item_id in lot:
        item = items[item_id]
        if item.stage != HELD:
            continue
        if item_id in chosen:
            await send_to_review(s, project, item, reason, cfg, batch.id)
        elif batch.aql is None:
            item.stage = "done"
    if batch.aql is not None and not sample:
        from truthline.services.review import decide_batch

        await decide_batch(s, project, batch)
    await s.flush()
    return sample


async def _select(
    s: AsyncSession, project: Project, cfg: ReviewSettings, lot: list[int], n: int, seed: int
) -> list[int]:
    """Exactly ``n`` items of the pool or lot (all of it when n reaches its size)."""
    if n >= len(lot):
        return list(lot)
    if cfg.mode == "stratified":
        return await _stratified(s, lot, n, seed)
    if cfg.mode == "risk":
        risks = await item_risks(s, project, lot)
        ranked = risk_ranked_sample(lot, [risks[i].total for i in lot], n, seed)
        return [int(i) for i in ranked]  # type: ignore[call-overload]
    return [int(i) for i in random_sample(lot, n, seed)]  # type: ignore[call-overload]


async def _stratified(s: AsyncSession, lot: list[int], n: int, seed: int) -> list[int]:
    """Strata are (annotator, labels given) over the lot's annotations; an item with k
    annotators sits in k strata. ``n`` items (not annotations) are drawn, allocated to the
    strata in proportion to their annotations, so every annotator and label is represented
    in proportion and the sample is the size the rate or the Z1.4 plan asks for."""
    latest = await latest_for_items(s, lot)
    units = [
        (item_id, f"{user_id}|{'/'.join(sorted(map(str, labels_of(a.result))))}")
        for item_id in lot
        for user_id, a in sorted(latest.get(item_id, {}).items())
    ]
    return [int(i) for i in stratified_items(units, lot, n, seed)]  # type: ignore[call-overload]


def labels_of(result: Any) -> set[str]:
    """Every label in a result of any kind: ``labels`` lists and ``label`` fields."""
    found: set[str] = set()
    stack = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("labels"), list):
                found.update(str(x) for x in node["labels"] if x is not None)
            if isinstance(node.get("label"), str):
                found.add(node["label"])
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return found


@dataclass(frozen=True)
class ItemRisk:
    """Why an item is risky; each factor adds to ``total``, the key the sample is ranked by."""

    disagreement: float  # 1 - the annotators' mean pairwise agreement, worst question
    low_confidence: float  # 1 - the lowest consolidation confidence of its questions
    new_annotator: bool  # an annotator with fewer submits than review.new_annotator_items
    failed_gold: bool  # an annotator who failed gold within the gold rolling window

    @property
    def total(self) -> float:
        return (
            BASE_RISK
            + self.disagreement
            + self.low_confidence
            + float(self.new_annotator)
            + float(self.failed_gold)
        )


async def item_risks(s: AsyncSession, project: Project, item_ids: list[int]) -> dict[int, ItemRisk]:
    """The risk factors of each item (``ItemRisk``). Agreement and confidence are computed
    from the annotators' latest answers: with one answer there is nothing to disagree on."""
    cfg = quality_of(project)
    questions = await questions_of(s, project)
    latest = await latest_for_items(s, item_ids)
    users = {u for per in latest.values() for u in per}
    counts = dict(
        (
            await s.execute(
                select(Annotation.user_id, func.count())
                .where(
                    Annotation.project_id == project.id,
                    Annotation.user_id.in_(users),
                    Annotation.version == 1,
                )
                .group_by(Annotation.user_id)
            )
        ).all()
    )
    failed = await failed_recently(s, project.id, users, cfg.gold.flag_window)
    risks = {}
    for item_id in item_ids:
        per = latest.get(item_id, {})
        agreement = confidence = 1.0
        for q in questions:
            given = [a.result[q.name] for a in per.values() if a.result.get(q.name) is not None]
            if len(given) >= 2:
                agreement = min(agreement, _pairwise_agreement(q.kind, given, q.config))
                confidence = min(confidence, _confidence(q.kind, given, q.config))
        risks[item_id] = ItemRisk(
            disagreement=1 - agreement,
            low_confidence=1 - confidence,
            new_annotator=any(counts.get(u, 0) < cfg.review.new_annotator_items for u in per),
            failed_gold=bool(failed & set(per)),
        )
    return risks


def _pairwise_agreement(kind: str, given: list[Any], config: dict[str, Any]) -> float:
    """Mean score of each answer against each other one (both ways: some scores are not
    symmetric); 0.5 when the kind cannot score them."""
    try:
        scores = [
            float(score_against(kind, a, b, config))
            for i, a in enumerate(given)
            for j, b in enumerate(given)
            if i != j
        ]
    except (QualityInputError, KeyError):
        return 0.5
    return sum(scores) / len(scores)


def _confidence(kind: str, given: list[Any], config: dict[str, Any]) -> float:
    try:
        return float(consolidate(kind, given, config).confidence)
    except QualityInputError:
        return 0.5


async def close_batch(s: AsyncSession, project: Project) -> ReviewBatch | None:
    """Draws the sample of the filling pool or lot now, whatever its size (end of a project)."""
    batch = await s.scalar(
        select(ReviewBatch)
        .where(ReviewBatch.project_id == project.id, ReviewBatch.status == "filling")
        .order_by(ReviewBatch.id)
        .limit(1)
    )
    if batch is None or not batch.item_ids.get("lot"):
        return None
    await draw_batch(s, project, batch, quality_of(project).review)
    return batch
