"""The questions portal: tickets raised from tasks, routed to an assignee, with SLA clocks on
working time, breach warnings, automatic escalation, a thread of replies, a path into the
guideline's FAQ, and a report of response and resolution times.

Every SLA deadline is fixed when the question is raised, on the working calendar of the
person it is assigned to (or the project's calendar), so the promise to the asker does not
move. The periodic job (``check_sla``) flips warned/breached flags with conditional UPDATEs,
so that workers on several hosts never warn or escalate the same question twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Assignment,
    Draft,
    GuidelineVersion,
    Item,
    Membership,
    Project,
    User,
)
from truthline.db.models_questions import Question, QuestionReply, QuestionSettings
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.errors import Conflict, Forbidden, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit
from truthline.services.notifications import notify
from truthline.services.workcal import WorkingCalendar

CATEGORIES = ("guideline", "data", "tool", "other")
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("open", "answered", "resolved", "escalated")
GROUPS = ("leads", "admins")
MAX_TEXT = 10_000
MAX_DRAFT_BYTES = 1_000_000
MAX_LIST = 500
# priority -> (first response, resolution, warn before), in working minutes.
DEFAULT_SLA: dict[str, tuple[int, int, int]] = {
    "urgent": (60, 480, 15),
    "high": (120, 960, 30),
    "normal": (240, 960, 60),
    "low": (480, 2400, 120),
}
DEFAULT_ESCALATION: tuple[str, ...] = ("leads", "admins")
FAQ_HEADING = "## FAQ"


@dataclass
class Policy:
    category: str
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    warn_before_minutes: int
    escalation: list[str | int] = field(default_factory=lambda: list(DEFAULT_ESCALATION))

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class ProjectQuestionSettings:
    calendar: WorkingCalendar
    routing: dict[str, int]
    policies: list[Policy]

    def policy(self, category: str, priority: str) -> Policy:
        for p in self.policies:
            if p.category == category and p.priority == priority:
                return p
        return _default_policy(category, priority)


def _default_policy(category: str, priority: str) -> Policy:
    first, resolution, warn = DEFAULT_SLA[priority]
    return Policy(category, priority, first, resolution, warn)


# -- settings ----------------------------------------------------------------------------------


async def get_settings(db: Database, project_id: int) -> ProjectQuestionSettings:
    async with db.read() as s:
        row = await s.get(QuestionSettings, project_id)
    stored = {(p["category"], p["priority"]): p for p in (row.policies if row else [])}
    policies = []
    for category in CATEGORIES:
        for priority in PRIORITIES:
            p = stored.get((category, priority))
            policies.append(Policy(**p) if p else _default_policy(category, priority))
    calendar = WorkingCalendar.from_json(row.calendar) if row and row.calendar else None
    routing = {k: int(v) for k, v in (row.routing if row else {}).items()}
    return ProjectQuestionSettings(calendar or WorkingCalendar(), routing, policies)


async def _member_roles(s: AsyncSession, project_id: int, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await s.execute(
        select(Membership.user_id, Membership.role).where(
            Membership.project_id == project_id, Membership.user_id.in_(user_ids)
        )
    )
    return dict(rows.all())


def _check_policy(i: int, p: dict[str, Any]) -> Policy:
    where = f"policies[{i}]"
    if p.get("category") not in CATEGORIES:
        raise InvalidInput(
            f"{where}.category must be one of {', '.join(CATEGORIES)}",
            code="invalid_category",
            field=f"{where}.category",
            value=p.get("category"),
        )
    if p.get("priority") not in PRIORITIES:
        raise InvalidInput(
            f"{where}.priority must be one of {', '.join(PRIORITIES)}",
            code="invalid_priority",
            field=f"{where}.priority",
            value=p.get("priority"),
        )
    first, resolution = p["first_response_minutes"], p["resolution_minutes"]
    if resolution < first:
        raise InvalidInput(
            f"{where}: resolution_minutes ({resolution}) must not be shorter than "
            f"first_response_minutes ({first})",
            code="invalid_sla_policy",
            field=f"{where}.resolution_minutes",
            value=resolution,
        )
    for step in p.get("escalation", []):
        if not (step in GROUPS or isinstance(step, int)):
            raise InvalidInput(
                f"{where}.escalation steps are 'leads', 'admins' or a user id",
                code="invalid_escalation",
                field=f"{where}.escalation",
                value=step,
            )
    return Policy(
        p["category"],
        p["priority"],
        first,
        resolution,
        p.get("warn_before_minutes", 0),
        list(p.get("escalation", DEFAULT_ESCALATION)),
    )


def _check_calendar(data: dict[str, Any]) -> WorkingCalendar:
    try:
        cal = WorkingCalendar.from_json(data)
    except ValueError as exc:
        raise InvalidInput(f"calendar: {exc}", code="invalid_calendar", field="calendar") from None
    if not cal.has_hours:
        raise InvalidInput(
            "calendar: at least one working interval is needed",
            code="invalid_calendar",
            field="calendar.hours",
        )
    return cal


def _check_routing(routing: dict[str, int | None]) -> dict[str, int]:
    for key in routing:
        if key not in CATEGORIES:
            raise InvalidInput(
                f"routing: unknown category {key!r}",
                code="invalid_category",
                field=f"routing.{key}",
                value=key,
            )
    return {k: v for k, v in routing.items() if v is not None}


async def update_settings(
    db: Database,
    access: ProjectAccess,
    *,
    calendar: dict[str, Any] | None = None,
    routing: dict[str, int | None] | None = None,
    policies: list[dict[str, Any]] | None = None,
) -> ProjectQuestionSettings:
    """Replaces the parts given; the rest stays as it was."""
    if calendar is not None:
        calendar = _check_calendar(calendar).to_json()
    checked = [_check_policy(i, p) for i, p in enumerate(policies or [])]
    routes = _check_routing(routing) if routing is not None else None
    people = set((routes or {}).values()) | {
        s for p in checked for s in p.escalation if isinstance(s, int)
    }
    async with db.write() as s:
        roles = await _member_roles(s, access.project.id, people)
        for uid in people:
            if roles.get(uid) in (None, "viewer"):
                raise InvalidInput(
                    f"user {uid} is not a lead, reviewer or annotator of this project",
                    code="not_a_project_member",
                    field="routing" if uid in (routes or {}).values() else "policies",
                    value=uid,
                )
        row = await s.get(QuestionSettings, access.project.id)
        if row is None:
            row = QuestionSettings(project_id=access.project.id, routing={}, policies=[])
            s.add(row)
        if calendar is not None:
            row.calendar = calendar
        if routes is not None:
            row.routing = routes
        if policies is not None:
            merged = {(p["category"], p["priority"]): p for p in row.policies or []}
            merged.update({(p.category, p.priority): p.to_json() for p in checked})
            row.policies = list(merged.values())
        row.updated_by, row.updated_at = access.user.id, utcnow()
        audit.record(s, access.user.id, "questions.settings", access.project.id)
    return await get_settings(db, access.project.id)


# -- deadlines ---------------------------------------------------------------------------------


async def _calendar_for(db: Database, settings: ProjectQuestionSettings, user_id: int | None):  # type: ignore[no-untyped-def]
    """The assignee's own calendar when the workforce module knows one, else the project's."""
    if user_id is not None:
        try:
            from truthline.services import workforce
        except ImportError:
            return settings.calendar
        calendar = await workforce.calendar_of(db, user_id)
        if calendar is not None and calendar.has_hours:
            return calendar
    return settings.calendar


def deadlines(calendar: WorkingCalendar, policy: Policy, start: datetime) -> dict[str, datetime]:
    """The four SLA instants of a question raised at ``start``."""

    def at(minutes: int) -> datetime:
        return calendar.add(start, timedelta(minutes=max(0, minutes)))

    return {
        "response_due_at": at(policy.first_response_minutes),
        "resolution_due_at": at(policy.resolution_minutes),
        "response_warn_at": at(policy.first_response_minutes - policy.warn_before_minutes),
        "resolution_warn_at": at(policy.resolution_minutes - policy.warn_before_minutes),
    }


# -- who is involved ---------------------------------------------------------------------------


async def audience(s: AsyncSession, project_id: int, who: int | str | None) -> list[int]:
    """The people a question assigned to ``who`` (a user id or a group) is for."""
    if isinstance(who, int):
        return [who]
    if who in (None, "leads"):
        leads = list(
            await s.scalars(
                select(Membership.user_id).where(
                    Membership.project_id == project_id, Membership.role == "lead"
                )
            )
        )
        if leads:
            return leads
    return list(
        await s.scalars(select(User.id).where(User.is_admin, User.is_active).order_by(User.id))
    )


def _target(q: Question) -> int | str:
    return q.assignee_id if q.assignee_id is not None else (q.assignee_group or "leads")


def can_see(access: ProjectAccess, q: Question) -> bool:
    uid = access.user.id
    return access.can("question.read", owns=uid in (q.asker_id, q.assignee_id))


def can_answer(access: ProjectAccess, q: Question) -> bool:
    return access.can("question.answer", owns=q.assignee_id == access.user.id)


def link_to(q: Question) -> str:
    return f"/questions?id={q.id}"


# -- raising -----------------------------------------------------------------------------------


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidInput(
            f"{name} must be one of {', '.join(choices)}",
            code=f"invalid_{name}",
            field=name,
            value=value,
        )


async def _check_item(s: AsyncSession, access: ProjectAccess, item_id: int) -> None:
    item = await s.get(Item, item_id)
    found = item is not None and item.project_id == access.project.id
    if found and not access.can("item.read"):  # an annotator: only items they were given
        found = (
            await s.scalar(
                select(Assignment.id)
                .where(Assignment.item_id == item_id, Assignment.user_id == access.user.id)
                .limit(1)
            )
        ) is not None
    if not found:
        raise NotFound(f"no item {item_id}", code="item_not_found", item_id=item_id)


async def _park(s: AsyncSession, access: ProjectAccess, lease_id: int, reason: str) -> Assignment:
    """Ends the asker's lease as skipped (the slot goes back to the queue), like a skip."""
    assert s.bind is not None  # sessions from Database are always bound
    a = await s.get(Assignment, lease_id, with_for_update=s.bind.dialect.name != "sqlite")
    if a is None or a.project_id != access.project.id or a.user_id != access.user.id:
        raise NotFound(f"no lease {lease_id}", code="lease_not_found", lease_id=lease_id)
    if a.status not in ("leased", "expired"):
        raise Conflict(
            f"lease {lease_id} has ended ({a.status})", code="lease_ended", status=a.status
        )
    if a.status == "leased":  # an expired lease already gave its slot back
        await s.execute(
            update(Item)
            .where(Item.id == a.item_id, Item.stage == a.stage)
            .values(slots_free=Item.slots_free + 1)
        )
    a.status, a.finished_at, a.skip_reason = "skipped", utcnow(), reason
    audit.record(s, access.user.id, "item.skipped", access.project.id, "item", a.item_id)
    return a


