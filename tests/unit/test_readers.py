"""Import readers: JSONL, JSON arrays, CSV, ZIP archives and folders, and their refusals."""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from truthline.errors import InvalidInput
from truthline.formats.archive import ArchiveRefused, Budget, Entry, GuardedReader
from truthline.formats.readers import (
    ImportLimits,
    Record,
    RecordError,
    detect_format,
    iter_records,
    split_json_array,
)
from truthline.media.storage import LocalStorage

IMAGE_FIELDS = {"image": "image", "caption": "text"}


def read(path: Path, **kwargs: object) -> list[Record | RecordError]:
    return list(iter_records(path, **kwargs))  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def png_bytes(size: tuple[int, int] = (8, 6), colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(path: Path, files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def err(item: Record | RecordError) -> RecordError:
    assert isinstance(item, RecordError), item
    return item


def rec(item: Record | RecordError) -> Record:
    assert isinstance(item, Record), item
    return item


def kinds(items: list[Record | RecordError]) -> list[str]:
    return ["ok" if isinstance(item, Record) else "error" for item in items]


# -- JSON Lines -------------------------------------------------------------------------------


def test_jsonl_reads_objects_with_line_numbers_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "items.jsonl", b'{"id": "a"}\n\n  \n{"id": "b", "n": 2}\r\n{"id": "c"}')
    assert read(path) == [
        Record(1, "items.jsonl", {"id": "a"}),
        Record(4, "items.jsonl", {"id": "b", "n": 2}),
        Record(5, "items.jsonl", {"id": "c"}),
    ]


def test_jsonl_malformed_line_in_the_middle_keeps_rows_before_and_after(tmp_path: Path) -> None:
    path = write(tmp_path, "x.jsonl", b'{"id": 1}\n{"id": 2,, }\n{"id": 3}\n')
    items = read(path, filename="upload.jsonl")
    assert kinds(items) == ["ok", "error", "ok"]
    error = items[1]
    assert isinstance(error, RecordError)
    assert (error.line, error.source, error.field) == (2, "upload.jsonl", None)
    assert "invalid JSON at column 10" in error.reason
    assert error.value == "'{\"id\": 2,, }'"


def test_jsonl_line_that_is_not_an_object_is_an_error(tmp_path: Path) -> None:
    items = read(write(tmp_path, "x.jsonl", b'[1, 2]\n"text"\nnull\n{"ok": true}\n'))
    assert kinds(items) == ["error", "error", "error", "ok"]
    assert [err(item).reason for item in items[:3]] == [
        "expected a JSON object, got array",
        "expected a JSON object, got string",
        "expected a JSON object, got null",
    ]


def test_jsonl_bad_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    data = b'{"id": 1}\n{"id": "caf\xe9"}\n{"id": 3}\n'
    items = read(write(tmp_path, "x.jsonl", data))
    assert kinds(items) == ["ok", "error", "ok"]
    offset = data.index(b"\xe9")
    assert err(items[1]).reason == f"not valid UTF-8: bad byte at file offset {offset}"


def test_jsonl_bom_is_accepted(tmp_path: Path) -> None:
    items = read(write(tmp_path, "x.jsonl", b'\xef\xbb\xbf{"id": 1}\n'))
    assert items == [Record(1, "x.jsonl", {"id": 1})]


def test_jsonl_overlong_line_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    long_line = b'{"text": "' + b"x" * 500 + b'"}\n'
    path = write(tmp_path, "x.jsonl", b'{"id": 1}\n' + long_line + b'{"id": 3}\n')
    items = read(path, limits=ImportLimits(max_record_bytes=64))
    assert kinds(items) == ["ok", "error", "ok"]
    assert err(items[1]).reason == "record is longer than 64 bytes"
    assert items[2] == Record(3, "x.jsonl", {"id": 3})


def test_jsonl_nan_and_infinite_numbers_are_errors_not_crashes(tmp_path: Path) -> None:
    items = read(write(tmp_path, "x.jsonl", b'{"a": NaN}\n{"a": 1e999}\n{"a": 1}\n'))
    assert kinds(items) == ["error", "error", "ok"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.binary(max_size=40) | json_values.map(orjson.dumps), max_size=12))
