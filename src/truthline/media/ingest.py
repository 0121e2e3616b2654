"""Media ingestion: copy a stream to a temp file while hashing it, probe it, store it once."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from truthline.media.probe import probe_media
from truthline.media.storage import Storage, media_key_for

COPY_CHUNK = 1024 * 1024
# Images larger than this on either side get a downscaled preview the browser shows instead;
# annotation coordinates stay in the original's pixels.
PREVIEW_THRESHOLD = 4096
PREVIEW_SIZE = 2048


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class StoredMedia:
    key: str
    media_type: str
    sha256: str
    size: int
    facts: dict[str, Any]


def ingest_stream(
    stream: Readable, name: str, media_type: str, storage: Storage, tmp_dir: Path
) -> StoredMedia:
    """Store ``stream`` under its content-addressed key; identical content is stored once.

    The file is probed before it is stored, so an unreadable file raises ``InvalidInput``
    (naming ``name``) and leaves nothing behind.
    """
    suffix = Path(name).suffix.lower()
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=suffix, delete=False) as out:
        tmp_path = Path(out.name)
        try:
            while chunk := stream.read(COPY_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        except BaseException:
            out.close()
            tmp_path.unlink(missing_ok=True)
            raise
    try:
        facts = probe_media(tmp_path, media_type, display_name=name)
        key = media_key_for(digest.hexdigest(), suffix)
        if not storage.exists(key):
            storage.put_file(key, tmp_path)
        if media_type == "image" and max(facts.get("width", 0), facts.get("height", 0)) > (
            PREVIEW_THRESHOLD
        ):
            facts = {**facts, **make_preview(tmp_path, key, storage)}
    finally:
        tmp_path.unlink(missing_ok=True)
    return StoredMedia(key, media_type, digest.hexdigest(), size, facts)


def make_preview(path: Path, key: str, storage: Storage) -> dict[str, Any]:
    """Stores a JPEG no larger than PREVIEW_SIZE on its long side; returns its facts."""
    from io import BytesIO

    from PIL import Image

    preview_key = f"{key}.preview.jpg"
    img: Image.Image  # the opened file, then its RGB conversion
    with Image.open(path) as img:
        img.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))  # JPEG decodes at a reduced scale
        img = img.convert("RGB")
        img.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        width, height = img.size
        if not storage.exists(preview_key):
            buf = BytesIO()
            img.save(buf, "JPEG", quality=85)
            storage.put_bytes(preview_key, buf.getvalue())
    return {"preview": preview_key, "preview_width": width, "preview_height": height}