def _check_section(section: str | None, version: GuidelineVersion | None) -> str | None:
    """A section number of the current guideline ("3.2" or "§3.2"), or None."""
    section = (section or "").strip().lstrip("§").strip() or None
    if section is not None and (version is None or section not in (version.sections or {})):
        raise InvalidInput(
            f"the current guideline has no section {section!r}",
            code="unknown_guideline_section",
            field="guideline_section",
            value=section,
        )
    return section


async def raise_question(
    db: Database,
    access: ProjectAccess,
    *,
    category: str,
    text: str,
    priority: str = "normal",
    item_id: int | None = None,
    guideline_section: str | None = None,
    draft: dict[str, Any] | None = None,
    park: bool = False,
    lease_id: int | None = None,
    now: datetime | None = None,
) -> Question:
    access.require("question.raise")
    _check_choice("category", category, CATEGORIES)
    _check_choice("priority", priority, PRIORITIES)
    text = _check_text(text, "text")
    if draft is not None and len(orjson.dumps(draft)) > MAX_DRAFT_BYTES:
        raise InvalidInput(
            f"the attached draft is larger than {MAX_DRAFT_BYTES} bytes",
            code="draft_too_large",
            field="draft",
        )
    if park and lease_id is None:
        raise InvalidInput(
            "parking the item needs the lease it is held by",
            code="park_needs_lease",
            field="lease_id",
        )
    now = now or utcnow()
    settings = await get_settings(db, access.project.id)
    async with db.read() as s:
        assignee = settings.routing.get(category)
        if assignee is not None:
            role = (await _member_roles(s, access.project.id, {assignee})).get(assignee)
            assignee = assignee if role not in (None, "viewer") else None
        version = await s.scalar(
            select(GuidelineVersion)
            .where(GuidelineVersion.project_id == access.project.id)
            .order_by(GuidelineVersion.version.desc())
            .limit(1)
        )
    guideline_section = _check_section(guideline_section, version)
    calendar = await _calendar_for(db, settings, assignee)
    due = deadlines(calendar, settings.policy(category, priority), now)
    async with db.write() as s:
        if item_id is not None:
            await _check_item(s, access, item_id)
        q = Question(
            project_id=access.project.id,
            item_id=item_id,
            guideline_section=guideline_section,
            guideline_version=version.version if version else None,
            asker_id=access.user.id,
            assignee_id=assignee,
            assignee_group=None if assignee is not None else "leads",
            category=category,
            priority=priority,
            status="open",
            text=text,
            escalation_level=0,
            response_warned=False,
            resolution_warned=False,
            response_breached=False,
            resolution_breached=False,
            created_at=now,
            updated_at=now,
            **due,
        )
        s.add(q)
        await s.flush()
        if park:
            assert lease_id is not None
            lease = await _park(s, access, lease_id, f"parked with question #{q.id}")
            if item_id is not None and lease.item_id != item_id:
                raise InvalidInput(
                    f"lease {lease_id} holds item {lease.item_id}, not item {item_id}",
                    code="lease_item_mismatch",
                    field="lease_id",
                    value=lease_id,
                )
            q.item_id, q.parked_assignment_id = lease.item_id, lease.id
        if draft is None and q.item_id is not None:
            stored = await s.get(Draft, (q.item_id, access.user.id))
            draft = stored.result if stored is not None else None
        q.draft = draft
        audit.record(
            s, access.user.id, "question.raise", access.project.id, "question", q.id,
            {"category": category, "priority": priority, "parked": park},
        )  # fmt: skip
        for uid in await audience(s, access.project.id, _target(q)):
            if uid != access.user.id:
                notify(
                    s, uid, "question.new", f"New question #{q.id} ({category}, {priority})",
                    _excerpt(text), link_to(q),
                )  # fmt: skip
    return q


