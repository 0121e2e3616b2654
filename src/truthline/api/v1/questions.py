"""The questions portal: tickets with SLA clocks, replies, notifications, FAQ."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import Field

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import In, Out
from truthline.db.models_questions import Question
from truthline.db.types import utcnow
from truthline.errors import Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess, project_access
from truthline.services import notifications, questions
from truthline.services.questions import Lookups

router = APIRouter(tags=["questions"])

Category = Literal["guideline", "data", "tool", "other"]
Priority = Literal["low", "normal", "high", "urgent"]
Status = Literal["open", "answered", "resolved", "escalated"]


class QuestionCreate(In):
    category: Category
    priority: Priority = "normal"
    text: str = Field(min_length=1, max_length=10_000)
    item_id: int | None = None
    guideline_section: str | None = Field(default=None, max_length=40)
    draft: dict[str, Any] | None = None
    park: bool = False
    lease_id: int | None = None


class Person(Out):
    id: int
    username: str
    display_name: str


class QuestionRead(Out):
    id: int
    project_id: int
    project_name: str
    item_id: int | None
    item_external_id: str | None
    guideline_section: str | None
    guideline_version: int | None
    asker: Person | None
    assignee: Person | None
    assignee_group: str | None
    category: str
    priority: str
    status: str
    text: str
    parked: bool
    released_at: datetime | None
    escalation_level: int
    response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    clock: Literal["response", "resolution"] | None = Field(
        description="the SLA clock still running"
    )
    due_at: datetime | None = Field(description="the deadline of the running clock")
    seconds_left: float | None = Field(description="until due_at; negative once missed")
    warning: bool = Field(description="the running clock is inside its warning window")
    breached: bool = Field(description="an SLA deadline was missed")


class ReplyRead(Out):
    id: int
    author: Person | None
    body: str
    faq_version: int | None
    created_at: datetime


class QuestionDetail(QuestionRead):
    draft: dict[str, Any] | None
    replies: list[ReplyRead]
    can_answer: bool
    can_manage: bool


class ReplyCreate(In):
    body: str = Field(min_length=1, max_length=10_000)
    resolve: bool = False
    release_item: bool = False


class AssigneeSet(In):
    user_id: int | None = Field(description="a member, or null for the project's leads")


class FaqRead(Out):
    reply_id: int
    guideline_version: int


class CalendarIn(In):
    tz: str = Field(default="UTC", max_length=64)
    hours: dict[str, list[list[str]]] | None = Field(
        default=None, description='weekday ("0" = Monday) -> [["09:00", "17:00"], ...]'
    )
    holidays: list[str] = Field(default_factory=list, max_length=1000)


class PolicyIn(In):
    category: Category
    priority: Priority
    first_response_minutes: int = Field(ge=1, le=525_600)
    resolution_minutes: int = Field(ge=1, le=525_600)
    warn_before_minutes: int = Field(default=0, ge=0, le=525_600)
    escalation: list[str | int] = Field(
        default_factory=lambda: list[str | int](["leads", "admins"]), max_length=5
    )


class PolicyRead(Out):
    category: str
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    warn_before_minutes: int
    escalation: list[str | int]


class QuestionSettingsRead(Out):
    calendar: dict[str, Any]
    routing: dict[str, int]
    policies: list[PolicyRead]


class QuestionSettingsUpdate(In):
    calendar: CalendarIn | None = None
    routing: dict[str, int | None] | None = None
    policies: list[PolicyIn] | None = Field(default=None, max_length=100)


class ReportPart(Out):
    count: int
    by_status: dict[str, int]
    response_median_s: float | None
    response_p90_s: float | None
    resolution_median_s: float | None
    resolution_p90_s: float | None
    response_sla_pct: float | None
    resolution_sla_pct: float | None


class QuestionReport(Out):
    start: datetime
    end: datetime
    total: ReportPart
    by_category: dict[str, ReportPart]


class NotificationRead(Out):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Out):
    items: list[NotificationRead]
    unread: int


class UnreadCount(Out):
    unread: int


# -- building the responses --------------------------------------------------------------------


def _person(found: Lookups, user_id: int | None) -> Person | None:
    user = found.users.get(user_id) if user_id is not None else None
    return Person.model_validate(user) if user is not None else None


def _read(q: Question, found: Lookups, now: datetime) -> dict[str, Any]:
    clock, due = questions.next_deadline(q)
    warn_at = getattr(q, f"{clock}_warn_at") if clock else None
    return {
        **{c: getattr(q, c) for c in QuestionRead.model_fields if hasattr(Question, c)},
        "project_name": found.projects.get(q.project_id, ""),
        "item_external_id": found.items.get(q.item_id) if q.item_id else None,
        "asker": _person(found, q.asker_id),
        "assignee": _person(found, q.assignee_id),
        "parked": q.parked_assignment_id is not None and q.released_at is None,
        "clock": clock,
        "due_at": due,
        "seconds_left": (due - now).total_seconds() if due else None,
        "warning": bool(warn_at and warn_at <= now < due),  # type: ignore[operator]
        "breached": questions.is_breached(q, now),
    }


async def _reads(db: Db, rows: list[Question]) -> list[QuestionRead]:
    found, now = await questions.lookups(db, rows), utcnow()
    return [QuestionRead(**_read(q, found, now)) for q in rows]


async def _detail(db: Db, access: ProjectAccess, q: Question) -> QuestionDetail:
    thread = await questions.replies_of(db, q.id)
    found, now = await questions.lookups(db, [q]), utcnow()
    return QuestionDetail(
        **_read(q, found, now),
        draft=q.draft if access.user.id == q.asker_id or questions.can_answer(access, q) else None,
        replies=[
            ReplyRead(
                id=r.id,
                author=Person.model_validate(u) if u else None,
                body=r.body,
                faq_version=r.faq_version,
                created_at=r.created_at,
            )
            for r, u in thread
        ],
        can_answer=questions.can_answer(access, q),
        can_manage=access.can("question.manage"),
    )


async def _access(db: Db, principal: CurrentPrincipal, project: str) -> ProjectAccess:
    # Annotators may read their own questions: the per-question check is in the service.
    access = await project_access(db, principal.user, project, "project.read")
    if not access.can("question.read", owns=True):
        access.require("question.read")
    return access


# -- questions of a project --------------------------------------------------------------------


@router.post("/projects/{project}/questions", response_model=QuestionDetail, status_code=201)
async def raise_question(
    project: str, body: QuestionCreate, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await project_access(db, principal.user, project, "question.raise")
    q = await questions.raise_question(db, access, **body.model_dump())
    return await _detail(db, access, q)


@router.get("/projects/{project}/questions", response_model=list[QuestionRead])
async def list_questions(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    status: Status | None = None,
    category: Category | None = None,
    open_only: bool = Query(default=False, alias="open"),
) -> list[QuestionRead]:
    access = await _access(db, principal, project)
    rows = await questions.list_project_questions(
        db, access, status=status, category=category, open_only=open_only
    )
    return await _reads(db, rows)


@router.get("/projects/{project}/questions/settings", response_model=QuestionSettingsRead)
async def get_settings(project: str, principal: CurrentPrincipal, db: Db) -> QuestionSettingsRead:
    access = await project_access(db, principal.user, project, "question.manage")
    return _settings_read(await questions.get_settings(db, access.project.id))


@router.put("/projects/{project}/questions/settings", response_model=QuestionSettingsRead)
async def put_settings(
    project: str, body: QuestionSettingsUpdate, principal: CurrentPrincipal, db: Db
) -> QuestionSettingsRead:
    access = await project_access(db, principal.user, project, "question.manage")
    got = await questions.update_settings(
        db,
        access,
        calendar=body.calendar.model_dump(exclude_none=True) if body.calendar else None,
        routing=body.routing,
        policies=[p.model_dump() for p in body.policies] if body.policies is not None else None,
    )
    return _settings_read(got)


def _settings_read(got: questions.ProjectQuestionSettings) -> QuestionSettingsRead:
    return QuestionSettingsRead(
        calendar=got.calendar.to_json(),
        routing=got.routing,
        policies=[PolicyRead(**p.to_json()) for p in got.policies],
    )


@router.get(
    "/projects/{project}/questions/report",
    response_model=QuestionReport,
    responses={200: {"content": {"text/csv": {}}}},
)
async def report(
    project: str,
    principal: CurrentPrincipal,
    db: Db,
    start: datetime | None = Query(default=None, description="default: 30 days before end"),
    end: datetime | None = Query(default=None, description="default: now"),
    format: Literal["json", "csv"] = "json",
) -> Any:
    access = await project_access(db, principal.user, project, "question.manage")
    for name, value in (("start", start), ("end", end)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(
                f"{name} needs a time zone (e.g. 2026-11-23T00:00:00Z)",
                code="invalid_range",
                field=name,
                value=value.isoformat(),
            )
    end = end or utcnow()
    start = start or end - timedelta(days=30)
    data = await questions.report(db, access, start, end)
    if format == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(questions.report_rows(data))
        name = f"questions-{access.project.id}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
    return QuestionReport(**data)


@router.get("/projects/{project}/questions/{question_id}", response_model=QuestionDetail)
async def get_question(
    project: str, question_id: int, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await _access(db, principal, project)
    return await _detail(db, access, await questions.get_question(db, access, question_id))


@router.post(
    "/projects/{project}/questions/{question_id}/replies",
    response_model=QuestionDetail,
    status_code=201,
)
async def reply(
    project: str, question_id: int, body: ReplyCreate, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await _access(db, principal, project)
    await questions.add_reply(db, access, question_id, **body.model_dump())
    return await _detail(db, access, await questions.get_question(db, access, question_id))


@router.post("/projects/{project}/questions/{question_id}/resolve", response_model=QuestionDetail)
async def resolve(
    project: str, question_id: int, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await _access(db, principal, project)
    q = await questions.set_status(db, access, question_id, "resolved")
    return await _detail(db, access, q)


@router.post("/projects/{project}/questions/{question_id}/reopen", response_model=QuestionDetail)
async def reopen(
    project: str, question_id: int, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await _access(db, principal, project)
    q = await questions.set_status(db, access, question_id, "open")
    return await _detail(db, access, q)


@router.post("/projects/{project}/questions/{question_id}/release", response_model=QuestionDetail)
async def release(
    project: str, question_id: int, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await _access(db, principal, project)
    q = await questions.release_item(db, access, question_id)
    return await _detail(db, access, q)


@router.put("/projects/{project}/questions/{question_id}/assignee", response_model=QuestionDetail)
async def assign(
    project: str, question_id: int, body: AssigneeSet, principal: CurrentPrincipal, db: Db
) -> QuestionDetail:
    access = await project_access(db, principal.user, project, "question.manage")
    q = await questions.reassign(db, access, question_id, body.user_id)
    return await _detail(db, access, q)


@router.post(
    "/projects/{project}/questions/{question_id}/replies/{reply_id}/faq",
    response_model=FaqRead,
    status_code=201,
)
async def promote(
    project: str, question_id: int, reply_id: int, principal: CurrentPrincipal, db: Db
) -> FaqRead:
    access = await project_access(db, principal.user, project, "question.manage")
    got, version = await questions.promote_to_faq(db, access, question_id, reply_id)
    return FaqRead(reply_id=got.id, guideline_version=version)


# -- across projects ---------------------------------------------------------------------------


@router.get("/questions", response_model=list[QuestionRead])
async def my_questions(
    principal: CurrentPrincipal,
    db: Db,
    scope: Literal["mine", "queue"] = Query(
        default="mine", description="mine: raised by me; queue: unresolved ones I answer"
    ),
) -> list[QuestionRead]:
    return await _reads(db, await questions.list_for_person(db, principal.user, scope))


@router.get("/questions/{question_id}", response_model=QuestionDetail)
async def question_by_id(question_id: int, principal: CurrentPrincipal, db: Db) -> QuestionDetail:
    """The same as the project route, for links that name only the question."""
    try:
        project = await questions.project_of(db, question_id)
        access = await _access(db, principal, str(project))
    except (NotFound, Forbidden):
        raise NotFound(
            f"no question {question_id}", code="question_not_found", question_id=question_id
        ) from None
    return await _detail(db, access, await questions.get_question(db, access, question_id))


@router.get("/notifications", response_model=NotificationPage)
async def list_notifications(
    principal: CurrentPrincipal,
    db: Db,
    unread: bool = False,
    limit: int = Query(default=50, ge=1, le=200),
) -> NotificationPage:
    rows, count = await notifications.list_for(db, principal.user, unread_only=unread, limit=limit)
    return NotificationPage(items=[NotificationRead.model_validate(r) for r in rows], unread=count)


@router.get("/notifications/unread", response_model=UnreadCount)
async def unread_count(principal: CurrentPrincipal, db: Db) -> UnreadCount:
    return UnreadCount(unread=await notifications.unread_count(db, principal.user))


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead)
async def mark_read(notification_id: int, principal: CurrentPrincipal, db: Db) -> NotificationRead:
    row = await notifications.mark_read(db, principal.user, notification_id)
    return NotificationRead.model_validate(row)


@router.post("/notifications/read-all", response_model=UnreadCount)
async def mark_all_read(principal: CurrentPrincipal, db: Db) -> UnreadCount:
    await notifications.mark_all_read(db, principal.user)
    return UnreadCount(unread=await notifications.unread_count(db, principal.user))
