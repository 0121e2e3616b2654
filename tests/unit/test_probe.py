"""Media probing: image, audio and video facts, and the errors for unreadable files."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from truthline.errors import InvalidInput
from truthline.media import probe
from truthline.media.probe import media_type_for, probe_media

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.PNG", "image"),
        ("dir/b.jpeg", "image"),
        ("c.tiff", "image"),
        ("d.opus", "audio"),
        ("e.m4a", "audio"),
        ("f.mkv", "video"),
        ("g.MOV", "video"),
        ("h.md", "text"),
        ("i.txt", "text"),
        ("j.pdf", None),
        ("noext", None),
    ],
)
def test_media_type_for(name: str, kind: str | None) -> None:
    assert media_type_for(name) == kind


def test_image_facts(tmp_path: Path) -> None:
    Image.new("RGB", (64, 48), "blue").save(tmp_path / "a.jpg", format="JPEG")
    assert probe_media(tmp_path / "a.jpg", "image") == {"width": 64, "height": 48, "format": "jpeg"}


def test_image_exif_orientation_is_reported(tmp_path: Path) -> None:
    image = Image.new("RGB", (40, 20))
    exif = image.getexif()
    exif[0x0112] = 6  # rotated 90 degrees: displayed 20 x 40
    image.save(tmp_path / "r.jpg", format="JPEG", exif=exif)
    facts = probe_media(tmp_path / "r.jpg", "image")
    assert facts == {"width": 40, "height": 20, "format": "jpeg", "orientation": 6}


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims a huge size; probing must not decode (or allocate) it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 16)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat))
    return path


def test_huge_images_are_probed_up_to_the_deliberate_limit(tmp_path: Path) -> None:
    big = png_header_only(tmp_path / "big.png", 30_000, 30_000)  # 900 MP, over Pillow's default
    assert probe_media(big, "image") == {"width": 30_000, "height": 30_000, "format": "png"}
    assert Image.MAX_IMAGE_PIXELS == probe.MAX_IMAGE_PIXELS == 1_000_000_000
    bomb = png_header_only(tmp_path / "bomb.png", 60_000, 60_000)  # 3.6 GP: refused
    with pytest.raises(InvalidInput, match="cannot read image file bomb.png"):
        probe_media(bomb, "image")


def test_unreadable_files_raise_invalid_input_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "tmp123.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(InvalidInput, match="cannot read image file photos/cat.png") as caught:
        probe_media(bad, "image", display_name="photos/cat.png")
    assert "tmp123" not in caught.value.message
    assert caught.value.details == {"file": "photos/cat.png"}
    with pytest.raises(InvalidInput, match="cannot read audio file tmp123.png"):
        probe_media(bad, "audio")
    with pytest.raises(ValueError, match="unknown media type"):
        probe_media(bad, "hologram")


def test_wav_facts(tmp_path: Path) -> None:
    soundfile.write(tmp_path / "a.wav", np.zeros((8000, 2), dtype=np.float32), 16_000)
    facts = probe_media(tmp_path / "a.wav", "audio")
    assert facts == {"duration": 0.5, "sample_rate": 16_000, "channels": 2}


def test_text_facts(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    assert probe_media(tmp_path / "a.txt", "text") == {"bytes": 5}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True, timeout=120)


@needs_ffmpeg
def test_m4a_falls_back_to_pyav(tmp_path: Path) -> None:
    pytest.importorskip("av")
    out = tmp_path / "a.m4a"
    ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ac", "1", "-c:a", "aac", str(out)
    )
    facts = probe_media(out, "audio")
    assert facts["sample_rate"] == 44_100 and facts["channels"] == 1
    assert facts["duration"] == pytest.approx(1.0, abs=0.1)


@pytest.fixture(scope="module")
def mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    out = tmp_path_factory.mktemp("video") / "clip.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out),
    )  # fmt: skip
    return out


EXPECTED_VIDEO = {"frames": 20, "fps": 10.0, "duration": 2.0, "width": 160, "height": 120}


def test_video_facts_with_pyav(mp4: Path) -> None:
    pytest.importorskip("av")
    assert probe_media(mp4, "video") == EXPECTED_VIDEO


def test_video_facts_with_ffprobe_when_pyav_is_missing(
    mp4: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe not installed")
    monkeypatch.setitem(sys.modules, "av", None)  # makes "import av" fail
    assert probe_media(mp4, "video") == EXPECTED_VIDEO


def test_video_without_any_prober_gives_no_facts(
    mp4: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)
    monkeypatch.setattr(probe.shutil, "which", lambda name: None)
    assert probe_media(mp4, "video") == {}


def test_broken_video_is_invalid_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\0\0\0\x18ftypmp42 garbage")
    with pytest.raises(InvalidInput, match="cannot read video file bad.mp4"):
        probe_media(bad, "video")
