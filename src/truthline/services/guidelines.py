"""Versioned guidelines (SOPs): publish, read, diff, acknowledge, and the acknowledgement gate;
the images a guideline shows; and sending items affected by a change back for re-check.

Every publish is a new immutable version. A version flagged ``requires_ack`` blocks the queue
for annotators and reviewers until they have confirmed the newest version (after seeing what
changed since the last version they confirmed). Each annotation stores the version in force.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from truthline.db.models import (
    Annotation,
    GuidelineAck,
    GuidelineVersion,
    Item,
    Membership,
    ReviewTask,
    ReviewVerdict,
    ReworkTask,
    SchemaVersion,
    User,
)
from truthline.db.models_qualification import GuidelineAsset
from truthline.db.session import Database
from truthline.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from truthline.media.storage import Storage
from truthline.policies import ProjectAccess
from truthline.services import audit, gates
from truthline.services import guideline_sections as sections_
from truthline.services.guideline_sections import parse_sections
from truthline.services.quality_data import Latest, latest_for_items
from truthline.services.quality_settings import quality_of
from truthline.services.review_sampling import send_to_review

MAX_BODY = 1_000_000
# An uploaded Markdown file: under the request body limit (2 MiB) with the form around it.
MAX_MARKDOWN_BYTES = 1_500_000
GATED_ROLES = ("annotator", "reviewer")


def read_markdown(data: bytes, field: str = "file") -> str:
    """The text of an uploaded Markdown file: UTF-8 (a byte-order mark is dropped), Windows line
    ends made plain; anything else is refused with the problem named."""
    if len(data) > MAX_MARKDOWN_BYTES:
        raise PayloadTooLarge(
            f"the Markdown file is larger than {MAX_MARKDOWN_BYTES} bytes",
            code="guideline_too_large",
            field=field,
            value=len(data),
            limit=MAX_MARKDOWN_BYTES,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the Markdown file is not UTF-8 text (byte {exc.start} cannot be read); "
            "save it as UTF-8 and upload it again",
            code="guideline_not_utf8",
            field=field,
            value=exc.start,
        ) from None
    if "\x00" in text:
        raise InvalidInput(
            "the file holds NUL bytes: it is not a Markdown text",
            code="guideline_not_utf8",
            field=field,
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


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
    gates.forget(access.project.id)
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
    return PendingAck(version=int(current or required), since=acked)


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


@dataclass
class AffectedFilter:
    """Which older annotations count: those carrying ``label`` (any, when None) in an answer to
    one of ``questions`` (any question, when None)."""

    label: str | None = None
    questions: set[str] | None = None


def _affected_query(
    project_id: int, version: int, only: AffectedFilter, dialect: str
) -> Select[Item, int]:
    """Items annotated under a version older than ``version`` (narrowed by ``only``), with how
    many such annotations each has."""
    older = select(GuidelineVersion.id).where(
        GuidelineVersion.project_id == project_id, GuidelineVersion.version < version
    )
    q: Select[Item, int] = (
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
    )
    if only.questions is not None and not only.questions:
        return q.where(false())  # the section has no question: no annotation answered it
    if only.label is not None or only.questions is not None:
        q = q.where(sections_.answer_condition(dialect, only.questions, only.label))
    return q


async def _schemas(db: Database, project_id: int) -> list[dict]:
    async with db.read() as s:
        rows = await s.scalars(
            select(SchemaVersion.schema).where(SchemaVersion.project_id == project_id)
        )
        return [r for r in rows if isinstance(r, dict)]


async def section_changes(
    db: Database, project_id: int, version: int
) -> list[tuple[sections_.SectionChange, list[str]]]:
    """The sections of ``version`` (and those the version before had and it dropped), each with
    how this version changed it and the schema questions pointing at it."""
    row = await get_version(db, project_id, version)
    before = (await get_version(db, project_id, version - 1)).body if version > 1 else ""
    by_section = sections_.questions_by_section(await _schemas(db, project_id))
    return [
        (c, sorted(by_section.get(c.section, ())))
        for c in sections_.compare_sections(before, row.body)
    ]


async def affected_filter(
    db: Database,
    project_id: int,
    version: int,
    *,
    label: str | None = None,
    section: str | None = None,
    changed_sections: bool = False,
) -> AffectedFilter:
    """The filter for a label and either one section (with its subsections) or the sections
    ``version`` changed; a section stands for the schema questions pointing at it."""
    label = (label or "").strip() or None
    if section is not None and changed_sections:
        raise InvalidInput(
            "give either section or changed_sections, not both", field="section", value=section
        )
    if section is None and not changed_sections:
        return AffectedFilter(label, None)
    number = sections_.check_section(section) if section is not None else None
    changes = [c for c, _ in await section_changes(db, project_id, version)]
    by_section = sections_.questions_by_section(await _schemas(db, project_id))
    if number is not None:
        if number not in by_section and all(c.section != number for c in changes):
            raise InvalidInput(
                f"neither version {version} nor the one before has a section {number}, and no "
                "question points at it",
                code="unknown_guideline_section",
                field="section",
                value=number,
            )
        return AffectedFilter(
            label, sections_.questions_for(by_section, [number], subsections=True)
        )
    # The changed set already holds every section around a changed subsection, so the match is
    # exact: a change in 2.1 flags the questions on 2 and 2.1, not those on 2.2.
    changed = [c.section for c in changes if c.change]
    return AffectedFilter(label, sections_.questions_for(by_section, changed, subsections=False))


async def affected_items(
    db: Database, project_id: int, version: int, *, only: AffectedFilter, limit: int = 1000
) -> list[tuple[Item, int]]:
    """Items annotated under a version older than ``version`` (narrowed by ``only``), with how
    many such annotations each has."""
    row = await get_version(db, project_id, version)
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    async with db.read() as s:
        q = _affected_query(project_id, row.version, only, dialect).limit(limit)
        return [(i, n) for i, n in (await s.execute(q)).all()]


# --- images ---------------------------------------------------------------------------------------
MAX_ASSET_BYTES = 1_500_000  # under the default request body limit (2 MiB)
MAX_ASSET_PIXELS = 40_000_000
ASSET_PREFIX = "guideline-assets"
# Pillow's format name -> (content type, file suffix); nothing else is accepted.
ASSET_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}


@dataclass
class DecodedImage:
    content_type: str
    suffix: str
    width: int
    height: int


def decode_image(data: bytes) -> DecodedImage:
    """Decodes the bytes fully: only a real PNG, JPEG, WebP or GIF of sane size passes, whatever
    the upload claimed to be."""
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InvalidInput("the image is empty", code="image_invalid", field="body")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt, (width, height) = img.format or "", img.size
                if fmt not in ASSET_FORMATS:
                    raise InvalidInput(
                        f"images must be PNG, JPEG, WebP or GIF, not {fmt or 'unknown'}",
                        code="image_type_unsupported",
                        field="body",
                        value=fmt,
                    )
                if width * height > MAX_ASSET_PIXELS:
                    raise InvalidInput(
                        f"the image has more than {MAX_ASSET_PIXELS} pixels",
                        code="image_invalid",
                        field="body",
                        value=f"{width}x{height}",
                    )
                img.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise InvalidInput(
            f"the file is not a readable image: {exc}", code="image_invalid", field="body"
        ) from None
    content_type, suffix = ASSET_FORMATS[fmt]
    return DecodedImage(content_type, suffix, width, height)


async def add_asset(
    db: Database, storage: Storage, access: ProjectAccess, data: bytes, filename: str
) -> tuple[GuidelineAsset, bool]:
    """Stores an image for the project's guideline; the same bytes uploaded again give the same
    asset. Returns (asset, whether it was created)."""
    if len(data) > MAX_ASSET_BYTES:
        raise PayloadTooLarge(
            f"images are limited to {MAX_ASSET_BYTES} bytes",
            code="image_too_large",
            field="body",
            value=len(data),
            limit=MAX_ASSET_BYTES,
        )
    if len(filename) > 200:
        raise InvalidInput("filename is longer than 200 characters", field="filename")
    image = decode_image(data)
    digest = hashlib.sha256(data).hexdigest()
    pid = access.project.id
    async with db.read() as s:
        found = await s.scalar(
            select(GuidelineAsset).where(
                GuidelineAsset.project_id == pid, GuidelineAsset.sha256 == digest
            )
        )
    if found is not None:
        return found, False
    key = f"{ASSET_PREFIX}/{pid}/{digest[:2]}/{digest}.{image.suffix}"
    # Written before the row: a row never points at missing bytes, and bytes without a row
    # (a failed insert) are the same content-addressed file the next upload reuses.
    await asyncio.to_thread(storage.put_bytes, key, data)
    try:
        async with db.write() as s:
            asset = GuidelineAsset(
                project_id=pid,
                sha256=digest,
                storage_key=key,
                content_type=image.content_type,
                size=len(data),
                width=image.width,
                height=image.height,
                filename=filename,
                created_by=access.user.id,
            )
            s.add(asset)
            await s.flush()
            audit.record(
                s, access.user.id, "guideline.asset_upload", pid, "guideline_asset", asset.id,
                {"sha256": digest, "size": len(data)},
            )  # fmt: skip
    except IntegrityError:  # the same image uploaded concurrently
        async with db.read() as s:
            again = await s.scalar(
                select(GuidelineAsset).where(
                    GuidelineAsset.project_id == pid, GuidelineAsset.sha256 == digest
                )
            )
        if again is None:
            raise
        return again, False
    return asset, True


async def list_assets(db: Database, project_id: int) -> list[GuidelineAsset]:
    async with db.read() as s:
        rows = await s.scalars(
            select(GuidelineAsset)
            .where(GuidelineAsset.project_id == project_id)
            .order_by(GuidelineAsset.id)
        )
        return list(rows)


async def readable_asset(db: Database, user: User, asset_id: int) -> GuidelineAsset:
    """The image, for a member of its project (anyone else learns nothing, not even that it
    exists)."""
    from truthline.policies import project_access

    async with db.read() as s:
        asset = await s.get(GuidelineAsset, asset_id)
    missing = NotFound(f"no guideline image {asset_id}", code="guideline_asset_not_found")
    if asset is None:
        raise missing
    try:
        await project_access(db, user, asset.project_id, "guideline.read")
    except NotFound:
        raise missing from None
    return asset


# --- re-check of affected items -------------------------------------------------------------------
RECHECK_STAGES = ("review", "annotate")
MAX_RECHECK = 5000
RECHECK_NOTE = "guideline changed v{old}→v{new}"


@dataclass
class RecheckOutcome:
    sent: int = 0
    already_pending: int = 0  # an open re-check of this item exists
    in_progress: int = 0  # the item is still being annotated, reviewed or reworked
    already_reviewed: int = 0  # review: every latest annotation has been judged already
    up_to_date: int = 0  # every latest annotation was made under this version or a newer one
    truncated: bool = False  # more than MAX_RECHECK items matched; call again
    item_ids: list[int] = field(default_factory=list)  # the items sent


def _recheck_note(old: int | None, new: GuidelineVersion) -> str:
    note = RECHECK_NOTE.format(old=old if old is not None else "?", new=new.version)
    summary = new.change_summary.strip()
    return f"{note}: {summary}" if summary else note


async def _pending_recheck(s: AsyncSession, item_ids: list[int]) -> set[int]:
    """Items with an open re-check: a review task opened for the guideline, or a rework whose
    note this module wrote."""
    if not item_ids:
        return set()
    review_open = await s.scalars(
        select(ReviewTask.item_id).where(
            ReviewTask.item_id.in_(item_ids),
            ReviewTask.status == "open",
            ReviewTask.reason == "guideline",
        )
    )
    rework_open = await s.scalars(
        select(ReworkTask.item_id).where(
            ReworkTask.item_id.in_(item_ids),
            ReworkTask.status == "open",
            ReworkTask.notes.like("guideline changed v%"),
        )
    )
    return set(review_open) | set(rework_open)


async def _judged(s: AsyncSession, annotation_ids: list[int]) -> set[int]:
    if not annotation_ids:
        return set()
    rows = await s.scalars(
        select(ReviewVerdict.annotation_id).where(ReviewVerdict.annotation_id.in_(annotation_ids))
    )
    return set(rows)


async def send_back(
    db: Database,
    access: ProjectAccess,
    version: int,
    *,
    stage: str,
    item_ids: list[int] | None,
    only: AffectedFilter | None = None,
) -> RecheckOutcome:
    """Sends items annotated under an older version than ``version`` back for re-check: to the
    review stage (a review task with reason ``guideline``) or to their annotators (a rework task
    whose note names the change). Only finished items move; an item waiting for a re-check is
    never sent twice, and an item still in the workflow is left where it is."""
    if stage not in RECHECK_STAGES:
        raise InvalidInput(
            f"stage must be one of {', '.join(RECHECK_STAGES)}", field="stage", value=stage
        )
    if item_ids is not None and len(item_ids) > MAX_RECHECK:
        raise InvalidInput(
            f"at most {MAX_RECHECK} items per request", field="item_ids", value=len(item_ids)
        )
    if quality_of(access.project).review.mode == "off":
        # A re-check ends in review: after review is turned off nothing would take the items
        # back from the rework or review stage.
        raise Conflict(
            "turn review on in the project's quality settings before sending items back",
            code="recheck_needs_review",
            stage=stage,
        )
    target = await get_version(db, access.project.id, version)
    pid, out = access.project.id, RecheckOutcome()
    async with db.write() as s:
        dialect = "sqlite" if db.is_sqlite else "postgresql"
        q = _affected_query(pid, target.version, only or AffectedFilter(), dialect)
        if item_ids is not None:
            q = q.where(Item.id.in_(item_ids))
        rows = [i for i, _ in (await s.execute(q.limit(MAX_RECHECK + 1))).all()]
        out.truncated = len(rows) > MAX_RECHECK
        items = rows[:MAX_RECHECK]
        if item_ids is not None:
            missing = sorted(set(item_ids) - {i.id for i in items})
            if missing:
                raise InvalidInput(
                    f"item {missing[0]} was not annotated under a version older than "
                    f"v{target.version}",
                    code="item_not_affected",
                    field="item_ids",
                    value=missing[:20],
                )
        pending = await _pending_recheck(s, [i.id for i in items])
        done = [i for i in items if i.id not in pending and i.stage == "done"]
        out.already_pending = len(pending)
        out.in_progress = len(items) - len(pending) - len(done)
        latest = await _still_older(s, pid, target, await latest_for_items(s, [i.id for i in done]))
        fresh = [i for i in done if not latest.get(i.id)]
        out.up_to_date = len(fresh)
        done = [i for i in done if latest.get(i.id)]
        if stage == "review":
            await _to_review(s, access, done, latest, out)
        else:
            await _to_rework(s, access, done, latest, target, out)
        audit.record(
            s, access.user.id, "guideline.recheck", pid, "guideline", target.version,
            {"stage": stage, "sent": out.sent, "item_ids": out.item_ids[:1000]},
        )  # fmt: skip
    return out


async def _still_older(
    s: AsyncSession,
    project_id: int,
    target: GuidelineVersion,
    latest: dict[int, dict[int, Latest]],
) -> dict[int, dict[int, Latest]]:
    """The latest annotations made under a version older than ``target`` (or none recorded):
    a person who already redid the item under the new version has nothing to re-check."""
    ids = [a.annotation_id for per in latest.values() for a in per.values()]
    if not ids:
        return {}
    current = set(
        await s.scalars(
            select(Annotation.id)
            .join(GuidelineVersion, GuidelineVersion.id == Annotation.guideline_version_id)
            .where(
                Annotation.id.in_(ids),
                GuidelineVersion.project_id == project_id,
                GuidelineVersion.version >= target.version,
            )
        )
    )
    return {
        item: {u: a for u, a in per.items() if a.annotation_id not in current}
        for item, per in latest.items()
    }


async def _to_review(
    s: AsyncSession,
    access: ProjectAccess,
    items: list[Item],
    latest: dict[int, dict[int, Latest]],
    out: RecheckOutcome,
) -> None:
    cfg = quality_of(access.project).review
    judged = await _judged(s, [a.annotation_id for v in latest.values() for a in v.values()])
    for item in items:
        mine = {a.annotation_id for a in latest.get(item.id, {}).values()}
        # A review round judges only annotations no earlier round judged; with none left the
        # item could never finish its review, so it needs a re-annotation instead.
        if not mine or mine <= judged:
            out.already_reviewed += 1
            continue
        await send_to_review(s, access.project, item, "guideline", cfg)
        out.sent += 1
        out.item_ids.append(item.id)


async def _to_rework(
    s: AsyncSession,
    access: ProjectAccess,
    items: list[Item],
    latest: dict[int, dict[int, Latest]],
    target: GuidelineVersion,
    out: RecheckOutcome,
) -> None:
    by_id = {
        v.id: v.version
        for v in await s.scalars(
            select(GuidelineVersion).where(GuidelineVersion.project_id == access.project.id)
        )
    }
    made_under = {
        a.id: a.guideline_version_id
        for a in await s.scalars(
            select(Annotation).where(
                Annotation.id.in_([a.annotation_id for v in latest.values() for a in v.values()])
            )
        )
    }
    for item in items:
        annotations = list(latest.get(item.id, {}).values())
        if not annotations:
            out.in_progress += 1
            continue
        for a in annotations:
            old = by_id.get(made_under.get(a.annotation_id) or -1)
            s.add(
                ReworkTask(
                    project_id=access.project.id,
                    item_id=item.id,
                    user_id=a.user_id,
                    annotation_id=a.annotation_id,
                    notes=_recheck_note(old, target)[:5000],
                    error_codes=[],
                )
            )
        item.stage, item.slots_free = "rework", 0
        out.sent += 1
        out.item_ids.append(item.id)
    await s.flush()
