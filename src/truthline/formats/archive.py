"""Safe listing and reading of ZIP archives and folders, the containers of media imports.

Everything that could escape the import (absolute paths, ``..``, symlinks, devices), hide its
content (encryption) or exhaust the machine (entry counts, sizes, compression ratios) is refused
before any byte is extracted, and sizes are counted again while reading because the sizes an
archive declares can lie.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO

from truthline.errors import InvalidInput
from truthline.formats.records import ImportLimits

_DRIVE_RE = re.compile(r"[A-Za-z]:")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


class ArchiveRefused(InvalidInput):
    """The whole archive is refused: reading any further part of it would not be safe."""


@dataclass(slots=True)
class Entry:
    number: int  # 1-based position in the archive (ZIP order, or sorted path order for folders)
    path: str  # normalised relative path with "/" separators
    size: int  # declared uncompressed size
    packed: int | None  # compressed size; None for folder files
    opener: Callable[[], IO[bytes]]


@dataclass(slots=True)
class Budget:
    """Bytes actually produced so far, across all entries of one archive."""

    limits: ImportLimits
    total: int = 0


def safe_relative_path(raw: str, archive: str) -> str:
    """The entry path with "/" separators; refuses absolute paths and ``..`` (zip-slip)."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE_RE.match(name) or "\x00" in name:
        raise ArchiveRefused(
            f"{archive}: entry {raw!r} has an absolute path", archive=archive, entry=raw
        )
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveRefused(
            f"{archive}: entry {raw!r} points outside the archive (..)", archive=archive, entry=raw
        )
    return "/".join(parts)


def list_zip(zf: zipfile.ZipFile, archive: str, limits: ImportLimits) -> list[Entry]:
    infos = zf.infolist()
    _check_count(len(infos), archive, limits)
    _check_layout(zf, infos, archive)
    entries: list[Entry] = []
    seen: set[str] = set()
    total = 0
    for number, info in enumerate(infos, 1):
        path = safe_relative_path(info.filename, archive)
        _check_zip_entry(info, path, archive, limits)
        if info.is_dir():
            continue
        if path in seen:  # tools disagree on which copy wins, so neither is trusted
            raise ArchiveRefused(f"{archive}: entry {path} appears twice", entry=path)
        seen.add(path)
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise ArchiveRefused(
                f"{archive}: more than {limits.max_uncompressed_bytes} bytes uncompressed "
                f"(reached at {path})",
                archive=archive,
                entry=path,
            )
        opener = partial(zf.open, info)
        entries.append(Entry(number, path, info.file_size, info.compress_size, opener))
    return entries


def _check_zip_entry(info: zipfile.ZipInfo, path: str, archive: str, limits: ImportLimits) -> None:
    def refuse(why: str) -> ArchiveRefused:
        return ArchiveRefused(f"{archive}: entry {path}: {why}", archive=archive, entry=path)

    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise refuse("symbolic links are not allowed")
    if info.flag_bits & 0x1:
        raise refuse("encrypted entries are not supported")
    if info.file_size > limits.max_entry_bytes:
        raise refuse(f"larger than {limits.max_entry_bytes} bytes")
    if _ratio_too_high(info.file_size, info.compress_size, limits):
        raise refuse(f"compression ratio above {limits.max_ratio:g} (zip bomb?)")


def _check_layout(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], archive: str) -> None:
    """Refuse entries whose declared compressed data would run into the next entry.

    The ratio check trusts the declared compressed size, so that size must be plausible; the
    same test catches entries that share their data (overlapping-entry zip bombs).
    """
    data_end = getattr(zf, "start_dir", None)
    if data_end is None and zf.fp is not None:
        data_end = zf.fp.seek(0, os.SEEK_END)
    ordered = sorted(infos, key=lambda info: info.header_offset)
    ends = [info.header_offset for info in ordered[1:]] + [data_end or 0]
    for info, end in zip(ordered, ends, strict=True):
        if info.compress_size > end - info.header_offset:
            raise ArchiveRefused(
                f"{archive}: entry {info.filename!r} claims more compressed data than the "
                "archive holds for it (overlapping or forged headers)",
                archive=archive,
                entry=info.filename,
            )


