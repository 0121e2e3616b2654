"""Tables of the workforce: teams, skills, languages, schedules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, _created
from truthline.db.types import JSONType, UTCDateTime, utcnow


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _created()


class TeamMember(Base):
    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[datetime] = _created()
    __table_args__ = (
        CheckConstraint("role IN ('member', 'lead')", name="ck_team_members_role"),
        Index("ix_team_members_user", "user_id", "team_id"),
    )


class PersonSkill(Base):
    """A skill or language of a person: ``lang:hi``, ``modality:audio``; level 1-5 or none."""

    __tablename__ = "person_skills"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    level: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _created()
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_skill_level"),
        Index("ix_person_skills_tag", "tag", "user_id"),
    )


class PersonProfile(Base):
    """Where a person works from: their IANA time zone."""

    __tablename__ = "person_profiles"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Schedule(Base):
    """A person's working hours: one or more weekly patterns worked in rotation.

    ``weeks`` is a list of {"0".."6": [["HH:MM", "HH:MM"], ...]} (0 = Monday, local time);
    the week holding ``rotation_start`` is week 0 of the rotation. ``time_off`` holds local
    dates (YYYY-MM-DD) without work.
    """

    __tablename__ = "schedules"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    weeks: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    rotation_start: Mapped[date | None] = mapped_column(Date)
    time_off: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectRequirement(Base):
    """What a project asks of the people who work it: skills per stage ("*": every stage)
    and which item field carries the item's language (None: no language routing)."""

    __tablename__ = "project_requirements"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    # {"*": [{"tag": "modality:audio", "min_level": 3}], "review": [...]}
    skills: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    language_field: Mapped[str | None] = mapped_column(String(80), default="language")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
