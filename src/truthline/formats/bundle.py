"""Records from a ZIP archive or folder of files.

With a root manifest (``manifest.jsonl``, ``manifest.json`` or ``manifest.csv``), each manifest
record is one item and its media fields name files of the archive; without one, each media or
text file becomes an item of its own. Problems with one record or file give a RecordError and
the rest goes on; anything that makes the archive unsafe raises ``ArchiveRefused``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from truthline.errors import InvalidInput
from truthline.formats.archive import ArchiveRefused, Budget, Entry, GuardedReader
from truthline.formats.dispatch import HEAD_BYTES, iter_stream
from truthline.formats.jsonl import BOM
from truthline.formats.records import ImportLimits, Record, RecordError, short_repr
from truthline.media.ingest import StoredMedia, ingest_stream
from truthline.media.probe import media_type_for
from truthline.media.storage import Storage

MANIFESTS = {"manifest.jsonl": "jsonl", "manifest.json": "json", "manifest.csv": "csv"}
DATA_EXTENSIONS = frozenset({"jsonl", "ndjson", "json", "csv"})
MEDIA_TYPES = frozenset({"image", "audio", "video"})
TEXT_TYPES = ("text", "markdown")
# Files that archivers and desktops add on their own; nobody means to import them.
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
# Values that point somewhere else than into the archive; the service deals with them.
EXTERNAL_PREFIXES = ("http://", "https://", "s3://", "gs://", "media:", "data:")


def is_junk(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1].lower()
    return parts[0] == "__MACOSX" or name in JUNK_NAMES or name.startswith("._")


def iter_bundle(
    entries: list[Entry],
    archive: str,
    field_types: dict[str, str] | None,
    storage: Storage | None,
    limits: ImportLimits,
) -> Iterator[Record | RecordError]:
    with tempfile.TemporaryDirectory(prefix="truthline-import-") as tmp:
        bundle = _Bundle(entries, archive, field_types, storage, limits, Path(tmp))
        yield from bundle.records()


class _Bundle:
    def __init__(
        self,
        entries: list[Entry],
        archive: str,
        field_types: dict[str, str] | None,
        storage: Storage | None,
        limits: ImportLimits,
        tmp_dir: Path,
    ) -> None:
        self.entries = [entry for entry in entries if not is_junk(entry.path)]
        self.by_path = {entry.path: entry for entry in self.entries}
        self.archive = archive
        self.field_types = field_types
        self.storage = storage
        self.limits = limits
        self.tmp_dir = tmp_dir
        self.budget = Budget(limits)
        # A file named by several records is stored and probed once; failures are kept too.
        self.stored: dict[str, StoredMedia | str] = {}
        self.prefix = ""  # the folder that holds the manifest, when it is not the root

    def records(self) -> Iterator[Record | RecordError]:
        manifest = self._find_manifest()
        if manifest is not None:
            yield from self._manifest_records(manifest)
        else:
            for entry in self.entries:
                yield self._file_record(entry)

    def _find_manifest(self) -> Entry | None:
        """The root manifest; zipping a folder usually wraps everything in that folder, so a
        manifest inside the one top-level folder counts as the root one, and references are
        read relative to that folder."""
        prefixes = [""]
        tops = {entry.path.split("/", 1)[0] for entry in self.entries}
        if len(tops) == 1 and len(self.entries) > 1:
            prefixes.append(f"{tops.pop()}/")
        for prefix in prefixes:
            names = {prefix.lower() + name for name in MANIFESTS}
            found = [entry for entry in self.entries if entry.path.lower() in names]
            if len(found) > 1:
                listed = ", ".join(entry.path for entry in found)
                raise ArchiveRefused(f"{self.archive}: more than one manifest ({listed})")
            if found:
                self.prefix = prefix
                return found[0]
        return None

    def _lookup(self, value: str) -> Entry | None:
        path = _normalise_ref(value)
        if path is None:
            return None
        return self.by_path.get(self.prefix + path) or self.by_path.get(path)

    # -- with a manifest ------------------------------------------------------------------

    def _manifest_records(self, manifest: Entry) -> Iterator[Record | RecordError]:
        fmt = MANIFESTS[manifest.path.rsplit("/", 1)[-1].lower()]
        head = b""
        if fmt == "json":  # the JSON reader needs the first bytes to tell array from lines
            with GuardedReader(manifest, self.archive, self.budget) as peek:
                head = peek.read(HEAD_BYTES)
        with GuardedReader(manifest, self.archive, self.budget) as stream:
            items = iter_stream(stream, manifest.path, fmt, head, self.field_types, self.limits)
            for item in items:
                yield item if isinstance(item, RecordError) else self._resolve(item)

    def _reference_fields(self, data: dict[str, Any]) -> list[tuple[str, str]]:
        if self.field_types is None:  # no schema: any value naming a media file of the archive
            return [
                (name, kind)
                for name, value in data.items()
                if isinstance(value, str)
                and self._lookup(value) is not None
                and (kind := media_type_for(value) or "") in MEDIA_TYPES
            ]
        return [
            (name, kind)
            for name, kind in self.field_types.items()
            if name in data and (kind in MEDIA_TYPES or kind in TEXT_TYPES)
        ]

    def _resolve(self, record: Record) -> Record | RecordError:
        data = record.data
        media: dict[str, Any] = {}
        for name, kind in self._reference_fields(data):
            value = data[name]
            problem = self._substitute(data, name, kind, media)
            if problem is not None:
                return RecordError(record.line, record.source, name, problem, short_repr(value))
        if media:
            data["_media"] = media
        return record

    def _substitute(
        self, data: dict[str, Any], name: str, kind: str, media: dict[str, Any]
    ) -> str | None:
        """Replace a reference by its content or media key; return why it cannot be, if so."""
        value = data[name]
        if not isinstance(value, str) or value.startswith(EXTERNAL_PREFIXES):
            return None
        if kind in TEXT_TYPES and not _looks_like_text_file(value):
            return None  # ordinary text, not a file name
        entry = self._lookup(value)
        if entry is None:
            return f"file not found in the archive: {value}"
        file_kind = media_type_for(entry.path)
        expected = "text" if kind in TEXT_TYPES else kind
        if file_kind != expected:
            return f"{entry.path} is not a{'n' if expected[0] in 'aeiou' else ''} {expected} file"
        if expected == "text":
            text, problem = self._read_text(entry)
            data[name] = text
            return problem
        stored = self._store(entry)
        if isinstance(stored, str):
            return stored
        data[name] = f"media:{stored.key}"
        media[name] = stored.facts
        return None

    # -- without a manifest ---------------------------------------------------------------

    def _file_record(self, entry: Entry) -> Record | RecordError:
        def error(reason: str) -> RecordError:
            return RecordError(entry.number, entry.path, None, reason, None)

        ext = entry.path.rsplit(".", 1)[-1].lower() if "." in entry.path else ""
        kind = media_type_for(entry.path)
        if ext in DATA_EXTENSIONS:
            return error(
                "data files in an archive are read only as a root manifest "
                "(manifest.jsonl, manifest.json or manifest.csv)"
            )
        if kind is None:
            return error(f"unsupported file type: {entry.path.rsplit('/', 1)[-1]}")
        name = self._first_field(kind, ext)
        if name is None:
            return error(f"no {kind} field in the schema for {entry.path.rsplit('/', 1)[-1]}")
        data: dict[str, Any] = {"id": entry.path}
        if kind == "text":
            text, problem = self._read_text(entry)
            if problem is not None:
                return error(problem)
            data[name] = text
            return Record(entry.number, entry.path, data)
        stored = self._store(entry)
        if isinstance(stored, str):
            return error(stored)
        data[name] = f"media:{stored.key}"
        data["_media"] = {name: stored.facts}
        return Record(entry.number, entry.path, data)

    def _first_field(self, kind: str, ext: str) -> str | None:
        if self.field_types is None:
            return kind  # no schema given: name the field after the media type
        wanted = ("markdown", "text") if ext == "md" else ("text", "markdown")
        for want in wanted if kind == "text" else (kind,):
            for name, field_type in self.field_types.items():
                if field_type == want:
                    return name
        return None

    # -- file contents --------------------------------------------------------------------

    def _store(self, entry: Entry) -> StoredMedia | str:
        if entry.path in self.stored:
            return self.stored[entry.path]
        if self.storage is None:
            raise ValueError("importing media files needs a storage")
        kind = media_type_for(entry.path) or ""
        with GuardedReader(entry, self.archive, self.budget) as stream:
            try:
                result: StoredMedia | str = ingest_stream(
                    stream, entry.path, kind, self.storage, self.tmp_dir
                )
            except ArchiveRefused:
                raise
            except InvalidInput as exc:  # unreadable media: this record fails, others go on
                result = exc.message
        self.stored[entry.path] = result
        return result

    def _read_text(self, entry: Entry) -> tuple[str | None, str | None]:
        limit = self.limits.max_record_bytes
        if entry.size > limit:
            return None, f"{entry.path} is longer than {limit} bytes"
        with GuardedReader(entry, self.archive, self.budget) as stream:
            raw = stream.read(limit + 1)
        if len(raw) > limit:
            return None, f"{entry.path} is longer than {limit} bytes"
        start = len(BOM) if raw.startswith(BOM) else 0
        try:
            return raw[start:].decode("utf-8"), None
        except UnicodeDecodeError as bad:
            return None, f"{entry.path} is not valid UTF-8: bad byte at offset {start + bad.start}"


def _normalise_ref(value: str) -> str | None:
    """A manifest reference as an archive path; None when it cannot name an archive file."""
    parts = [part for part in value.strip().replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts or ".." in parts or value.startswith(("/", "\\")):
        return None
    return "/".join(parts)


def _looks_like_text_file(value: str) -> bool:
    lowered = value.lower()
    return lowered.endswith((".txt", ".md")) and not any(ch.isspace() for ch in value.strip())
