"""Versioned guidelines: publish, diff, the acknowledgement gate, reports, affected items."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
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


# --- images ---------------------------------------------------------------------------------------
def _png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 6)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


async def test_images_upload_dedupe_and_serve(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline/assets"
    png = _png()
    r = await lead.post(
        base, content=png, params={"filename": "cat.png"}, headers={"content-type": "image/png"}
    )
    assert r.status_code == 201, r.text
    asset = r.json()
    assert asset["ref"] == f"asset:{asset['id']}"
    assert asset["url"] == f"/api/v1/guideline-assets/{asset['id']}"
    assert (asset["content_type"], asset["width"], asset["height"], asset["size"]) == (
        "image/png", 8, 6, len(png),
    )  # fmt: skip
    # The same bytes again give the same asset (content-addressed), whatever they are called.
    again = await lead.post(base, content=png, params={"filename": "other.png"})
    assert again.status_code == 200 and again.json()["id"] == asset["id"]
    other = await lead.post(base, files={"file": ("blue.png", _png((0, 0, 255)), "image/png")})
    assert other.json()["filename"] == "blue.png"
    assert other.status_code == 201 and other.json()["id"] != asset["id"]
    # Members read it through the authorized route; the bytes are the uploaded ones.
    got = await a1.get(asset["url"])
    assert got.status_code == 200 and got.content == png
    assert got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    listed = (await a1.get(base)).json()
    assert [x["id"] for x in listed] == [asset["id"], other.json()["id"]]


async def test_images_permissions(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline/assets"
    asset = (await lead.post(base, content=_png())).json()
    r = await a1.post(base, content=_png((1, 2, 3)))
    assert r.status_code == 403
    outsider = await client_for(app, db, await make_user(db))
    assert (await outsider.get(asset["url"])).status_code == 404
    # A lead of another project is no member here: the image does not exist for them.
    other_lead = await make_user(db)
    await make_project(db, other_lead)
    r = await (await client_for(app, db, other_lead)).get(asset["url"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "guideline_asset_not_found"
    r = await lead.get(f"/api/v1/guideline-assets/{asset['id'] + 1000}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "guideline_asset_not_found"


async def test_images_that_are_not_images_are_refused(db: Database, app: Any) -> None:
    import io

    from PIL import Image

    project, lead, _, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline/assets"
    # Declared as PNG, but text: decoding decides, not the header.
    r = await lead.post(
        base, content=b"<svg onload=alert(1)>", headers={"content-type": "image/png"}
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "image_invalid" and err["details"]["field"] == "body"
    # A truncated PNG does not decode.
    r = await lead.post(base, content=_png()[:40])
    assert r.status_code == 422 and r.json()["error"]["code"] == "image_invalid"
    assert (await lead.post(base, content=b"")).json()["error"]["code"] == "image_invalid"
    # A real image of a format we do not serve.
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")
    r = await lead.post(base, content=bmp.getvalue())
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "image_type_unsupported"
    assert r.json()["error"]["details"]["value"] == "BMP"
    # Over the size limit.
    from truthline.services.guidelines import MAX_ASSET_BYTES

    big = io.BytesIO()
    Image.effect_noise((900, 900), 100).convert("RGB").save(big, format="PNG")
    assert len(big.getvalue()) > MAX_ASSET_BYTES
    r = await lead.post(base, content=big.getvalue())
    assert r.status_code == 413 and r.json()["error"]["code"] == "image_too_large"
    assert (await lead.get(base)).json() == []


# --- re-check of affected items -------------------------------------------------------------------
async def _two_versions_with_work(db: Database, app: Any) -> tuple[Any, Any, Any, list[dict]]:
    """Two annotated items (finished: the project reviews a sample that happens to be empty)
    under v1, then v2."""
    from truthline.policies import project_access
    from truthline.services import quality_settings

    project, lead, a1, a2 = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    owner = await project_access(db, await _owner(db, project), project.id, "quality.manage")
    await quality_settings.set_quality(db, owner, {"review": {"mode": "random", "rate": 0}})
    await lead.post(f"{base}/versions", json={"body": V1})
    done = [await _annotate(a1, project, "pos"), await _annotate(a2, project, "neg")]
    await lead.post(f"{base}/versions", json={"body": V2, "change_summary": "sarcasm is neg"})
    return project, lead, a1, done


async def test_send_affected_items_back_to_their_annotators(db: Database, app: Any) -> None:
    project, lead, a1, done = await _two_versions_with_work(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    r = await a1.post(f"{base}/versions/2/recheck", json={"stage": "annotate"})
    assert r.status_code == 403
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "annotate", "label": "pos"})
    assert r.status_code == 200, r.text
    item_id = done[0]["item_id"]
    assert r.json() == {
        "stage": "annotate", "sent": 1, "already_pending": 0, "in_progress": 0,
        "already_reviewed": 0, "up_to_date": 0, "truncated": False, "item_ids": [item_id],
    }  # fmt: skip
    rework = (await a1.get(f"/api/v1/projects/{project.id}/rework")).json()["items"]
    assert len(rework) == 1 and rework[0]["item_id"] == item_id
    assert rework[0]["notes"] == "guideline changed v1→v2: sarcasm is neg"
    item = (await lead.get(f"/api/v1/projects/{project.id}/items/{item_id}")).json()
    assert item["stage"] == "rework"
    # Idempotent: sending all again leaves the pending one alone and sends the other.
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "annotate"})
    assert (r.json()["sent"], r.json()["already_pending"]) == (1, 1)
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "annotate"})
    assert (r.json()["sent"], r.json()["already_pending"]) == (0, 2)
    # The annotator's edit closes the rework (and, as any rework, sends it to review).
    r = await a1.post(
        f"/api/v1/projects/{project.id}/items/{item_id}/annotations",
        json={
            "result": {"sentiment": {"labels": ["neg"]}},
            "base_version": 1,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert r.status_code == 201, r.text
    assert (await a1.get(f"/api/v1/projects/{project.id}/rework")).json()["items"] == []
    from sqlalchemy import select

    from truthline.db.models import AuditEvent

    async with db.read() as sess:
        audit = list(
            await sess.scalars(select(AuditEvent).where(AuditEvent.action == "guideline.recheck"))
        )
    assert [e.details["sent"] for e in audit] == [1, 1, 0]


async def test_send_affected_items_to_review(db: Database, app: Any) -> None:
    project, lead, _, done = await _two_versions_with_work(db, app)
    reviewer = await make_user(db)
    from truthline.policies import project_access
    from truthline.services import projects

    access = await project_access(db, (await _owner(db, project)), project.id, "members.manage")
    await projects.set_member(db, access, reviewer, "reviewer")
    rev = await client_for(app, db, reviewer)
    base = f"/api/v1/projects/{project.id}/guideline"
    ids = [d["item_id"] for d in done]
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "review", "item_ids": ids})
    assert r.status_code == 200, r.text
    assert (r.json()["sent"], sorted(r.json()["item_ids"])) == (2, sorted(ids))
    again = await lead.post(f"{base}/versions/2/recheck", json={"stage": "review"})
    assert (again.json()["sent"], again.json()["already_pending"]) == (0, 2)
    # A reviewer now gets them from the review queue, and judging ends the re-check.
    task = (
        await rev.post(f"/api/v1/projects/{project.id}/queue/next", json={"stage": "review"})
    ).json()
    assert task["status"] == "assigned" and task["item"]["id"] in ids
    target = done[ids.index(task["item"]["id"])]
    r = await rev.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/review",
        json={"annotation_id": target["id"], "verdict": "accept", "error_codes": []},
    )
    assert r.status_code == 201 and r.json()["item_stage"] == "done", r.text
    # Judged already: another review round could never finish, so it is not sent again.
    r = await lead.post(
        f"{base}/versions/2/recheck", json={"stage": "review", "item_ids": [task["item"]["id"]]}
    )
    assert (r.json()["sent"], r.json()["already_reviewed"]) == (0, 1)


async def _owner(db: Database, project: Any) -> Any:
    from truthline.db.models import User

    async with db.read() as s:
        return await s.get(User, project.created_by)


async def test_items_redone_under_the_new_version_stay(db: Database, app: Any) -> None:
    project, lead, a1, done = await _two_versions_with_work(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    item_id = done[0]["item_id"]
    r = await a1.post(
        f"/api/v1/projects/{project.id}/items/{item_id}/annotations",
        json={
            "result": {"sentiment": {"labels": ["neg"]}},
            "base_version": 1,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert r.status_code == 201 and r.json()["version"] == 2, r.text
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "annotate"})
    assert (r.json()["sent"], r.json()["up_to_date"]) == (1, 1)
    assert r.json()["item_ids"] == [done[1]["item_id"]]


async def test_recheck_needs_review_on(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    await lead.post(f"{base}/versions", json={"body": V1})
    await _annotate(a1, project, "pos")
    await lead.post(f"{base}/versions", json={"body": V2})
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "annotate"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "recheck_needs_review"


async def test_recheck_input_errors(db: Database, app: Any) -> None:
    project, lead, _, done = await _two_versions_with_work(db, app)
    base = f"/api/v1/projects/{project.id}/guideline"
    r = await lead.post(f"{base}/versions/2/recheck", json={"stage": "consolidate"})
    assert r.status_code == 422
    r = await lead.post(f"{base}/versions/9/recheck", json={"stage": "review"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "guideline_not_found"
    # Under v1 nothing is older: no item is affected by it.
    r = await lead.post(
        f"{base}/versions/1/recheck", json={"stage": "review", "item_ids": [done[0]["item_id"]]}
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "item_not_affected" and err["details"]["field"] == "item_ids"
    assert err["details"]["value"] == [done[0]["item_id"]]


# --- affected items by section and by exact label ---------------------------------------------
SECTIONED = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {
            "name": "sentiment",
            "kind": "classification",
            "classes": ["pos", "neg", "neu"],
            "guideline_section": "2",
        },
        {
            "name": "sarcasm",
            "kind": "classification",
            "classes": ["yes", "no"],
            "required": False,
            "guideline_section": "§2.1",
        },
        {"name": "comment", "kind": "free_text", "required": False, "guideline_section": "3"},
    ],
}
S1 = (
    "# Guide\n\n## 1 Scope\nLabel sentiment.\n\n## 2 Classes\npos means happy.\n\n"
    "### 2.1 Sarcasm\nmark it.\n\n## 3 Comments\nwrite why.\n\n## FAQ\nnone yet\n"
)
S2 = S1.replace("write why.", "write why, in one line.").replace("none yet", "one") + (
    "\n## 4 Tracks\nnew.\n"
)


async def _sectioned(db: Database, app: Any) -> tuple[Any, Any, Any, dict[str, int]]:
    """Three items annotated under v1 (one whose free-text comment reads "pos"), one under v2
    (S2 changes section 3 and adds 4)."""
    lead_user, ann = await make_user(db), await make_user(db)
    project = await make_project(db, lead_user, schema=SECTIONED, members={ann: "annotator"})
    await add_items(db, project, [{"id": f"i{n}", "text": "t"} for n in range(4)])
    lead, a1 = await client_for(app, db, lead_user), await client_for(app, db, ann)
    base = f"/api/v1/projects/{project.id}/guideline"
    assert (await lead.post(f"{base}/versions", json={"body": S1})).status_code == 201
    answers = [
        {"sentiment": {"labels": ["pos"]}, "sarcasm": {"labels": ["yes"]}},
        {"sentiment": {"labels": ["neg"]}, "sarcasm": None},
        {"sentiment": {"labels": ["neu"]}, "comment": {"text": "pos"}},
    ]
    ids: dict[str, int] = {}
    for n, result in enumerate(answers + [answers[0]]):
        if n == 3:
            r = await lead.post(f"{base}/versions", json={"body": S2, "change_summary": "s3"})
            assert r.status_code == 201, r.text
        task = (await a1.post(f"/api/v1/projects/{project.id}/queue/next")).json()
        r = await a1.post(
            f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
            json={
                "result": result,
                "lease_id": task["lease"]["id"],
                "idempotency_key": uuid.uuid4().hex,
            },
        )
        assert r.status_code == 201, r.text
        ids[task["item"]["external_id"]] = task["item"]["id"]
    return project, lead, a1, ids


async def test_affected_items_by_exact_label_and_by_section(db: Database, app: Any) -> None:
    project, lead, _, _ = await _sectioned(db, app)
    url = f"/api/v1/projects/{project.id}/guideline/versions/2/affected"

    async def ids(**params: Any) -> list[str]:
        r = await lead.get(url, params=params)
        assert r.status_code == 200, r.text
        return [x["item"]["external_id"] for x in r.json()]

    assert await ids() == ["i0", "i1", "i2"]
    # A label is a label value, not a piece of the JSON: i2's comment text "pos" is no label.
    assert await ids(label="pos") == ["i0"]
    assert await ids(label="po") == []
    assert await ids(label="yes") == ["i0"]
    # A section stands for the questions pointing at it or at one of its subsections.
    assert await ids(section="2.1") == ["i0"]  # only i0 answered sarcasm (i1's is null)
    assert await ids(section="2") == ["i0", "i1", "i2"]
    assert await ids(section="§3") == ["i2"]
    assert await ids(section="1") == []  # no question points at the scope
    assert await ids(section="2", label="yes") == ["i0"]
    assert await ids(section="3", label="pos") == []  # free text carries no label
    # v2 changed section 3 only (the FAQ is no section): the items that answered its question.
    assert await ids(changed_sections="true") == ["i2"]
    # With both, the label is looked for in the answers to the section's questions only.
    assert await ids(changed_sections="true", label="neu") == []
    assert await ids(section="2", label="neu") == ["i2"]


async def test_sections_of_a_version_with_their_changes(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _sectioned(db, app)
    base = f"/api/v1/projects/{project.id}/guideline/versions"
    r = await lead.get(f"{base}/2/sections")
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"section": "1", "title": "Scope", "change": None, "questions": []},
        {"section": "2", "title": "Classes", "change": None, "questions": ["sentiment"]},
        {"section": "2.1", "title": "Sarcasm", "change": None, "questions": ["sarcasm"]},
        {"section": "3", "title": "Comments", "change": "changed", "questions": ["comment"]},
        {"section": "4", "title": "Tracks", "change": "added", "questions": []},
    ]
    first = (await lead.get(f"{base}/1/sections")).json()
    assert {s["change"] for s in first} == {"added"}
    # A changed subsection changes the section around it, not its siblings.
    from truthline.services.guideline_sections import compare_sections

    changes = compare_sections(S1, S1.replace("mark it.", "mark it as negative."))
    assert [(c.section, c.change) for c in changes if c.change] == [
        ("2", "changed"),
        ("2.1", "changed"),
    ]
    dropped = compare_sections(S1, S1.replace("## 3 Comments\nwrite why.\n", ""))
    assert [(c.section, c.change) for c in dropped if c.change] == [("3", "removed")]
    assert (await a1.get(f"{base}/2/sections")).status_code == 403
    assert (await lead.get(f"{base}/7/sections")).status_code == 404


async def test_affected_section_filter_errors(db: Database, app: Any) -> None:
    project, lead, _, _ = await _sectioned(db, app)
    url = f"/api/v1/projects/{project.id}/guideline/versions/2/affected"
    r = await lead.get(url, params={"section": "two"})
    assert r.status_code == 422
    assert r.json()["error"]["details"] == {"field": "section", "value": "two"}
    r = await lead.get(url, params={"section": "9"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_guideline_section"
    assert r.json()["error"]["details"] == {"field": "section", "value": "9"}
    r = await lead.get(url, params={"section": "2", "changed_sections": "true"})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "section"


async def test_send_back_by_section(db: Database, app: Any) -> None:
    from truthline.policies import project_access
    from truthline.services import quality_settings

    project, lead, _, items = await _sectioned(db, app)
    owner = await project_access(db, await _owner(db, project), project.id, "quality.manage")
    await quality_settings.set_quality(db, owner, {"review": {"mode": "random", "rate": 0}})
    url = f"/api/v1/projects/{project.id}/guideline/versions/2/recheck"
    r = await lead.post(url, json={"stage": "annotate", "section": "2.1"})
    assert r.status_code == 200, r.text
    assert (r.json()["sent"], r.json()["item_ids"]) == (1, [items["i0"]])
    r = await lead.post(url, json={"stage": "annotate", "changed_sections": True})
    assert (r.json()["sent"], r.json()["item_ids"]) == (1, [items["i2"]])
    # Only items of the section can be picked by id.
    r = await lead.post(url, json={"stage": "review", "section": "3", "item_ids": [items["i1"]]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "item_not_affected"


# --- publishing a Markdown file -------------------------------------------------------------------
async def test_publish_a_markdown_file(db: Database, app: Any) -> None:
    project, lead, a1, _ = await _setup(db, app)
    url = f"/api/v1/projects/{project.id}/guideline/versions"
    text = "\ufeff# Guide\r\n\r\n## 1 Scope\r\nLabel sentiment: café.\r\n"
    r = await lead.post(
        url,
        files={"file": ("guide.md", text.encode("utf-8"), "text/markdown")},
        data={"change_summary": "from a file", "requires_ack": "true"},
    )
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["body"] == "# Guide\n\n## 1 Scope\nLabel sentiment: café.\n"
    assert (got["version"], got["change_summary"], got["requires_ack"]) == (
        1, "from a file", True,
    )  # fmt: skip
    assert got["sections"] == {"1": {"title": "Scope", "line": 3}}
    # The same form without the optional fields: a minor version.
    r = await lead.post(url, files={"file": ("g.md", b"# G\n\n## 1 Scope\nmore\n")})
    assert r.status_code == 201 and r.json()["requires_ack"] is False
    assert (await a1.post(url, files={"file": ("g.md", b"# G\n")})).status_code == 403
    # Nobody signed in: refused before the upload is read, even a bad one.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as anonymous:
        r = await anonymous.post(url, files={"file": ("g.png", b"\x89PNG", "image/png")})
    assert r.status_code == 401, r.text


async def test_publish_a_markdown_file_refuses_bad_files(db: Database, app: Any) -> None:
    from truthline.services.guidelines import MAX_MARKDOWN_BYTES

    project, lead, _, _ = await _setup(db, app)
    url = f"/api/v1/projects/{project.id}/guideline/versions"

    async def error(status: int, **kw: Any) -> dict:
        r = await lead.post(url, **kw)
        assert r.status_code == status, r.text
        return r.json()["error"]

    err = await error(422, files={"file": ("g.md", "# Guide é".encode("latin-1"), "text/markdown")})
    assert err["code"] == "guideline_not_utf8" and err["details"]["field"] == "file"
    assert "UTF-8" in err["message"]
    err = await error(422, files={"file": ("g.md", b"# G\x00\x01", "text/markdown")})
    assert err["code"] == "guideline_not_utf8"
    err = await error(413, files={"file": ("g.md", b"a" * (MAX_MARKDOWN_BYTES + 1))})
    assert err["code"] == "guideline_too_large"
    assert err["details"]["limit"] == MAX_MARKDOWN_BYTES
    err = await error(422, files={"file": ("g.png", _png(), "image/png")})
    assert err["code"] == "guideline_file_type" and err["details"]["value"] == "image/png"
    err = await error(422, files={"other": ("g.md", b"# G\n")})
    assert err["details"]["field"] == "file"
    err = await error(422, files={"file": ("g.md", b"# G\n")}, data={"requires_ack": "maybe"})
    assert err["details"]["field"] == "requires_ack"
    err = await error(422, files={"file": ("g.md", b"   \n")})
    assert err["details"]["field"] == "body"
    assert (await lead.get(url)).json() == []


async def test_cli_publishes_a_markdown_file(db: Database, app: Any, tmp_path: Any) -> None:
    import asyncio

    from typer.testing import CliRunner

    from truthline.cli import app as cli

    project, lead, _, _ = await _setup(db, app)
    guide = tmp_path / "guide.md"
    guide.write_text(V2, encoding="utf-8")
    env = {"TRUTHLINE_DATABASE_URL": db.url, "TRUTHLINE_DATA_DIR": str(tmp_path)}
    owner = (await _owner(db, project)).username

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["guideline", "publish", *args], env=env)

    res = await asyncio.to_thread(
        run, project.name, "--file", str(guide), "--summary", "first", "--requires-ack",
        "--as", owner,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert f"published version 1 of {project.name} (requires acknowledgement)" in res.stdout
    assert "§1, §2, §2.1" in res.stdout
    current = (await lead.get(f"/api/v1/projects/{project.id}/guideline")).json()["current"]
    assert (current["body"], current["change_summary"], current["requires_ack"]) == (
        V2, "first", True,
    )  # fmt: skip
    guide.write_bytes(b"# Gu\xefde\n")
    res = await asyncio.to_thread(run, str(project.id), "--file", str(guide), "--as", owner)
    assert res.exit_code == 1 and "not UTF-8" in res.output
    res = await asyncio.to_thread(run, str(project.id), "--file", str(tmp_path / "none.md"))
    assert res.exit_code == 1 and "none.md" in res.output
