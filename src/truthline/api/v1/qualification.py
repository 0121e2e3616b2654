"""Qualification quizzes: the lead's quiz editor and results, and the taker's attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import In, Out, UserRead
from truthline.db.models_qualification import QualificationQuiz
from truthline.policies import project_access
from truthline.services import qualification
from truthline.services.qualification import QuestionSpec, QuizSpec

router = APIRouter(prefix="/projects/{project}/qualification", tags=["qualification"])


class QuestionIn(In):
    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=2000)
    kind: Literal["single", "multiple"]
    options: list[str] = Field(min_length=2, max_length=12)
    correct: list[int] = Field(min_length=1, max_length=12)
    explanation: str = Field(default="", max_length=2000)


class QuizIn(In):
    questions: list[QuestionIn] = Field(min_length=1, max_length=100)
    pass_mark: int = Field(default=80, ge=0, le=100)
    max_attempts: int = Field(default=3, ge=1, le=100)
    cooldown_minutes: int = Field(default=0, ge=0, le=10080)
    enabled: bool = True


class QuestionRead(Out):
    """A question as a lead sees it, answers included."""

    id: str
    text: str
    kind: str
    options: list[str]
    correct: list[int]
    explanation: str


class QuizRead(Out):
    id: int
    guideline_version: int
    enabled: bool
    pass_mark: int
    max_attempts: int
    cooldown_minutes: int
    revision: int
    questions: list[QuestionRead]
    updated_at: datetime


class QuestionAsked(Out):
    """A question as a taker sees it: no answers, no explanation."""

    id: str
    text: str
    kind: str
    options: list[str]


class QuizAsked(Out):
    id: int
    guideline_version: int
    pass_mark: int
    max_attempts: int
    cooldown_minutes: int
    questions: list[QuestionAsked]


class QuestionFeedback(Out):
    id: str
    correct: bool
    chosen: list[int]
    explanation: str
    correct_options: list[int] | None


class AttemptRead(Out):
    id: int
    score: float
    passed: bool
    created_at: datetime


class QualificationState(Out):
    quiz: QuizAsked | None
    required: bool
    passed: bool
    attempts_used: int
    attempts_left: int
    retry_at: datetime | None
    last_attempt: AttemptRead | None


class AttemptIn(In):
    quiz_id: int
    answers: dict[str, list[int]] = Field(max_length=100)


class AttemptResult(Out):
    attempt: AttemptRead
    pass_mark: int
    attempts_left: int
    retry_at: datetime | None
    questions: list[QuestionFeedback]


class GrantIn(In):
    user_id: int


class GrantRead(Out):
    set_aside: int


class PersonResultRead(Out):
    user: UserRead
    role: str
    attempts: int
    counted: int
    best_score: float | None
    passed: bool
    last_at: datetime | None


def _asked(quiz: QualificationQuiz) -> QuizAsked:
    return QuizAsked(
        id=quiz.id,
        guideline_version=quiz.guideline_version,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        cooldown_minutes=quiz.cooldown_minutes,
        questions=[
            QuestionAsked(id=q["id"], text=q["text"], kind=q["kind"], options=q["options"])
            for q in quiz.questions
        ],
    )


@router.get("", response_model=QualificationState)
async def my_state(project: str, principal: CurrentPrincipal, db: Db) -> QualificationState:
    access = await project_access(db, principal.user, project, "guideline.read")
    st = await qualification.taker_state(db, access)
    return QualificationState(
        quiz=_asked(st.quiz) if st.quiz else None,
        required=st.required,
        passed=st.passed,
        attempts_used=st.attempts_used,
        attempts_left=st.attempts_left,
        retry_at=st.retry_at,
        last_attempt=AttemptRead.model_validate(st.last) if st.last else None,
    )


@router.post("/attempts", response_model=AttemptResult, status_code=201)
async def submit_attempt(
    project: str, body: AttemptIn, principal: CurrentPrincipal, db: Db
) -> AttemptResult:
    access = await project_access(db, principal.user, project, "qualification.take")
    row, quiz, marked = await qualification.submit_attempt(db, access, body.quiz_id, body.answers)
    st = await qualification.taker_state(db, access)
    return AttemptResult(
        attempt=AttemptRead.model_validate(row),
        pass_mark=quiz.pass_mark,
        attempts_left=st.attempts_left,
        retry_at=st.retry_at,
        questions=[
            QuestionFeedback.model_validate(q) for q in qualification.feedback(quiz, marked)
        ],
    )


@router.get("/quizzes", response_model=list[QuizRead])
async def list_quizzes(project: str, principal: CurrentPrincipal, db: Db) -> list[QuizRead]:
    access = await project_access(db, principal.user, project, "qualification.manage")
    return [
        QuizRead.model_validate(q) for q in await qualification.list_quizzes(db, access.project.id)
    ]


@router.put("/quizzes/{version}", response_model=QuizRead)
async def save_quiz(
    project: str, version: int, body: QuizIn, principal: CurrentPrincipal, db: Db
) -> QuizRead:
    access = await project_access(db, principal.user, project, "qualification.manage")
    spec = QuizSpec(
        questions=[QuestionSpec(**q.model_dump()) for q in body.questions],
        pass_mark=body.pass_mark,
        max_attempts=body.max_attempts,
        cooldown_minutes=body.cooldown_minutes,
        enabled=body.enabled,
    )
    return QuizRead.model_validate(await qualification.save_quiz(db, access, version, spec))


@router.get("/quizzes/{version}/results", response_model=list[PersonResultRead])
async def results(
    project: str, version: int, principal: CurrentPrincipal, db: Db
) -> list[PersonResultRead]:
    access = await project_access(db, principal.user, project, "qualification.manage")
    return [
        PersonResultRead(
            user=UserRead.model_validate(r.user),
            role=r.role,
            attempts=r.attempts,
            counted=r.counted,
            best_score=r.best_score,
            passed=r.passed,
            last_at=r.last_at,
        )
        for r in await qualification.results(db, access, version)
    ]


@router.post("/quizzes/{version}/grants", response_model=GrantRead)
async def grant_attempts(
    project: str, version: int, body: GrantIn, principal: CurrentPrincipal, db: Db
) -> GrantRead:
    access = await project_access(db, principal.user, project, "qualification.manage")
    n = await qualification.grant_attempts(db, access, version, body.user_id)
    return GrantRead(set_aside=n)
