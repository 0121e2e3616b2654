"""Work-queue latency and throughput: next + submit through HTTP against `truthline serve`.

Builds a project of N image items (bbox question, 3 boxes per submit; each item carries its
image size so the boxes are checked against it), starts the server with no embedded job
workers, and drives it from this process over loopback with httpx (HTTP/1.1 keep-alive):

(a) one annotator: latency of each next+submit pair (p50, p99);
(b) 32 annotators at once, each with its own API token and connection: pairs/s and next p99.

    .venv/bin/python bench/bench_queue.py [--db sqlite|postgresql|both] [--n 1000000]
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BBOX_SCHEMA,
    Bench,
    append_results,
    backends,
    bench_env,
    fmt_runs,
    median,
    parse_args,
    percentile,
    server,
    verdict,
)

PROJECT = "queue-bench"
WIDTH, HEIGHT = 1280, 720


def write_items(path: Path, n: int) -> None:
    rnd = random.Random(3)
    with path.open("wb") as fh:
        buf = []
        for i in range(n):
            rec = {
                "id": f"img{i}",
                "image": f"media:{i % 256:02x}/{rnd.getrandbits(64):016x}.png",
                "_media": {"image": {"width": WIDTH, "height": HEIGHT}},
                "meta": {"camera": f"cam{i % 7}"},
                "priority": rnd.randint(0, 9),
            }
            buf.append(orjson.dumps(rec))
            if len(buf) >= 10_000:
                fh.write(b"\n".join(buf) + b"\n")
                buf.clear()
        if buf:
            fh.write(b"\n".join(buf) + b"\n")


def make_people(b: Bench, n: int) -> list[str]:
    """n annotators in the project, each with an API token (printed one per line)."""
    code = (
        "import asyncio\n"
        "from truthline.settings import Settings\n"
        "from truthline.db.session import Database\n"
        "from truthline.services import auth, projects\n"
        "from truthline.policies import project_access\n"
        "async def main():\n"
        "    db = Database(Settings().resolved_database_url())\n"
        "    admin = await auth.get_user(db, username='admin')\n"
        f"    acc = await project_access(db, admin, {PROJECT!r}, 'members.manage')\n"
        f"    for k in range({n}):\n"
        "        u = await auth.create_user(db, f'annotator{k}', 'bench-password-123')\n"
        "        await projects.set_member(db, acc, u, 'annotator')\n"
        "        print((await auth.create_api_token(db, u, 'bench'))[1])\n"
        "    await db.dispose()\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=b.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    assert len(out) == n, out
    return out


def _result(rnd: random.Random) -> dict:
    boxes = []
    for k in range(3):
        w, h = rnd.randint(20, 300), rnd.randint(20, 300)
        boxes.append(
            {
                "id": f"b{k}",
                "label": rnd.choice(["car", "person", "bike"]),
                "x": rnd.randint(0, WIDTH - w),
                "y": rnd.randint(0, HEIGHT - h),
                "w": w,
                "h": h,
            }
        )
    return {"objects": {"boxes": boxes}}


class Annotator:
    def __init__(self, base: str, token: str, seed: int) -> None:
        self.client = httpx.AsyncClient(
            base_url=base,
            headers={"authorization": f"Bearer {token}"},
            timeout=30,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        self.rnd = random.Random(seed)
        self.errors = 0

    async def pair(self) -> tuple[float, float] | None:
        """One next + submit; returns (pair seconds, next seconds) or None when it failed."""
        t0 = time.perf_counter()
        r = await self.client.post(f"/api/v1/projects/{PROJECT}/queue/next")
        t1 = time.perf_counter()
        task = r.json() if r.status_code == 200 else {}
        if task.get("status") != "assigned":
            self.errors += 1
            return None
        s = await self.client.post(
            f"/api/v1/projects/{PROJECT}/items/{task['item']['id']}/annotations",
            json={
                "result": _result(self.rnd),
                "idempotency_key": uuid.uuid4().hex,
                "lease_id": task["lease"]["id"],
                "active_ms": 4200,
            },
        )
        t2 = time.perf_counter()
        if s.status_code != 201:
            self.errors += 1
            if self.errors <= 3:
                print(f"submit answered {s.status_code}: {s.text[:300]}", file=sys.stderr)
            return None
        return t2 - t0, t1 - t0

    async def close(self) -> None:
        await self.client.aclose()


async def one_annotator(base: str, token: str, seconds: float, warmup: float) -> dict:
    a = Annotator(base, token, 1)
    pairs: list[float] = []
    nexts: list[float] = []
    try:
        end_warm = time.perf_counter() + warmup
        while time.perf_counter() < end_warm:
            await a.pair()
        a.errors = 0
        t0 = time.perf_counter()
        end = t0 + seconds
        while time.perf_counter() < end and len(pairs) < 1_000_000:
            got = await a.pair()
            if got:
                pairs.append(got[0])
                nexts.append(got[1])
        elapsed = time.perf_counter() - t0
    finally:
        await a.close()
    return {
        "p50": percentile(pairs, 50) * 1000,
        "p99": percentile(pairs, 99) * 1000,
        "next_p50": percentile(nexts, 50) * 1000,
        "pairs": len(pairs),
        "rate": len(pairs) / elapsed,
        "errors": a.errors,
    }


async def many_annotators(base: str, tokens: list[str], seconds: float, warmup: float) -> dict:
    people = [Annotator(base, t, k) for k, t in enumerate(tokens)]
    nexts: list[float] = []
    pair_times: list[float] = []
    counting = False
    stop_at = time.perf_counter() + warmup + seconds

    async def loop(a: Annotator) -> None:
        while time.perf_counter() < stop_at:
            got = await a.pair()
            if got and counting:
                pair_times.append(got[0])
                nexts.append(got[1])

    try:
        tasks = [asyncio.create_task(loop(a)) for a in people]
        await asyncio.sleep(warmup)
        for a in people:
            a.errors = 0
        counting = True
        t0 = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)
        elapsed = time.perf_counter() - t0
    finally:
        for a in people:
            await a.close()
    return {
        "rate": len(nexts) / elapsed,
        "next_p50": percentile(nexts, 50) * 1000,
        "next_p99": percentile(nexts, 99) * 1000,
        "pair_p99": percentile(pair_times, 99) * 1000,
        "pairs": len(nexts),
        "errors": sum(a.errors for a in people),
    }


def run_backend(backend: str, n: int, runs: int, seconds: float, people: int, write: bool) -> None:
    import tempfile

    with bench_env(backend) as b, tempfile.TemporaryDirectory(prefix="tl-queue-") as tmp:
        items = Path(tmp) / "items.jsonl"
        write_items(items, n)
        b.setup_admin()
        b.create_project(PROJECT, BBOX_SCHEMA)
        t0 = time.perf_counter()
        b.cli("import", PROJECT, str(items), timeout=1800)
        build = time.perf_counter() - t0
        tokens = make_people(b, people)
        print(f"[{backend}] built {n:,} items in {build:.1f} s; {people} annotators", flush=True)
        single, multi = [], []
        with server(b) as (port, _proc):
            base = f"http://127.0.0.1:{port}"
            for k in range(runs):
                r = asyncio.run(one_annotator(base, tokens[0], seconds, 2.0))
                print(
                    f"[{backend}] one annotator run {k + 1}: p50 {r['p50']:.2f} ms, "
                    f"p99 {r['p99']:.2f} ms, {r['rate']:.0f} pairs/s, {r['errors']} errors",
                    flush=True,
                )
                single.append(r)
            for k in range(runs):
                r = asyncio.run(many_annotators(base, tokens, seconds, 3.0))
                print(
                    f"[{backend}] {people} annotators run {k + 1}: {r['rate']:.0f} pairs/s, "
                    f"next p50 {r['next_p50']:.1f} ms, next p99 {r['next_p99']:.1f} ms, "
                    f"{r['errors']} errors",
                    flush=True,
                )
                multi.append(r)
        done = b.sql("SELECT count(*) FROM annotations")[0][0]
    p50 = median([r["p50"] for r in single])
    p99 = median([r["p99"] for r in single])
    rate = median([r["rate"] for r in multi])
    np99 = median([r["next_p99"] for r in multi])
    append_results(
        "Queue: next + submit over HTTP",
        backend,
        {
            "items": f"{n:,}",
            "schema": "image field + bbox question, 3 boxes per submit",
            "seconds per measurement": seconds,
            "runs": runs,
            "annotators (b)": people,
            "server": "`truthline serve`, 1 process, TRUTHLINE_EMBEDDED_WORKERS=0",
            "client": "httpx AsyncClient, HTTP/1.1 keep-alive, one connection per annotator, "
            "in a separate process on the same 2 cores",
        },
        [
            (
                "(a) 1 annotator: next+submit p50 (ms)",
                f"{p50:.2f}",
                fmt_runs([r["p50"] for r in single], "{:.2f}"),
                f"< 3 ms: {verdict(p50 < 3)}",
            ),
            (
                "(a) 1 annotator: next+submit p99 (ms)",
                f"{p99:.2f}",
                fmt_runs([r["p99"] for r in single], "{:.2f}"),
                f"< 10 ms: {verdict(p99 < 10)}",
            ),
            (
                "(a) 1 annotator: pairs/s",
                f"{median([r['rate'] for r in single]):.0f}",
                fmt_runs([r["rate"] for r in single]),
                "",
            ),
            (
                f"(b) {people} annotators: pairs/s",
                f"{rate:.0f}",
                fmt_runs([r["rate"] for r in multi]),
                f">= 1,000/s: {verdict(rate >= 1000)}",
            ),
            (
                f"(b) {people} annotators: next p99 (ms)",
                f"{np99:.1f}",
                fmt_runs([r["next_p99"] for r in multi], "{:.1f}"),
                f"< 50 ms: {verdict(np99 < 50)}",
            ),
            (
                f"(b) {people} annotators: next p50 (ms)",
                f"{median([r['next_p50'] for r in multi]):.1f}",
                fmt_runs([r["next_p50"] for r in multi], "{:.1f}"),
                "",
            ),
        ],
        [
            f"build: `truthline import` of {n:,} items took {build:.1f} s; "
            f"{done:,} annotations stored by the end; failed pairs: "
            f"{sum(r['errors'] for r in single + multi)}"
        ],
        enabled=write,
    )


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        1_000_000,
        seconds=(float, 20.0, "seconds per measurement"),
        people=(int, 32, "concurrent annotators in (b)"),
    )
    for backend in backends(args.db):
        run_backend(backend, args.n, args.runs or 3, args.seconds, args.people, not args.no_results)


if __name__ == "__main__":
    main()
