"""Front-end figures in a real browser (headless Debian Chromium driven by Playwright).

(a) time to interactive of the workspace on the demo data; (b) next item visible after a
submit, p95; (c) frames per second panning, zooming and dragging over 2,000 boxes on a
4,000 x 3,000 image; (d) frame time p95 scrolling and selecting in a 50,000-character text with
1,000 spans. Each figure is the median of several runs, measured inside the page with
performance.now() and requestAnimationFrame. Run from the repository root:

    .venv/bin/python bench/bench_web.py [--runs 3] [--submits 32] [--no-results]
"""

# The result rows and notes are prose written to RESULTS.md; they are kept on one line each.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from truthline.devtools.server import wait_healthy

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
BIN = Path(sys.executable).parent / "truthline"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 900}
PASSWORD = "bench-password-123"
DEMO_PROJECT = "Reviews: sentiment and entities"
IMAGE_SIZE = (4000, 3000)
N_BOXES = 2000
TEXT_CHARS = 50_000
N_SPANS = 1000

QUEUE_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [{"name": "sentiment", "kind": "classification", "classes": ["pos", "neg"]}],
}
BOX_SCHEMA = {
    "fields": [{"name": "image", "type": "image"}],
    "questions": [
        {"name": "objects", "kind": "bbox", "field": "image", "classes": ["car", "person"]}
    ],
}
SPAN_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {
            "name": "entities",
            "kind": "span",
            "field": "text",
            "classes": ["PER", "ORG", "LOC"],
        }
    ],
}


