"""Qualification quizzes: the lead's quiz editor and results, and the taker's attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db, State
from truthline.api.schemas import In, ItemRead, Out, UserRead
from truthline.api.v1.items import item_read
from truthline.db.models import Item
from truthline.db.models_qualification import QualificationQuiz
from truthline.policies import project_access
from truthline.services import qualification, qualification_gold
from truthline.services.qualification import QuestionSpec, QuizSpec
from truthline.services.qualification_gold import LeadView

router = APIRouter(prefix="/projects/{project}/qualification", tags=["qualification"])


class QuestionIn(In):
    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=2000)
    kind: Literal["single", "multiple"]
    options: list[str] = Field(min_length=2, max_length=12)
    correct: list[int] = Field(min_length=1, max_length=12)
    explanation: str = Field(default="", max_length=2000)


class GoldEntryIn(In):
    """An entry answered like a task: the gold item ``item_id`` of the project, annotated with
    the workspace's tools and scored against its gold answer."""

    id: str = Field(min_length=1, max_length=40)
    kind: Literal["gold"]
    item_id: int = Field(ge=1, le=2**63 - 1)
    text: str = Field(default="", max_length=2000, description="what to do; may be empty")
    explanation: str = Field(default="", max_length=2000)


QuizEntryIn = Annotated[QuestionIn | GoldEntryIn, Field(discriminator="kind")]


class QuizIn(In):
    questions: list[QuizEntryIn] = Field(min_length=1, max_length=100)
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


class GoldEntryRead(Out):
    """A gold entry as a lead sees it: the answer the quiz expects (the gold answer when the
    quiz was saved) and whether the item's gold answer changed since."""

    id: str
    text: str
    kind: Literal["gold"]
    item_id: int
    external_id: str
    explanation: str
    answer: dict[str, Any]
    gold_changed: bool


class QuizRead(Out):
    id: int
    guideline_version: int
    enabled: bool
    pass_mark: int
    max_attempts: int
    cooldown_minutes: int
    revision: int
    questions: list[QuestionRead | GoldEntryRead]
    updated_at: datetime


class QuestionAsked(Out):
    """A question as a taker sees it: no answers, no explanation."""

    id: str
    text: str
    kind: str
    options: list[str]


class GoldEntryAsked(Out):
    """A gold entry as a taker sees it: the item to annotate, never its answer."""

    id: str
    text: str
    kind: Literal["gold"]
    item: ItemRead


class QuizAsked(Out):
    id: int
    guideline_version: int
    pass_mark: int
    max_attempts: int
    cooldown_minutes: int
    questions: list[QuestionAsked | GoldEntryAsked]


class QuestionFeedback(Out):
    id: str
    correct: bool
    chosen: list[int]
    explanation: str
    correct_options: list[int] | None


class GoldEntryFeedback(Out):
    id: str
    kind: Literal["gold"]
    correct: bool
    score: float = Field(description="the kind's score against the gold answer, 0-1")
    explanation: str


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
    answers: dict[str, list[int] | dict[str, Any]] = Field(
        max_length=100,
        description="question id -> option indexes; gold entry id -> result keyed by question",
    )


class AttemptResult(Out):
    attempt: AttemptRead
    pass_mark: int
    attempts_left: int
    retry_at: datetime | None
    questions: list[QuestionFeedback | GoldEntryFeedback]


class GoldCandidateRead(Out):
    item_id: int
    external_id: str
    preview: str
    answer: dict[str, Any]


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


def _asked(quiz: QualificationQuiz, items: dict[str, Item], state: Any) -> QuizAsked:
    ttl = state.settings.media_url_ttl_seconds
    questions: list[QuestionAsked | GoldEntryAsked] = []
    for q in quiz.questions:
        if q["kind"] == qualification_gold.GOLD_KIND:
            questions.append(
                GoldEntryAsked(id=q["id"], text=q["text"], kind="gold",
                               item=item_read(items[q["id"]], state.secret, ttl))
            )  # fmt: skip
        else:
            questions.append(
                QuestionAsked(id=q["id"], text=q["text"], kind=q["kind"], options=q["options"])
            )
    return QuizAsked(
        id=quiz.id,
        guideline_version=quiz.guideline_version,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        cooldown_minutes=quiz.cooldown_minutes,
        questions=questions,
    )


def _quiz_read(quiz: QualificationQuiz, gold: dict[str, LeadView]) -> QuizRead:
    questions: list[QuestionRead | GoldEntryRead] = []
    for q in quiz.questions:
        if q["kind"] == qualification_gold.GOLD_KIND:
            v = gold[q["id"]]
            questions.append(
                GoldEntryRead(**q, external_id=v.external_id, answer=v.answer,
                              gold_changed=v.changed)
            )  # fmt: skip
        else:
            questions.append(QuestionRead.model_validate(q))
    return QuizRead(
        id=quiz.id,
        guideline_version=quiz.guideline_version,
        enabled=quiz.enabled,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        cooldown_minutes=quiz.cooldown_minutes,
        revision=quiz.revision,
        questions=questions,
        updated_at=quiz.updated_at,
    )


@router.get("", response_model=QualificationState)
async def my_state(project: str, principal: CurrentPrincipal, state: State) -> QualificationState:
    db = state.db
    access = await project_access(db, principal.user, project, "guideline.read")
    st = await qualification.taker_state(db, access)
    items = await qualification_gold.items_of(db, st.quiz) if st.quiz else {}
    return QualificationState(
        quiz=_asked(st.quiz, items, state) if st.quiz else None,
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
    row, quiz, marked, key = await qualification.submit_attempt(
        db, access, body.quiz_id, body.answers
    )
    st = await qualification.taker_state(db, access)
    return AttemptResult(
        attempt=AttemptRead.model_validate(row),
        pass_mark=quiz.pass_mark,
        attempts_left=st.attempts_left,
        retry_at=st.retry_at,
        questions=[
            GoldEntryFeedback.model_validate(q) if "score" in q else QuestionFeedback(**q)
            for q in qualification.feedback(quiz, marked, key)
        ],
    )


@router.get("/quizzes", response_model=list[QuizRead])
async def list_quizzes(project: str, principal: CurrentPrincipal, db: Db) -> list[QuizRead]:
    access = await project_access(db, principal.user, project, "qualification.manage")
    quizzes = await qualification.list_quizzes(db, access.project.id)
    gold = await qualification_gold.lead_views(db, quizzes)
    return [_quiz_read(q, gold.get(q.id, {})) for q in quizzes]


@router.get("/gold-items", response_model=list[GoldCandidateRead])
async def gold_items(project: str, principal: CurrentPrincipal, db: Db) -> list[GoldCandidateRead]:
    """The project's gold items a quiz may use (the first 500), with their answers."""
    access = await project_access(db, principal.user, project, "qualification.manage")
    return [
        GoldCandidateRead.model_validate(c)
        for c in await qualification_gold.candidates(db, access.project)
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
    quiz = await qualification.save_quiz(db, access, version, spec)
    gold = await qualification_gold.lead_views(db, [quiz])
    return _quiz_read(quiz, gold.get(quiz.id, {}))


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
