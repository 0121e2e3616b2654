"""Projects, schema versions, members and stats."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Response

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import (
    MemberRead,
    MemberSet,
    ProjectCreate,
    ProjectRead,
    ProjectStats,
    ProjectUpdate,
    SchemaIn,
    SchemaValidation,
    SchemaVersionRead,
    UserRead,
)
from truthline.db.models import Project
from truthline.errors import InvalidInput
from truthline.policies import project_access
from truthline.schema import SchemaError, parse_schema
from truthline.services import auth, projects, stats

router = APIRouter(tags=["projects"])


def project_read(project: Project, role: str | None, schema: Any = None) -> ProjectRead:
    read = ProjectRead.model_validate(project)
    read.role = role
    if schema is not None:
        read.schema_version, read.schema_ = schema.version, schema.schema
        read.schema_text = schema.source_text
    return read


def _schema_source(body: SchemaIn | ProjectCreate) -> str | dict[str, Any]:
    if (body.schema_ is None) == (body.schema_text is None):
        raise InvalidInput(
            "give exactly one of schema (object) or schema_text (YAML/JSON)", field="schema"
        )
    return body.schema_ if body.schema_ is not None else body.schema_text  # type: ignore[return-value]


@router.get("/projects", response_model=list[ProjectRead])
async def list_projects(principal: CurrentPrincipal, db: Db) -> list[ProjectRead]:
    rows = await projects.list_projects(db, principal.user)
    versions = await projects.current_versions(db, [p.schema_version_id for p, _ in rows])
    out = []
    for p, r in rows:
        read = project_read(p, r)
        read.schema_version = versions.get(p.schema_version_id or 0)
        out.append(read)
    return out


@router.post("/projects", response_model=ProjectRead, status_code=201)
async def create_project(body: ProjectCreate, principal: CurrentPrincipal, db: Db) -> ProjectRead:
    project = await projects.create_project(
        db,
        principal.user,
        name=body.name,
        schema=_schema_source(body),
        description=body.description,
        instructions=body.instructions,
        overlap=body.overlap,
        lease_seconds=body.lease_seconds,
    )
    version, _ = await projects.current_schema(db, project)
    return project_read(project, "lead", version)


@router.post("/schemas/validate", response_model=SchemaValidation)
async def validate_schema(body: SchemaIn, principal: CurrentPrincipal) -> SchemaValidation:
    try:
        parsed = parse_schema(_schema_source(body))
    except SchemaError as exc:
        # pydantic validates each {"path", "message"} dict into the SchemaError model
        return SchemaValidation(valid=False, errors=cast("list[Any]", exc.errors))
    return SchemaValidation(valid=True, errors=[], schema_=parsed.to_dict())


@router.get("/projects/{project}", response_model=ProjectRead)
async def get_project(project: str, principal: CurrentPrincipal, db: Db) -> ProjectRead:
    access = await project_access(db, principal.user, project)
    version, _ = await projects.current_schema(db, access.project)
    return project_read(access.project, access.role, version)


@router.patch("/projects/{project}", response_model=ProjectRead)
async def update_project(
    project: str, body: ProjectUpdate, principal: CurrentPrincipal, db: Db
) -> ProjectRead:
    access = await project_access(db, principal.user, project, "project.update")
    updated = await projects.update_project(db, access, body.model_dump(exclude_none=True))
    version, _ = await projects.current_schema(db, updated)
    return project_read(updated, access.role, version)


@router.put("/projects/{project}/schema", response_model=SchemaVersionRead)
async def set_schema(
    project: str, body: SchemaIn, principal: CurrentPrincipal, db: Db
) -> SchemaVersionRead:
    access = await project_access(db, principal.user, project, "project.update")
    return SchemaVersionRead.model_validate(
        await projects.set_schema(db, access, _schema_source(body))
    )


@router.get("/projects/{project}/schema-versions", response_model=list[SchemaVersionRead])
async def schema_versions(
    project: str, principal: CurrentPrincipal, db: Db
) -> list[SchemaVersionRead]:
    access = await project_access(db, principal.user, project)
    return [
        SchemaVersionRead.model_validate(v)
        for v in await projects.schema_versions(db, access.project)
    ]


@router.get("/projects/{project}/members", response_model=list[MemberRead])
async def list_members(project: str, principal: CurrentPrincipal, db: Db) -> list[MemberRead]:
    access = await project_access(db, principal.user, project, "members.read")
    return [
        MemberRead(user=UserRead.model_validate(u), role=r)
        for u, r in await projects.list_members(db, access.project)
    ]


@router.put("/projects/{project}/members", response_model=MemberRead)
async def set_member(
    project: str, body: MemberSet, principal: CurrentPrincipal, db: Db
) -> MemberRead:
    access = await project_access(db, principal.user, project, "members.manage")
    if (body.user_id is None) == (body.username is None):
        raise InvalidInput("give exactly one of user_id or username", field="user_id")
    user = await auth.get_user(db, user_id=body.user_id, username=body.username)
    await projects.set_member(db, access, user, body.role)
    return MemberRead(user=UserRead.model_validate(user), role=body.role)


@router.delete("/projects/{project}/members/{user_id}", status_code=204)
async def remove_member(
    project: str, user_id: int, principal: CurrentPrincipal, db: Db
) -> Response:
    access = await project_access(db, principal.user, project, "members.manage")
    await projects.remove_member(db, access, user_id)
    return Response(status_code=204)


@router.get("/projects/{project}/stats", response_model=ProjectStats)
async def project_stats(project: str, principal: CurrentPrincipal, db: Db) -> ProjectStats:
    access = await project_access(db, principal.user, project, "stats.read")
    return ProjectStats.model_validate(await stats.project_stats(db, access.project))