# --- data -----------------------------------------------------------------------------------------
def _boxes() -> list[dict[str, Any]]:
    cols, rows = 50, 40
    cw, ch = IMAGE_SIZE[0] / cols, IMAGE_SIZE[1] / rows
    return [
        {
            "id": f"b{i + 1}",
            "label": "car" if i % 3 else "person",
            "origin": "human",
            "x": round((i % cols) * cw + 4, 1),
            "y": round((i // cols) * ch + 4, 1),
            "w": round(cw - 8, 1),
            "h": round(ch - 8, 1),
        }
        for i in range(cols * rows)
    ][:N_BOXES]


def _long_text() -> tuple[str, list[dict[str, Any]]]:
    rnd = random.Random(7)
    words = [
        "annotation",
        "guideline",
        "reviewer",
        "queue",
        "lease",
        "London",
        "Ada",
        "Paris",
        "model",
        "label",
        "item",
    ]
    parts: list[str] = []
    size = 0
    while size < TEXT_CHARS:
        w = rnd.choice(words)
        parts.append(w)
        size += len(w) + 1
    text = " ".join(parts)[:TEXT_CHARS]
    starts, pos = [], 0
    for w in text.split(" "):
        starts.append((pos, pos + len(w)))
        pos += len(w) + 1
    step = len(starts) // N_SPANS
    spans = [
        {"id": f"s{i + 1}", "start": a, "end": b, "label": ("PER", "ORG", "LOC")[i % 3]}
        for i, (a, b) in enumerate(starts[::step][:N_SPANS])
    ]
    return text, spans


async def _seed(data_dir: Path, runs: int, submits: int) -> dict[str, Any]:
    import orjson
    from PIL import Image, ImageDraw

    from truthline.db.session import Database
    from truthline.media.storage import storage_from_url
    from truthline.policies import project_access
    from truthline.services import auth, imports, projects
    from truthline.settings import Settings

    settings = Settings()
    db = Database(settings.resolved_database_url())
    storage = storage_from_url(settings.resolved_storage_url())
    out: dict[str, Any] = {"projects": {}, "tokens": {}}
    src = data_dir / "bench-source"
    src.mkdir(exist_ok=True)
    try:
        admin = await auth.create_user(db, "benchadmin", PASSWORD, is_admin=True)
        people = {}
        for name in ("queuer", "boxer", "spanner"):
            people[name] = await auth.create_user(db, name, PASSWORD)
            out["tokens"][name] = (await auth.create_api_token(db, people[name], "bench"))[1]
        text, _ = _long_text()
        specs: dict[str, tuple[dict[str, Any], str, Path]] = {}
        rows = [
            {"id": f"q{i}", "text": f"Item {i}: the food was fine."}
            for i in range(runs * (submits + 3))
        ]
        queue_file = src / "queue.jsonl"
        queue_file.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        specs["Bench queue"] = (QUEUE_SCHEMA, "queuer", queue_file)
        img = Image.new("RGB", IMAGE_SIZE, (110, 150, 190))
        draw = ImageDraw.Draw(img)
        for i in range(0, IMAGE_SIZE[0], 200):
            draw.line((i, 0, IMAGE_SIZE[0] - i, IMAGE_SIZE[1]), fill=(60, 60, 60), width=9)
        img.save(src / "big.png")
        import zipfile

        box_zip = src / "boxes.zip"
        with zipfile.ZipFile(box_zip, "w") as archive:
            archive.write(src / "big.png", "images/big.png")
            archive.writestr(
                "manifest.jsonl", orjson.dumps({"id": "big", "image": "images/big.png"})
            )
        specs["Bench boxes"] = (BOX_SCHEMA, "boxer", box_zip)
        span_file = src / "spans.jsonl"
        span_file.write_bytes(orjson.dumps({"id": "long", "text": text}) + b"\n")
        specs["Bench spans"] = (SPAN_SCHEMA, "spanner", span_file)
        for name, (schema, who, source) in specs.items():
            project = await projects.create_project(db, admin, name=name, schema=schema)
            access = await project_access(db, admin, project.id, "members.manage")
            await projects.set_member(db, access, people[who], "annotator")
            imp = await imports.create_import(db, project, admin.id, source.name, "items")
            counts = await imports.run_import(db, storage, imp.id, source)
            assert counts.rejected == 0, counts.errors
            out["projects"][name] = project.id
    finally:
        await db.dispose()
    return out


def _put_draft(url: str, token: str, pid: int, result: dict[str, Any]) -> None:
    """Lease the project's one item as its annotator and store the big draft on it."""
    h = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=h, timeout=60) as c:
        nxt = c.post(f"/projects/{pid}/queue/next", json={"stage": "annotate"}).json()
        assert nxt["status"] == "assigned", nxt
        r = c.put(f"/projects/{pid}/items/{nxt['item']['id']}/draft", json={"result": result})
        r.raise_for_status()


# --- server -----------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _installation(runs: int, submits: int) -> Iterator[tuple[str, dict[str, Any]]]:
    with tempfile.TemporaryDirectory(prefix="tl-bench-web-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "TRUTHLINE_DATA_DIR": str(data), "TRUTHLINE_EMBEDDED_WORKERS": "1"}
        env.pop("TRUTHLINE_DATABASE_URL", None)
        env.pop("TRUTHLINE_STORAGE_URL", None)
        subprocess.run(
            [str(BIN), "demo", "--password", PASSWORD], env=env, check=True, capture_output=True
        )
        seed = subprocess.run(
            [sys.executable, __file__, "--seed-only", str(data), str(runs), str(submits)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(seed.stdout.strip().splitlines()[-1])
        port = _free_port()
        log = (Path(tmp) / "server.log").open("wb")
        proc = subprocess.Popen(
            [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(port, proc, timeout=60)
            yield url, info
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


# --- in-page probes ----------------------------------------------------------------------------------
# Records when the workspace first shows an item it accepts input for, and each submit-to-next
# latency (Ctrl+Enter keydown to the item id changing in the DOM).
PROBE = """
(() => {
  window.__bench = { tti: null, lat: [], frames: null };
  const itemText = () => document.querySelector('[data-testid=workspace][data-phase=working] [data-testid=item-id]')?.textContent ?? null;
  let pending = null;
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.ctrlKey) pending = { t0: performance.now(), from: itemText() };
  }, true);
  const check = () => {
    const now = itemText();
    if (window.__bench.tti === null && now !== null) {
      window.__bench.tti = performance.now();
    }
    if (pending && now !== null && now !== pending.from) {
      window.__bench.lat.push(performance.now() - pending.t0);
      pending = null;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-phase'] });
  window.__startFrames = () => {
    const ts = [];
    window.__bench.frames = ts;
    const tick = (t) => { ts.push(t); if (window.__bench.frames === ts) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  };
  window.__stopFrames = () => { const ts = window.__bench.frames; window.__bench.frames = null; return ts; };
})();
"""


def _login(ctx: Any, username: str) -> None:
    r = ctx.request.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.ok, r.text()


def _frame_stats(ts: list[float]) -> dict[str, float]:
    gaps = sorted(b - a for a, b in zip(ts, ts[1:], strict=False))
    span = (ts[-1] - ts[0]) / 1000 if len(ts) > 1 else 0
    return {
        "fps": (len(ts) - 1) / span if span else 0.0,
        "p95_ms": _pct(gaps, 95),
        "max_ms": gaps[-1] if gaps else 0.0,
    }


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def measure_tti(browser: Any, url: str, pid: int) -> float:
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT)
    try:
        _login(ctx, "ann1")
        page = ctx.new_page()
        page.add_init_script(PROBE)
        page.goto(f"/projects/{pid}/annotate")
        page.wait_for_function("window.__bench.tti !== null", timeout=30_000)
        # Accepting input: the submit button is enabled and a class key is taken.
        page.wait_for_selector("[data-testid=submit]:not([disabled])")
        return float(page.evaluate("window.__bench.tti"))
    finally:
        ctx.close()


def measure_next(browser: Any, url: str, pid: int, submits: int) -> list[float]:
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT)
    try:
        _login(ctx, "queuer")
        page = ctx.new_page()
        page.add_init_script(PROBE)
        page.goto(f"/projects/{pid}/annotate")
        page.wait_for_function("window.__bench.tti !== null", timeout=30_000)
        for i in range(submits):
            page.wait_for_selector("[data-testid=workspace][data-phase=working]")
            page.wait_for_timeout(150)  # a person takes longer than this to read an item
            page.keyboard.press("1")
            page.keyboard.press("Control+Enter")
            page.wait_for_function(f"window.__bench.lat.length >= {i + 1}", timeout=15_000)
        return [float(x) for x in page.evaluate("window.__bench.lat")]
    finally:
        ctx.close()


def _open_tool(browser: Any, url: str, user: str, pid: int, ready: str) -> tuple[Any, Any]:
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT)
    _login(ctx, user)
    page = ctx.new_page()
    page.add_init_script(PROBE)
    page.goto(f"/projects/{pid}/annotate")
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_timeout(500)
    return ctx, page


def measure_boxes(browser: Any, url: str, pid: int) -> dict[str, float]:
    ctx, page = _open_tool(browser, url, "boxer", pid, "[data-testid=stage-objects] canvas")
    try:
        page.wait_for_function(
            "!document.querySelector('[data-testid=stage-objects] .stage-hud')?.textContent?.includes('loading')",
            timeout=60_000,
        )
        stage = page.locator("[data-testid=stage-objects]").bounding_box()
        assert stage
        cx, cy = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
        page.mouse.move(cx, cy)
        page.evaluate("window.__startFrames()")
        for _ in range(6):  # zoom in and out at the pointer
            page.mouse.wheel(0, -120)
            page.wait_for_timeout(30)
        for _ in range(6):
            page.mouse.wheel(0, 120)
            page.wait_for_timeout(30)
        page.keyboard.down(" ")  # pan: space + drag
        page.mouse.down()
        for i in range(40):
            page.mouse.move(cx - 4 * i, cy - 2 * i)
        page.mouse.up()
        page.keyboard.up(" ")
        page.mouse.move(cx + 10, cy + 10)  # drag: draw a box over the others
        page.mouse.down()
        for i in range(40):
            page.mouse.move(cx + 10 + 3 * i, cy + 10 + 2 * i)
        page.mouse.up()
        ts = page.evaluate("window.__stopFrames()")
        return _frame_stats(ts)
    finally:
        ctx.close()


def measure_spans(browser: Any, url: str, pid: int) -> dict[str, float]:
    ctx, page = _open_tool(
        browser, url, "spanner", pid, "[data-testid=workspace][data-phase=working]"
    )
    try:
        text = page.locator(".span-text, [data-testid=span-text]").first
        box = text.bounding_box() if text.count() else None
        x, y = (box["x"] + 40, box["y"] + 40) if box else (400, 400)
        page.mouse.move(x, y)
        page.evaluate("window.__startFrames()")
        for _ in range(30):  # scroll down and back
            page.mouse.wheel(0, 400)
            page.wait_for_timeout(16)
        for _ in range(15):
            page.mouse.wheel(0, -400)
            page.wait_for_timeout(16)
        page.mouse.move(x, y)  # select a run of words
        page.mouse.down()
        for i in range(30):
            page.mouse.move(x + 10 * i, y + (i // 10) * 4)
        page.mouse.up()
        page.wait_for_timeout(200)
        ts = page.evaluate("window.__stopFrames()")
        return _frame_stats(ts)
    finally:
        ctx.close()


# --- results ------------------------------------------------------------------------------------------
def _machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "? GiB"
    try:
        kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {ram} RAM, {platform.system()} {platform.release()}"


def _chromium_version() -> str:
    try:
        return subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "chromium (version unknown)"


def _append(
    title: str, params: str, rows: list[tuple[str, str, str, str]], notes: list[str]
) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"## Web: {title}",
        "",
        f"- date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {_machine()}",
        f"- browser: {_chromium_version()}, headless, {' '.join(CHROMIUM_ARGS)}",
        f"- load average when the section was written: {load}",
        f"- parameters: {params}",
        "",
        "| figure | median | runs | target |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *(f"- {n}" for n in notes),
        "" if notes else "",
    ]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines).rstrip("\n") + "\n")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _runs(values: list[float], spec: str = "{:.0f}") -> str:
    return ", ".join(spec.format(v) for v in values)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--seed-only":
        info = asyncio.run(_seed(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
        print(json.dumps(info))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--submits", type=int, default=32)
    p.add_argument("--only", default="abcd", help="which figures, e.g. 'bc'")
    p.add_argument("--no-results", action="store_true")
    args = p.parse_args()

    from playwright.sync_api import sync_playwright

    with _installation(args.runs, args.submits) as (url, info):
        pids = info["projects"]
        _put_draft(
            url, info["tokens"]["boxer"], pids["Bench boxes"], {"objects": {"boxes": _boxes()}}
        )
        _put_draft(
            url,
            info["tokens"]["spanner"],
            pids["Bench spans"],
            {"entities": {"spans": _long_text()[1], "relations": []}},
        )
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                _run_figures(browser, url, info, args)
            finally:
                browser.close()


def _demo_project(browser: Any, url: str) -> int:
    ctx = browser.new_context(base_url=url)
    try:
        _login(ctx, "ann1")
        projects = ctx.request.get("/api/v1/projects").json()
        items = projects["items"] if isinstance(projects, dict) else projects
        return next(p["id"] for p in items if p["name"] == DEMO_PROJECT)
    finally:
        ctx.close()


def _run_figures(browser: Any, url: str, info: dict[str, Any], args: argparse.Namespace) -> None:
    pids = info["projects"]
    record = not args.no_results
    if "a" in args.only:
        pid = _demo_project(browser, url)
        measure_tti(browser, url, pid)  # warm the server's caches once; not counted
        tti = [measure_tti(browser, url, pid) for _ in range(args.runs)]
        med = statistics.median(tti)
        print(f"(a) time to interactive: median {med:.0f} ms, runs {_runs(tti)}")
        if record:
            _append(
                "(a) time to interactive of the workspace",
                f"demo project {DEMO_PROJECT!r} as ann1, fresh browser context per run (empty cache), runs={args.runs}, viewport 1366x900",
                [
                    (
                        "navigation start to first item shown and accepting input (ms)",
                        f"{med:.0f}",
                        _runs(tti),
                        f"< 1,000 ms: {_verdict(med < 1000)}",
                    )
                ],
                [
                    "measured in the page: performance.now() when the workspace is in phase `working` with an item id in the DOM (MutationObserver), then checked that Submit is enabled"
                ],
            )
    if "b" in args.only:
        p95s, p50s = [], []
        for _ in range(args.runs):
            lat = measure_next(browser, url, pids["Bench queue"], args.submits)
            p95s.append(_pct(lat, 95))
            p50s.append(_pct(lat, 50))
        med = statistics.median(p95s)
        print(
            f"(b) next item after submit: p95 median {med:.0f} ms (runs {_runs(p95s)}), p50 {_runs(p50s)}"
        )
        if record:
            _append(
                "(b) next item visible after submit",
                f"classification project, {args.submits} submits per run (key 1 then Ctrl+Enter, 150 ms apart), runs={args.runs}, server and browser on the same machine",
                [
                    (
                        "submit keypress to next item id in the DOM, p95 (ms)",
                        f"{med:.0f}",
                        _runs(p95s),
                        f"< 150 ms: {_verdict(med < 150)}",
                    ),
                    ("same, p50 (ms)", f"{statistics.median(p50s):.0f}", _runs(p50s), ""),
                ],
                [
                    "measured in the page: performance.now() at the Ctrl+Enter keydown (capture listener) to a MutationObserver seeing the item id change"
                ],
            )
    if "c" in args.only:
        stats = [measure_boxes(browser, url, pids["Bench boxes"]) for _ in range(args.runs)]
        fps = [s["fps"] for s in stats]
        p95 = [s["p95_ms"] for s in stats]
        med = statistics.median(fps)
        print(
            f"(c) 2,000 boxes: median {med:.1f} fps (runs {_runs(fps, '{:.1f}')}), frame p95 {_runs(p95, '{:.1f}')} ms"
        )
        if record:
            _append(
                "(c) canvas with 2,000 boxes on a 4,000 x 3,000 image",
                f"bbox tool, {N_BOXES} boxes seeded as the annotator's draft, script: 12 wheel zooms, a 40-step space+drag pan, a 40-step drag drawing a box; runs={args.runs}",
                [
                    (
                        "frames per second during the script",
                        f"{med:.1f}",
                        _runs(fps, "{:.1f}"),
                        f">= 30 fps: {_verdict(med >= 30)}",
                    ),
                    (
                        "frame time p95 (ms)",
                        f"{statistics.median(p95):.1f}",
                        _runs(p95, "{:.1f}"),
                        "",
                    ),
                ],
                [
                    "frames counted with requestAnimationFrame timestamps in the page; software rendering (--disable-gpu)"
                ],
            )
    if "d" in args.only:
        stats = [measure_spans(browser, url, pids["Bench spans"]) for _ in range(args.runs)]
        p95 = [s["p95_ms"] for s in stats]
        fps = [s["fps"] for s in stats]
        med = statistics.median(p95)
        print(
            f"(d) 50,000 chars / 1,000 spans: frame p95 median {med:.1f} ms (runs {_runs(p95, '{:.1f}')}), fps {_runs(fps, '{:.1f}')}"
        )
        if record:
            _append(
                "(d) long text with 1,000 spans",
                f"span tool, {TEXT_CHARS:,} characters, {N_SPANS:,} spans seeded as the annotator's draft, script: 45 wheel scrolls of 400 px and a 30-step mouse selection; runs={args.runs}",
                [
                    (
                        "frame time p95 while scrolling and selecting (ms)",
                        f"{med:.1f}",
                        _runs(p95, "{:.1f}"),
                        f"< 33 ms: {_verdict(med < 33)}",
                    ),
                    (
                        "frames per second",
                        f"{statistics.median(fps):.1f}",
                        _runs(fps, "{:.1f}"),
                        "",
                    ),
                ],
                ["frames counted with requestAnimationFrame timestamps in the page"],
            )


if __name__ == "__main__":
    main()