def _check_text(text: str, name: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(f"{name} is empty", field=name)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{name} is longer than {MAX_TEXT} characters", field=name)
    return text


def _excerpt(text: str, n: int = 200) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= n else one_line[: n - 1] + "…"


# -- reading -----------------------------------------------------------------------------------


async def get_question(db: Database, access: ProjectAccess, question_id: int) -> Question:
    async with db.read() as s:
        q = await s.get(Question, question_id)
    if q is None or q.project_id != access.project.id or not can_see(access, q):
        raise NotFound(
            f"no question {question_id}", code="question_not_found", question_id=question_id
        )
    return q


async def project_of(db: Database, question_id: int) -> int:
    """The project a question belongs to (for links that name only the question)."""
    async with db.read() as s:
        pid = await s.scalar(select(Question.project_id).where(Question.id == question_id))
    if pid is None:
        raise NotFound(
            f"no question {question_id}", code="question_not_found", question_id=question_id
        )
    return int(pid)


async def replies_of(db: Database, question_id: int) -> list[tuple[QuestionReply, User | None]]:
    async with db.read() as s:
        rows = await s.execute(
            select(QuestionReply, User)
            .outerjoin(User, User.id == QuestionReply.author_id)
            .where(QuestionReply.question_id == question_id)
            .order_by(QuestionReply.id)
        )
        return [(r, u) for r, u in rows.all()]


def next_deadline(q: Question) -> tuple[str | None, datetime | None]:
    """The SLA clock still running and its deadline: the first response until someone
    answers, then the resolution; none once resolved."""
    if q.resolved_at is not None:
        return None, None
    if q.first_response_at is None:
        return "response", q.response_due_at
    return "resolution", q.resolution_due_at


def is_breached(q: Question, now: datetime) -> bool:
    """Whether an SLA deadline was missed (or is missed now, for a clock still running)."""
    return (
        q.response_breached
        or q.resolution_breached
        or (q.first_response_at or now) > q.response_due_at
        or (q.resolved_at or now) > q.resolution_due_at
    )


def urgency_key(q: Question) -> tuple[int, datetime]:
    _, due = next_deadline(q)
    return (1, q.created_at) if due is None else (0, due)


async def list_project_questions(
    db: Database,
    access: ProjectAccess,
    *,
    status: str | None = None,
    category: str | None = None,
    open_only: bool = False,
) -> list[Question]:
    """The project's questions a person may see, the most urgent first."""
    if status is not None:
        _check_choice("status", status, STATUSES)
    if category is not None:
        _check_choice("category", category, CATEGORIES)
    q = select(Question).where(Question.project_id == access.project.id)
    if not access.can("question.read"):
        uid = access.user.id
        q = q.where(or_(Question.asker_id == uid, Question.assignee_id == uid))
    if status is not None:
        q = q.where(Question.status == status)
    if category is not None:
        q = q.where(Question.category == category)
    if open_only:
        q = q.where(Question.resolved_at.is_(None))
    async with db.read() as s:
        rows = list(await s.scalars(q.order_by(Question.id.desc()).limit(MAX_LIST)))
    return sorted(rows, key=urgency_key)


async def list_for_person(db: Database, user: User, scope: str) -> list[Question]:
    """``mine``: the questions this person raised, newest first. ``queue``: the unresolved
    questions they answer (projects they lead or review, or assigned to them; admins: all),
    the most urgent first."""
    _check_choice("scope", scope, ("mine", "queue"))
    async with db.read() as s:
        if scope == "mine":
            rows = await s.scalars(
                select(Question)
                .where(Question.asker_id == user.id)
                .order_by(Question.id.desc())
                .limit(MAX_LIST)
            )
            return list(rows)
        q = select(Question).where(Question.resolved_at.is_(None))
        if not user.is_admin:
            staff = select(Membership.project_id).where(
                Membership.user_id == user.id, Membership.role.in_(("lead", "reviewer"))
            )
            q = q.where(or_(Question.project_id.in_(staff), Question.assignee_id == user.id))
        rows = await s.scalars(q.order_by(Question.response_due_at).limit(MAX_LIST))
        return sorted(rows, key=urgency_key)


@dataclass
class Lookups:
    """What a list of questions names: people, project names, item external ids."""

    users: dict[int, User]
    projects: dict[int, str]
    items: dict[int, str]


async def lookups(db: Database, questions: list[Question]) -> Lookups:
    uids = {q.asker_id for q in questions} | {q.assignee_id for q in questions if q.assignee_id}
    pids = {q.project_id for q in questions}
    iids = {q.item_id for q in questions if q.item_id}
    async with db.read() as s:
        users = {u.id: u for u in await s.scalars(select(User).where(User.id.in_(uids)))}
        projects = dict(
            (await s.execute(select(Project.id, Project.name).where(Project.id.in_(pids)))).all()
        )
        items = dict(
            (await s.execute(select(Item.id, Item.external_id).where(Item.id.in_(iids)))).all()
        )
    return Lookups(users, projects, items)


async def questions_raised_by(
    db: Database, user_id: int, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """The questions a person raised in [start, end), for activity and status reports."""
    now = utcnow()
    async with db.read() as s:
        rows = await s.scalars(
            select(Question)
            .where(
                Question.asker_id == user_id,
                Question.created_at >= start,
                Question.created_at < end,
            )
            .order_by(Question.created_at, Question.id)
        )
        return [
            {
                "id": q.id,
                "project_id": q.project_id,
                "item_id": q.item_id,
                "category": q.category,
                "priority": q.priority,
                "status": q.status,
                "created_at": q.created_at,
                "first_response_at": q.first_response_at,
                "resolved_at": q.resolved_at,
                "breached": is_breached(q, now),
            }
            for q in rows
        ]


# -- the thread --------------------------------------------------------------------------------


async def _locked(s: AsyncSession, access: ProjectAccess, question_id: int) -> Question:
    assert s.bind is not None  # sessions from Database are always bound
    q = await s.get(Question, question_id, with_for_update=s.bind.dialect.name != "sqlite")
    if q is None or q.project_id != access.project.id or not can_see(access, q):
        raise NotFound(
            f"no question {question_id}", code="question_not_found", question_id=question_id
        )
    return q


def _forbid(access: ProjectAccess, what: str) -> Forbidden:
    return Forbidden(
        f"your role ({access.role or 'none'}) may not {what} this question",
        code="forbidden",
        action=what,
    )


async def add_reply(
    db: Database,
    access: ProjectAccess,
    question_id: int,
    *,
    body: str,
    resolve: bool = False,
    release_item: bool = False,
    now: datetime | None = None,
) -> QuestionReply:
    """A message in the thread. An answer from anyone but the asker stops the first-response
    clock; a follow-up from the asker reopens an answered question."""
    body = _check_text(body, "body")
    now = now or utcnow()
    async with db.write() as s:
        q = await _locked(s, access, question_id)
        answering = can_answer(access, q) and access.user.id != q.asker_id
        if not answering and access.user.id != q.asker_id:
            raise _forbid(access, "answer")
        if q.status == "resolved" and not resolve:
            raise Conflict(
                f"question {q.id} is resolved; reopen it to continue the thread",
                code="question_resolved",
                question_id=q.id,
            )
        reply = QuestionReply(question_id=q.id, author_id=access.user.id, body=body, created_at=now)
        s.add(reply)
        await s.flush()
        if answering:
            if q.first_response_at is None:
                q.first_response_at = now
                q.response_breached = q.response_breached or now > q.response_due_at
            q.status = "answered"
            notify(
                s, q.asker_id, "question.answered", f"Your question #{q.id} was answered",
                _excerpt(body), link_to(q),
            )  # fmt: skip
        else:
            if q.status == "answered":
                q.status = "open"
            for uid in await audience(s, q.project_id, _target(q)):
                if uid != access.user.id:
                    notify(
                        s, uid, "question.reply", f"New reply on question #{q.id}",
                        _excerpt(body), link_to(q),
                    )  # fmt: skip
        if release_item:
            if not answering:
                raise _forbid(access, "release the item of")
            await _release(s, access, q, now)
        if resolve:
            _resolve(q, now)
        q.updated_at = now
        audit.record(s, access.user.id, "question.reply", q.project_id, "question", q.id)
    return reply


def _resolve(q: Question, now: datetime) -> None:
    if q.resolved_at is None:
        q.resolved_at = now
        q.resolution_breached = q.resolution_breached or now > q.resolution_due_at
    q.status = "resolved"


async def set_status(
    db: Database, access: ProjectAccess, question_id: int, status: str, now: datetime | None = None
) -> Question:
    """Resolve or reopen; the asker and those who may answer can do both."""
    _check_choice("status", status, ("resolved", "open"))
    now = now or utcnow()
    async with db.write() as s:
        q = await _locked(s, access, question_id)
        if access.user.id != q.asker_id and not can_answer(access, q):
            raise _forbid(access, "resolve" if status == "resolved" else "reopen")
        if status == "resolved":
            _resolve(q, now)
        elif q.status == "resolved":
            q.resolved_at, q.status = None, "open"
        else:
            raise Conflict(
                f"question {q.id} is not resolved", code="question_not_resolved", question_id=q.id
            )
        q.updated_at = now
        if access.user.id != q.asker_id:
            notify(
                s, q.asker_id, f"question.{'resolved' if status == 'resolved' else 'reopened'}",
                f"Your question #{q.id} was {'resolved' if status == 'resolved' else 'reopened'}",
                "", link_to(q),
            )  # fmt: skip
        audit.record(s, access.user.id, f"question.{status}", q.project_id, "question", q.id)
    return q


async def _release(s: AsyncSession, access: ProjectAccess, q: Question, now: datetime) -> None:
    """Gives the parked item back to the asker: the skipped lease becomes released, after
    which the queue may offer the item to the same person again."""
    if q.parked_assignment_id is None:
        raise Conflict(
            f"question {q.id} has no parked item", code="nothing_parked", question_id=q.id
        )
    if q.released_at is not None:
        raise Conflict(
            f"the item of question {q.id} was already released",
            code="already_released",
            question_id=q.id,
        )
    await s.execute(
        update(Assignment)
        .where(Assignment.id == q.parked_assignment_id, Assignment.status == "skipped")
        .values(status="released")
    )
    q.released_at = now
    notify(
        s, q.asker_id, "question.released", f"Item of question #{q.id} is back in your queue",
        "The answer is in; the item you parked will be offered to you again.",
        f"/projects/{q.project_id}/annotate",
    )  # fmt: skip
    audit.record(s, access.user.id, "question.release", q.project_id, "item", q.item_id)


async def release_item(
    db: Database, access: ProjectAccess, question_id: int, now: datetime | None = None
) -> Question:
    now = now or utcnow()
    async with db.write() as s:
        q = await _locked(s, access, question_id)
        if not can_answer(access, q):
            raise _forbid(access, "release the item of")
        await _release(s, access, q, now)
        q.updated_at = now
    return q


async def reassign(
    db: Database, access: ProjectAccess, question_id: int, user_id: int | None
) -> Question:
    """Hands a question to one person (or back to the leads); the deadlines stay."""
    access.require("question.manage")
    async with db.write() as s:
        q = await _locked(s, access, question_id)
        if user_id is not None:
            role = (await _member_roles(s, q.project_id, {user_id})).get(user_id)
            if role in (None, "viewer"):
                raise InvalidInput(
                    f"user {user_id} is not a lead, reviewer or annotator of this project",
                    code="not_a_project_member",
                    field="assignee_id",
                    value=user_id,
                )
            notify(
                s, user_id, "question.assigned", f"Question #{q.id} was assigned to you",
                _excerpt(q.text), link_to(q),
            )  # fmt: skip
        q.assignee_id, q.assignee_group = user_id, None if user_id is not None else "leads"
        q.updated_at = utcnow()
        audit.record(s, access.user.id, "question.assign", q.project_id, "question", q.id)
    return q


# -- the FAQ -----------------------------------------------------------------------------------


def append_faq(body: str, question: str, answer: str) -> str:
    """The guideline body with one Q&A added at the end of its FAQ section (made if missing)."""
    entry = f"**Q: {' '.join(question.split())}**\n\n{answer.strip()}\n"
    lines = body.rstrip("\n").split("\n") if body.strip() else []
    start = next((i for i, line in enumerate(lines) if line.strip() == FAQ_HEADING), None)
    if start is None:
        head = "\n".join(lines)
        return f"{head}\n\n{FAQ_HEADING}\n\n{entry}" if head else f"{FAQ_HEADING}\n\n{entry}"
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2}\s", lines[i])), len(lines)
    )
    before = "\n".join(lines[:end]).rstrip("\n")
    after = "\n".join(lines[end:])
    return f"{before}\n\n{entry}" + (f"\n{after}\n" if after else "")


