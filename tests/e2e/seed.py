"""Loads the data the browser tests work on; run as a script with TRUTHLINE_DATA_DIR set.

Prints one JSON object: project ids by name and an admin API token.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import orjson

from truthline.db import migrate
from truthline.db.session import Database
from truthline.media.storage import storage_from_url
from truthline.policies import project_access
from truthline.services import auth, guidelines, imports, projects
from truthline.settings import Settings

PASSWORD = sys.argv[1] if len(sys.argv) > 1 else "e2e-password-123"
XSS_TEXT = "<img src=x onerror=alert(1)><b>bold</b>"
# The guideline of the "Guide" project: version 1, confirmed by its annotator at seed time.
GUIDELINE_V1 = """# Sentiment guideline

## 1 Scope

Label the feeling of the writer, not of the people they write about.

## 2 Labels

### 2.1 Positive

Praise, thanks, satisfaction.

### 2.2 Negative

Complaints, disappointment, anger.

### 2.3 Neutral

Facts without a feeling.
"""
NER_TEXT = "Ada Lovelace met Charles Babbage in London"
IMAGE_SIZE = (400, 300)

TEXT_FIELD = [{"name": "text", "type": "text"}]
SENTIMENT = {
    "name": "sentiment",
    "kind": "classification",
    "title": "Sentiment",
    "classes": ["positive", "negative", "neutral"],
}
PROJECTS: dict[str, dict[str, Any]] = {
    "Sentiment": {
        "schema": {"fields": TEXT_FIELD, "questions": [SENTIMENT]},
        "rows": [
            {"id": "t1", "text": "The soup was wonderful and the staff were kind."},
            {"id": "t2", "text": "The train was late again and nobody told us why."},
            {"id": "t3", "text": "The meeting is on Tuesday at ten."},
        ],
        "annotators": ["ann1"],
    },
    "Entities": {
        "schema": {
            "fields": TEXT_FIELD,
            "questions": [
                {
                    "name": "entities",
                    "kind": "span",
                    "title": "Named entities",
                    "field": "text",
                    "tokenize": "whitespace",
                    "classes": [
                        {"name": "PER", "shortcut": "p"},
                        {"name": "ORG", "shortcut": "o"},
                        {"name": "LOC", "shortcut": "l"},
                    ],
                }
            ],
        },
        "rows": [{"id": "n1", "text": NER_TEXT}, {"id": "n2", "text": "Grace Hopper"}],
        "annotators": ["ann2"],
    },
    "Shapes": {
        "schema": {
            "fields": [{"name": "image", "type": "image"}],
            "questions": [
                {
                    "name": "objects",
                    "kind": "bbox",
                    "title": "Objects",
                    "field": "image",
                    "classes": ["car", "person"],
                },
                {
                    "name": "road",
                    "kind": "polygon",
                    "title": "Road",
                    "field": "image",
                    "classes": ["road"],
                },
                {
                    "name": "pose",
                    "kind": "keypoints",
                    "title": "Pose",
                    "field": "image",
                    "classes": ["walker"],
                    "points": ["head", "hand", "foot"],
                    "skeleton": [["head", "hand"], ["head", "foot"]],
                },
            ],
        },
        "images": ["img1", "img2"],
        "annotators": ["ann3"],
    },
    "Drafts": {
        "schema": {
            "fields": TEXT_FIELD,
            "questions": [
                SENTIMENT,
                {"name": "note", "kind": "free_text", "title": "Note", "required": False},
            ],
        },
        "rows": [
            {"id": "d1", "text": "A draft should survive a reload."},
            {"id": "d2", "text": "Second item."},
        ],
        "annotators": ["ann4"],
    },
    "Offline": {
        "schema": {"fields": TEXT_FIELD, "questions": [SENTIMENT]},
        "rows": [
            {"id": "o1", "text": "Sent while the network is down."},
            {"id": "o2", "text": "Next one."},
        ],
        "annotators": ["ann5"],
    },
    "Untrusted": {
        "schema": {"fields": TEXT_FIELD, "questions": [SENTIMENT]},
        "rows": [{"id": "x1", "text": XSS_TEXT}],
        "annotators": ["ann6"],
    },
    "Guide": {
        "schema": {"fields": TEXT_FIELD, "questions": [{**SENTIMENT, "guideline_section": "2"}]},
        "rows": [
            {"id": "g1", "text": "Thanks, the repair was quick."},
            {"id": "g2", "text": "The parcel arrived on Monday."},
        ],
        "annotators": ["ann7"],
        "guideline": GUIDELINE_V1,
    },
    # Quality: gold items mixed into the queue (test_quality.py).
    "Golden": {
        "schema": {"fields": TEXT_FIELD, "questions": [SENTIMENT]},
        "rows": [
            {"id": "k1", "text": "Best coffee in town, thank you!"},
            {"id": "k2", "text": "The bus leaves at nine."},
            {"id": "k3", "text": "The screen broke after a day."},
        ],
        "annotators": ["ann8", "ann9"],
    },
    # Quality: review, rejection and rework, then the dashboard (test_quality.py).
    "Reviewed": {
        "schema": {"fields": TEXT_FIELD, "questions": [{**SENTIMENT, "guideline_section": "2"}]},
        "rows": [{"id": "r1", "text": "I waited an hour and the order was wrong."}],
        "annotators": ["ann10"],
        "reviewers": ["rev1"],
    },
}
PEOPLE = [
    "lead",
    "ann1",
    "ann2",
    "ann3",
    "ann4",
    "ann5",
    "ann6",
    "ann7",
    "ann8",
    "ann9",
    "ann10",
    "rev1",
]


def _image_zip(folder: Path, names: list[str]) -> Path:
    from PIL import Image, ImageDraw

    path = folder / "images.zip"
    with zipfile.ZipFile(path, "w") as archive:
        manifest = []
        for i, name in enumerate(names):
            img = Image.new("RGB", IMAGE_SIZE, (120 + 40 * i, 170, 210))
            draw = ImageDraw.Draw(img)
            draw.polygon([(0, 300), (150, 150), (250, 150), (400, 300)], fill=(90, 90, 90))
            draw.rectangle((60, 190, 140, 240), fill=(200, 30, 40))
            draw.ellipse((290, 80, 320, 110), fill=(240, 200, 160))
            img.save(folder / f"{name}.png")
            archive.write(folder / f"{name}.png", f"images/{name}.png")
            manifest.append({"id": name, "image": f"images/{name}.png"})
        archive.writestr("manifest.jsonl", b"".join(orjson.dumps(r) + b"\n" for r in manifest))
    return path


async def main() -> None:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    storage = storage_from_url(settings.resolved_storage_url())
    out: dict[str, Any] = {"projects": {}}
    try:
        await migrate.upgrade(db)
        admin = await auth.create_user(db, "admin", PASSWORD, is_admin=True, display_name="Admin")
        users = {
            name: await auth.create_user(db, name, PASSWORD, display_name=name.capitalize())
            for name in PEOPLE
        }
        out["token"] = (await auth.create_api_token(db, admin, "e2e"))[1]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for name, spec in PROJECTS.items():
                project = await projects.create_project(
                    db, admin, name=name, schema=spec["schema"], description=f"{name} (e2e)"
                )
                access = await project_access(db, admin, project.id, "members.manage")
                await projects.set_member(db, access, users["lead"], "lead")
                for who in spec["annotators"]:
                    await projects.set_member(db, access, users[who], "annotator")
                for who in spec.get("reviewers", []):
                    await projects.set_member(db, access, users[who], "reviewer")
                if "images" in spec:
                    source = _image_zip(folder, spec["images"])
                else:
                    source = folder / f"{project.id}.jsonl"
                    source.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in spec["rows"]))
                imp = await imports.create_import(db, project, admin.id, source.name, "items")
                counts = await imports.run_import(db, storage, imp.id, source)
                assert counts.rejected == 0, counts.errors
                if "guideline" in spec:
                    lead = await project_access(db, admin, project.id, "guideline.publish")
                    first = await guidelines.publish(
                        db,
                        lead,
                        body=spec["guideline"],
                        change_summary="First version",
                        requires_ack=True,
                    )
                    for who in spec["annotators"]:
                        mine = await project_access(db, users[who], project.id, "guideline.read")
                        await guidelines.acknowledge(db, mine, first.version)
                out["projects"][name] = project.id
    finally:
        await db.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