def test_jsonl_random_content_only_yields_records_and_errors(
    tmp_path: Path, lines: list[bytes]
) -> None:
    path = write(tmp_path, "random.jsonl", b"\n".join(lines))
    items = read(path, limits=ImportLimits(max_record_bytes=32))
    assert all(isinstance(item, Record | RecordError) for item in items)
    assert all(item.line >= 1 for item in items)
    for item in items:
        if isinstance(item, RecordError) and item.value is not None:
            assert len(item.value) <= 80


# -- JSON arrays ------------------------------------------------------------------------------


def test_json_array_of_objects(tmp_path: Path) -> None:
    data = b'[\n  {"id": "a", "tags": ["x", "]", "{"]},\n  {"id": "b", "s": "\\"quoted\\""}\n]\n'
    assert read(write(tmp_path, "items.json", data)) == [
        Record(1, "items.json", {"id": "a", "tags": ["x", "]", "{"]}),
        Record(2, "items.json", {"id": "b", "s": '"quoted"'}),
    ]


def test_json_array_bad_element_keeps_its_neighbours(tmp_path: Path) -> None:
    data = b'[{"id": 1}, {"id": tru}, 7, {"id": 4}]'
    items = read(write(tmp_path, "items.json", data))
    assert kinds(items) == ["ok", "error", "error", "ok"]
    assert [item.line for item in items] == [1, 2, 3, 4]
    assert err(items[2]).reason == "expected a JSON object, got number"


def test_json_array_truncated_or_trailing_data_reports_after_the_records(tmp_path: Path) -> None:
    truncated = read(write(tmp_path, "a.json", b'[{"id": 1}, {"id": 2}, {"id"'))
    assert kinds(truncated) == ["ok", "ok", "error"]
    assert "unexpected end of file" in err(truncated[2]).reason
    trailing = read(write(tmp_path, "b.json", b'[{"id": 1}] {"id": 2}'))
    assert kinds(trailing) == ["ok", "error"]
    assert "unexpected data after the array" in err(trailing[1]).reason


def test_json_array_element_over_the_limit_is_skipped_not_buffered(tmp_path: Path) -> None:
    data = b'[{"id": 1}, {"text": "' + b"y" * 1000 + b'"}, {"id": 3}]'
    items = read(write(tmp_path, "a.json", data), limits=ImportLimits(max_record_bytes=50))
    assert kinds(items) == ["ok", "error", "ok"]
    assert err(items[1]).reason == "element is longer than 50 bytes"


def test_json_file_holding_json_lines_is_read_as_lines(tmp_path: Path) -> None:
    items = read(write(tmp_path, "items.json", b'{"id": 1}\n{"id": 2}\n'))
    assert items == [Record(1, "items.json", {"id": 1}), Record(2, "items.json", {"id": 2})]


def test_json_single_pretty_object_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="single JSON object"):
        read(write(tmp_path, "items.json", b'{\n  "items": []\n}\n'))


def test_json_empty_array_bom_and_blank_file(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a.json", b"\xef\xbb\xbf [ ] ")) == []
    assert read(write(tmp_path, "b.json", b"  \n")) == []


def chunked(data: bytes, sizes: list[int]) -> list[bytes]:
    chunks, pos, index = [], 0, 0
    while pos < len(data):
        size = sizes[index % len(sizes)]
        chunks.append(data[pos : pos + size])
        pos, index = pos + size, index + 1
    return chunks


@settings(max_examples=300)
@given(
    values=st.lists(json_values, max_size=8),
    sizes=st.lists(st.integers(1, 17), min_size=1, max_size=5),
    indent=st.booleans(),
)
def test_json_array_splitter_equals_orjson(
    values: list[object], sizes: list[int], indent: bool
) -> None:
    option = orjson.OPT_INDENT_2 if indent else 0
    whole = orjson.dumps(values, option=option)
    elements = [element for _, element in split_json_array(chunked(whole, sizes), 1 << 20)]
    assert [orjson.loads(element) for element in elements if element is not None] == orjson.loads(
        whole
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=200))
def test_json_random_content_only_yields_records_and_errors(tmp_path: Path, body: bytes) -> None:
    path = write(tmp_path, "random.json", b"[" + body)
    items = read(path, limits=ImportLimits(max_record_bytes=40))
    assert all(isinstance(item, Record | RecordError) for item in items)


