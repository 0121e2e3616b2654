"""Authorization as a table: role x action x ownership, and the same decisions over HTTP."""

from __future__ import annotations

import pytest
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.session import Database
from truthline.policies.rules import RULES, allowed

# (action, role) -> (allowed on any object, allowed on own objects)
EXPECTED = {
    ("project.read", "lead"): (True, True),
    ("project.read", "viewer"): (True, True),
    ("project.read", "annotator"): (True, True),
    ("project.read", None): (False, False),
    ("project.update", "lead"): (True, True),
    ("project.update", "reviewer"): (False, False),
    ("project.update", "annotator"): (False, False),
    ("project.update", "viewer"): (False, False),
    ("project.delete", "lead"): (False, False),
    ("members.manage", "lead"): (True, True),
    ("members.manage", "reviewer"): (False, False),
    ("members.read", "annotator"): (False, False),
    ("members.read", "viewer"): (True, True),
    ("items.import", "lead"): (True, True),
    ("items.import", "annotator"): (False, False),
    ("items.browse", "viewer"): (True, True),
    ("items.browse", "annotator"): (False, False),
    ("item.read", "annotator"): (False, True),
    ("item.read", "viewer"): (True, True),
    ("item.update", "reviewer"): (False, False),
    ("queue.work", "annotator"): (True, True),
    ("queue.work", "viewer"): (False, False),
    ("annotation.submit", "annotator"): (False, True),
    ("annotation.submit", "viewer"): (False, False),
    ("annotation.read", "annotator"): (False, True),
    ("annotation.read", "reviewer"): (True, True),
    ("export.run", "lead"): (True, True),
    ("export.run", "reviewer"): (False, False),
    ("export.run", "annotator"): (False, False),
    ("export.run", "viewer"): (False, False),
    ("jobs.read", "lead"): (True, True),
    ("jobs.read", "annotator"): (False, False),
    ("audit.read", "lead"): (True, True),
    ("audit.read", "reviewer"): (False, False),
    ("audit.read", "annotator"): (False, False),
    ("audit.read", "viewer"): (False, False),
    ("audit.read", None): (False, False),
    ("stats.read", "reviewer"): (True, True),
    ("stats.read", "annotator"): (False, False),
    ("guideline.read", "annotator"): (True, True),
    ("guideline.read", "viewer"): (True, True),
    ("guideline.publish", "lead"): (True, True),
    ("guideline.publish", "reviewer"): (False, False),
    ("guideline.report", "reviewer"): (True, True),
    ("guideline.report", "annotator"): (False, False),
    ("quality.read", "viewer"): (True, True),
    ("quality.read", "reviewer"): (True, True),
    ("quality.read", "annotator"): (False, False),
    ("quality.manage", "lead"): (True, True),
    ("quality.manage", "reviewer"): (False, False),
    ("quality.manage", "viewer"): (False, False),
    ("review.submit", "reviewer"): (True, True),
    ("review.submit", "lead"): (True, True),
    ("review.submit", "annotator"): (False, False),
    ("review.submit", "viewer"): (False, False),
    ("review.read", "viewer"): (True, True),
    ("review.read", "annotator"): (False, True),
    ("guideline.recheck", "lead"): (True, True),
    ("guideline.recheck", "reviewer"): (False, False),
    ("qualification.manage", "lead"): (True, True),
    ("qualification.manage", "annotator"): (False, False),
    ("qualification.take", "annotator"): (True, True),
    ("qualification.take", "viewer"): (False, False),
    ("progress.read", "annotator"): (True, True),
    ("progress.read", "viewer"): (False, False),
    ("targets.read", "viewer"): (True, True),
    ("targets.read", "annotator"): (False, False),
    ("targets.manage", "lead"): (True, True),
    ("targets.manage", "reviewer"): (False, False),
    ("team.read", "lead"): (True, True),
    ("team.read", "reviewer"): (False, False),
    ("report.person", "lead"): (True, True),
    ("report.person", "annotator"): (False, False),
    ("report.team", "lead"): (True, True),
    ("report.team", "viewer"): (False, False),
    ("question.raise", "annotator"): (True, True),
    ("question.raise", "viewer"): (False, False),
    ("question.read", "reviewer"): (True, True),
    ("question.read", "annotator"): (False, True),
    ("question.answer", "lead"): (True, True),
    ("question.answer", "annotator"): (False, True),
    ("question.manage", "lead"): (True, True),
    ("question.manage", "reviewer"): (False, False),
    ("requirements.read", "annotator"): (True, True),
    ("requirements.manage", "lead"): (True, True),
    ("requirements.manage", "annotator"): (False, False),
}


@pytest.mark.parametrize(("action", "role"), sorted(EXPECTED, key=str))
def test_rule_table(action: str, role: str | None) -> None:
    any_ok, own_ok = EXPECTED[(action, role)]
    assert allowed(action, role, owns=False) is any_ok
    assert allowed(action, role, owns=True) is own_ok


