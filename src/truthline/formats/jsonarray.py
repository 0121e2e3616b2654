"""JSON array reader: splits a top-level array into elements over chunks, in constant memory.

The splitter only tracks strings, escapes and bracket depth; each element is then parsed by
orjson, so a broken element costs one RecordError and its neighbours still come through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import orjson

from truthline.formats.jsonl import BOM, json_type_name
from truthline.formats.records import ByteStream, ImportLimits, Record, RecordError, short_repr

CHUNK_BYTES = 256 * 1024
# Outside strings: a whole string (closed, or cut off by the end of the chunk, possibly right
# after a backslash) or one structural character. Skipping strings in one regex step keeps
# brackets and commas inside strings from counting, at C speed.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:(")|(\\)?\Z)|[\[\]{},]', re.DOTALL)
# The rest of a string that began in an earlier chunk.
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*(?:(")|(\\)?\Z)', re.DOTALL)
_WHITESPACE = b" \t\r\n"


class JsonArrayError(ValueError):
    """The content is not a JSON array (or ends inside one); ``offset`` is the byte offset."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (byte {offset})")
        self.offset = offset


class _Splitter:
    """Incremental state: feed chunks, get back ``(offset, element bytes or None)`` pairs."""

    def __init__(self, max_element_bytes: int) -> None:
        self.max_bytes = max_element_bytes
        self.depth = 0
        self.started = False
        self.done = False
        self.in_string = False
        self.escape = False
        self.parts: list[bytes] = []
        self.size = 0
        self.too_long = False
        self.elements = 0
        self.element_start = 0
        self.base = 0  # file offset of the chunk being fed
        self.pending: JsonArrayError | None = None

    def feed(self, chunk: bytes) -> list[tuple[int, bytes | None]]:
        out: list[tuple[int, bytes | None]] = []
        pos = 0 if self.started else self._open(chunk)
        begin = pos
        n = len(chunk)
        while pos < n and not self.done:
            if self.escape:
                self.escape, pos = False, pos + 1
                continue
            if self.in_string:
                pos = self._string_rest(chunk, pos)
                continue
            match = _TOKEN.search(chunk, pos)
            if match is None:
                break
            char = chunk[match.start()]
            if char == 0x22:  # '"'
                self._after_string(match)
            elif char in b"[{":
                self.depth += 1
            elif char in b"]}":
                self.depth -= 1
                if self.depth == 0:
                    self._end_element(chunk[begin : match.start()], out, closing=True)
                    self.done = True
            elif self.depth == 1:  # a comma between top-level elements
                self._end_element(chunk[begin : match.start()], out, closing=False)
                begin = match.end()
                self.element_start = self.base + begin
            pos = match.end()
        if not self.done:
            self._keep(chunk[begin:])
        else:
            try:
                self._check_trailing(chunk, pos)
            except JsonArrayError as exc:  # raised once the elements before it are out
                self.pending = exc
        self.base += n
        return out

    def _open(self, chunk: bytes) -> int:
        stripped = chunk.lstrip(_WHITESPACE)
        if not stripped:
            return len(chunk)
        if stripped[:1] != b"[":
            raise JsonArrayError("expected a JSON array starting with '['", self.base)
        self.started = True
        self.depth = 1
        start = len(chunk) - len(stripped) + 1
        self.element_start = self.base + start
        return start

    def _string_rest(self, chunk: bytes, pos: int) -> int:
        match = _STRING_REST.match(chunk, pos)
        assert match is not None  # the pattern matches the empty string at worst
        self._after_string(match)
        return match.end()

    def _after_string(self, match: re.Match[bytes]) -> None:
        closed, backslash = match.group(1), match.group(2)
        self.in_string = closed is None
        self.escape = backslash is not None

    def _keep(self, piece: bytes) -> None:
        if self.too_long or not piece:
            return
        self.size += len(piece)
        if self.size > self.max_bytes:
            self.too_long, self.parts = True, []
        else:
            self.parts.append(piece)

    def _end_element(
        self, piece: bytes, out: list[tuple[int, bytes | None]], *, closing: bool
    ) -> None:
        self._keep(piece)
        element = None if self.too_long else b"".join(self.parts).strip(_WHITESPACE)
        if not (closing and element == b"" and self.elements == 0):  # "[]" holds nothing
            out.append((self.element_start, element))
            self.elements += 1
        self.parts, self.size, self.too_long = [], 0, False

    def _check_trailing(self, chunk: bytes, pos: int) -> None:
        rest = chunk[pos:].lstrip(_WHITESPACE)
        if rest:
            offset = self.base + len(chunk) - len(rest)
            raise JsonArrayError("unexpected data after the array", offset)

    def finish(self) -> None:
        if self.started and not self.done:
            raise JsonArrayError("unexpected end of file inside the array", self.base)


def split_json_array(
    chunks: Iterable[bytes], max_element_bytes: int
) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(byte offset, element bytes)`` for each top-level element of a JSON array.

    The bytes are ``None`` for an element over ``max_element_bytes`` (it was skipped, not
    buffered) and ``b""`` for an empty slot such as in ``[1,,2]``. Blank content yields nothing.
    Raises ``JsonArrayError`` for content that is not one array.
    """
    splitter = _Splitter(max_element_bytes)
    for chunk in _without_bom(chunks, splitter):
        if splitter.done:
            splitter._check_trailing(chunk, 0)
            splitter.base += len(chunk)
            continue
        yield from splitter.feed(chunk)
        if splitter.pending is not None:
            raise splitter.pending
    splitter.finish()


def _without_bom(chunks: Iterable[bytes], splitter: _Splitter) -> Iterator[bytes]:
    """Drop a leading UTF-8 BOM, even when the first chunks are shorter than the BOM."""
    iterator = iter(chunks)
    head = b""
    for chunk in iterator:
        head += chunk
        if len(head) >= len(BOM):
            break
    if head.startswith(BOM):
        head, splitter.base = head[len(BOM) :], len(BOM)
    if head:
        yield head
    yield from iterator


def iter_json(
    stream: ByteStream, source: str, limits: ImportLimits
) -> Iterator[Record | RecordError]:
    """Records from a JSON array of objects; the caller has checked that it starts with '['."""
    chunks = iter(lambda: stream.read(CHUNK_BYTES), b"")
    number = 0
    try:
        for number, (offset, element) in enumerate(  # noqa: B007 (number is used after the loop)
            split_json_array(chunks, limits.max_record_bytes), 1
        ):
            yield _element_record(number, offset, element, source, limits)
    except JsonArrayError as exc:
        yield RecordError(number + 1, source, None, str(exc), None)


def _element_record(
    number: int, offset: int, element: bytes | None, source: str, limits: ImportLimits
) -> Record | RecordError:
    if element is None:
        reason = f"element is longer than {limits.max_record_bytes} bytes"
        return RecordError(number, source, None, reason, None)
    if not element:
        return RecordError(number, source, None, "empty array element", None)
    try:
        data = orjson.loads(element)
    except orjson.JSONDecodeError as exc:
        try:
            element.decode("utf-8")
        except UnicodeDecodeError as bad:
            reason = f"not valid UTF-8: bad byte at file offset {offset + bad.start}"
            return RecordError(number, source, None, reason, short_repr(element))
        reason = f"invalid JSON in element at byte {offset}: {exc.msg}"
        return RecordError(number, source, None, reason, short_repr(element))
    if type(data) is not dict:
        reason = f"expected a JSON object, got {json_type_name(data)}"
        return RecordError(number, source, None, reason, short_repr(element))
    return Record(number, source, data)
