"""Media probing: the facts about an image, audio or video file that items and tools need."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

from truthline.errors import InvalidInput

# Annotation data sets hold satellite scenes and scanned documents well above Pillow's default
# bomb threshold (about 179 MP). Probing reads only the header, so we allow up to 1 GP here;
# decoding anything that large is the job of the tiling code, which opens images its own way.
MAX_IMAGE_PIXELS = 1_000_000_000

MEDIA_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys(("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"), "image"),
    **dict.fromkeys(("wav", "mp3", "flac", "ogg", "m4a", "opus"), "audio"),
    **dict.fromkeys(("mp4", "webm", "mov", "mkv"), "video"),
    **dict.fromkeys(("txt", "md"), "text"),
}
FFPROBE_TIMEOUT_S = 60
_HEADER_EXIF_FORMATS = frozenset({"JPEG", "MPO", "TIFF", "WEBP"})


def media_type_for(filename: str) -> str | None:
    """``image`` / ``audio`` / ``video`` / ``text`` from the file extension, or None."""
    name = filename.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    return MEDIA_EXTENSIONS.get(name.rsplit(".", 1)[1].lower())


def probe_media(path: Path, media_type: str, *, display_name: str | None = None) -> dict[str, Any]:
    """Facts about one media file; raises ``InvalidInput`` naming the file when unreadable.

    ``display_name`` is the name used in errors when ``path`` is a temporary copy.

    image: ``{width, height, format}`` (+ ``orientation`` when EXIF rotates it);
    audio: ``{duration, sample_rate, channels}``; video: ``{frames, fps, duration, width,
    height}`` or ``{}`` when neither PyAV nor ffprobe is available; text: ``{bytes}``.
    """
    path = Path(path)
    name = display_name or path.name
    probers = {"image": _probe_image, "audio": _probe_audio, "video": _probe_video}
    if media_type == "text":
        return {"bytes": path.stat().st_size}
    if media_type not in probers:
        raise ValueError(f"unknown media type {media_type!r}")
    try:
        return probers[media_type](path)
    except Exception as exc:  # every decoder has its own error types; the caller needs one
        detail = exc.message if isinstance(exc, InvalidInput) else str(exc)
        detail = detail.replace(str(path), name).replace(path.name, name)
        raise InvalidInput(f"cannot read {media_type} file {name}: {detail}", file=name) from exc


def _probe_image(path: Path) -> dict[str, Any]:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    # Image.open parses the header only; pixels are decoded lazily and never here.
    with Image.open(path) as im:
        facts: dict[str, Any] = {
            "width": im.width,
            "height": im.height,
            "format": (im.format or "").lower(),
        }
        # Only where EXIF sits in the header: PNG's getexif() would decode the whole image.
        if im.format in _HEADER_EXIF_FORMATS:
            orientation = im.getexif().get(0x0112)  # EXIF Orientation
            if orientation and orientation != 1:
                facts["orientation"] = int(orientation)
    return facts


def _probe_audio(path: Path) -> dict[str, Any]:
    import soundfile

    try:
        info = soundfile.info(str(path))
    except Exception:
        facts = _probe_audio_av(path)
        if facts is None:
            raise
        return facts
    if info.samplerate <= 0:
        raise InvalidInput("no sample rate")
    return {
        "duration": round(info.frames / info.samplerate, 6),
        "sample_rate": int(info.samplerate),
        "channels": int(info.channels),
    }


def _probe_audio_av(path: Path) -> dict[str, Any] | None:
    """PyAV reads what libsndfile cannot (AAC in .m4a, some Opus); None when not installed."""
    try:
        import av
    except ImportError:
        return None
    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise InvalidInput("no audio stream")
        stream = container.streams.audio[0]
        return {
            "duration": _av_duration(container, stream),
            "sample_rate": int(stream.codec_context.sample_rate or stream.rate or 0),
            "channels": int(stream.codec_context.channels or 0),
        }


def _av_duration(container: Any, stream: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return round(float(stream.duration * stream.time_base), 6)
    if container.duration is not None:
        return round(container.duration / 1_000_000, 6)  # av.time_base is microseconds
    return 0.0


def _probe_video(path: Path) -> dict[str, Any]:
    try:
        import av
    except ImportError:
        return _probe_video_ffprobe(path)
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise InvalidInput("no video stream")
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        duration = _av_duration(container, stream)
        return {
            "frames": int(stream.frames) or _estimate_frames(duration, fps),
            "fps": round(fps, 6),
            "duration": duration,
            "width": int(stream.codec_context.width),
            "height": int(stream.codec_context.height),
        }


def _estimate_frames(duration: float, fps: float) -> int:
    # WebM/MKV headers usually carry no frame count; duration x rate is what players show.
    return round(duration * fps)


def _probe_video_ffprobe(path: Path) -> dict[str, Any]:
    exe = shutil.which("ffprobe")
    if exe is None:
        return {}
    cmd = [
        exe, "-v", "error", "-select_streams", "v:0", "-of", "json",
        "-show_entries", "stream=width,height,avg_frame_rate,nb_frames,duration:format=duration",
        f"file:{path}",  # the file: prefix keeps odd names from reading as options or URLs
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, timeout=FFPROBE_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise InvalidInput(done.stderr.decode(errors="replace").strip()[:200] or "ffprobe failed")
    info = json.loads(done.stdout or b"{}")
    streams = info.get("streams") or []
    if not streams:
        raise InvalidInput("no video stream")
    stream = streams[0]
    fps = _parse_rate(str(stream.get("avg_frame_rate") or ""))
    duration = float(stream.get("duration") or info.get("format", {}).get("duration") or 0.0)
    frames = int(stream.get("nb_frames") or 0) or _estimate_frames(duration, fps)
    return {
        "frames": frames,
        "fps": round(fps, 6),
        "duration": round(duration, 6),
        "width": int(stream.get("width") or 0),
        "height": int(stream.get("height") or 0),
    }


def _parse_rate(text: str) -> float:
    """ffprobe rates look like ``30000/1001``; ``0/0`` means unknown."""
    try:
        rate = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(rate)
