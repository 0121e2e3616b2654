"""Streaming import readers: JSON Lines, JSON arrays, CSV, and ZIP archives or folders.

``iter_records`` yields a ``Record`` per item and a ``RecordError`` per item that could not be
read, in file order, in constant memory. A problem with the file as a whole (unknown format, a
CSV header that cannot be used, an unsafe archive) raises ``InvalidInput`` instead; as with any
generator, that happens on iteration, not on the call.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from truthline.formats.archive import list_folder, list_zip, open_zip
from truthline.formats.bundle import iter_bundle
from truthline.formats.dispatch import FORMATS, HEAD_BYTES, detect_format, iter_stream
from truthline.formats.jsonarray import JsonArrayError, split_json_array
from truthline.formats.records import ImportLimits, Record, RecordError
from truthline.media.storage import Storage

__all__ = [
    "FORMATS",
    "ImportLimits",
    "JsonArrayError",
    "Record",
    "RecordError",
    "detect_format",
    "iter_records",
    "split_json_array",
]

DEFAULT_LIMITS = ImportLimits()


def iter_records(
    path: Path,
    *,
    filename: str | None = None,
    fmt: str | None = None,
    field_types: dict[str, str] | None = None,
    storage: Storage | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Iterator[Record | RecordError]:
    """Read the items of an uploaded file or folder.

    ``filename`` is the name the user gave the file (``path`` may be a temporary copy) and is
    used for format detection and as the records' ``source``. ``field_types`` maps schema field
    names to their types (``image``, ``number``, ...): it types CSV cells and tells which
    archive files go to which field. Media files of archives are stored in ``storage`` and
    referenced as ``"media:<key>"``, with their probed facts under ``data["_media"][field]``.
    """
    path = Path(path)
    name = filename or path.name
    if path.is_dir():
        entries = list_folder(path, name, limits)
        yield from iter_bundle(entries, name, field_types, storage, limits)
        return
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
        stream.seek(0)
        fmt = fmt or detect_format(name, head)
        if fmt not in FORMATS:
            raise ValueError(f"unknown import format {fmt!r}; expected one of {FORMATS}")
        if fmt != "zip":
            yield from iter_stream(stream, name, fmt, head, field_types, limits)
            return
    with open_zip(path, name, limits) as archive:
        entries = list_zip(archive, name, limits)
        yield from iter_bundle(entries, name, field_types, storage, limits)
