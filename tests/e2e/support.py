"""Helpers shared by the browser tests: where things are, the server handle, signing in."""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import truthline

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STATIC_INDEX = Path(truthline.__file__).parent / "static" / "index.html"
BIN = Path(sys.executable).parent / "truthline"
SEED = Path(__file__).parent / "seed.py"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"
PASSWORD = "e2e-password-123"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
VIEWPORT = {"width": 1366, "height": 900}


def missing_prerequisite() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}"
    if not STATIC_INDEX.exists():
        return f"web app not built ({STATIC_INDEX} missing; run `cd web && npm run build`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    token: str
    projects: dict[str, int]
    data_dir: Path

    def api(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token}"}
        return httpx.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=10, **kw)

    def annotations(self, project: str, external_id: str) -> list[dict[str, Any]]:
        """Every stored version on the item with this external id, through the API."""
        pid = self.projects[project]
        page = self.api("GET", f"/projects/{pid}/items", params={"limit": 200}).json()
        item = next(i for i in page["items"] if i["external_id"] == external_id)
        r = self.api(
            "GET",
            f"/projects/{pid}/items/{item['id']}/annotations",
            params={"all_versions": "true"},
        )
        r.raise_for_status()
        return r.json()


def sign_in(page: Any, username: str, path: str = "/") -> None:
    """Start a session through the API (the sign-in form has its own test), then open path."""
    r = page.context.request.post(
        "/api/v1/auth/login", data={"username": username, "password": PASSWORD}
    )
    assert r.ok, r.text()
    page.goto(path)


def shot(page: Any, name: str) -> None:
    """Screenshot of the current screen into docs/images/<name>.png when asked for."""
    if os.environ.get("TRUTHLINE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
