"""Quality facts per item for exports: consolidated results with confidence and agreement,
review verdicts and error codes, and gold status. The export service calls
``quality_for_items`` once per page of items and adds the parts its ``include`` asks for."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import ConsolidatedResult, GoldItem, Project, ReviewVerdict
from truthline.quality import QualityInputError
from truthline.quality.agreement import score_against
from truthline.services.quality_data import Question, latest_for_items, questions_of

INCLUDES = ("consolidated", "agreement", "review", "gold")


def item_agreement(q: Question, given: list[dict[str, Any]]) -> float | None:
    """Mean score of every two answers to one question on one item (None under two)."""
    if len(given) < 2:
        return None
    try:
        pairs = [score_against(q.kind, a, b, q.config) for a, b in combinations(given, 2)]
    except QualityInputError:
        return None
    return float(sum(pairs) / len(pairs))


async def quality_for_items(
    s: AsyncSession,
    project: Project,
    item_ids: list[int],
    include: tuple[str, ...] = INCLUDES,
) -> dict[int, dict[str, Any]]:
    """item id -> {"consolidated": {question: {result, confidence, method, support,
    n_annotations}}, "agreement": {question: mean pairwise score}, "review": [{annotation_id,
    annotator_id, reviewer_id, verdict, error_codes, comment, fixed_annotation_id}], "gold":
    {"answer", "feedback"} | None}, only the parts named in ``include``."""
    out: dict[int, dict[str, Any]] = {i: {} for i in item_ids}
    if not item_ids:
        return out
    if "consolidated" in include:
        for i in item_ids:
            out[i]["consolidated"] = {}
        rows = await s.scalars(
            select(ConsolidatedResult).where(ConsolidatedResult.item_id.in_(item_ids))
        )
        for r in rows:
            out[r.item_id]["consolidated"][r.question] = {
                "result": r.result,
                "confidence": r.confidence,
                "method": r.method,
                "support": r.support,
                "n_annotations": r.n_annotations,
            }
    if "agreement" in include:
        questions = await questions_of(s, project)
        latest = await latest_for_items(s, item_ids)
        for i in item_ids:
            per = latest.get(i, {})
            out[i]["agreement"] = {
                q.name: item_agreement(
                    q, [a.result[q.name] for a in per.values() if a.result.get(q.name) is not None]
                )
                for q in questions
            }
    if "review" in include:
        for i in item_ids:
            out[i]["review"] = []
        verdicts = await s.scalars(
            select(ReviewVerdict)
            .where(ReviewVerdict.item_id.in_(item_ids))
            .order_by(ReviewVerdict.id)
        )
        for v in verdicts:
            out[v.item_id]["review"].append(
                {
                    "annotation_id": v.annotation_id,
                    "annotator_id": v.annotator_id,
                    "reviewer_id": v.reviewer_id,
                    "verdict": v.verdict,
                    "error_codes": list(v.error_codes or []),
                    "comment": v.comment,
                    "fixed_annotation_id": v.fixed_annotation_id,
                    "created_at": v.created_at.isoformat(),
                }
            )
    if "gold" in include:
        golds = {
            g.item_id: g
            for g in await s.scalars(select(GoldItem).where(GoldItem.item_id.in_(item_ids)))
        }
        for i in item_ids:
            g = golds.get(i)
            out[i]["gold"] = {"answer": g.answer, "feedback": g.feedback} if g else None
    return out
