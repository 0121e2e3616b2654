"""Versioned guidelines: publish, diff, the acknowledgement gate, reports, affected items."""

from __future__ import annotations

import uuid
from typing import Any

from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.session import Database
from truthline.services.guidelines import parse_sections

V1 = "# Guide\n\n## 1 Scope\nLabel sentiment.\n\n## 2 Classes\npos means happy.\n"
V2 = V1.replace("pos means happy.", "pos means happy or satisfied.\n\n### 2.1 Sarcasm\nneg.")


async def _setup(db: Database, app: Any) -> tuple[Any, Any, Any, Any]:
    lead_user, a1, a2 = await make_user(db), await make_user(db), await make_user(db)
    project = await make_project(db, lead_user, members={a1: "annotator", a2: "annotator"})
    await add_items(db, project, [{"id": f"i{n}", "text": "t"} for n in range(4)])
    return (
        project,
        await client_for(app, db, lead_user),
        await client_for(app, db, a1),
        await client_for(app, db, a2),
    )


def test_sections_are_parsed_from_numbered_headings() -> None:
    assert parse_sections(V2) == {
        "1": {"title": "Scope", "line": 3},
        "2": {"title": "Classes", "line": 6},
        "2.1": {"title": "Sarcasm", "line": 9},
    }


async def _annotate(c: Any, project: Any, label: str = "pos") -> dict:
    task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    r = await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
        json={
            "result": {"sentiment": {"labels": [label]}},
            "lease_id": task["lease"]["id"],
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_publish_and_record_the_version_in_force(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    assert (await a1.get(base)).json() == {"current": None, "pending_ack": None}
    r = await a1.post(f"{base}/versions", json={"body": V1})
    assert r.status_code == 403
    v1 = await lead.post(f"{base}/versions", json={"body": V1, "change_summary": "first"})
    assert v1.status_code == 201 and v1.json()["version"] == 1
    assert v1.json()["sections"]["2"]["title"] == "Classes"
    ann = await _annotate(a1, project)
    versions = (await lead.get(f"{base}/versions")).json()
    assert ann["guideline_version_id"] is not None and len(versions) == 1


async def test_ack_gate_blocks_until_confirmed(db: Database, app: Any) -> None:
    project, lead, a1, a2 = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    await lead.post(f"{base}/versions", json={"body": V1, "requires_ack": True})
    await a1.post(f"{base}/ack", json={"version": 1})
    await _annotate(a1, project)
    r = await lead.post(
        f"{base}/versions", json={"body": V2, "change_summary": "sarcasm", "requires_ack": True}
    )
    assert r.json()["version"] == 2
    blocked = await a1.post(f"/api/v1/projects/{project.id}/queue/next")
    assert blocked.status_code == 409
    err = blocked.json()["error"]
    assert err["code"] == "guideline_ack_required"
    assert err["details"] == {"version": 2, "since": 1}
    state = (await a1.get(base)).json()
    assert state["pending_ack"] == {"version": 2, "since": 1}
    diff = (await a1.get(f"{base}/diff", params={"from": 1, "to": 2})).json()
    assert "+pos means happy or satisfied." in diff["lines"]
    assert "-pos means happy." in diff["lines"]
    assert (await a1.post(f"{base}/ack", json={"version": 2})).status_code == 200
    assert (await a1.post(f"/api/v1/projects/{project.id}/queue/next")).json()["status"] == (
        "assigned"
    )
    # The lead is not gated; the second annotator still is.
    assert (await lead.post(f"/api/v1/projects/{project.id}/queue/next")).status_code == 200
    assert (await a2.post(f"/api/v1/projects/{project.id}/queue/next")).status_code == 409
    report = (await lead.get(f"{base}/versions/2/acks")).json()
    acked = {
        e["user"]["username"]: e["acked_at"] is not None for e in report if e["role"] == "annotator"
    }
    assert sorted(acked.values()) == [False, True]
    assert (await a1.get(f"{base}/versions/2/acks")).status_code == 403
    # Confirming a newer version covers the older ones in their reports too.
    await lead.post(f"{base}/versions", json={"body": V2 + "\nmore", "requires_ack": True})
    await a2.post(f"{base}/ack", json={"version": 3})
    report = (await lead.get(f"{base}/versions/2/acks")).json()
    assert all(e["acked_at"] for e in report if e["role"] == "annotator")


async def test_minor_version_does_not_block(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    await lead.post(f"{base}/versions", json={"body": V1, "requires_ack": False})
    assert (await a1.post(f"/api/v1/projects/{project.id}/queue/next")).status_code == 200


async def test_affected_items_after_a_meaning_change(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    await lead.post(f"{base}/versions", json={"body": V1})
    await _annotate(a1, project, "pos")
    await _annotate(a1, project, "neg")
    await lead.post(f"{base}/versions", json={"body": V2, "requires_ack": True})
    await a1.post(f"{base}/ack", json={"version": 2})
    await _annotate(a1, project, "pos")  # made under v2: not affected
    all_old = (await lead.get(f"{base}/versions/2/affected")).json()
    assert [x["item"]["external_id"] for x in all_old] == ["i0", "i1"]
    only_pos = (await lead.get(f"{base}/versions/2/affected", params={"label": "pos"})).json()
    assert [x["item"]["external_id"] for x in only_pos] == ["i0"]


async def test_unknown_versions_and_empty_body(db: Database, app: Any) -> None:
    project, lead, _, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    r = await lead.get(f"{base}/versions/7")
    assert r.status_code == 404 and r.json()["error"]["code"] == "guideline_not_found"
    r = await lead.post(f"{base}/versions", json={"body": "   "})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "body"
