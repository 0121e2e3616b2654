"""Test data builders on the real services (no mocks)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from truthline.db.session import Database
from truthline.policies import project_access
from truthline.services import auth, projects

MINIMAL_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]}
    ],
}
BBOX_SCHEMA = {
    "fields": [{"name": "image", "type": "image"}],
    "questions": [
        {"name": "objects", "kind": "bbox", "field": "image", "classes": ["car", "person"]}
    ],
}
PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


async def make_user(db: Database, name: str | None = None, *, admin: bool = False) -> Any:
    return await auth.create_user(db, name or f"user{next(_seq)}", PASSWORD, is_admin=admin)


async def make_project(
    db: Database,
    owner: Any,
    *,
    schema: dict | None = None,
    overlap: int = 1,
    name: str | None = None,
    members: dict[Any, str] | None = None,
    **kw: Any,
) -> Any:
    project = await projects.create_project(
        db,
        owner,
        name=name or f"project-{next(_seq)}",
        schema=schema or MINIMAL_SCHEMA,
        overlap=overlap,
        **kw,
    )
    access = await project_access(db, owner, project.id, "members.manage")
    for user, role in (members or {}).items():
        await projects.set_member(db, access, user, role)
    return project


async def add_items(db: Database, project: Any, rows: list[dict[str, Any]]) -> None:
    """Inserts items through the import service, from an in-memory JSONL file."""
    import tempfile
    from pathlib import Path

    import orjson

    from truthline.media.storage import LocalStorage
    from truthline.services import imports

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "items.jsonl"
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
        imp = await imports.create_import(db, project, None, "items.jsonl", "items")
        counts = await imports.run_import(db, LocalStorage(Path(tmp) / "media"), imp.id, path)
        assert counts.rejected == 0, counts.errors


async def token_for(db: Database, user: Any) -> str:
    return (await auth.create_api_token(db, user, "test"))[1]


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def client_for(app: Any, db: Database, user: Any) -> httpx.AsyncClient:
    token = await token_for(db, user)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=bearer(token)
    )
