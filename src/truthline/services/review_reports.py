"""What leads read about review: the project's Z1.4 lots (and sampling pools) with the items
behind each, and the agreement between reviewers on the annotations two of them judged."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from truthline.db.models import (
    Item,
    Project,
    ReviewBatch,
    ReviewTask,
    ReviewVerdict,
    ReworkTask,
    User,
)
from truthline.db.session import Database
from truthline.errors import NotFound
from truthline.quality import QualityInputError
from truthline.quality.kappa import cohen_kappa
from truthline.services import reliability
from truthline.services.quality_settings import quality_of

VERDICTS = ("accept", "fix", "reject")


# --- lots -----------------------------------------------------------------------------------------
def lot_summary(batch: ReviewBatch) -> dict[str, Any]:
    """A lot as the lead reads it: the plan, and the failures so far while it is sampled."""
    ids = batch.item_ids or {}
    defective = len(ids.get("defective", []))
    return {
        "id": batch.id,
        "kind": "lot" if batch.aql is not None else "pool",
        "status": batch.status,
        "lot_size": batch.lot_size,
        "item_count": len(ids.get("lot", [])),
        "aql": batch.aql,
        "sample_size": batch.sample_size,
        "accept": batch.accept,
        "reject": batch.reject,
        "judged": len(ids.get("judged", [])),
        "failures": batch.failures if batch.failures is not None else defective,
        "decision": batch.status if batch.status in ("accepted", "rejected") else None,
        "created_at": batch.created_at,
        "decided_at": batch.decided_at,
    }


async def list_lots(
    db: Database, project: Project, *, after_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """The project's lots and pools, newest first."""
    q = (
        select(ReviewBatch)
        .where(ReviewBatch.project_id == project.id)
        .order_by(ReviewBatch.id.desc())
        .limit(limit)
    )
    if after_id is not None:
        q = q.where(ReviewBatch.id < after_id)
    async with db.read() as s:
        return [lot_summary(b) for b in await s.scalars(q)]


async def get_lot(
    db: Database, project: Project, lot_id: int, *, after_id: int | None, limit: int
) -> dict[str, Any]:
    """One lot with a page of its items (by item id): whether each was sampled, judged and
    found defective, its stage now, its review outcome and its rework since the lot began."""
    async with db.read() as s:
        batch = await s.get(ReviewBatch, lot_id)
        if batch is None or batch.project_id != project.id:
            raise NotFound(f"no lot {lot_id} in this project", code="lot_not_found")
        ids = batch.item_ids or {}
        page = sorted(i for i in ids.get("lot", []) if after_id is None or i > after_id)[:limit]
        items = {i.id: i for i in await s.scalars(select(Item).where(Item.id.in_(page)))}
        outcomes = dict(
            (
                await s.execute(
                    select(ReviewTask.item_id, ReviewTask.outcome).where(
                        ReviewTask.item_id.in_(page), ReviewTask.batch_id == batch.id
                    )
                )
            ).all()
        )
        rework: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "done": 0})
        for item_id, status in (
            await s.execute(
                select(ReworkTask.item_id, ReworkTask.status).where(
                    ReworkTask.item_id.in_(page), ReworkTask.created_at >= batch.created_at
                )
            )
        ).all():
            rework[item_id][status] = rework[item_id].get(status, 0) + 1
    sampled, judged = set(ids.get("sample", [])), set(ids.get("judged", []))
    defective = set(ids.get("defective", []))
    rows = []
    for item_id in page:
        item = items.get(item_id)
        if item is None:  # deleted since
            continue
        rows.append(
            {
                "item_id": item_id,
                "external_id": item.external_id,
                "stage": item.stage,
                "sampled": item_id in sampled,
                "judged": item_id in judged,
                "defective": item_id in defective,
                "review_outcome": outcomes.get(item_id),
                "rework_open": rework[item_id]["open"] if item_id in rework else 0,
                "rework_done": rework[item_id]["done"] if item_id in rework else 0,
            }
        )
    last = page[-1] if len(page) == limit else None
    return {**lot_summary(batch), "items": rows, "next_cursor_id": last}


# --- reviewer agreement ---------------------------------------------------------------------------
@dataclass
class _Judged:
    """The verdicts of one annotation judged by two or more reviewers, in the order given."""

    item_id: int
    reviewers: list[int]
    verdicts: list[str]
    codes: list[set[str]]


