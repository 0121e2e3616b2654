"""Quiz entries made of gold items: the taker annotates an item of the project with the
workspace's tools, and the result is scored against the item's gold answer the way gold
tasks are scored (the kind's score, passed at the project's gold pass threshold).

The expected answer is copied from the gold item when the quiz is saved and kept beside the
quiz (``qualification_gold_entries``), never in the questions a taker is sent; saving the quiz
again picks up a changed gold answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import GoldItem, Item, Project, SchemaVersion
from truthline.db.models_qualification import QualificationGoldEntry, QualificationQuiz
from truthline.db.session import Database
from truthline.errors import InvalidInput
from truthline.kinds import KindValidationError
from truthline.schema import validate_annotation
from truthline.services import gold
from truthline.services.annotations import item_context
from truthline.services.projects import schema_of
from truthline.services.quality_settings import quality_of

GOLD_KIND = "gold"
MAX_CANDIDATES = 500
PREVIEW_CHARS = 120


def gold_entries(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for q in questions if q.get("kind") == GOLD_KIND]


async def _schema(s: AsyncSession, project: Project) -> tuple[Any, dict[str, dict[str, Any]]]:
    version = await s.get(SchemaVersion, project.schema_version_id)
    assert version is not None
    return schema_of(version), {q["name"]: q for q in version.schema.get("questions", [])}


@dataclass
class Expected:
    item_id: int
    answer: dict[str, Any]
    feedback: str


async def expected_answers(
    db: Database, project: Project, questions: list[dict[str, Any]]
) -> dict[str, Expected]:
    """The gold answers of the quiz's gold entries, as they are now; a reference that is not
    a gold item of this project, or whose answer no current question can score, is refused
    with a 422 naming ``questions[n].item_id``."""
    entries = {n: q for n, q in enumerate(questions) if q.get("kind") == GOLD_KIND}
    if not entries:
        return {}
    wanted = {int(q["item_id"]) for q in entries.values()}
    async with db.read() as s:
        rows = {
            g.item_id: g
            for g in await s.scalars(
                select(GoldItem).where(
                    GoldItem.project_id == project.id, GoldItem.item_id.in_(wanted)
                )
            )
        }
        _, by_name = await _schema(s, project)
    out: dict[str, Expected] = {}
    for n, q in entries.items():
        where = f"questions[{n}].item_id"
        row = rows.get(int(q["item_id"]))
        if row is None:
            raise InvalidInput(
                f"{where}: item {q['item_id']} is not a gold item of this project",
                code="invalid_quiz_item",
                field=where,
                value=q["item_id"],
            )
        if not any(name in by_name for name in row.answer):
            raise InvalidInput(
                f"{where}: the gold answer of item {row.item_id} answers no question of the "
                "current schema; set its gold answer again",
                code="invalid_quiz_item",
                field=where,
                value=row.item_id,
            )
        out[q["id"]] = Expected(row.item_id, dict(row.answer), row.feedback or "")
    return out


async def store_expected(s: AsyncSession, quiz_id: int, expected: dict[str, Expected]) -> None:
    """Replaces the quiz's expected answers (inside the save's transaction)."""
    await s.execute(delete(QualificationGoldEntry).where(QualificationGoldEntry.quiz_id == quiz_id))
    for entry_id, e in expected.items():
        s.add(
            QualificationGoldEntry(
                quiz_id=quiz_id,
                entry_id=entry_id,
                item_id=e.item_id,
                answer=e.answer,
                feedback=e.feedback,
            )
        )


async def items_of(db: Database, quiz: QualificationQuiz) -> dict[str, Item]:
    """The items a taker annotates, by entry id (their data and media, no answers)."""
    entries = gold_entries(quiz.questions)
    if not entries:
        return {}
    async with db.read() as s:
        rows = {
            i.id: i
            for i in await s.scalars(
                select(Item).where(Item.id.in_({int(q["item_id"]) for q in entries}))
            )
        }
    return {q["id"]: rows[int(q["item_id"])] for q in entries if int(q["item_id"]) in rows}


@dataclass
class LeadView:
    external_id: str
    answer: dict[str, Any]
    changed: bool  # the item's gold answer is no longer the one the quiz expects


async def lead_views(
    db: Database, quizzes: list[QualificationQuiz]
) -> dict[int, dict[str, LeadView]]:
    """Per quiz, per gold entry: what the lead sees (the expected answer included)."""
    ids = [q.id for q in quizzes if gold_entries(q.questions)]
    if not ids:
        return {}
    async with db.read() as s:
        rows = (
            await s.execute(
                select(QualificationGoldEntry, Item.external_id, GoldItem.answer)
                .join(Item, Item.id == QualificationGoldEntry.item_id)
                .outerjoin(GoldItem, GoldItem.item_id == QualificationGoldEntry.item_id)
                .where(QualificationGoldEntry.quiz_id.in_(ids))
            )
        ).all()
    out: dict[int, dict[str, LeadView]] = {}
    for entry, external_id, current in rows:
        out.setdefault(entry.quiz_id, {})[entry.entry_id] = LeadView(
            external_id=external_id, answer=entry.answer, changed=current != entry.answer
        )
    return out


@dataclass
class AnswerKey:
    """What scoring a quiz's gold entries needs."""

    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)  # schema, by name
    threshold: float = 1.0

    def score(self, entry_id: str, result: dict[str, Any]) -> float:
        value, _ = gold.score_answer(self.questions, result, self.expected[entry_id])
        return value

    def passes(self, score: float) -> bool:
        return score >= self.threshold - 1e-9  # the comparison gold scoring makes