@pytest.mark.parametrize("action", sorted(RULES))
def test_admin_may_do_everything(action: str) -> None:
    assert allowed(action, None, is_admin=True)


def test_every_rule_has_an_expectation() -> None:
    covered = {a for a, _ in EXPECTED}
    assert set(RULES) - covered <= {"lease.use", "draft.write"}


def test_undeclared_action_fails_loudly() -> None:
    with pytest.raises(KeyError):
        allowed("project.nuke", "lead")


# (method, path template, role) -> status. {p} is the project id, {i} an item id.
HTTP_CASES = [
    ("GET", "/api/v1/projects/{p}", None, 404),
    ("GET", "/api/v1/projects/{p}/items/{i}", None, 404),
    ("POST", "/api/v1/projects/{p}/queue/next", None, 404),
    ("GET", "/api/v1/projects/{p}/export", None, 404),
    ("GET", "/api/v1/projects/{p}", "viewer", 200),
    ("GET", "/api/v1/projects/{p}/items", "viewer", 200),
    ("GET", "/api/v1/projects/{p}/items", "annotator", 403),
    ("GET", "/api/v1/projects/{p}/items/{i}", "annotator", 404),
    ("GET", "/api/v1/projects/{p}/items/{i}", "reviewer", 200),
    ("POST", "/api/v1/projects/{p}/queue/next", "viewer", 403),
    ("POST", "/api/v1/projects/{p}/queue/next", "annotator", 200),
    ("POST", "/api/v1/projects/{p}/queue/next", "reviewer", 403),
    ("GET", "/api/v1/projects/{p}/export", "reviewer", 403),
    ("GET", "/api/v1/projects/{p}/export", "lead", 200),
    ("PATCH", "/api/v1/projects/{p}", "annotator", 403),
    ("PATCH", "/api/v1/projects/{p}", "lead", 200),
    ("GET", "/api/v1/projects/{p}/members", "annotator", 403),
    ("GET", "/api/v1/projects/{p}/stats", "viewer", 200),
    ("GET", "/api/v1/projects/{p}/audit", None, 404),
    ("GET", "/api/v1/projects/{p}/audit", "viewer", 403),
    ("GET", "/api/v1/projects/{p}/audit", "annotator", 403),
    ("GET", "/api/v1/projects/{p}/audit", "reviewer", 403),
    ("GET", "/api/v1/projects/{p}/audit", "lead", 200),
    ("GET", "/api/v1/audit", "lead", 403),
]


@pytest.mark.parametrize(("method", "path", "role", "status"), HTTP_CASES)
async def test_http_decisions(
    db: Database, app: object, method: str, path: str, role: str | None, status: int
) -> None:
    owner = await make_user(db, admin=False)
    person = await make_user(db)
    project = await make_project(db, owner, members={person: role} if role else {})
    await add_items(db, project, [{"id": "a", "text": "x"}])
    url = path.format(p=project.id, i=1 if db.is_sqlite else await _first_item(db))
    body = {"description": "changed"} if method == "PATCH" else None
    async with await client_for(app, db, person) as c:
        r = await c.request(method, url, json=body)
    assert r.status_code == status, r.text
    if status >= 400:
        assert set(r.json()["error"]) == {"code", "message", "details"}


async def _first_item(db: Database) -> int:
    from sqlalchemy import func, select

    from truthline.db.models import Item

    async with db.read() as s:
        return int(await s.scalar(select(func.min(Item.id))))


async def test_annotator_reads_only_items_they_were_given(db: Database, app: object) -> None:
    owner = await make_user(db)
    ann = await make_user(db)
    project = await make_project(db, owner, members={ann: "annotator"})
    await add_items(db, project, [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}])
    async with await client_for(app, db, ann) as c:
        got = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
        mine = got["item"]["id"]
        other = await _other_item(db, mine)
        assert (await c.get(f"/api/v1/projects/{project.id}/items/{mine}")).status_code == 200
        assert (await c.get(f"/api/v1/projects/{project.id}/items/{other}")).status_code == 404


async def _other_item(db: Database, not_this: int) -> int:
    from sqlalchemy import select

    from truthline.db.models import Item

    async with db.read() as s:
        return int(await s.scalar(select(Item.id).where(Item.id != not_this).limit(1)))


async def test_project_by_name_or_id(db: Database, app: object) -> None:
    owner = await make_user(db)
    project = await make_project(db, owner, name="Named")
    async with await client_for(app, db, owner) as c:
        assert (await c.get("/api/v1/projects/Named")).json()["id"] == project.id
        assert (await c.get(f"/api/v1/projects/{project.id}")).json()["name"] == "Named"
