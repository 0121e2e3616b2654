"""What the import readers yield: records, per-record errors, and the limits they enforce."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

MiB = 1024 * 1024
GiB = 1024 * MiB
REPR_LIMIT = 80


class ByteStream(Protocol):
    """What the readers need of a stream: files, ZIP entries and guarded readers all fit."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...

    def tell(self) -> int: ...


@dataclass(slots=True)
class Record:
    """One item's raw data. ``line`` is 1-based: the line of a JSONL/CSV file, the element
    number of a JSON array, or the entry number of a ZIP/folder."""

    line: int
    source: str
    data: dict[str, Any]


@dataclass(slots=True)
class RecordError:
    """Why one record was not read. Reading goes on after it."""

    line: int
    source: str
    field: str | None
    reason: str
    value: str | None  # short repr (at most 80 chars) of the offending value


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Bounds that keep a hostile or broken upload from exhausting memory or disk."""

    max_record_bytes: int = 10 * MiB
    max_entries: int = 200_000
    max_uncompressed_bytes: int = 20 * GiB
    max_ratio: float = 200.0
    max_entry_bytes: int = 5 * GiB
    # Small entries can compress far better than max_ratio (a blank page, a silent WAV) without
    # being a danger; the ratio check starts above this size.
    ratio_floor_bytes: int = 1 * MiB


def short_repr(value: Any) -> str:
    """A repr that fits in an error message; bytes are shown as text where they decode."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value[: REPR_LIMIT * 4]).decode("utf-8", "replace").rstrip("\r\n")
    text = repr(value)
    return text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 3] + "..."
