"""Tables of the questions portal: tickets, their replies, SLA policies, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, _created
from truthline.db.types import JSONType, UTCDateTime, utcnow


class Question(Base):
    """A question raised by a member about an item and/or a guideline section; a ticket with
    an assignee, SLA deadlines and an escalation level."""

    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    guideline_section: Mapped[str | None] = mapped_column(String(40))
    guideline_version: Mapped[int | None] = mapped_column(Integer)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # One person, or a group ("leads", "admins") when nobody in particular is assigned.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_group: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    text: Mapped[str] = mapped_column(Text)
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    parked_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    response_warn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_warn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Flags flipped by conditional UPDATEs, so that two workers never warn or escalate twice.
    response_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    __table_args__ = (
        Index("ix_questions_project", "project_id", "status", "created_at"),
        Index("ix_questions_asker", "asker_id", "created_at"),
        Index("ix_questions_assignee", "assignee_id", "status"),
        Index("ix_questions_item", "item_id"),
        # The SLA job looks only at unresolved questions whose earliest SLA instant has come.
        Index(
            "ix_questions_open_due",
            "response_warn_at",
            sqlite_where=sql_text("resolved_at IS NULL"),
            postgresql_where=sql_text("resolved_at IS NULL"),
        ),
    )


class QuestionReply(Base):
    """One message of a question's thread; never edited."""

    __tablename__ = "question_replies"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # The guideline version this answer was published in as a FAQ entry.
    faq_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _created()
    __table_args__ = (Index("ix_question_replies_question", "question_id", "id"),)


class QuestionSettings(Base):
    """A project's working calendar, routing per category and SLA policies (overrides only;
    what is not set here takes the defaults of services/questions.py)."""

    __tablename__ = "question_settings"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    routing: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    policies: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """An in-app notification to one person."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = _created()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "id"),
        Index(
            "ix_notifications_unread",
            "user_id",
            sqlite_where=sql_text("read_at IS NULL"),
            postgresql_where=sql_text("read_at IS NULL"),
        ),
    )
