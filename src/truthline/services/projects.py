"""Projects, their schema versions and members."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from truthline.db.models import Item, Membership, Project, SchemaVersion, User
from truthline.db.session import Database
from truthline.errors import Conflict, InvalidInput, NotFound
from truthline.policies import ProjectAccess
from truthline.policies.rules import ROLES
from truthline.schema import LabelingSchema, parse_schema
from truthline.services import audit

PROJECT_SETTINGS = {"overlap", "lease_seconds", "description", "instructions", "name", "archived"}


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("project name must be 1-200 characters", field="name", value=name)
    if name.isdigit():
        raise InvalidInput("project name cannot be only digits (ids are)", field="name", value=name)
    return name


def _check_numbers(overlap: int | None, lease_seconds: int | None) -> None:
    if overlap is not None and not 1 <= overlap <= 50:
        raise InvalidInput("overlap must be between 1 and 50", field="overlap", value=overlap)
    if lease_seconds is not None and not 10 <= lease_seconds <= 7 * 24 * 3600:
        raise InvalidInput(
            "lease_seconds must be between 10 and 604800",
            field="lease_seconds",
            value=lease_seconds,
        )


@lru_cache(maxsize=256)
def _parsed(version_id: int, canonical: bytes) -> LabelingSchema:
    return parse_schema(orjson.loads(canonical))


def schema_of(version: SchemaVersion) -> LabelingSchema:
    """The parsed schema of a stored version (cached: versions are immutable)."""
    return _parsed(version.id, orjson.dumps(version.schema, option=orjson.OPT_SORT_KEYS))


async def create_project(
    db: Database,
    user: User,
    *,
    name: str,
    schema: str | bytes | dict[str, Any],
    description: str = "",
    instructions: str = "",
    overlap: int = 1,
    lease_seconds: int = 1800,
) -> Project:
    name = _check_name(name)
    _check_numbers(overlap, lease_seconds)
    parsed = parse_schema(schema)
    source_text = schema if isinstance(schema, str) else None
    try:
        async with db.write() as s:
            project = Project(
                name=name,
                description=description,
                instructions=instructions or parsed.to_dict().get("instructions") or "",
                overlap=overlap,
                lease_seconds=lease_seconds,
                created_by=user.id,
                settings={},
            )
            s.add(project)
            await s.flush()
            version = SchemaVersion(
                project_id=project.id,
                version=1,
                schema=parsed.to_dict(),
                source_text=source_text,
                created_by=user.id,
            )
            s.add(version)
            await s.flush()
            project.schema_version_id = version.id
            s.add(Membership(project_id=project.id, user_id=user.id, role="lead"))
            audit.record(s, user.id, "project.create", project.id, "project", project.id)
    except IntegrityError:
        raise Conflict(f"a project named {name!r} exists", code="project_exists") from None
    return project


async def list_projects(db: Database, user: User) -> list[tuple[Project, str | None]]:
    async with db.read() as s:
        query = (
            select(Project, Membership.role)
            .outerjoin(
                Membership, (Membership.project_id == Project.id) & (Membership.user_id == user.id)
            )
            .order_by(Project.id)
        )
        if not user.is_admin:
            query = query.where(Membership.user_id == user.id)
        return [(p, r) for p, r in (await s.execute(query)).all()]


async def current_schema(db: Database, project: Project) -> tuple[SchemaVersion, LabelingSchema]:
    async with db.read() as s:
        version = await s.get(SchemaVersion, project.schema_version_id)
    assert version is not None
    return version, schema_of(version)


async def current_versions(db: Database, version_ids: list[int | None]) -> dict[int, int]:
    """Maps schema-version ids to their version numbers (for project lists)."""
    ids = [v for v in version_ids if v is not None]
    if not ids:
        return {}
    async with db.read() as s:
        rows = await s.execute(
            select(SchemaVersion.id, SchemaVersion.version).where(SchemaVersion.id.in_(ids))
        )
        return dict(rows.all())


async def schema_versions(db: Database, project: Project) -> list[SchemaVersion]:
    async with db.read() as s:
        rows = await s.scalars(
            select(SchemaVersion)
            .where(SchemaVersion.project_id == project.id)
            .order_by(SchemaVersion.version)
        )
        return list(rows)


async def set_schema(
    db: Database, access: ProjectAccess, schema: str | bytes | dict[str, Any]
) -> SchemaVersion:
    """Stores a new schema version; annotations keep the version they were made under."""
    parsed = parse_schema(schema)
    async with db.write() as s:
        last = await s.scalar(
            select(func.max(SchemaVersion.version)).where(
                SchemaVersion.project_id == access.project.id
            )
        )
        version = SchemaVersion(
            project_id=access.project.id,
            version=(last or 0) + 1,
            schema=parsed.to_dict(),
            source_text=schema if isinstance(schema, str) else None,
            created_by=access.user.id,
        )
        s.add(version)
        await s.flush()
        await s.execute(
            update(Project)
            .where(Project.id == access.project.id)
            .values(schema_version_id=version.id)
        )
        audit.record(
            s, access.user.id, "schema.update", access.project.id, "schema_version", version.id
        )
    return version


async def update_project(db: Database, access: ProjectAccess, changes: dict[str, Any]) -> Project:
    if not changes:
        return access.project
    unknown = set(changes) - PROJECT_SETTINGS
    if unknown:
        raise InvalidInput(f"unknown setting {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    if "name" in changes:
        changes["name"] = _check_name(changes["name"])
    _check_numbers(changes.get("overlap"), changes.get("lease_seconds"))
    project = access.project
    try:
        async with db.write() as s:
            if "overlap" in changes and changes["overlap"] != project.overlap:
                # Items still in annotation gain or lose free slots by the difference.
                delta = changes["overlap"] - project.overlap
                await s.execute(
                    update(Item)
                    .where(Item.project_id == project.id, Item.stage == "annotate")
                    .values(slots_free=func.max(Item.slots_free + delta, 0))
                    if db.is_sqlite
                    else update(Item)
                    .where(Item.project_id == project.id, Item.stage == "annotate")
                    .values(slots_free=func.greatest(Item.slots_free + delta, 0))
                )
            await s.execute(update(Project).where(Project.id == project.id).values(**changes))
            audit.record(s, access.user.id, "project.update", project.id, details=changes)
            fresh = await s.get(Project, project.id, populate_existing=True)
    except IntegrityError:
        raise Conflict(
            f"a project named {changes.get('name')!r} exists", code="project_exists"
        ) from None
    assert fresh is not None
    return fresh


async def list_members(db: Database, project: Project) -> list[tuple[User, str]]:
    async with db.read() as s:
        rows = await s.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project.id)
            .order_by(User.username)
        )
        return [(u, r) for u, r in rows.all()]


async def set_member(db: Database, access: ProjectAccess, user: User, role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role", value=role)
    async with db.write() as s:
        existing = await s.get(Membership, (access.project.id, user.id))
        if existing:
            existing.role = role
        else:
            s.add(Membership(project_id=access.project.id, user_id=user.id, role=role))
        audit.record(
            s, access.user.id, "members.set", access.project.id, "user", user.id, {"role": role}
        )


async def remove_member(db: Database, access: ProjectAccess, user_id: int) -> None:
    async with db.write() as s:
        existing = await s.get(Membership, (access.project.id, user_id))
        if existing is None:
            raise NotFound(f"user {user_id} is not a member", code="member_not_found")
        await s.delete(existing)
        audit.record(s, access.user.id, "members.remove", access.project.id, "user", user_id)
