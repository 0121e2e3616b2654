"""Waiting for a `truthline serve` subprocess to answer (tests, benchmarks)."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> float:
    """Polls /api/v1/health on 127.0.0.1 until it answers 200; returns the monotonic time it
    did. Raises RuntimeError if the process exits or the timeout passes first."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/v1/health"
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                if client.get(url).status_code == 200:
                    return time.monotonic()
            except httpx.HTTPError:
                pass
            time.sleep(0.005)
    raise RuntimeError("server did not become healthy")
