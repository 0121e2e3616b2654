"""Media storage backends: key rules, atomic local writes, fsspec, content-addressed keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from truthline.errors import InvalidInput, NotFound
from truthline.media.storage import (
    FsspecStorage,
    LocalStorage,
    Storage,
    media_key_for,
    storage_from_url,
    validate_key,
)

DIGEST = hashlib.sha256(b"hello").hexdigest()


@pytest.fixture(params=["local", "fsspec-file", "fsspec-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    if request.param == "fsspec-file":
        return FsspecStorage(f"file://{tmp_path / 'media'}")
    return FsspecStorage(f"memory://truthline-test-{tmp_path.name}")


def test_round_trip(store: Storage, tmp_path: Path) -> None:
    src = tmp_path / "src.bin"
    src.write_bytes(b"file bytes")
    store.put_file("ab/one.bin", src)
    store.put_bytes("ab/two.bin", b"raw bytes")
    assert isinstance(store, Storage)
    assert store.exists("ab/one.bin") and store.exists("ab/two.bin")
    assert not store.exists("ab/three.bin")
    with store.open("ab/one.bin") as stream:
        assert stream.read() == b"file bytes"
    assert store.size("ab/two.bin") == len(b"raw bytes")
    store.put_bytes("ab/two.bin", b"new")  # overwrite replaces
    assert store.size("ab/two.bin") == 3
    store.delete("ab/two.bin")
    store.delete("ab/two.bin")  # deleting twice is fine
    assert not store.exists("ab/two.bin")


def test_missing_key_is_not_found(store: Storage) -> None:
    with pytest.raises(NotFound):
        store.open("zz/missing.png")
    with pytest.raises(NotFound):
        store.size("zz/missing.png")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../etc/passwd",
        "a/../../b",
        "/abs/key",
        "a//b",
        "a/./b",
        "a\\b",
        "sp ace",
        "a/",
        "é.png",
    ],
)
def test_unsafe_keys_are_refused(store: Storage, key: str) -> None:
    with pytest.raises(InvalidInput, match="invalid storage key"):
        store.put_bytes(key, b"x")


def test_key_length_is_bounded() -> None:
    assert validate_key("a" * 512) == "a" * 512
    with pytest.raises(InvalidInput):
        validate_key("a" * 513)


def test_local_storage_files_and_local_path(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "media")
    store.put_bytes("ab/x.png", b"png")
    assert (tmp_path / "media" / "ab" / "x.png").read_bytes() == b"png"
    assert store.local_path("ab/x.png") == tmp_path / "media" / "ab" / "x.png"
    assert store.local_path("ab/y.png") is None
    assert FsspecStorage("memory://x").local_path("ab/x.png") is None


def test_local_write_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "media")
    store.put_bytes("ab/x.bin", b"old")
    with pytest.raises(FileNotFoundError):
        store.put_file("ab/x.bin", tmp_path / "does-not-exist")
    assert store.open("ab/x.bin").read() == b"old"  # the failed write changed nothing
    assert sorted(p.name for p in (tmp_path / "media" / "ab").iterdir()) == ["x.bin"]


def test_media_key_for_is_content_addressed() -> None:
    assert media_key_for(DIGEST, ".PNG") == f"{DIGEST[:2]}/{DIGEST}.png"
    assert media_key_for(DIGEST.upper(), "wav") == f"{DIGEST[:2]}/{DIGEST}.wav"
    assert media_key_for(DIGEST, "") == f"{DIGEST[:2]}/{DIGEST}"
    validate_key(media_key_for(DIGEST, ".mp4"))
    with pytest.raises(ValueError):
        media_key_for("abc", ".png")
    with pytest.raises(ValueError):
        media_key_for(DIGEST, "../x")


def test_storage_from_url(tmp_path: Path) -> None:
    assert isinstance(storage_from_url(tmp_path), LocalStorage)
    assert isinstance(storage_from_url(str(tmp_path)), LocalStorage)
    local = storage_from_url(f"file://{tmp_path}")
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    assert isinstance(storage_from_url("memory://bucket/prefix"), FsspecStorage)


def test_fsspec_storage_names_a_missing_optional_backend() -> None:
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(InvalidInput, match="needs an optional package"):
            FsspecStorage("s3://bucket/prefix")
    else:
        pytest.skip("s3fs is installed")