async def answer_key(
    db: Database, project: Project, quiz: QualificationQuiz, answers: dict[str, Any]
) -> tuple[AnswerKey, dict[str, Any]]:
    """The key of the quiz's gold entries and ``answers`` with each gold entry's result
    checked against the current schema and its item (422 naming ``answers.<id>...``)."""
    entries = gold_entries(quiz.questions)
    if not entries:
        return AnswerKey(), answers
    async with db.read() as s:
        stored = list(
            await s.scalars(
                select(QualificationGoldEntry).where(QualificationGoldEntry.quiz_id == quiz.id)
            )
        )
        schema, by_name = await _schema(s, project)
        items = {
            i.id: i
            for i in await s.scalars(select(Item).where(Item.id.in_([e.item_id for e in stored])))
        }
    key = AnswerKey(
        expected={e.entry_id: e.answer for e in stored},
        feedback={e.entry_id: e.feedback for e in stored},
        questions=by_name,
        threshold=quality_of(project).gold.pass_threshold,
    )
    item_of = {e.entry_id: items[e.item_id] for e in stored}
    clean = dict(answers)
    for q in entries:
        qid = q["id"]
        if qid not in answers:
            continue
        raw = answers[qid]
        if not isinstance(raw, dict):
            raise InvalidInput(
                f"answers.{qid}: a gold item is answered with a result object keyed by "
                "question name",
                code="invalid_annotation",
                field=f"answers.{qid}",
            )
        try:
            clean[qid] = validate_annotation(schema, raw, item_context(item_of[qid]), partial=True)
        except KindValidationError as exc:
            where = f"answers.{qid}.{exc.path}" if exc.path else f"answers.{qid}"
            raise InvalidInput(
                f"answers.{qid}: {exc.message}", code="invalid_annotation", field=where
            ) from None
    return key, clean


@dataclass
class Candidate:
    item_id: int
    external_id: str
    preview: str
    answer: dict[str, Any]


def _preview(data: dict[str, Any]) -> str:
    for value in data.values():
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
    return ""


async def candidates(db: Database, project: Project) -> list[Candidate]:
    """The project's gold items a quiz may use, oldest first."""
    rows = await gold.list_gold(db, project, after_id=None, limit=MAX_CANDIDATES)
    if not rows:
        return []
    async with db.read() as s:
        items = {
            i.id: i
            for i in await s.scalars(
                select(Item).where(Item.id.in_([g.item_id for g, _, _ in rows]))
            )
        }
    return [
        Candidate(
            g.item_id, items[g.item_id].external_id, _preview(items[g.item_id].data), g.answer
        )
        for g, _, _ in rows
        if g.item_id in items
    ]
