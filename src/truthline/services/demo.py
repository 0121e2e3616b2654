"""Loads the demo: an admin, three annotators, a lead, and one project per modality."""

from __future__ import annotations

from sqlalchemy import func, select

from truthline.db import migrate
from truthline.db.models import Project, User
from truthline.db.session import Database
from truthline.media.storage import storage_from_url
from truthline.policies import project_access
from truthline.services import auth, imports, projects
from truthline.settings import Settings

DEMO_PEOPLE = [
    ("admin", True, None),
    ("lead", False, "lead"),
    ("ann1", False, "annotator"),
    ("ann2", False, "annotator"),
    ("ann3", False, "annotator"),
    ("reviewer", False, "reviewer"),
]


async def load_demo(settings: Settings, password: str, *, if_empty: bool = False) -> list[str]:
    from truthline.demo import generate_demo

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    try:
        await migrate.upgrade(db)
        async with db.read() as s:
            existing = await s.scalar(select(func.count()).select_from(Project))
        if if_empty and existing:
            return [f"demo skipped: {existing} project(s) exist"]
        users: dict[str, User] = {}
        for name, is_admin, _ in DEMO_PEOPLE:
            async with db.read() as s:
                found = await s.scalar(select(User).where(User.username == name))
            users[name] = found or await auth.create_user(
                db, name, password, is_admin=is_admin, display_name=name.capitalize()
            )
        storage = storage_from_url(settings.resolved_storage_url())
        lines = []
        for demo in generate_demo(settings.data_dir / "demo-source"):
            async with db.read() as s:
                if await s.scalar(select(Project.id).where(Project.name == demo.name)):
                    lines.append(f"project {demo.name!r} exists; left as it is")
                    continue
            project = await projects.create_project(
                db,
                users["admin"],
                name=demo.name,
                description=demo.description,
                schema=demo.schema_path.read_text(encoding="utf-8"),
                overlap=demo.overlap,
            )
            access = await project_access(db, users["admin"], project.id, "members.manage")
            for name, _, role in DEMO_PEOPLE:
                if role:
                    await projects.set_member(db, access, users[name], role)
            imp = await imports.create_import(
                db, project, users["admin"].id, demo.items_path.name, "items"
            )
            counts = await imports.run_import(db, storage, imp.id, demo.items_path)
            lines.append(
                f"project {demo.name!r}: {counts.created} items"
                + (f", {counts.rejected} rejected" if counts.rejected else "")
            )
        lines.append(
            f"sign in as admin / lead / ann1 / ann2 / ann3 / reviewer, password {password!r}"
        )
        return lines
    finally:
        await db.dispose()
