"""The quality outbox: one row per submit whose quality steps are still to run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, _created
from truthline.db.types import UTCDateTime


class QualityOutbox(Base):
    """Written in the submit's own transaction, so a submit is never stored without the note
    that its gold scoring, rework closing and review sampling are due; ``done_at`` is set in the
    transaction that runs them, so they run once whoever runs them (the request or a worker)."""

    __tablename__ = "quality_outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _created()
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("annotation_id", name="uq_quality_outbox_annotation"),
        # the workers' scan reads only the rows still due, however many are done
        Index(
            "ix_quality_outbox_pending",
            "created_at",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        Index("ix_quality_outbox_done", "done_at"),
    )