async def promote_to_faq(
    db: Database, access: ProjectAccess, question_id: int, reply_id: int
) -> tuple[QuestionReply, int]:
    """Publishes a new guideline version with the question and this answer in its FAQ;
    returns the reply and the version number."""
    from truthline.services import guidelines

    access.require("question.manage")
    access.require("guideline.publish")
    q = await get_question(db, access, question_id)
    async with db.read() as s:
        reply = await s.get(QuestionReply, reply_id)
    if reply is None or reply.question_id != q.id:
        raise NotFound(f"no reply {reply_id} on question {q.id}", code="reply_not_found")
    if reply.faq_version is not None:
        raise Conflict(
            f"reply {reply_id} is already in guideline version {reply.faq_version}",
            code="already_promoted",
            version=reply.faq_version,
        )
    try:
        current = (await guidelines.get_version(db, access.project.id, None)).body
    except NotFound:
        current = ""
    version = await guidelines.publish(
        db,
        access,
        body=append_faq(current, q.text, reply.body),
        change_summary=f"FAQ: {_excerpt(q.text, 300)}",
        requires_ack=False,
    )
    async with db.write() as s:
        await s.execute(
            update(QuestionReply)
            .where(QuestionReply.id == reply_id, QuestionReply.faq_version.is_(None))
            .values(faq_version=version.version)
        )
        notify(
            s, q.asker_id, "question.faq", f"Your question #{q.id} is now in the guideline FAQ",
            f"Guideline version {version.version}", link_to(q),
        )  # fmt: skip
        audit.record(
            s, access.user.id, "question.faq", q.project_id, "question", q.id,
            {"version": version.version},
        )  # fmt: skip
    reply.faq_version = version.version
    return reply, version.version


