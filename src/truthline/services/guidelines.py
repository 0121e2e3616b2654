"""Versioned guidelines (SOPs): publish, read, diff, acknowledge, and the acknowledgement gate.

Every publish is a new immutable version. A version flagged ``requires_ack`` blocks the queue
for annotators and reviewers until they have confirmed the newest version (after seeing what
changed since the last version they confirmed). Each annotation stores the version in force.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from truthline.db.models import Annotation, GuidelineAck, GuidelineVersion, Item, Membership, User
from truthline.db.session import Database
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.services import audit

MAX_BODY = 1_000_000
# "## 3.2 Title", "### §4 Title": a numbered heading starts a section others can point at.
SECTION_RE = re.compile(r"^(#{1,6})\s+§?\s*(\d+(?:\.\d+)*)\.?\s+(.+?)\s*$", re.M)
GATED_ROLES = ("annotator", "reviewer")


def parse_sections(body: str) -> dict[str, dict[str, object]]:
    """Numbered headings → {"3.2": {"title": ..., "line": n}} (line is 1-based)."""
    out: dict[str, dict[str, object]] = {}
    for match in SECTION_RE.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        out.setdefault(match.group(2), {"title": match.group(3), "line": line})
    return out


async def publish(
    db: Database,
    access: ProjectAccess,
    *,
    body: str,
    change_summary: str = "",
    requires_ack: bool = False,
) -> GuidelineVersion:
    if not body.strip():
        raise InvalidInput("the guideline is empty", field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"the guideline is longer than {MAX_BODY} characters", field="body")
    if len(change_summary) > 5000:
        raise InvalidInput("change_summary is longer than 5000 characters", field="change_summary")
    try:
        async with db.write() as s:
            last = await s.scalar(
                select(func.max(GuidelineVersion.version)).where(
                    GuidelineVersion.project_id == access.project.id
                )
            )
            version = GuidelineVersion(
                project_id=access.project.id,
                version=(last or 0) + 1,
                body=body,
                change_summary=change_summary,
                requires_ack=requires_ack,
                sections=parse_sections(body),
                created_by=access.user.id,
            )
            s.add(version)
            await s.flush()
            audit.record(
                s,
                access.user.id,
                "guideline.publish",
                access.project.id,
                "guideline",
                version.version,
                {"requires_ack": requires_ack},
            )
    except IntegrityError:
        raise Conflict("another version was published at the same time; try again") from None
    return version


async def list_versions(db: Database, project_id: int) -> list[GuidelineVersion]:
    async with db.read() as s:
        rows = await s.scalars(
            select(GuidelineVersion)
            .where(GuidelineVersion.project_id == project_id)
            .order_by(GuidelineVersion.version)
        )
        return list(rows)


async def get_version(db: Database, project_id: int, version: int | None) -> GuidelineVersion:
    """A version by number, or the current (newest) one when ``version`` is None."""
    async with db.read() as s:
        q = select(GuidelineVersion).where(GuidelineVersion.project_id == project_id)
        q = (
            q.where(GuidelineVersion.version == version)
            if version is not None
            else q.order_by(GuidelineVersion.version.desc()).limit(1)
        )
        found = await s.scalar(q)
    if found is None:
        what = f"version {version}" if version is not None else "guideline"
        raise NotFound(f"this project has no {what}", code="guideline_not_found")
    return found


async def diff(db: Database, project_id: int, old: int | None, new: int) -> list[str]:
    """Unified diff lines from version ``old`` (None: nothing) to ``new``."""
    before = (await get_version(db, project_id, old)).body if old else ""
    after = (await get_version(db, project_id, new)).body
    return list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=f"v{old}" if old else "(none)",
            tofile=f"v{new}",
            lineterm="",
        )
    )


@dataclass
class PendingAck:
    version: int  # the version to confirm (the current one)
    since: int | None  # the last version this person confirmed


async def pending_ack(db: Database, access: ProjectAccess) -> PendingAck | None:
    """What this person must confirm before taking work, or None."""
    if access.user.is_admin or access.role not in GATED_ROLES:
        return None
    pid, uid = access.project.id, access.user.id
    async with db.read() as s:
        required = await s.scalar(
            select(func.max(GuidelineVersion.version)).where(
                GuidelineVersion.project_id == pid, GuidelineVersion.requires_ack
            )
        )
        if required is None:
            return None
        acked = await s.scalar(
            select(func.max(GuidelineVersion.version))
            .join(GuidelineAck, GuidelineAck.guideline_version_id == GuidelineVersion.id)
            .where(GuidelineVersion.project_id == pid, GuidelineAck.user_id == uid)
        )
        current = await s.scalar(
            select(func.max(GuidelineVersion.version)).where(GuidelineVersion.project_id == pid)
        )
    if acked is not None and acked >= required:
        return None
    return PendingAck(version=int(current), since=acked)


async def acknowledge(db: Database, access: ProjectAccess, version: int) -> GuidelineAck:
    """Confirms a version; confirming the current version covers every older one."""
    row = await get_version(db, access.project.id, version)
    async with db.write() as s:
        existing = await s.get(GuidelineAck, (access.user.id, row.id))
        if existing is not None:
            return existing
        ack = GuidelineAck(
            user_id=access.user.id, guideline_version_id=row.id, project_id=access.project.id
        )
        s.add(ack)
        audit.record(s, access.user.id, "guideline.ack", access.project.id, "guideline", version)
    return ack


async def ack_report(
    db: Database, project_id: int, version: int
) -> list[tuple[User, str, datetime | None]]:
    """Every member with their role and when they confirmed this version or a newer one
    (confirming a newer version covers the older ones); None: not yet."""
    await get_version(db, project_id, version)
    async with db.read() as s:
        covering = (
            select(GuidelineAck.user_id, func.min(GuidelineAck.acked_at).label("acked_at"))
            .join(GuidelineVersion, GuidelineVersion.id == GuidelineAck.guideline_version_id)
            .where(GuidelineVersion.project_id == project_id, GuidelineVersion.version >= version)
            .group_by(GuidelineAck.user_id)
            .subquery()
        )
        rows = await s.execute(
            select(User, Membership.role, covering.c.acked_at)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(covering, covering.c.user_id == User.id)
            .where(Membership.project_id == project_id)
            .order_by(User.username)
        )
        return [(u, r, at) for u, r, at in rows.all()]


async def affected_items(
    db: Database, project_id: int, version: int, *, label: str | None, limit: int = 1000
) -> list[tuple[Item, int]]:
    """Items annotated under a version older than ``version`` (optionally carrying ``label``
    in those annotations), with how many such annotations each has."""
    from sqlalchemy import String, cast, or_

    row = await get_version(db, project_id, version)
    async with db.read() as s:
        older = select(GuidelineVersion.id).where(
            GuidelineVersion.project_id == project_id, GuidelineVersion.version < row.version
        )
        q = (
            select(Item, func.count(Annotation.id))
            .join(Annotation, Annotation.item_id == Item.id)
            .where(
                Item.project_id == project_id,
                or_(
                    Annotation.guideline_version_id.in_(older),
                    Annotation.guideline_version_id.is_(None),
                ),
            )
            .group_by(Item.id)
            .order_by(Item.id)
            .limit(limit)
        )
        if label:
            needle = '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
            q = q.where(cast(Annotation.result, String).contains(needle, autoescape=True))
        return [(i, n) for i, n in (await s.execute(q)).all()]