# -- CSV --------------------------------------------------------------------------------------


def test_csv_rows_are_string_records_with_file_line_numbers(tmp_path: Path) -> None:
    data = (
        b"\xef\xbb\xbfid,text,meta.lang\r\n"
        b'1,"hello, ""world""",en\r\n2,"two\nlines",fr\r\n\r\n3,x,de\r\n'
    )
    assert read(write(tmp_path, "items.csv", data)) == [
        Record(2, "items.csv", {"id": "1", "text": 'hello, "world"', "meta.lang": "en"}),
        Record(3, "items.csv", {"id": "2", "text": "two\nlines", "meta.lang": "fr"}),
        Record(6, "items.csv", {"id": "3", "text": "x", "meta.lang": "de"}),
    ]


def test_csv_wrong_column_count_is_an_error_with_its_line(tmp_path: Path) -> None:
    items = read(write(tmp_path, "items.csv", b"id,text\n1,a\n2,b,extra\n3\n4,d\n"))
    assert kinds(items) == ["ok", "error", "error", "ok"]
    assert (err(items[1]).line, err(items[1]).reason) == (3, "expected 2 columns, got 3")
    assert items[2].line == 4


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"id,text,id\n", "duplicate column names in the header: id"),
        (b"id,,text\n", "empty column"),
    ],
)
def test_csv_bad_header_is_refused(tmp_path: Path, header: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read(write(tmp_path, "items.csv", header + b"1,2,3\n"))


def test_csv_number_fields_are_converted_and_bad_values_reported(tmp_path: Path) -> None:
    data = b"id,score,note\n1,4.5,x\n2,abc,y\n3,,z\n4,-7,w\n5,1_000,v\n"
    items = read(write(tmp_path, "s.csv", data), field_types={"score": "number", "note": "text"})
    assert kinds(items) == ["ok", "error", "ok", "ok", "error"]
    assert rec(items[0]).data["score"] == 4.5
    error = items[1]
    assert isinstance(error, RecordError)
    assert (error.line, error.field, error.reason, error.value) == (
        3,
        "score",
        "not a number",
        "'abc'",
    )
    assert rec(items[2]).data["score"] is None
    assert rec(items[3]).data["score"] == -7


def test_csv_json_fields_are_parsed(tmp_path: Path) -> None:
    data = b'id,conversation\n1,"[{""role"": ""user"", ""content"": ""hi""}]"\n2,not json\n'
    items = read(write(tmp_path, "c.csv", data), field_types={"conversation": "conversation"})
    assert rec(items[0]).data["conversation"] == [{"role": "user", "content": "hi"}]
    assert isinstance(items[1], RecordError) and items[1].field == "conversation"


def test_csv_bad_utf8_costs_one_row(tmp_path: Path) -> None:
    data = b"id,text\n1,ok\n2,caf\xe9\n3,fine\n"
    items = read(write(tmp_path, "items.csv", data))
    assert kinds(items) == ["ok", "error", "ok"]
    offset = data.index(b"\xe9")
    assert err(items[1]).reason == f"not valid UTF-8: bad byte at file offset {offset}"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_csv_random_rows_only_yield_records_and_errors(tmp_path: Path, body: bytes) -> None:
    path = write(tmp_path, "random.csv", b"id,score,text\n" + body)
    items = read(path, field_types={"score": "number"}, limits=ImportLimits(max_record_bytes=60))
    assert all(isinstance(item, Record | RecordError) for item in items)
    assert all(len(rec(item).data) == 3 for item in items if isinstance(item, Record))


# -- format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("a.jsonl", b"{}", "jsonl"),
        ("a.NDJSON", b"", "jsonl"),
        ("a.json", b"  [", "json"),
        ("a.json", b'{"id": 1}\n', "jsonl"),
        ("a.csv", b"id\n", "csv"),
        ("a.zip", b"PK\x03\x04", "zip"),
        ("upload", b"PK\x03\x04rest", "zip"),
        ("upload", b"\xef\xbb\xbf [{}]", "json"),
        ("upload.txt", b'{"a": 1}', "jsonl"),
    ],
)
def test_detect_format(name: str, head: bytes, fmt: str) -> None:
    assert detect_format(name, head) == fmt


