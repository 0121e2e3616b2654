"""Synthetic demo media: road scenes (Pillow), spoken or tone WAVs, moving-square videos."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageDraw

IMAGE_SIZE = (640, 480)
VIDEO_SIZE = (320, 240)
VIDEO_FPS = 25
VIDEO_SECONDS = 5
SAMPLE_RATE = 16_000
TOOL_TIMEOUT_S = 120

_SKIES = {"clear": (135, 190, 235), "fog": (200, 203, 208), "dusk": (236, 160, 120)}
_CAR_COLOURS = [(200, 30, 40), (30, 70, 200), (240, 200, 30), (30, 150, 70), (240, 240, 240)]


def draw_road_scene(path: Path, rng: random.Random, weather: str) -> None:
    """A road seen from a dashboard: cars are boxes with wheels, people are head + body."""
    from PIL import Image, ImageDraw

    width, height = IMAGE_SIZE
    horizon = 200
    image = Image.new("RGB", IMAGE_SIZE, _SKIES[weather])
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, horizon, width, height], fill=(90, 140, 70))  # grass verges
    draw.polygon([(280, horizon), (360, horizon), (620, height), (20, height)], fill=(80, 80, 85))
    for step in range(6):  # dashed centre line, longer dashes nearer the camera
        top = horizon + 12 + step * 48
        draw.rectangle([318 - step, top, 322 + step, top + 18 + step * 4], fill=(245, 245, 240))
    for _ in range(rng.randint(1, 3)):
        _draw_car(draw, rng, horizon, height)
    for _ in range(rng.randint(0, 3)):
        _draw_person(draw, rng, horizon, width, height)
    image.save(path, format="PNG", optimize=False)


def _draw_car(draw: ImageDraw.ImageDraw, rng: random.Random, horizon: int, height: int) -> None:
    y = rng.randint(horizon + 30, height - 60)
    scale = 0.4 + 1.2 * (y - horizon) / (height - horizon)  # nearer cars look bigger
    w, h = int(110 * scale), int(55 * scale)
    x = rng.randint(300 - int(250 * scale), 340 + int(150 * scale) - w)
    colour = rng.choice(_CAR_COLOURS)
    draw.rectangle([x, y - h, x + w, y], fill=colour, outline=(20, 20, 20))
    draw.rectangle(
        [x + w // 5, y - h - h // 2, x + 4 * w // 5, y - h], fill=colour, outline=(20, 20, 20)
    )
    wheel = max(6, h // 3)
    for wx in (x + w // 6, x + 5 * w // 6):
        draw.ellipse([wx - wheel, y - wheel, wx + wheel, y + wheel], fill=(15, 15, 15))


def _draw_person(
    draw: ImageDraw.ImageDraw, rng: random.Random, horizon: int, width: int, height: int
) -> None:
    y = rng.randint(horizon + 20, height - 10)
    scale = 0.3 + 1.0 * (y - horizon) / (height - horizon)
    x = rng.choice([rng.randint(10, 150), rng.randint(width - 150, width - 20)])  # on the verge
    body_w, body_h, head = int(18 * scale), int(60 * scale), int(10 * scale)
    shirt = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
    draw.rectangle([x, y - body_h, x + body_w, y], fill=shirt)
    cx = x + body_w // 2
    draw.ellipse([cx - head, y - body_h - 2 * head, cx + head, y - body_h], fill=(224, 180, 140))


def write_speech(path: Path, text: str, rng: random.Random) -> str:
    """Speak ``text`` with espeak-ng when installed, else write tones; returns which was used."""
    exe = shutil.which("espeak-ng")
    if exe is not None:
        done = subprocess.run(
            [exe, "-v", "en", "-s", "150", "-w", str(path), "--", text],
            capture_output=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
        if done.returncode == 0 and path.exists() and path.stat().st_size > 44:
            return "espeak-ng"
    write_tones(path, text, rng)
    return "tones"


def write_tones(path: Path, text: str, rng: random.Random) -> None:
    """One short tone per word with gaps between, so there are segments to mark."""
    import numpy as np
    import soundfile

    pieces = [np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)]
    for _word in text.split():
        seconds = 0.18 + 0.04 * rng.randint(0, 5)
        t = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float32) / SAMPLE_RATE
        tone = 0.3 * np.sin(2 * np.pi * rng.choice([220.0, 262.0, 330.0, 392.0]) * t)
        fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.02)  # no clicks at the edges
        pieces += [(tone * fade).astype(np.float32), np.zeros(int(0.08 * SAMPLE_RATE), np.float32)]
    pieces.append(np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32))
    soundfile.write(str(path), np.concatenate(pieces), SAMPLE_RATE, subtype="PCM_16")


def write_moving_square(path: Path, rng: random.Random) -> bool:
    """A square that moves for three seconds and then stands still, as H.264/yuv420p MP4.

    Frames are drawn with Pillow and piped to ffmpeg, so the square's true position is known
    for every frame. Returns False when ffmpeg is not installed or fails.
    """
    exe = shutil.which("ffmpeg")
    if exe is None:
        return False
    cmd = [
        exe, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{VIDEO_SIZE[0]}x{VIDEO_SIZE[1]}", "-r", str(VIDEO_FPS), "-i", "-",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-threads", "1",
        "-g", str(VIDEO_FPS), "-fflags", "+bitexact", "-flags:v", "+bitexact",
        "-map_metadata", "-1", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            cmd, input=b"".join(_square_frames(rng)), capture_output=True, timeout=TOOL_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and path.exists()


def _square_frames(rng: random.Random) -> list[bytes]:
    from PIL import Image, ImageDraw

    width, height = VIDEO_SIZE
    side = rng.randint(30, 50)
    x0, y0 = rng.randint(0, 60), rng.randint(0, height - side)
    x1, y1 = rng.randint(width - 120, width - side), rng.randint(0, height - side)
    colour = rng.choice(_CAR_COLOURS[:4])
    moving = 3 * VIDEO_FPS
    frames = []
    for index in range(VIDEO_SECONDS * VIDEO_FPS):
        share = min(1.0, index / moving)
        x, y = round(x0 + (x1 - x0) * share), round(y0 + (y1 - y0) * share)
        frame = Image.new("RGB", VIDEO_SIZE, (40, 44, 52))
        ImageDraw.Draw(frame).rectangle([x, y, x + side, y + side], fill=colour)
        frames.append(frame.tobytes())
    return frames
