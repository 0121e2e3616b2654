"""Qualification quizzes: a guideline version may carry a short quiz that annotators and
reviewers must pass before the project's queue opens for them.

The quiz in force is the one of the newest guideline version that carries an enabled quiz, so
publishing a version without a quiz keeps the earlier quiz in force, and a quiz on a newer
version must be passed again. Admins, leads and viewers are never gated. Correct answers leave
the server only for leads; a taker learns after submitting which questions they missed and
the explanations of those questions.

A quiz mixes choice questions with gold entries (``qualification_gold``): a gold item of the
project to annotate, right when its gold score reaches the project's gold pass threshold. The
score is the share of entries right, whatever their kind (``qualification_rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, exists, func, select, type_coerce, update
from sqlalchemy.exc import IntegrityError

from truthline.db.models import Membership, User
from truthline.db.models_qualification import QualificationAttempt, QualificationQuiz
from truthline.db.session import Database
from truthline.db.types import UTCDateTime, utcnow
from truthline.errors import Conflict, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit, gates, qualification_gold
from truthline.services.guidelines import GATED_ROLES, get_version
from truthline.services.qualification_gold import AnswerKey
from truthline.services.qualification_rules import (
    KINDS,
    Answers,
    Marked,
    QuestionSpec,
    QuizSpec,
    check_spec,
    feedback,
    mark,
    stored_answers,
)

__all__ = ["KINDS", "Marked", "QuestionSpec", "QuizSpec", "check_spec", "feedback", "mark"]


async def save_quiz(
    db: Database, access: ProjectAccess, version: int, spec: QuizSpec
) -> QualificationQuiz:
    """Creates or replaces the quiz of a guideline version. Attempts already made keep the
    score they got; a person who passed stays passed."""
    questions = check_spec(spec)
    row = await get_version(db, access.project.id, version)
    expected = await qualification_gold.expected_answers(db, access.project, questions)
    try:
        async with db.write() as s:
            quiz = await s.scalar(
                select(QualificationQuiz).where(QualificationQuiz.guideline_version_id == row.id)
            )
            if quiz is None:
                quiz = QualificationQuiz(
                    project_id=access.project.id,
                    guideline_version_id=row.id,
                    guideline_version=row.version,
                    revision=0,
                    created_by=access.user.id,
                )
                s.add(quiz)
            quiz.questions, quiz.pass_mark = questions, spec.pass_mark
            quiz.max_attempts, quiz.cooldown_minutes = spec.max_attempts, spec.cooldown_minutes
            quiz.enabled, quiz.revision, quiz.updated_at = spec.enabled, quiz.revision + 1, utcnow()
            await s.flush()
            await qualification_gold.store_expected(s, quiz.id, expected)
            audit.record(
                s, access.user.id, "qualification.save", access.project.id, "quiz", quiz.id,
                {"guideline_version": row.version, "questions": len(questions)},
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("the quiz was saved at the same time; reload it", code="retry") from None
    gates.forget(access.project.id)
    return quiz


async def list_quizzes(db: Database, project_id: int) -> list[QualificationQuiz]:
    async with db.read() as s:
        rows = await s.scalars(
            select(QualificationQuiz)
            .where(QualificationQuiz.project_id == project_id)
            .order_by(QualificationQuiz.guideline_version)
        )
        return list(rows)


async def quiz_of_version(db: Database, project_id: int, version: int) -> QualificationQuiz:
    async with db.read() as s:
        quiz = await s.scalar(
            select(QualificationQuiz).where(
                QualificationQuiz.project_id == project_id,
                QualificationQuiz.guideline_version == version,
            )
        )
    if quiz is None:
        raise NotFound(f"guideline version {version} has no quiz", code="quiz_not_found")
    return quiz


async def quiz_in_force(db: Database, project_id: int) -> QualificationQuiz | None:
    async with db.read() as s:
        return await s.scalar(
            select(QualificationQuiz)
            .where(QualificationQuiz.project_id == project_id, QualificationQuiz.enabled)
            .order_by(QualificationQuiz.guideline_version.desc())
            .limit(1)
        )


def is_gated(access: ProjectAccess) -> bool:
    return not access.user.is_admin and access.role in GATED_ROLES


@dataclass
class Required:
    quiz_id: int
    version: int


async def required(db: Database, access: ProjectAccess) -> Required | None:
    """The quiz this person must pass before taking work, or None: one indexed query."""
    if not is_gated(access):
        return None
    passed = (
        exists()
        .where(
            QualificationAttempt.quiz_id == QualificationQuiz.id,
            QualificationAttempt.user_id == access.user.id,
            QualificationAttempt.passed,
        )
        .correlate(QualificationQuiz)
    )
    async with db.read() as s:
        row = (
            await s.execute(
                select(QualificationQuiz.id, QualificationQuiz.guideline_version, passed)
                .where(QualificationQuiz.project_id == access.project.id, QualificationQuiz.enabled)
                .order_by(QualificationQuiz.guideline_version.desc())
                .limit(1)
            )
        ).first()
    if row is None or row[2]:
        return None
    return Required(quiz_id=row[0], version=row[1])


@dataclass
class TakerState:
    quiz: QualificationQuiz | None
    required: bool  # this person must pass it before taking work
    passed: bool
    attempts_used: int
    attempts_left: int
    retry_at: datetime | None  # a cool-down ends then
    last: QualificationAttempt | None


async def _attempts(db: Database, quiz_id: int, user_id: int) -> list[QualificationAttempt]:
    async with db.read() as s:
        rows = await s.scalars(
            select(QualificationAttempt)
            .where(QualificationAttempt.quiz_id == quiz_id, QualificationAttempt.user_id == user_id)
            .order_by(QualificationAttempt.id)
        )
        return list(rows)


def _limits(
    quiz: QualificationQuiz, attempts: list[QualificationAttempt]
) -> tuple[bool, int, int, datetime | None]:
    passed = any(a.passed for a in attempts)
    used = sum(1 for a in attempts if a.counted)
    left = max(0, quiz.max_attempts - used)
    last = attempts[-1] if attempts else None
    retry_at = None
    if last is not None and not passed and last.counted and quiz.cooldown_minutes:
        until = last.created_at + timedelta(minutes=quiz.cooldown_minutes)
        retry_at = until if until > utcnow() else None
    return passed, used, left, retry_at


async def taker_state(db: Database, access: ProjectAccess) -> TakerState:
    quiz = await quiz_in_force(db, access.project.id)
    if quiz is None:
        return TakerState(None, False, False, 0, 0, None, None)
    attempts = await _attempts(db, quiz.id, access.user.id)
    passed, used, left, retry_at = _limits(quiz, attempts)
    return TakerState(
        quiz, is_gated(access) and not passed, passed, used, left, retry_at,
        attempts[-1] if attempts else None,
    )  # fmt: skip


async def submit_attempt(
    db: Database, access: ProjectAccess, quiz_id: int, answers: Answers
) -> tuple[QualificationAttempt, QualificationQuiz, Marked, AnswerKey]:
    quiz = await quiz_in_force(db, access.project.id)
    if quiz is None or quiz.id != quiz_id:
        raise NotFound(
            f"quiz {quiz_id} is not the quiz in force in this project", code="quiz_not_found"
        )
    key, answers = await qualification_gold.answer_key(db, access.project, quiz, answers)
    marked = mark(quiz.questions, answers, quiz.pass_mark, key)
    async with db.write() as s:
        # Read inside the write transaction: concurrent submits cannot both use the last try.
        attempts = list(
            await s.scalars(
                select(QualificationAttempt)
                .where(
                    QualificationAttempt.quiz_id == quiz.id,
                    QualificationAttempt.user_id == access.user.id,
                )
                .order_by(QualificationAttempt.id)
            )
        )
        passed, _, left, retry_at = _limits(quiz, attempts)
        if passed:
            raise Conflict("you have already passed this quiz", code="quiz_already_passed")
        if left <= 0:
            raise Conflict(
                "no attempts left; ask a lead for another attempt",
                code="quiz_attempts_exhausted",
                max_attempts=quiz.max_attempts,
            )
        if retry_at is not None:
            raise Conflict(
                f"you can try again at {retry_at.isoformat()}",
                code="quiz_cooldown",
                retry_at=retry_at.isoformat(),
                retry_after=max(1, int((retry_at - utcnow()).total_seconds())),
            )
        row = QualificationAttempt(
            quiz_id=quiz.id,
            project_id=access.project.id,
            user_id=access.user.id,
            quiz_revision=quiz.revision,
            answers=stored_answers(answers),
            score=marked.score,
            passed=marked.passed,
            counted=True,
            created_at=utcnow(),
        )
        s.add(row)
        await s.flush()
        audit.record(
            s, access.user.id, "qualification.attempt", access.project.id, "quiz", quiz.id,
            {"score": marked.score, "passed": marked.passed},
        )  # fmt: skip
    return row, quiz, marked, key


async def grant_attempts(db: Database, access: ProjectAccess, version: int, user_id: int) -> int:
    """Gives a person a fresh set of attempts: their failed attempts stop counting (they stay
    on record). Returns how many attempts were set aside."""
    quiz = await quiz_of_version(db, access.project.id, version)
    async with db.write() as s:
        member = await s.get(Membership, (access.project.id, user_id))
        if member is None:
            raise NotFound(f"user {user_id} is not a member of this project", code="user_not_found")
        result = await s.execute(
            update(QualificationAttempt)
            .where(
                QualificationAttempt.quiz_id == quiz.id,
                QualificationAttempt.user_id == user_id,
                QualificationAttempt.counted,
                QualificationAttempt.passed.is_(False),
            )
            .values(counted=False)
        )
        n = int(result.rowcount or 0)  # type: ignore[attr-defined]
        audit.record(
            s, access.user.id, "qualification.grant", access.project.id, "quiz", quiz.id,
            {"user_id": user_id, "set_aside": n},
        )  # fmt: skip
    return n


@dataclass
class PersonResult:
    user: User
    role: str
    attempts: int
    counted: int
    best_score: float | None
    passed: bool
    last_at: datetime | None


async def results(db: Database, access: ProjectAccess, version: int) -> list[PersonResult]:
    """Every member with their attempts at the quiz of ``version``."""
    quiz = await quiz_of_version(db, access.project.id, version)
    A = QualificationAttempt
    async with db.read() as s:
        per = (
            select(
                A.user_id,
                func.count(A.id).label("attempts"),
                func.sum(case((A.counted, 1), else_=0)).label("counted"),
                func.max(A.score).label("best"),
                func.max(case((A.passed, 1), else_=0)).label("passed"),
                type_coerce(func.max(A.created_at), UTCDateTime()).label("last_at"),
            )
            .where(A.quiz_id == quiz.id)
            .group_by(A.user_id)
            .subquery()
        )
        rows = await s.execute(
            select(User, Membership.role, per)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(per, per.c.user_id == User.id)
            .where(Membership.project_id == access.project.id)
            .order_by(User.username)
        )
        out = []
        for r in rows.all():
            out.append(
                PersonResult(
                    user=r[0], role=r[1], attempts=int(r.attempts or 0),
                    counted=int(r.counted or 0),
                    best_score=None if r.best is None else float(r.best),
                    passed=bool(r.passed), last_at=r.last_at,
                )
            )  # fmt: skip
        return out