# -- the SLA clock -----------------------------------------------------------------------------


def _next_level(chain: list[str | int], level: int, current: int | str) -> tuple[int, int | str]:
    """The escalation level after ``level`` and whom it goes to; steps that name the people
    already holding the question are passed over. At the end of the chain it stays."""
    new = level
    while new < len(chain):
        step = chain[new]
        new += 1
        if step != current:
            return new, step
    return level, current


def _sla_action_due(now: datetime) -> Any:
    """Questions with a warning or an escalation still to send at `now`, and nothing else.

    Only these are selected so that a backlog of answered-but-open questions, whose clocks
    have nothing left to do for hours, never crowds out the ones that need action now.
    """
    response = and_(
        Question.first_response_at.is_(None),
        or_(
            # An escalation without a warning first (warn_before 0, workers down) leaves
            # response_warned false: a breached clock has nothing left to warn about.
            and_(
                Question.response_warned.is_(False),
                Question.response_breached.is_(False),
                Question.response_warn_at <= now,
            ),
            and_(Question.response_breached.is_(False), Question.response_due_at <= now),
        ),
    )
    resolution = or_(
        and_(Question.resolution_warned.is_(False), Question.resolution_warn_at <= now),
        Question.resolution_due_at <= now,
    )
    return and_(
        Question.resolved_at.is_(None),
        Question.response_warn_at <= now,  # the earliest instant: lets the partial index serve
        Question.resolution_breached.is_(False),
        or_(response, resolution),
    )


