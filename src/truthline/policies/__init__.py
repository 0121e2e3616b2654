"""Authorization: the rule table (rules.py) and the checks the API calls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from truthline.db.models import Membership, Project, User
from truthline.db.session import Database
from truthline.errors import Forbidden, NotFound
from truthline.policies.rules import RULES, STAGE_ROLES, allowed

__all__ = ["RULES", "STAGE_ROLES", "ProjectAccess", "allowed", "project_access"]


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    user: User
    role: str | None  # None for an admin who is not a member

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    def can(self, action: str, *, owns: bool = False) -> bool:
        return allowed(action, self.role, is_admin=self.user.is_admin, owns=owns)

    def require(self, action: str, *, owns: bool = False) -> None:
        if not self.can(action, owns=owns):
            raise Forbidden(
                f"your role ({self.role or 'none'}) may not {action} in this project",
                code="forbidden",
                action=action,
            )

    def may_work_stage(self, stage: str) -> bool:
        return self.user.is_admin or (self.role in STAGE_ROLES.get(stage, ()))


async def project_access(
    db: Database, user: User, project_ref: int | str, action: str = "project.read"
) -> ProjectAccess:
    """Loads the project by id or name and checks ``action``; non-members get NotFound."""
    async with db.read() as s:
        query = select(Project, Membership.role).outerjoin(
            Membership, (Membership.project_id == Project.id) & (Membership.user_id == user.id)
        )
        if isinstance(project_ref, int) or str(project_ref).isdigit():
            query = query.where(Project.id == int(project_ref))
        else:
            query = query.where(Project.name == project_ref)
        row = (await s.execute(query)).first()
    if row is None or (row[1] is None and not user.is_admin):
        raise NotFound(f"no project {project_ref!r}", code="project_not_found")
    access = ProjectAccess(project=row[0], user=user, role=row[1])
    access.require(action)
    return access
