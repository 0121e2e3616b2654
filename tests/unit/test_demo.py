"""Demo generator: every project has a schema that follows docs/kinds.md and importable items."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from truthline.demo import DemoProject, generate_demo
from truthline.demo import media as demo_media
from truthline.formats.readers import Record, iter_records
from truthline.media.storage import LocalStorage

FIELD_TYPES = {"text", "image", "audio", "video", "conversation", "markdown", "number", "json"}
COMMON_KEYS = {"name", "kind", "title", "help", "required", "field", "guideline_section"}
KIND_KEYS = {  # the config keys docs/kinds.md lists for each kind
    "classification": {"classes", "multiple", "min_choices", "max_choices"},
    "span": {"classes", "allow_overlap", "relations", "tokenize"},
    "bbox": {"classes", "min_size"},
    "polygon": {"classes", "allow_holes", "min_points"},
    "keypoints": {"classes", "points", "skeleton"},
    "mask": {"classes"},
    "free_text": {"min_length", "max_length", "prefill_from", "spellcheck"},
    "rating": {"min", "max", "labels", "per_turn"},
    "ranking": {"options", "options_field"},
    "pairwise": {"options", "allow_tie", "strength"},
    "transcription": {"speakers", "max_segment"},
    "audio_segment": {"classes", "allow_overlap"},
    "video_track": {"classes", "interpolate"},
    "temporal_segment": {"classes", "allow_overlap"},
}
TARGETS = {
    "span": {"text"},
    "bbox": {"image"},
    "polygon": {"image"},
    "keypoints": {"image"},
    "mask": {"image"},
    "transcription": {"audio"},
    "audio_segment": {"audio"},
    "video_track": {"video"},
    "temporal_segment": {"video", "audio"},
    "pairwise": set(),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[DemoProject]:
    return generate_demo(tmp_path_factory.mktemp("demo"))


def load_schema(project: DemoProject) -> dict[str, Any]:
    return yaml.safe_load(project.schema_path.read_text(encoding="utf-8"))


def test_every_modality_is_there(demo: list[DemoProject]) -> None:
    kinds = {question["kind"] for p in demo for question in load_schema(p)["questions"]}
    expected = {"bbox", "polygon", "classification", "span", "free_text", "transcription"}
    expected |= {"audio_segment", "rating", "pairwise", "ranking"}
    if demo_media.shutil.which("ffmpeg"):
        expected |= {"video_track", "temporal_segment"}
    assert expected <= kinds
    assert len({p.name for p in demo}) == len(demo)
    assert all(p.overlap >= 1 and p.description for p in demo)


def check_question(question: dict[str, Any], fields: dict[str, str]) -> None:
    kind = question["kind"]
    assert set(question) <= COMMON_KEYS | KIND_KEYS[kind], question
    target = question.get("field")
    if target is not None:
        assert fields[target] in TARGETS.get(kind, FIELD_TYPES), question
    elif TARGETS.get(kind):
        pytest.fail(f"{kind} needs a field: {question}")
    for option in question.get("options", []):
        assert option in fields  # pairwise/ranking options name fields of the item
    if "prefill_from" in question:
        assert question["prefill_from"] in fields
    for label in question.get("classes", []):
        assert isinstance(label, str) or {"name"} <= set(label) <= {
            "name",
            "shortcut",
            "color",
            "description",
        }


def test_schemas_follow_the_kinds_contract(demo: list[DemoProject]) -> None:
    for project in demo:
        schema = load_schema(project)
        assert set(schema) == {"fields", "questions"}
        fields = {field["name"]: field["type"] for field in schema["fields"]}
        assert set(fields.values()) <= FIELD_TYPES
        for field in schema["fields"]:
            assert set(field) <= {"name", "type", "required"}
        names = [question["name"] for question in schema["questions"]]
        assert len(names) == len(set(names))
        for question in schema["questions"]:
            check_question(question, fields)


def test_items_import_without_errors(demo: list[DemoProject], tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    counts = {}
    for project in demo:
        fields = {f["name"]: f["type"] for f in load_schema(project)["fields"]}
        items = list(iter_records(project.items_path, field_types=fields, storage=storage))
        assert all(isinstance(item, Record) for item in items), items
        records = [item for item in items if isinstance(item, Record)]
        for record in records:
            assert set(record.data) - {"id", "_media"} <= set(fields)
        counts[project.items_path.name] = records
    images = counts["road-scenes.zip"]
    assert len(images) == 12
    assert {r.data["_media"]["image"]["width"] for r in images} == {640}
    assert len(counts["items.jsonl"]) in (20, 10, 8)
    audio = counts["voice-prompts.zip"]
    assert len(audio) == 6 and all(r.data["prompt"] for r in audio)
    assert all(r.data["_media"]["audio"]["duration"] > 0.5 for r in audio)
    if "moving-squares.zip" in counts:
        facts = [r.data["_media"]["video"] for r in counts["moving-squares.zip"]]
        assert facts and all(f["width"] == 320 and f["height"] == 240 for f in facts)
        assert all(f["duration"] == pytest.approx(5.0, abs=0.1) for f in facts)


def digest_tree(root: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.suffix in suffixes
    }


def test_output_is_deterministic(demo: list[DemoProject], tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again")
    first_root = demo[0].schema_path.parents[1]
    suffixes = (".yaml", ".jsonl", ".png")
    assert digest_tree(first_root, suffixes) == digest_tree(tmp_path / "again", suffixes)
    with zipfile.ZipFile(again[0].items_path) as archive:
        assert "manifest.jsonl" in archive.namelist()


def test_without_ffmpeg_or_espeak_video_is_skipped_and_audio_is_tones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_media.shutil, "which", lambda name: None)
    projects = generate_demo(tmp_path)
    assert "Moving squares" not in {p.name for p in projects}
    voice = next(p for p in projects if p.name == "Voice prompts")
    items = list(
        iter_records(
            voice.items_path,
            field_types={"audio": "audio"},
            storage=LocalStorage(tmp_path / "store"),
        )
    )
    assert len(items) == 6
    assert all(
        isinstance(i, Record) and i.data["_media"]["audio"]["sample_rate"] == 16_000 for i in items
    )


def test_schemas_and_items_pass_the_schema_validator(
    demo: list[DemoProject], tmp_path: Path
) -> None:
    from truthline.schema import parse_schema, validate_item

    storage = LocalStorage(tmp_path / "store")
    for project in demo:
        schema = parse_schema(project.schema_path.read_text(encoding="utf-8"))
        fields: dict[str, str] = {field.name: field.type for field in schema.fields}
        for item in iter_records(project.items_path, field_types=fields, storage=storage):
            data = {k: v for k, v in rec_data(item).items() if k not in ("id", "_media")}
            assert validate_item(schema, data) == [], (project.name, item)


def rec_data(item: object) -> dict[str, Any]:
    assert isinstance(item, Record), item
    return item.data