def _num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _kappa(a: list[Any], b: list[Any], values: list[Any]) -> float | None:
    if not a:
        return None
    try:
        return _num(cohen_kappa(a, b, values=values))
    except QualityInputError:
        return None


def _share(a: list[Any], b: list[Any]) -> float | None:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a else None


async def reviewer_agreement(db: Database, project: Project, *, n_boot: int = 1000) -> dict:
    """Beside the verdict alpha of ``reliability.reviewer_agreement``: the share of reviewed
    items reviewed twice; Cohen's kappa between the first and second verdict on
    accept/fix/reject and on pass (accept) / fail, with the 3 x 3 table; the same per pair of
    reviewers; and, per error code, how often both reviewers gave it when one did."""
    out = await reliability.reviewer_agreement(db, project, n_boot=n_boot)
    async with db.read() as s:
        rows = (
            await s.execute(
                select(
                    ReviewVerdict.item_id,
                    ReviewVerdict.annotation_id,
                    ReviewVerdict.reviewer_id,
                    ReviewVerdict.verdict,
                    ReviewVerdict.error_codes,
                )
                .where(ReviewVerdict.project_id == project.id)
                .order_by(ReviewVerdict.id)
            )
        ).all()
        names = dict((await s.execute(select(User.id, User.username))).all())
    per: dict[int, _Judged] = {}
    reviewed_items: set[int] = set()
    for item_id, annotation_id, reviewer, verdict, codes in rows:
        reviewed_items.add(item_id)
        j = per.setdefault(annotation_id, _Judged(item_id, [], [], []))
        if reviewer not in j.reviewers:
            j.reviewers.append(reviewer)
            j.verdicts.append(verdict)
            j.codes.append(set(codes or []))
    twice = [j for j in per.values() if len(j.reviewers) >= 2]
    first = [j.verdicts[0] for j in twice]
    second = [j.verdicts[1] for j in twice]
    passed = [[v == "accept" for v in vs] for vs in (first, second)]
    items_twice = {j.item_id for j in twice}
    out.update(
        items_reviewed=len(reviewed_items),
        items_reviewed_twice=len(items_twice),
        share_reviewed_twice=len(items_twice) / len(reviewed_items) if reviewed_items else None,
        verdict_agreement=_share(first, second),
        kappa=_kappa(first, second, list(VERDICTS)),
        pass_fail_agreement=_share(*passed),
        pass_fail_kappa=_kappa(passed[0], passed[1], [True, False]),
        verdicts=list(VERDICTS),
        matrix=[
            [
                sum(1 for a, b in zip(first, second, strict=True) if (a, b) == (x, y))
                for y in VERDICTS
            ]
            for x in VERDICTS
        ],  # fmt: skip
        pairs=_pairs(twice, names),
        codes=_codes(project, twice),
    )
    return out


def _pairs(twice: list[_Judged], names: dict[int, str]) -> list[dict[str, Any]]:
    by_pair: dict[tuple[int, int], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for j in twice:
        (a, va), (b, vb) = sorted(zip(j.reviewers[:2], j.verdicts[:2], strict=True))
        by_pair[(a, b)][0].append(va)
        by_pair[(a, b)][1].append(vb)
    return [
        {
            "reviewer_a": names.get(a, str(a)),
            "reviewer_b": names.get(b, str(b)),
            "shared": len(va),
            "agreement": _share(va, vb),
            "kappa": _kappa(va, vb, list(VERDICTS)),
        }
        for (a, b), (va, vb) in sorted(
            by_pair.items(), key=lambda kv: (names.get(kv[0][0], ""), names.get(kv[0][1], ""))
        )
    ]


def _codes(project: Project, twice: list[_Judged]) -> list[dict[str, Any]]:
    """Per error code given on a twice-judged annotation: the share of the annotations where
    either reviewer gave it on which both did, and kappa on given / not given."""
    taxonomy = quality_of(project).codes()
    used = sorted({c for j in twice for cs in j.codes[:2] for c in cs})
    out = []
    for code in used:
        a = [code in j.codes[0] for j in twice]
        b = [code in j.codes[1] for j in twice]
        either = sum(x or y for x, y in zip(a, b, strict=True))
        both = sum(x and y for x, y in zip(a, b, strict=True))
        entry = taxonomy.get(code)
        out.append(
            {
                "code": code,
                "title": entry.title if entry else None,
                "either": either,
                "both": both,
                "agreement": both / either if either else None,
                "kappa": _kappa(a, b, [True, False]),
            }
        )
    return out
