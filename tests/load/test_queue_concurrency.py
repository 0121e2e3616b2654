"""Many concurrent annotators over more than 10,000 leases: no double assignment, no starvation."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
from sqlalchemy import func, select
from tests.factories import make_project, make_user

from truthline.db.models import Annotation, Assignment, Item
from truthline.db.session import Database
from truthline.errors import Conflict
from truthline.policies import project_access
from truthline.services import annotations, queue

pytestmark = pytest.mark.slow

ITEMS = 5_000
OVERLAP = 2
PEOPLE = 24


async def _bulk_items(db: Database, project_id: int, n: int) -> None:
    from truthline.db.types import utcnow

    rows = [
        {
            "project_id": project_id,
            "external_id": f"i{k}",
            "data": {"text": f"t{k}"},
            "meta": {},
            "priority": k % 7,
            "stage": "annotate",
            "slots_free": OVERLAP,
            "submitted_count": 0,
            "created_at": utcnow(),
        }
        for k in range(n)
    ]
    async with db.write() as s:
        await s.execute(Item.__table__.insert(), rows)


async def _annotator(db: Database, access: object, rng: random.Random) -> int:
    done = 0
    while True:
        got = await queue.next_item(db, access, "annotate")  # type: ignore[arg-type]
        if got.status == "empty":
            return done
        if got.status == "all_leased":
            await asyncio.sleep(0.01)
            continue
        assert got.assignment is not None and got.item is not None
        if rng.random() < 0.01:  # now and then someone gives an item back
            await queue.end_lease(db, access, got.assignment.id, "released")  # type: ignore[arg-type]
            continue
        try:
            await annotations.submit(
                db,
                access,
                got.item.id,  # type: ignore[arg-type]
                result={"sentiment": {"labels": [rng.choice(["pos", "neg", "neu"])]}},
                idempotency_key=uuid.uuid4().hex,
                lease_id=got.assignment.id,
            )
        except Conflict:
            raise
        done += 1


async def test_parallel_annotators_never_double_assigned(db: Database) -> None:
    owner = await make_user(db)
    people = [await make_user(db) for _ in range(PEOPLE)]
    project = await make_project(
        db, owner, overlap=OVERLAP, members=dict.fromkeys(people, "annotator")
    )
    await _bulk_items(db, project.id, ITEMS)
    accesses = [await project_access(db, p, project.id, "queue.work") for p in people]
    done = await asyncio.gather(
        *[_annotator(db, a, random.Random(n)) for n, a in enumerate(accesses)]
    )
    assert sum(done) == ITEMS * OVERLAP  # every slot of every item was filled: no starvation
    async with db.read() as s:
        per_item = (
            await s.execute(
                select(
                    Annotation.item_id, func.count(), func.count(func.distinct(Annotation.user_id))
                ).group_by(Annotation.item_id)
            )
        ).all()
        leases = await s.scalar(select(func.count()).select_from(Assignment))
        open_items = await s.scalar(select(func.count()).where(Item.stage != "done"))
        negative = await s.scalar(select(func.count()).where(Item.slots_free < 0))
    assert len(per_item) == ITEMS
    assert all(n == OVERLAP and people_n == OVERLAP for _, n, people_n in per_item)
    assert leases >= ITEMS * OVERLAP >= 10_000
    assert open_items == 0 and negative == 0
