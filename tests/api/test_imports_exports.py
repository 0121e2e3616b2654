"""Imports (items, predictions, media archives), exports and the jobs that run the big ones."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import orjson
from PIL import Image
from tests.factories import BBOX_SCHEMA, client_for, make_project, make_user

from truthline.db.session import Database
from truthline.jobs.worker import Worker


async def _lead(db: Database, app: Any, schema: dict | None = None) -> tuple[Any, Any]:
    owner = await make_user(db)
    project = await make_project(db, owner, schema=schema)
    return project, await client_for(app, db, owner)


def _upload(name: str, data: bytes) -> dict:
    return {"file": (name, data, "application/octet-stream")}


async def test_jsonl_import_reports_bad_rows_and_keeps_good_ones(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    content = b'{"id": "1", "text": "a"}\n{"id": "2", "text": 7}\n{oops\n{"id": "3", "text": "c"}\n'
    r = await c.post(f"/api/v1/projects/{project.id}/imports", files=_upload("x.jsonl", content))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["received"], body["created"], body["rejected"]) == (4, 2, 2)
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(2, "text"), (3, None)]
    again = (
        await c.post(f"/api/v1/projects/{project.id}/imports", files=_upload("x.jsonl", content))
    ).json()
    assert (again["created"], again["duplicates"]) == (0, 2)
    csv_report = await c.get(f"/api/v1/projects/{project.id}/imports/{body['id']}/errors")
    lines = csv_report.text.strip().splitlines()
    assert lines[0] == "line,source,field,reason,value" and lines[1].startswith("2,x.jsonl,text,")


async def test_csv_and_json_imports(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("x.csv", b"id,text\nc1,hello\nc2,world\n"),
    )
    assert r.json()["created"] == 2
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("x.json", b'[{"id": "j1", "text": "a"}, {"id": "j2"}]'),
    )
    body = r.json()
    assert body["created"] == 1 and body["errors"][0]["field"] == "text"


async def test_raw_body_upload_needs_a_filename(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    url = f"/api/v1/projects/{project.id}/imports"
    r = await c.post(url, content=b'{"id": "r", "text": "x"}\n')
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "filename"
    r = await c.post(url, params={"filename": "r.jsonl"}, content=b'{"id": "r", "text": "x"}\n')
    assert r.status_code == 201 and r.json()["created"] == 1


async def test_empty_and_unknown_format(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    url = f"/api/v1/projects/{project.id}/imports"
    assert (await c.post(url, files=_upload("e.jsonl", b""))).status_code == 422


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "red").save(buf, "PNG")
    return buf.getvalue()


async def test_zip_of_images_stores_media_and_serves_signed_urls(db: Database, app: Any) -> None:
    project, c = await _lead(db, app, schema=BBOX_SCHEMA)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.png", _png(40, 30))
        z.writestr("sub/b.png", _png(20, 10))
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports", files=_upload("imgs.zip", buf.getvalue())
    )
    assert r.status_code == 201 and r.json()["created"] == 2, r.text
    items = (await c.get(f"/api/v1/projects/{project.id}/items")).json()["items"]
    first = next(i for i in items if i["external_id"] == "a.png")
    assert first["media"]["image"]["width"] == 40 and first["media"]["image"]["height"] == 30
    url = first["media_urls"]["image"]
    got = await c.get(url, headers={"authorization": ""})
    assert got.status_code == 200 and got.content[:4] == b"\x89PNG"
    tampered = url.replace("sig=", "sig=0")
    assert (await c.get(tampered)).status_code == 403


async def test_zip_slip_is_refused(db: Database, app: Any) -> None:
    project, c = await _lead(db, app, schema=BBOX_SCHEMA)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../evil.png", _png(4, 4))
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports", files=_upload("e.zip", buf.getvalue())
    )
    body = r.json()
    assert r.status_code in (201, 422), r.text
    if r.status_code == 201:
        assert body["created"] == 0 and body["rejected"] >= 1 or body["status"] == "failed"
    else:
        assert "evil" in body["error"]["message"]


async def test_predictions_import_and_export(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("i.jsonl", b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'),
    )
    preds = b"\n".join(
        [
            orjson.dumps(
                {
                    "id": "a",
                    "source": "m1",
                    "score": 0.9,
                    "result": {"sentiment": {"labels": ["pos"]}},
                }
            ),
            orjson.dumps(
                {
                    "id": "zzz",
                    "source": "m1",
                    "score": 0.2,
                    "result": {"sentiment": {"labels": ["neg"]}},
                }
            ),
            orjson.dumps(
                {
                    "id": "b",
                    "source": "m1",
                    "score": 1.5,
                    "result": {"sentiment": {"labels": ["neg"]}},
                }
            ),
            orjson.dumps(
                {
                    "id": "b",
                    "source": "m1",
                    "score": 0.5,
                    "result": {"sentiment": {"labels": ["bogus"]}},
                }
            ),
        ]
    )
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports",
        params={"kind": "predictions"},
        files=_upload("p.jsonl", preds),
    )
    body = r.json()
    assert body["created"] == 1 and body["rejected"] == 3, body
    reasons = {e["line"]: e["reason"] for e in body["errors"]}
    assert "zzz" in reasons[2] and "between 0 and 1" in reasons[3] and "bogus" in reasons[4]
    export = await c.get(f"/api/v1/projects/{project.id}/export")
    lines = [orjson.loads(x) for x in export.content.splitlines()]
    assert lines[0]["predictions"] == [
        {"source": "m1", "score": 0.9, "result": {"sentiment": {"labels": ["pos"]}}}
    ]


async def test_export_latest_and_all_versions(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("i.jsonl", b'{"id": "a", "text": "x"}\n'),
    )
    task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    url = f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations"
    await c.post(
        url,
        json={
            "result": {"sentiment": {"labels": ["pos"]}},
            "idempotency_key": "1",
            "lease_id": task["lease"]["id"],
        },
    )
    await c.post(
        url,
        json={
            "result": {"sentiment": {"labels": ["neg"]}},
            "idempotency_key": "2",
            "base_version": 1,
        },
    )
    latest = orjson.loads((await c.get(f"/api/v1/projects/{project.id}/export")).content)
    assert [a["result"]["sentiment"]["labels"] for a in latest["annotations"]] == [["neg"]]
    everything = orjson.loads(
        (await c.get(f"/api/v1/projects/{project.id}/export", params={"versions": "all"})).content
    )
    assert [a["version"] for a in everything["annotations"]] == [1, 2]
    bad = await c.get(f"/api/v1/projects/{project.id}/export", params={"versions": "some"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "versions"


async def test_big_import_and_export_run_as_jobs(db: Database, app: Any, settings: Any) -> None:
    project, c = await _lead(db, app)
    content = b"".join(orjson.dumps({"id": str(n), "text": "x" * 200}) + b"\n" for n in range(6000))
    assert len(content) > settings.import_job_threshold_bytes
    r = await c.post(f"/api/v1/projects/{project.id}/imports", files=_upload("big.jsonl", content))
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    assert (await c.get(f"/api/v1/jobs/{job_id}")).json()["status"] == "queued"
    worker = Worker(settings)
    assert await worker.run_once()
    job = (await c.get(f"/api/v1/jobs/{job_id}")).json()
    assert job["status"] == "succeeded" and job["result"]["created"] == 6000
    assert job["progress_done"] == 6000
    imp = (await c.get(f"/api/v1/projects/{project.id}/imports/{r.json()['id']}")).json()
    assert imp["status"] == "done" and imp["created"] == 6000
    r = await c.post(f"/api/v1/projects/{project.id}/exports", json={"versions": "latest"})
    assert r.status_code == 202
    export_job = r.json()["id"]
    assert await worker.run_once()
    job = (await c.get(f"/api/v1/jobs/{export_job}")).json()
    assert job["status"] == "succeeded" and job["result"]["lines"] == 6000
    dl = await c.get(f"/api/v1/jobs/{export_job}/download")
    assert dl.status_code == 200 and len(dl.content.splitlines()) == 6000
    await worker.db.dispose()


async def test_huge_image_gets_a_preview(db: Database, app: Any) -> None:
    project, c = await _lead(db, app, schema=BBOX_SCHEMA)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        big = io.BytesIO()
        Image.new("RGB", (5000, 1000), "blue").save(big, "JPEG")
        z.writestr("big.jpg", big.getvalue())
    r = await c.post(
        f"/api/v1/projects/{project.id}/imports", files=_upload("b.zip", buf.getvalue())
    )
    assert r.json()["created"] == 1, r.text
    item = (await c.get(f"/api/v1/projects/{project.id}/items")).json()["items"][0]
    facts = item["media"]["image"]
    assert (facts["width"], facts["height"]) == (5000, 1000)
    assert (facts["preview_width"], facts["preview_height"]) == (2048, 410)
    got = await c.get(item["media_urls"]["image.preview"])
    assert got.status_code == 200
    assert Image.open(io.BytesIO(got.content)).size == (2048, 410)


async def test_export_can_carry_quality_extras(db: Database, app: Any) -> None:
    project, c = await _lead(db, app)
    await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("i.jsonl", b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'),
    )
    items = (await c.get(f"/api/v1/projects/{project.id}/items")).json()["items"]
    answer = {"sentiment": {"labels": ["pos"]}}
    r = await c.put(
        f"/api/v1/projects/{project.id}/items/{items[0]['id']}/gold",
        json={"answer": answer, "feedback": "see 2.1"},
    )
    assert r.status_code in (200, 201), r.text
    url = f"/api/v1/projects/{project.id}/export"
    lines = [
        orjson.loads(x)
        for x in (await c.get(url, params={"include": "gold,review"})).content.splitlines()
    ]
    by_id = {line["id"]: line for line in lines}
    assert by_id["a"]["quality"]["gold"]["answer"] == answer
    assert by_id["a"]["quality"]["review"] == [] and by_id["b"]["quality"]["gold"] is None
    plain = [orjson.loads(x) for x in (await c.get(url)).content.splitlines()]
    assert all("quality" not in line for line in plain)
    bad = await c.get(url, params={"include": "gold,secrets"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["value"] == "secrets"


async def _annotated_export_project(db: Database, app: Any) -> tuple[Any, Any]:
    """Two items; the lead annotated "a" and consolidated it."""
    from tests.quality_support import project_row

    from truthline.services import consolidation

    project, c = await _lead(db, app)
    await c.post(
        f"/api/v1/projects/{project.id}/imports",
        files=_upload("i.jsonl", b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'),
    )
    task = (await c.post(f"/api/v1/projects/{project.id}/queue/next")).json()
    assert task["item"]["external_id"] == "a"
    r = await c.post(
        f"/api/v1/projects/{project.id}/items/{task['item']['id']}/annotations",
        json={"result": {"sentiment": {"labels": ["pos"]}}, "idempotency_key": "k1",
              "lease_id": task["lease"]["id"]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    await consolidation.consolidate_project(db, await project_row(db, project.id))
    return project, c


def _by_id(content: bytes) -> dict[str, dict]:
    return {line["id"]: line for line in map(orjson.loads, content.splitlines())}


async def test_export_parts_are_selectable(db: Database, app: Any) -> None:
    project, c = await _annotated_export_project(db, app)
    url = f"/api/v1/projects/{project.id}/export"
    plain = (await c.get(url)).content
    # naming the raw annotations alone is what an export without include gives, byte for byte
    assert (await c.get(url, params={"include": "annotations"})).content == plain
    lines = _by_id(plain)
    assert list(lines["a"]) == [
        "id", "item_id", "stage", "priority", "data", "annotations", "predictions",
    ]  # fmt: skip
    assert [a["result"] for a in lines["a"]["annotations"]] == [{"sentiment": {"labels": ["pos"]}}]

    only = _by_id((await c.get(url, params={"include": "consolidated,review"})).content)
    assert all("annotations" not in line for line in only.values())
    assert list(only["a"]["quality"]) == ["consolidated", "review"]
    assert only["a"]["quality"]["consolidated"]["sentiment"] == {
        "result": {"labels": ["pos"]}, "confidence": 1.0, "method": "majority",
        "support": {"n": 1, "votes": [["pos", 1]]}, "n_annotations": 1,
    }  # fmt: skip
    assert only["b"]["quality"] == {"consolidated": {}, "review": []}
    assert only["a"]["predictions"] == [] and only["a"]["data"] == {"text": "x"}

    both = _by_id((await c.get(url, params={"include": "agreement,annotations"})).content)
    assert len(both["a"]["annotations"]) == 1 and list(both["a"]["quality"]) == ["agreement"]
    assert both["a"]["quality"]["agreement"] == {"sentiment": None}  # one answer: no pair yet

    bad = await c.get(url, params={"include": "annotations,raw"})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == {"field": "include", "value": "raw"}
    assert "annotations, consolidated" in bad.json()["error"]["message"]


async def test_export_job_carries_the_selected_parts(db: Database, app: Any, settings: Any) -> None:
    project, c = await _annotated_export_project(db, app)
    worker = Worker(settings)
    try:
        r = await c.post(f"/api/v1/projects/{project.id}/exports", json={"include": ["gold"]})
        assert r.status_code == 202, r.text
        assert await worker.run_once()
        lines = _by_id((await c.get(f"/api/v1/jobs/{r.json()['id']}/download")).content)
        assert lines["a"]["quality"] == {"gold": None} and "annotations" not in lines["a"]
        r = await c.post(f"/api/v1/projects/{project.id}/exports", json={})
        assert await worker.run_once()
        lines = _by_id((await c.get(f"/api/v1/jobs/{r.json()['id']}/download")).content)
        assert len(lines["a"]["annotations"]) == 1 and "quality" not in lines["a"]
    finally:
        await worker.db.dispose()
    bad = await c.post(f"/api/v1/projects/{project.id}/exports", json={"include": ["raw"]})
    assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("include")