async def check_sla(db: Database, now: datetime, max_rounds: int = 20) -> dict[str, int]:
    """Warns before deadlines and escalates on breach; safe to run concurrently and again.

    Works in pages of MAX_LIST, most overdue first; a handled question leaves the selection,
    so each round moves on. `max_rounds` bounds one call; the next call continues.
    """
    counts = {"warned": 0, "escalated": 0}
    settings_cache: dict[int, ProjectQuestionSettings] = {}
    for _ in range(max_rounds):
        async with db.read() as s:
            candidates = list(
                await s.scalars(
                    select(Question)
                    .where(_sla_action_due(now))
                    .order_by(Question.response_warn_at, Question.id)
                    .limit(MAX_LIST)
                )
            )
        acted = 0
        for q in candidates:
            if q.project_id not in settings_cache:
                settings_cache[q.project_id] = await get_settings(db, q.project_id)
            policy = settings_cache[q.project_id].policy(q.category, q.priority)
            acted += await _check_one(db, q, policy, now, counts)
        # A page where nothing could be done (other workers took it) would repeat: stop.
        if len(candidates) < MAX_LIST or acted == 0:
            break
    return counts


async def _check_one(
    db: Database, q: Question, policy: Policy, now: datetime, counts: dict[str, int]
) -> int:
    acted = 0
    for clock in ("response", "resolution"):
        if clock == "response" and q.first_response_at is not None:
            continue
        if getattr(q, f"{clock}_due_at") <= now:
            done = await _escalate(db, q, clock, policy, now)
            counts["escalated"] += done
        elif getattr(q, f"{clock}_warn_at") <= now:
            done = await _warn(db, q, clock, now)
            counts["warned"] += done
        else:
            continue
        acted += done
    return acted


