"""CSV reader: a header row, then one record per row; values stay strings unless typed.

Lines are decoded one at a time so that a bad byte costs one RecordError for its row, never
the file; the csv module still sees real line endings, so quoted multi-line cells work.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import orjson

from truthline.errors import InvalidInput
from truthline.formats.jsonl import BOM
from truthline.formats.records import ByteStream, ImportLimits, Record, RecordError, short_repr

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
JSON_TYPES = frozenset({"json", "conversation"})


class _Lines:
    """Decoded lines for csv.reader, noting (not raising) the first problem of each row."""

    def __init__(self, stream: ByteStream, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.problem: str | None = None
        self.row_bytes = 0

    def reset(self) -> None:
        self.problem, self.row_bytes = None, 0

    def __iter__(self) -> Iterator[str]:
        offset = 0
        for number, raw in enumerate(iter(partial(self.stream.readline, self.limit + 1), b"")):
            if number == 0 and raw.startswith(BOM):
                raw, offset = raw[len(BOM) :], len(BOM)
            offset += len(raw)
            if len(raw) > self.limit and raw[-1:] != b"\n":
                offset += self._skip_rest()
                self.problem = self.problem or f"line is longer than {self.limit} bytes"
                raw = b"\n"
            self.row_bytes += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                start = offset - len(raw) + bad.start
                self.problem = self.problem or f"not valid UTF-8: bad byte at file offset {start}"
                yield raw.decode("utf-8", "replace")

    def _skip_rest(self) -> int:
        skipped = 0
        chunk = self.stream.readline(self.limit)
        while chunk:
            skipped += len(chunk)
            if chunk[-1:] == b"\n":
                break
            chunk = self.stream.readline(self.limit)
        return skipped


def iter_csv(
    stream: ByteStream,
    source: str,
    limits: ImportLimits,
    field_types: dict[str, str] | None = None,
) -> Iterator[Record | RecordError]:
    # csv's per-field cap is process-wide; we only ever raise it, to the record limit.
    if csv.field_size_limit() < limits.max_record_bytes:
        csv.field_size_limit(limits.max_record_bytes)
    lines = _Lines(stream, limits.max_record_bytes)
    reader = csv.reader(lines)
    header = _read_header(reader, lines, source)
    if header is None:
        return
    converters = _converters(header, field_types or {})
    start = reader.line_num + 1
    while True:
        lines.reset()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordError(start, source, None, f"malformed CSV: {exc}", None)
            start = reader.line_num + 1
            continue
        if row:  # csv gives [] for a blank line
            yield _row_record(start, row, header, converters, lines, source, limits)
        start = reader.line_num + 1


def _read_header(reader: Any, lines: _Lines, source: str) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        return None  # an empty file holds no records
    except csv.Error as exc:
        raise InvalidInput(f"{source}: malformed CSV header: {exc}", source=source) from exc
    if lines.problem:
        raise InvalidInput(f"{source}: header row: {lines.problem}", source=source)
    names = [name.strip() for name in header]
    if not names or any(not name for name in names):
        raise InvalidInput(f"{source}: the header row has an empty column name", source=source)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInput(
            f"{source}: duplicate column names in the header: {', '.join(duplicates)}",
            source=source,
        )
    return names


def _converters(header: list[str], field_types: dict[str, str]) -> list[tuple[int, str, str]]:
    return [
        (index, name, field_types[name])
        for index, name in enumerate(header)
        if field_types.get(name) == "number" or field_types.get(name) in JSON_TYPES
    ]


def _row_record(
    line: int,
    row: list[str],
    header: list[str],
    converters: list[tuple[int, str, str]],
    lines: _Lines,
    source: str,
    limits: ImportLimits,
) -> Record | RecordError:
    if lines.problem:
        return RecordError(line, source, None, lines.problem, short_repr(",".join(row)))
    if lines.row_bytes > limits.max_record_bytes:
        reason = f"record is longer than {limits.max_record_bytes} bytes"
        return RecordError(line, source, None, reason, short_repr(",".join(row)))
    if len(row) != len(header):
        reason = f"expected {len(header)} columns, got {len(row)}"
        return RecordError(line, source, None, reason, short_repr(",".join(row)))
    data: dict[str, Any] = dict(zip(header, row, strict=True))
    for index, name, kind in converters:
        try:
            data[name] = _convert(row[index], kind)
        except ValueError as exc:
            return RecordError(line, source, name, str(exc), short_repr(row[index]))
    return Record(line, source, data)


def _convert(text: str, kind: str) -> Any:
    value = text.strip()
    if not value:
        return None  # an empty cell is a missing value, not zero
    if kind in JSON_TYPES:
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from exc
    if not _NUMBER_RE.fullmatch(value):
        raise ValueError("not a number")
    if _INT_RE.fullmatch(value):
        return int(value)
    number = float(value)
    if number in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return number
