"""Write the demo projects: a schema (YAML) and an items file for each modality."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from truthline.demo import content, media

SEED = 20_240_601
_ZIP_TIME = (2024, 6, 1, 0, 0, 0)  # fixed, so that the archives are byte-for-byte repeatable


@dataclass(frozen=True, slots=True)
class DemoProject:
    name: str
    description: str
    schema_path: Path
    items_path: Path
    overlap: int


def generate_demo(out_dir: Path) -> list[DemoProject]:
    """Write every demo project under ``out_dir`` (one folder each) and describe them.

    The video project is left out when ffmpeg is not installed. Output is deterministic.
    """
    out_dir = Path(out_dir)
    builders: list[Callable[[Path], DemoProject | None]] = [
        _image_project,
        _text_project,
        _rewrite_project,
        _audio_project,
        _video_project,
        _dialogue_project,
    ]
    projects = []
    for build in builders:
        project = build(out_dir)
        if project is not None:
            projects.append(project)
    return projects


def _rng(name: str) -> random.Random:
    # One stream per project, so adding a project never changes the data of another.
    return random.Random(f"{SEED}:{name}")


def _write_schema(folder: Path, schema: dict[str, Any]) -> Path:
    path = folder / "schema.yaml"
    path.write_text(yaml.safe_dump(schema, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return path


def _write_zip(path: Path, files: dict[str, Path], manifest: list[dict[str, Any]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, src in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED  # media are compressed already
            archive.writestr(info, src.read_bytes())
        info = zipfile.ZipInfo("manifest.jsonl", date_time=_ZIP_TIME)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b"".join(orjson.dumps(row) + b"\n" for row in manifest))
    return path


def _folder(out_dir: Path, name: str) -> Path:
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _image_project(out_dir: Path) -> DemoProject:
    folder = _folder(out_dir, "road-scenes")
    images = _folder(folder, "images")
    rng = _rng("road-scenes")
    files, manifest = {}, []
    for index in range(1, 13):
        name = f"road-{index:02d}.png"
        media.draw_road_scene(images / name, rng, rng.choice(["clear", "clear", "fog", "dusk"]))
        files[f"images/{name}"] = images / name
        manifest.append({"id": f"road-{index:02d}", "image": f"images/{name}"})
    schema = {
        "fields": [{"name": "image", "type": "image"}],
        "questions": [
            {
                "name": "objects",
                "kind": "bbox",
                "title": "Cars and people",
                "field": "image",
                "classes": [
                    {"name": "car", "shortcut": "c", "color": "#e6194b"},
                    {"name": "person", "shortcut": "p", "color": "#3cb44b"},
                ],
            },
            {"name": "road", "kind": "polygon", "field": "image", "classes": ["road"]},
            {
                "name": "weather",
                "kind": "classification",
                "title": "Weather",
                "classes": ["clear", "fog", "dusk"],
            },
        ],
    }
    return DemoProject(
        name="Road scenes",
        description="Draw boxes around cars and people, outline the road, tag the weather.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_zip(folder / "road-scenes.zip", files, manifest),
        overlap=1,
    )


def _text_project(out_dir: Path) -> DemoProject:
    folder = _folder(out_dir, "reviews")
    rows = [{"id": f"s{i:02d}", "text": text} for i, text in enumerate(content.SENTENCES, 1)]
    schema = {
        "fields": [{"name": "text", "type": "text"}],
        "questions": [
            {
                "name": "sentiment",
                "kind": "classification",
                "title": "Sentiment",
                "classes": ["positive", "negative", "neutral"],
            },
            {
                "name": "entities",
                "kind": "span",
                "title": "Named entities",
                "field": "text",
                "classes": [
                    {"name": "PER", "shortcut": "p", "color": "#4363d8"},
                    {"name": "ORG", "shortcut": "o", "color": "#f58231"},
                    {"name": "LOC", "shortcut": "l", "color": "#911eb4"},
                ],
                "relations": ["works_for", "located_in"],
            },
        ],
    }
    return DemoProject(
        name="Reviews: sentiment and entities",
        description="Tag the sentiment of each sentence and mark people, organisations, places.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_jsonl(folder / "items.jsonl", rows),
        overlap=2,
    )


def _rewrite_project(out_dir: Path) -> DemoProject:
    folder = _folder(out_dir, "plain-english")
    rows = [{"id": f"r{i:02d}", "text": text} for i, text in enumerate(content.REWRITES, 1)]
    schema = {
        "fields": [{"name": "text", "type": "text"}],
        "questions": [
            {
                "name": "rewrite",
                "kind": "free_text",
                "title": "Rewrite in plain English",
                "help": "Keep the meaning; use the active voice and fewer words.",
                "prefill_from": "text",
                "min_length": 5,
                "max_length": 300,
            }
        ],
    }
    return DemoProject(
        name="Plain English rewriting",
        description="Rewrite wordy sentences so that they are short and clear.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_jsonl(folder / "items.jsonl", rows),
        overlap=1,
    )


def _audio_project(out_dir: Path) -> DemoProject:
    folder = _folder(out_dir, "voice-prompts")
    clips = _folder(folder, "audio")
    rng = _rng("voice-prompts")
    files, manifest = {}, []
    for index, prompt in enumerate(content.AUDIO_PROMPTS, 1):
        name = f"prompt-{index}.wav"
        media.write_speech(clips / name, prompt, rng)
        files[f"audio/{name}"] = clips / name
        manifest.append({"id": f"prompt-{index}", "audio": f"audio/{name}", "prompt": prompt})
    schema = {
        "fields": [
            {"name": "audio", "type": "audio"},
            {"name": "prompt", "type": "text", "required": False},
        ],
        "questions": [
            {"name": "transcript", "kind": "transcription", "field": "audio", "speakers": ["A"]},
            {
                "name": "activity",
                "kind": "audio_segment",
                "field": "audio",
                "classes": ["speech", "noise"],
            },
        ],
    }
    return DemoProject(
        name="Voice prompts",
        description="Transcribe short spoken prompts and mark where speech is.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_zip(folder / "voice-prompts.zip", files, manifest),
        overlap=1,
    )


def _video_project(out_dir: Path) -> DemoProject | None:
    folder = out_dir / "moving-squares"
    rng = _rng("moving-squares")
    files, manifest = {}, []
    for index in range(1, 4):
        name = f"clip-{index}.mp4"
        (folder / "video").mkdir(parents=True, exist_ok=True)
        if not media.write_moving_square(folder / "video" / name, rng):
            return None  # no ffmpeg: the demo goes on without video
        files[f"video/{name}"] = folder / "video" / name
        manifest.append({"id": f"clip-{index}", "video": f"video/{name}"})
    schema = {
        "fields": [{"name": "video", "type": "video"}],
        "questions": [
            {
                "name": "squares",
                "kind": "video_track",
                "field": "video",
                "classes": ["square"],
                "interpolate": True,
            },
            {
                "name": "motion",
                "kind": "temporal_segment",
                "field": "video",
                "classes": ["moving", "still"],
            },
        ],
    }
    return DemoProject(
        name="Moving squares",
        description="Track the square through each clip and mark when it moves.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_zip(folder / "moving-squares.zip", files, manifest),
        overlap=1,
    )


def _dialogue_project(out_dir: Path) -> DemoProject:
    folder = _folder(out_dir, "assistant-replies")
    rows = []
    for index, dialogue in enumerate(content.DIALOGUES, 1):
        first, second, third = dialogue["responses"]
        rows.append(
            {
                "id": f"d{index}",
                "conversation": dialogue["conversation"],
                "response_a": first,
                "response_b": second,
                "response_c": third,
            }
        )
    responses = ["response_a", "response_b", "response_c"]
    scale = {"1": "poor", "3": "acceptable", "5": "excellent"}
    schema = {
        "fields": [{"name": "conversation", "type": "conversation"}]
        + [{"name": name, "type": "text"} for name in responses],
        "questions": [
            *(
                {
                    "name": name,
                    "kind": "rating",
                    "title": f"{name.capitalize()} of reply A",
                    "field": "response_a",
                    "min": 1,
                    "max": 5,
                    "labels": dict(scale),  # a copy each, or YAML writes anchors
                }
                for name in ("helpfulness", "harmlessness")
            ),
            {
                "name": "preference",
                "kind": "pairwise",
                "title": "Which reply is better, A or B?",
                "options": responses[:2],
                "allow_tie": True,
                "strength": True,
            },
            {"name": "order", "kind": "ranking", "title": "Rank the replies", "options": responses},
        ],
    }
    return DemoProject(
        name="Assistant replies",
        description="Rate reply A, compare A with B, and rank all three replies.",
        schema_path=_write_schema(folder, schema),
        items_path=_write_jsonl(folder / "items.jsonl", rows),
        overlap=3,
    )
