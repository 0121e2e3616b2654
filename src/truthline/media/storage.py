"""Media storage: one small interface with a local-folder default and an fsspec backend."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

from truthline.errors import InvalidInput, NotFound

_KEY_RE = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")
_HEX_RE = re.compile(r"[0-9a-f]{64}")
_SUFFIX_RE = re.compile(r"[a-z0-9]{1,12}")
MAX_KEY_LENGTH = 512


@runtime_checkable
class Storage(Protocol):
    """Where media bytes live, addressed by opaque keys such as ``ab/ab12....png``.

    ``open`` and ``size`` raise ``NotFound`` for a missing key; ``delete`` of a missing key is a
    no-op so that cleanup can be retried.
    """

    def put_file(self, key: str, src_path: Path) -> None: ...

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def local_path(self, key: str) -> Path | None: ...

    def delete(self, key: str) -> None: ...


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative key, else raise ``InvalidInput``.

    Keys end up as file paths and object names, so anything that could climb out of the root
    (``..``, absolute paths, backslashes) or be read differently by another backend is refused.
    """
    if (
        not isinstance(key, str)
        or len(key) > MAX_KEY_LENGTH
        or not _KEY_RE.fullmatch(key)
        or any(part in (".", "..") for part in key.split("/"))
    ):
        raise InvalidInput(f"invalid storage key: {key!r}", key=str(key)[:80])
    return key


def media_key_for(sha256_hex: str, suffix: str) -> str:
    """Content-addressed key: identical files get the same key, so they are stored once."""
    digest = sha256_hex.lower()
    ext = suffix.lower().lstrip(".")
    if not _HEX_RE.fullmatch(digest):
        raise ValueError(f"not a sha256 hex digest: {sha256_hex!r}")
    if ext and not _SUFFIX_RE.fullmatch(ext):
        raise ValueError(f"unsupported file suffix: {suffix!r}")
    return f"{digest[:2]}/{digest}.{ext}" if ext else f"{digest[:2]}/{digest}"


class LocalStorage:
    """Files under a root folder; writes are atomic (temp file in the same folder + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _write_atomically(self, key: str, write: Any) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The temp file sits beside the target so os.replace never crosses file systems, and
        # readers see either the old object or the complete new one, never a partial write.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, src_path: Path) -> None:
        def copy(out: BinaryIO) -> None:
            with open(src_path, "rb") as src:
                shutil.copyfileobj(src, out, 1024 * 1024)

        self._write_atomically(key, copy)

    def put_bytes(self, key: str, data: bytes) -> None:
        self._write_atomically(key, lambda out: out.write(data))

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise NotFound(f"no media object {key}", key=key) from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as exc:
            raise NotFound(f"no media object {key}", key=key) from exc

    def local_path(self, key: str) -> Path | None:
        """The file's path when it exists, so it can be served or probed without a copy."""
        path = self._path(key)
        return path if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class FsspecStorage:
    """Any fsspec file system (``s3://bucket/prefix``, ``memory://``...) as a ``Storage``.

    Backends such as s3fs are optional: fsspec imports them only when their protocol is used.
    """

    def __init__(self, url: str, **options: Any) -> None:
        import fsspec.core  # deferred: keeps importing this module cheap

        try:
            self._fs, root = fsspec.core.url_to_fs(url, **options)
        except ImportError as exc:
            raise InvalidInput(
                f"storage {url!r} needs an optional package: {exc}", url=url
            ) from exc
        self.url = url
        self._root = root.rstrip("/")
        self._local = "file" in _protocols(self._fs)

    def __repr__(self) -> str:
        return f"FsspecStorage({self.url!r})"

    def _path(self, key: str) -> str:
        validate_key(key)
        return f"{self._root}/{key}" if self._root else key

    def _prepare(self, path: str) -> None:
        if self._local:
            # Object stores have no folders; a local file system needs them to exist.
            self._fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)

    def put_file(self, key: str, src_path: Path) -> None:
        path = self._path(key)
        self._prepare(path)
        self._fs.put_file(str(src_path), path)

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        self._prepare(path)
        self._fs.pipe_file(path, data)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._fs.open(self._path(key), "rb")
        except FileNotFoundError as exc:
            raise NotFound(f"no media object {key}", key=key) from exc

    def exists(self, key: str) -> bool:
        return bool(self._fs.isfile(self._path(key)))

    def size(self, key: str) -> int:
        try:
            return int(self._fs.size(self._path(key)))
        except FileNotFoundError as exc:
            raise NotFound(f"no media object {key}", key=key) from exc

    def local_path(self, key: str) -> Path | None:
        if not self._local:
            return None
        path = Path(self._path(key))
        return path if path.is_file() else None

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._fs.rm_file(self._path(key))


def _protocols(fs: Any) -> tuple[str, ...]:
    proto = fs.protocol
    return (proto,) if isinstance(proto, str) else tuple(proto)


def storage_from_url(url_or_path: str | Path) -> Storage:
    """A plain path or ``file://`` URL gives ``LocalStorage``; any other URL goes to fsspec."""
    if isinstance(url_or_path, Path):
        return LocalStorage(url_or_path)
    text = str(url_or_path)
    if text.startswith("file://"):
        return LocalStorage(Path(text[len("file://") :]))
    if "://" not in text:
        return LocalStorage(Path(text))
    return FsspecStorage(text)