def test_detect_format_refuses_unknown_content() -> None:
    with pytest.raises(InvalidInput, match="cannot tell the format of photo.png"):
        detect_format("photo.png", b"\x89PNG")


# -- ZIP archives and folders -----------------------------------------------------------------


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "store")


def media_ref(item: Record | RecordError, field: str) -> str:
    value = rec(item).data[field]
    assert isinstance(value, str) and value.startswith("media:")
    return value.removeprefix("media:")


def test_zip_manifest_references_become_media_keys(tmp_path: Path, storage: LocalStorage) -> None:
    manifest = b"".join(
        orjson.dumps(row) + b"\n"
        for row in [
            {"id": "a", "image": "img/a.png", "caption": "first"},
            {"id": "b", "image": "./img/b.png", "caption": "notes/b.txt"},
            {"id": "c", "image": "https://example.org/c.png"},
        ]
    )
    files = {
        "manifest.jsonl": manifest,
        "img/a.png": png_bytes((8, 6)),
        "img/b.png": png_bytes((8, 6)),  # same bytes as a.png: stored once
        "notes/b.txt": "Zweite Zeile \u2713".encode(),
    }
    items = read(make_zip(tmp_path / "up.zip", files), field_types=IMAGE_FIELDS, storage=storage)
    assert kinds(items) == ["ok", "ok", "ok"]
    first, second, third = (rec(item) for item in items)
    assert (first.line, first.source) == (1, "manifest.jsonl")
    key = media_ref(first, "image")
    assert key == media_ref(second, "image") and key.endswith(".png")
    assert storage.exists(key)
    assert first.data["_media"] == {"image": {"width": 8, "height": 6, "format": "png"}}
    assert first.data["caption"] == "first"
    assert second.data["caption"] == "Zweite Zeile \u2713"
    assert third.data == {"id": "c", "image": "https://example.org/c.png"}


def test_zip_of_a_folder_finds_the_manifest_in_that_folder(
    tmp_path: Path, storage: LocalStorage
) -> None:
    files = {
        "photos/manifest.csv": b"id,image\n1,img/a.png\n",
        "photos/img/a.png": png_bytes(),
        "__MACOSX/photos/._img": b"junk",
    }
    items = read(make_zip(tmp_path / "up.zip", files), field_types=IMAGE_FIELDS, storage=storage)
    assert [rec(item).source for item in items] == ["photos/manifest.csv"]
    assert storage.exists(media_ref(items[0], "image"))


def test_zip_with_two_manifests_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    files = {"manifest.jsonl": b"{}", "manifest.csv": b"id\n1\n"}
    with pytest.raises(ArchiveRefused, match="more than one manifest"):
        read(make_zip(tmp_path / "up.zip", files), storage=storage)


def test_zip_manifest_reference_to_missing_file_is_a_record_error(
    tmp_path: Path, storage: LocalStorage
) -> None:
    manifest = b'{"id": "a", "image": "a.png"}\n{"id": "b", "image": "nope.png"}\n'
    manifest += b'{"id": "c", "image": "notes.txt"}\n{"id": "d", "image": "../a.png"}\n'
    files = {"manifest.jsonl": manifest, "a.png": png_bytes(), "notes.txt": b"hi"}
    items = read(make_zip(tmp_path / "up.zip", files), field_types=IMAGE_FIELDS, storage=storage)
    assert kinds(items) == ["ok", "error", "error", "error"]
    missing = err(items[1])
    assert (missing.line, missing.field, missing.value) == (2, "image", "'nope.png'")
    assert missing.reason == "file not found in the archive: nope.png"
    assert err(items[2]).reason == "notes.txt is not an image file"


