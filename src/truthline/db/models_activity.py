"""Tables of time accounting and targets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, _created
from truthline.db.types import UTCDateTime, utcnow

EVENT_KINDS = ("lease", "heartbeat", "submit", "skip", "release")
EVENT_STATES = ("active", "idle", "hidden")
METRICS = ("items_per_day", "items_per_hour", "gold_accuracy", "review_pass_rate")


class ActivityEvent(Base):
    """One thing the server saw a person's client do on a lease, with the state it reported.

    The state is the one that holds from this event until the next event of the same lease; the
    client's cumulative active time is kept so the server can bound it by its own clock."""

    __tablename__ = "activity_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default="active")
    client_active_ms: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (
        CheckConstraint(
            "kind IN ('lease', 'heartbeat', 'submit', 'skip', 'release')",
            name="ck_activity_events_kind",
        ),
        CheckConstraint("state IN ('active', 'idle', 'hidden')", name="ck_activity_events_state"),
        Index("ix_activity_events_user_at", "user_id", "at"),
        Index("ix_activity_events_assignment", "assignment_id", "at"),
        Index("ix_activity_events_project_at", "project_id", "at"),
    )


class ActivityTarget(Base):
    """A target for a project: for one person, for a role, or for everyone (neither set);
    optionally for one stage and one weekday (0 = Monday)."""

    __tablename__ = "activity_targets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(40))
    weekday: Mapped[int | None] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(30))
    value: Mapped[float] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        CheckConstraint(
            "metric IN ('items_per_day', 'items_per_hour', 'gold_accuracy', 'review_pass_rate')",
            name="ck_activity_targets_metric",
        ),
        CheckConstraint("user_id IS NULL OR role IS NULL", name="ck_activity_targets_scope"),
        CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
            name="ck_activity_targets_weekday",
        ),
        CheckConstraint("value >= 0", name="ck_activity_targets_value"),
        Index("ix_activity_targets_project", "project_id", "metric"),
    )


class ActivitySettings(Base):
    """A project's thresholds for time accounting and outlier flags (defaults when absent)."""

    __tablename__ = "activity_settings"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    max_gap_s: Mapped[int] = mapped_column(Integer)
    # Seconds without input after which the workspace reports the person idle.
    idle_after_s: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    session_gap_s: Mapped[int] = mapped_column(Integer)
    too_fast_ratio: Mapped[float] = mapped_column(Float)
    too_fast_min_s: Mapped[float] = mapped_column(Float)
    long_idle_share: Mapped[float] = mapped_column(Float)
    fix_counts_as_pass: Mapped[bool] = mapped_column(Boolean)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
