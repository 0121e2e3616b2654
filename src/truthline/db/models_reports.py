"""Tables of status reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from truthline.db.models import Base, BigId, ReviewVerdict, _created
from truthline.db.types import JSONType


class ReportSnapshot(Base):
    """A person's daily status report as it stood when their day ended; one per (person, day)
    so that workers on several hosts storing it at once keep exactly one."""

    __tablename__ = "report_snapshots"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    tz: Mapped[str] = mapped_column(String(64))
    items: Mapped[int] = mapped_column(Integer, default=0)
    active_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    generated_at: Mapped[datetime] = _created()
    __table_args__ = (
        UniqueConstraint("user_id", "day", name="uq_report_snapshots_user_day"),
        # the job's "what is already stored" scan looks at recent days across everyone
        Index("ix_report_snapshots_day", "day"),
    )


# A report counts the reviews a person gave that day; verdicts were indexed by project and
# annotator only.
Index("ix_review_verdicts_reviewer", ReviewVerdict.reviewer_id, ReviewVerdict.created_at)