def test_zip_csv_manifest_and_unreadable_media(tmp_path: Path, storage: LocalStorage) -> None:
    files = {
        "manifest.csv": b"id,image,score\n1,good.png,3\n2,broken.png,4\n3,good.png,x\n",
        "good.png": png_bytes(),
        "broken.png": b"\x89PNG but not really",
    }
    field_types = {"image": "image", "score": "number"}
    items = read(make_zip(tmp_path / "up.zip", files), field_types=field_types, storage=storage)
    assert kinds(items) == ["ok", "error", "error"]
    assert rec(items[0]).data["score"] == 3
    assert "cannot read image file broken.png" in err(items[1]).reason
    assert err(items[2]).field == "score"


def test_zip_without_manifest_makes_one_record_per_file(
    tmp_path: Path, storage: LocalStorage
) -> None:
    files = {
        "photos/cat.png": png_bytes((4, 3)),
        "__MACOSX/photos/._cat.png": b"junk",
        "photos/.DS_Store": b"junk",
        "texts/hello.txt": b"\xef\xbb\xbfHello there",
        "clip.wav": b"RIFF",
        "readme.pdf": b"%PDF",
        "items.jsonl": b"{}",
    }
    items = read(make_zip(tmp_path / "up.zip", files), field_types=IMAGE_FIELDS, storage=storage)
    assert kinds(items) == ["ok", "ok", "error", "error", "error"]
    cat, hello = rec(items[0]), rec(items[1])
    assert (cat.line, cat.source, cat.data["id"]) == (1, "photos/cat.png", "photos/cat.png")
    assert cat.data["_media"] == {"image": {"width": 4, "height": 3, "format": "png"}}
    assert hello.data == {"id": "texts/hello.txt", "caption": "Hello there"}
    assert err(items[2]).reason == "no audio field in the schema for clip.wav"
    assert err(items[3]).reason == "unsupported file type: readme.pdf"
    assert "root manifest" in err(items[4]).reason


def test_zip_media_without_storage_is_a_programming_error(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "up.zip", {"a.png": png_bytes()})
    with pytest.raises(ValueError, match="needs a storage"):
        read(path, field_types=IMAGE_FIELDS)


def zip_with_info(path: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok.png", png_bytes())
        archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.png", "points outside the archive"),
        ("photos/../../evil.png", "points outside the archive"),
        ("..\\evil.png", "points outside the archive"),
        ("/etc/evil.png", "absolute path"),
        ("C:/evil.png", "absolute path"),
    ],
)
def test_zip_slip_and_absolute_paths_are_refused(
    tmp_path: Path, storage: LocalStorage, name: str, message: str
) -> None:
    path = zip_with_info(tmp_path / "up.zip", zipfile.ZipInfo(name), png_bytes())
    with pytest.raises(ArchiveRefused, match=message) as caught:
        read(path, field_types=IMAGE_FIELDS, storage=storage)
    assert caught.value.details["entry"] == name
    assert not (tmp_path / "evil.png").exists()


def test_zip_with_a_duplicate_entry_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    path = zip_with_info(tmp_path / "up.zip", zipfile.ZipInfo("./ok.png"), png_bytes())
    with pytest.raises(ArchiveRefused, match="entry ok.png appears twice"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)


def test_zip_symlink_entry_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    info = zipfile.ZipInfo("link.png")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = zip_with_info(tmp_path / "up.zip", info, b"/etc/passwd")
    with pytest.raises(InvalidInput, match="entry link.png: symbolic links are not allowed"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)