def _ratio_too_high(size: int, packed: int, limits: ImportLimits) -> bool:
    return size > limits.ratio_floor_bytes and size > limits.max_ratio * max(packed, 1)


def _check_count(count: int, archive: str, limits: ImportLimits) -> None:
    if count > limits.max_entries:
        raise ArchiveRefused(
            f"{archive}: {count} entries, more than the limit of {limits.max_entries}",
            archive=archive,
        )


def declared_entry_count(stream: BinaryIO) -> int | None:
    """Entry count from the end-of-central-directory record, read before zipfile builds one
    object per entry (which, for millions of entries, would exhaust memory)."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    tail_start = max(0, size - (22 + 65535))
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        stream.seek(offset)
        record = stream.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            (count,) = struct.unpack_from("<Q", record, 32)
    stream.seek(0)
    return int(count)


def open_zip(path: Path, archive: str, limits: ImportLimits) -> zipfile.ZipFile:
    try:
        with open(path, "rb") as raw:
            count = declared_entry_count(raw)
        if count is not None:
            _check_count(count, archive, limits)
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, struct.error) as exc:
        raise ArchiveRefused(f"{archive}: not a valid ZIP archive: {exc}", archive=archive) from exc


def list_folder(root: Path, archive: str, limits: ImportLimits) -> list[Entry]:
    found: list[tuple[str, int]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                raise ArchiveRefused(
                    f"{archive}: {rel} is a symbolic link; links are not followed",
                    archive=archive,
                    entry=rel,
                )
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                raise ArchiveRefused(
                    f"{archive}: {rel} is not a regular file", archive=archive, entry=rel
                )
            total += info.st_size
            found.append((rel, info.st_size))
            _check_count(len(found), archive, limits)
            if info.st_size > limits.max_entry_bytes or total > limits.max_uncompressed_bytes:
                raise ArchiveRefused(
                    f"{archive}: {rel} exceeds the size limits", archive=archive, entry=rel
                )
    found.sort()
    return [
        Entry(number, rel, size, None, partial(_open_no_follow, root / rel))
        for number, (rel, size) in enumerate(found, 1)
    ]


def _open_no_follow(path: Path) -> IO[bytes]:
    # O_NOFOLLOW: a file swapped for a symlink after listing still cannot be read through.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    return os.fdopen(fd, "rb")


class GuardedReader:
    """Reads one entry, counting the bytes it really yields against the declared size and the
    limits, so an archive whose headers understate its content is stopped while reading."""

    def __init__(self, entry: Entry, archive: str, budget: Budget) -> None:
        self.entry = entry
        self.archive = archive
        self.budget = budget
        self.count = 0
        try:
            self.inner = entry.opener()
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise self._refuse(f"cannot be read: {exc}") from exc

    def __enter__(self) -> GuardedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.inner.close()

    def read(self, size: int = -1) -> bytes:
        return self._counted(self.inner.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._counted(self.inner.readline, size)

    def tell(self) -> int:
        return self.count

    def _counted(self, method: Callable[[int], bytes], size: int) -> bytes:
        try:
            data = method(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise self._refuse(f"damaged entry: {exc}") from exc
        self.count += len(data)
        self.budget.total += len(data)
        self._check()
        return data

    def _check(self) -> None:
        entry, limits = self.entry, self.budget.limits
        if self.count > entry.size:
            raise self._refuse(f"holds more than its declared {entry.size} bytes")
        if self.count > limits.max_entry_bytes:
            raise self._refuse(f"larger than {limits.max_entry_bytes} bytes")
        if entry.packed is not None and _ratio_too_high(self.count, entry.packed, limits):
            raise self._refuse(f"compression ratio above {limits.max_ratio:g} (zip bomb?)")
        if self.budget.total > limits.max_uncompressed_bytes:
            raise self._refuse(f"archive over {limits.max_uncompressed_bytes} bytes uncompressed")

    def _refuse(self, why: str) -> ArchiveRefused:
        path = self.entry.path
        message = f"{self.archive}: entry {path}: {why}"
        return ArchiveRefused(message, archive=self.archive, entry=path)
