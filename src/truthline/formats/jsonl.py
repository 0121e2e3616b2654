"""JSON Lines reader: one object per line, read line by line in constant memory.

This is the hot path of every import (the service aims at 100k records/s on two cores), so the
loop does nothing per line beyond ``readline``, ``orjson.loads`` and a type check; everything
else (blank lines, encoding problems, error text) is worked out only when a line fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import partial
from typing import Any

import orjson

from truthline.formats.records import ByteStream, ImportLimits, Record, RecordError, short_repr

BOM = b"\xef\xbb\xbf"
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def json_type_name(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def iter_jsonl(
    stream: ByteStream, source: str, limits: ImportLimits
) -> Iterator[Record | RecordError]:
    limit = limits.max_record_bytes
    read_line = partial(stream.readline, limit + 1)
    first = read_line()
    if first.startswith(BOM):
        first = first[len(BOM) :]
    lines = itertools.chain((first,), iter(read_line, b"")) if first else iter(())
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    for number, raw in enumerate(lines, 1):
        if len(raw) > limit and raw[-1:] != b"\n":
            _skip_rest_of_line(stream, limit)
            yield RecordError(
                number, source, None, f"record is longer than {limit} bytes", short_repr(raw)
            )
            continue
        try:
            data = loads(raw)
        except decode_error as exc:
            error = _line_error(stream, raw, number, source, exc)
            if error is not None:
                yield error
            continue
        if type(data) is dict:
            yield Record(number, source, data)
        else:
            reason = f"expected a JSON object, got {json_type_name(data)}"
            yield RecordError(number, source, None, reason, short_repr(raw))


def _skip_rest_of_line(stream: ByteStream, limit: int) -> None:
    """Discard the remainder of an over-long line without holding it in memory."""
    chunk = stream.readline(limit)
    while chunk and chunk[-1:] != b"\n":
        chunk = stream.readline(limit)


def _line_error(
    stream: ByteStream, raw: bytes, number: int, source: str, exc: orjson.JSONDecodeError
) -> RecordError | None:
    if not raw.strip():
        return None  # blank lines separate nothing; they are skipped, not reported
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        where = _file_offset(stream, raw, bad.start)
        reason = f"not valid UTF-8: bad byte {where}"
        return RecordError(number, source, None, reason, short_repr(raw))
    reason = f"invalid JSON at column {exc.colno}: {exc.msg}"
    return RecordError(number, source, None, reason, short_repr(raw))


def _file_offset(stream: ByteStream, raw: bytes, index: int) -> str:
    try:
        return f"at file offset {stream.tell() - len(raw) + index}"
    except (OSError, ValueError):  # a stream that cannot tell: the offset in the line still helps
        return f"at byte {index} of the line"
