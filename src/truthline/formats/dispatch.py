"""Format detection and the per-format record streams (everything but archives)."""

from __future__ import annotations

from collections.abc import Iterator

from truthline.errors import InvalidInput
from truthline.formats.csvfile import iter_csv
from truthline.formats.jsonarray import iter_json
from truthline.formats.jsonl import BOM, iter_jsonl
from truthline.formats.records import ByteStream, ImportLimits, Record, RecordError

HEAD_BYTES = 64 * 1024
FORMATS = ("jsonl", "json", "csv", "zip")
_EXTENSIONS = {
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "jsonlines": "jsonl",
    "json": "json",
    "csv": "csv",
    "zip": "zip",
}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_WHITESPACE = b" \t\r\n"


def first_char(head: bytes) -> bytes:
    """The first non-blank byte of the content (after a BOM), or b"" when there is none."""
    return head.removeprefix(BOM).lstrip(_WHITESPACE)[:1]


def detect_format(filename: str, head: bytes) -> str:
    """``jsonl``, ``json``, ``csv`` or ``zip`` from the file name, checked against its first
    bytes; raises ``InvalidInput`` when neither tells."""
    name = filename.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    fmt = _EXTENSIONS.get(ext)
    if fmt == "json" and first_char(head) == b"{":
        _refuse_single_object(name, head)
        return "jsonl"  # JSON Lines saved as .json: one object per line, not an array
    if fmt is not None:
        return fmt
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    char = first_char(head)
    if char == b"[":
        return "json"
    if char == b"{":
        return "jsonl"
    raise InvalidInput(
        f"cannot tell the format of {name}: use .jsonl, .json, .csv or .zip", file=name
    )


def _refuse_single_object(name: str, head: bytes) -> None:
    body = head.removeprefix(BOM).lstrip(_WHITESPACE)
    first_line = body.split(b"\n", 1)[0].strip()
    if first_line == b"{":  # a pretty-printed single object, not one object per line
        raise InvalidInput(
            f"{name} holds a single JSON object; expected an array of objects "
            "or one object per line (JSON Lines)",
            file=name,
        )


def iter_stream(
    stream: ByteStream,
    source: str,
    fmt: str,
    head: bytes,
    field_types: dict[str, str] | None,
    limits: ImportLimits,
) -> Iterator[Record | RecordError]:
    """Records of one non-archive stream; ``head`` is its first bytes (already peeked)."""
    if fmt == "jsonl":
        return iter_jsonl(stream, source, limits)
    if fmt == "csv":
        return iter_csv(stream, source, limits, field_types)
    if fmt != "json":
        raise ValueError(f"not a stream format: {fmt!r}")
    char = first_char(head)
    if char == b"{":
        _refuse_single_object(source, head)
        return iter_jsonl(stream, source, limits)
    if char in (b"[", b""):  # blank content yields no records
        return iter_json(stream, source, limits)
    raise InvalidInput(
        f"{source}: expected a JSON array of objects or one object per line", file=source
    )