def patch_central(path: Path, name: bytes, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field of ``name``'s central directory header (offsets per the ZIP spec)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into(fmt, data, at + offset, value)
    path.write_bytes(bytes(data))


def test_zip_encrypted_entry_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    path = make_zip(tmp_path / "up.zip", {"a.png": png_bytes(), "secret.png": png_bytes()})
    patch_central(path, b"secret.png", 8, "<H", 0x1)  # general purpose flag: encrypted
    with pytest.raises(InvalidInput, match="entry secret.png: encrypted entries"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)


def test_zip_with_too_many_entries_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    path = make_zip(tmp_path / "up.zip", {f"{i}.txt": b"x" for i in range(5)})
    with pytest.raises(InvalidInput, match="5 entries, more than the limit of 3"):
        read(path, storage=storage, limits=ImportLimits(max_entries=3))


def test_zip_over_the_total_size_limit_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    path = make_zip(tmp_path / "up.zip", {"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    with pytest.raises(InvalidInput, match="more than 1000 bytes uncompressed"):
        read(path, storage=storage, limits=ImportLimits(max_uncompressed_bytes=1000))


def test_zip_bomb_by_declared_ratio_is_refused_before_extraction(
    tmp_path: Path, storage: LocalStorage
) -> None:
    path = make_zip(tmp_path / "up.zip", {"bomb.png": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(InvalidInput, match="entry bomb.png: compression ratio above 200"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)
    assert not any((tmp_path / "store").rglob("*.png"))


def test_zip_bomb_with_lying_declared_sizes_is_stopped_while_reading(
    tmp_path: Path, storage: LocalStorage
) -> None:
    path = make_zip(tmp_path / "up.zip", {"bomb.png": b"\0" * (5 * 1024 * 1024)})
    # Claim 500 kB uncompressed: under the ratio floor, so the declared sizes look harmless.
    patch_central(path, b"bomb.png", 24, "<I", 500_000)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 22, 500_000)  # the local header says the same
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveRefused, match="entry bomb.png: damaged entry"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)


def test_zip_with_forged_compressed_size_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    path = make_zip(tmp_path / "up.zip", {"a.png": png_bytes(), "bomb.png": b"\0" * 300_000})
    # A huge declared compressed size would make any ratio look innocent.
    patch_central(path, b"bomb.png", 20, "<I", 50_000_000)
    with pytest.raises(ArchiveRefused, match="claims more compressed data"):
        read(path, field_types=IMAGE_FIELDS, storage=storage)


def guarded(data: bytes, size: int, packed: int | None, limits: ImportLimits) -> GuardedReader:
    entry = Entry(1, "x.bin", size, packed, lambda: io.BytesIO(data))
    return GuardedReader(entry, "up.zip", Budget(limits))


def test_guarded_reader_counts_real_bytes_against_declared_size_and_ratio() -> None:
    with pytest.raises(ArchiveRefused, match="holds more than its declared 10 bytes"):
        guarded(b"x" * 100, 10, 5, ImportLimits()).read(1000)
    tight = ImportLimits(max_ratio=10, ratio_floor_bytes=0)
    reader = guarded(b"x" * 1000, 1000, 10, tight)
    assert len(reader.read(100)) == 100
    with pytest.raises(ArchiveRefused, match="compression ratio above 10"):
        reader.read(100)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a valid ZIP archive"):
        read(write(tmp_path, "up.zip", b"PK\x03\x04 this is not really a zip"))


def test_folder_is_read_like_an_archive(tmp_path: Path, storage: LocalStorage) -> None:
    folder = tmp_path / "upload"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "a.png").write_bytes(png_bytes((5, 5)))
    (folder / "manifest.jsonl").write_bytes(b'{"id": "1", "image": "img/a.png"}\n')
    (folder / ".DS_Store").write_bytes(b"junk")
    items = read(folder, field_types=IMAGE_FIELDS, storage=storage)
    assert rec(items[0]).data["_media"]["image"]["width"] == 5
    assert len(items) == 1


def test_folder_symlink_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes())
    os.symlink(tmp_path / "secret.png", folder / "a.png")
    with pytest.raises(InvalidInput, match="a.png is a symbolic link"):
        read(folder, field_types=IMAGE_FIELDS, storage=storage)


def test_folder_with_too_many_files_is_refused(tmp_path: Path, storage: LocalStorage) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    for index in range(4):
        (folder / f"{index}.txt").write_text("x")
    with pytest.raises(InvalidInput, match="more than the limit of 2"):
        read(folder, storage=storage, limits=ImportLimits(max_entries=2))
