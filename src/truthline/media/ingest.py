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
    finally:
        tmp_path.unlink(missing_ok=True)
    return StoredMedia(key, media_type, digest.hexdigest(), size, facts)
