"""Remembers, for a few seconds, who may take work in a project without a guideline or
qualification gate in the way.

`queue/next` is the hottest route; the acknowledgement and quiz checks cost two read
transactions per call although their answer changes only when a lead publishes a version or
saves a quiz. An open gate is remembered for ``TTL`` seconds per (project, person); publishing
or saving a quiz forgets the project at once in this process, and other server processes
notice within ``TTL`` seconds (the same bound as the auth cache).
"""

from __future__ import annotations

import threading
import time

TTL = 5.0
_open: dict[tuple[int, int], float] = {}
_lock = threading.Lock()


def is_open(project_id: int, user_id: int) -> bool:
    until = _open.get((project_id, user_id))
    return until is not None and until > time.monotonic()


def mark_open(project_id: int, user_id: int) -> None:
    with _lock:
        if len(_open) > 100_000:  # bounded: drop everything rather than grow without end
            _open.clear()
        _open[(project_id, user_id)] = time.monotonic() + TTL


def forget(project_id: int) -> None:
    """Closes the remembered gates of a project (a version to confirm or a quiz to pass)."""
    with _lock:
        for key in [k for k in _open if k[0] == project_id]:
            del _open[key]
