"""SLA clocks of questions: breach warnings and automatic escalation."""

from __future__ import annotations

from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.jobs.worker import periodic
from truthline.settings import Settings


@periodic("questions.sla")
async def check_question_sla(db: Database, settings: Settings) -> None:
    """Every worker runs this; the service's conditional UPDATEs make it safe to overlap."""
    from truthline.services.questions import check_sla

    await check_sla(db, utcnow())
