"""Tables of qualification quizzes and guideline images."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, _created
from truthline.db.types import JSONType, UTCDateTime, utcnow


class GuidelineAsset(Base):
    """An image a guideline refers to as ``asset:<id>``; stored once per project and content."""

    __tablename__ = "guideline_assets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    __table_args__ = (UniqueConstraint("project_id", "sha256", name="uq_guideline_assets_content"),)


class QualificationQuiz(Base):
    """The quiz a guideline version carries; at most one per version."""

    __tablename__ = "qualification_quizzes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guideline_version_id: Mapped[int] = mapped_column(
        ForeignKey("guideline_versions.id", ondelete="CASCADE"), unique=True
    )
    # The version number, copied so that the queue's gate needs no join.
    guideline_version: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_mark: Mapped[int] = mapped_column(Integer)  # percent, 0-100
    max_attempts: Mapped[int] = mapped_column(Integer)
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Choice questions: {"id", "text", "kind": single|multiple, "options", "correct",
    # "explanation"}; gold entries: {"id", "text", "kind": "gold", "item_id", "explanation"},
    # whose expected answers live in qualification_gold_entries, never beside the questions.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        Index("ix_qualification_quizzes_gate", "project_id", "enabled", "guideline_version"),
    )


class QualificationGoldEntry(Base):
    """A quiz entry answered like a task: a gold item of the project and the answer it was
    expected to get when the quiz was saved (the gold answer then), so that later changes to
    the gold item never change a quiz already in force."""

    __tablename__ = "qualification_gold_entries"
    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("qualification_quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    answer: Mapped[dict[str, Any]] = mapped_column(JSONType)
    feedback: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        UniqueConstraint("quiz_id", "item_id", name="uq_qualification_gold_entries_item"),
        Index("ix_qualification_gold_entries_item", "item_id"),
    )


class QualificationAttempt(Base):
    """One submitted attempt at a quiz, scored when it was submitted; never edited except
    that a lead's grant of new attempts stops earlier failures from counting."""

    __tablename__ = "qualification_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("qualification_quizzes.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_revision: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _created()
    __table_args__ = (
        Index("ix_qualification_attempts_user", "quiz_id", "user_id", "passed"),
        Index("ix_qualification_attempts_project", "project_id", "quiz_id"),
    )
