"""Real-browser fixtures: one `truthline serve` subprocess on seeded data, one headless Chromium.

The tests skip when Chromium or the built web app is missing, unless CI=true, where that is a
failure. Set TRUTHLINE_SCREENSHOTS=1 to write screenshots of the main screens to docs/images/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.support import (
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    IN_CI,
    PASSWORD,
    SEED,
    VIEWPORT,
    Server,
    free_port,
    missing_prerequisite,
)

from truthline.devtools.server import wait_healthy


@pytest.fixture(scope="session")
def e2e_ready() -> None:
    why = missing_prerequisite()
    if why:
        if IN_CI:
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)


@pytest.fixture(scope="session")
def server(e2e_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("e2e") / "data"
    env = {
        **os.environ,
        "TRUTHLINE_DATA_DIR": str(data),
        "TRUTHLINE_EMBEDDED_WORKERS": "1",
    }
    env.pop("TRUTHLINE_DATABASE_URL", None)
    env.pop("TRUTHLINE_STORAGE_URL", None)
    seeded = subprocess.run(
        [sys.executable, str(SEED), PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr
    info = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = free_port()
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(port, proc, timeout=30)
        except RuntimeError as exc:
            raise RuntimeError(
                f"truthline serve did not start ({exc}):\n"
                + (data / "server.log").read_text(errors="replace")
            ) from None
        yield Server(url=url, token=info["token"], projects=info["projects"], data_dir=data)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser(e2e_ready: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A fresh tab; the test fails if the app threw an uncaught error in it."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"uncaught errors in the page: {errors}"