async def _warn(db: Database, q: Question, clock: str, now: datetime) -> int:
    flag = getattr(Question, f"{clock}_warned")
    async with db.write() as s:
        res = cast(
            "CursorResult[Any]",
            await s.execute(
                update(Question)
                .where(Question.id == q.id, flag.is_(False), Question.resolved_at.is_(None))
                .values({flag: True})
            ),
        )
        if res.rowcount != 1:
            return 0  # another worker warned, or it was resolved meanwhile
        due = getattr(q, f"{clock}_due_at")
        minutes = max(0, int((due - now).total_seconds() // 60))
        what = "first answer" if clock == "response" else "resolution"
        for uid in await audience(s, q.project_id, _target(q)):
            notify(
                s, uid, "question.sla_warning",
                f"Question #{q.id}: {what} due in {minutes} min",
                f"The {what} deadline is {due:%Y-%m-%d %H:%M} UTC.", link_to(q),
            )  # fmt: skip
    return 1


async def _escalate(db: Database, q: Question, clock: str, policy: Policy, now: datetime) -> int:
    flag = getattr(Question, f"{clock}_breached")
    level, target = _next_level(policy.escalation, q.escalation_level, _target(q))
    values: dict[Any, Any] = {
        flag: True,
        Question.status: "escalated",
        Question.escalation_level: level,
        Question.escalated_at: now,
        Question.updated_at: now,
    }
    if level != q.escalation_level:
        values[Question.assignee_id] = target if isinstance(target, int) else None
        values[Question.assignee_group] = None if isinstance(target, int) else target
    async with db.write() as s:
        res = cast(
            "CursorResult[Any]",
            await s.execute(
                update(Question)
                .where(
                    Question.id == q.id,
                    flag.is_(False),
                    Question.resolved_at.is_(None),
                    Question.escalation_level == q.escalation_level,
                    Question.first_response_at.is_(None)
                    if clock == "response"
                    else flag.is_(False),
                )
                .values(values)
            ),
        )
        if res.rowcount != 1:
            return 0  # another worker escalated it, or it was answered meanwhile
        what = "first answer" if clock == "response" else "resolution"
        people = set(await audience(s, q.project_id, target))
        people |= set(await audience(s, q.project_id, _target(q)))
        for uid in sorted(people):
            notify(
                s, uid, "question.escalated",
                f"Question #{q.id} escalated: {what} deadline missed",
                f"Escalation level {level}. {_excerpt(q.text)}", link_to(q),
            )  # fmt: skip
        audit.record(
            s, None, "question.escalate", q.project_id, "question", q.id,
            {"clock": clock, "level": level, "to": target},
        )  # fmt: skip
    q.escalation_level = level
    if isinstance(target, int):
        q.assignee_id, q.assignee_group = target, None
    else:
        q.assignee_id, q.assignee_group = None, target
    return 1


# -- the report --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _attainment(met: int, decided: int) -> float | None:
    return round(100 * met / decided, 1) if decided else None


def summarize(questions: list[Question], now: datetime) -> dict[str, Any]:
    """Response and resolution times (seconds, median and p90), SLA attainment (% of the
    questions whose clock has stopped or run out) and counts by status."""
    response = [
        (q.first_response_at - q.created_at).total_seconds()
        for q in questions
        if q.first_response_at
    ]
    resolution = [
        (q.resolved_at - q.created_at).total_seconds() for q in questions if q.resolved_at
    ]
    r_decided = [q for q in questions if q.first_response_at or now > q.response_due_at]
    s_decided = [q for q in questions if q.resolved_at or now > q.resolution_due_at]
    r_met = sum(
        1 for q in r_decided if q.first_response_at and q.first_response_at <= q.response_due_at
    )
    s_met = sum(1 for q in s_decided if q.resolved_at and q.resolved_at <= q.resolution_due_at)
    return {
        "count": len(questions),
        "by_status": {st: sum(1 for q in questions if q.status == st) for st in STATUSES},
        "response_median_s": percentile(response, 50),
        "response_p90_s": percentile(response, 90),
        "resolution_median_s": percentile(resolution, 50),
        "resolution_p90_s": percentile(resolution, 90),
        "response_sla_pct": _attainment(r_met, len(r_decided)),
        "resolution_sla_pct": _attainment(s_met, len(s_decided)),
    }


async def report(
    db: Database, access: ProjectAccess, start: datetime, end: datetime, now: datetime | None = None
) -> dict[str, Any]:
    """The report on the questions raised in [start, end): overall and by category."""
    access.require("question.manage")
    if end <= start:
        raise InvalidInput(
            "the report's end must be after its start", code="invalid_range", field="end"
        )
    now = now or utcnow()
    async with db.read() as s:
        rows = list(
            await s.scalars(
                select(Question).where(
                    Question.project_id == access.project.id,
                    Question.created_at >= start,
                    Question.created_at < end,
                )
            )
        )
    await audit.log(db, access.user.id, "questions.report", project_id=access.project.id)
    by_category = {c: summarize([q for q in rows if q.category == c], now) for c in CATEGORIES}
    return {"start": start, "end": end, "total": summarize(rows, now), "by_category": by_category}


REPORT_COLUMNS = (
    "count",
    "open",
    "answered",
    "escalated",
    "resolved",
    "response_median_s",
    "response_p90_s",
    "resolution_median_s",
    "resolution_p90_s",
    "response_sla_pct",
    "resolution_sla_pct",
)


def report_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The report as CSV rows: a header, one row per category, then the total."""
    out: list[list[Any]] = [["category", *REPORT_COLUMNS]]
    parts = [*data["by_category"].items(), ("all", data["total"])]
    for name, part in parts:
        flat = {**part, **part["by_status"]}
        out.append([name, *("" if flat[c] is None else flat[c] for c in REPORT_COLUMNS)])
    return out
