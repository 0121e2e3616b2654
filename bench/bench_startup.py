"""Start-up time: from launching `truthline serve` to the first 200 from /api/v1/health.

Two cases, each in a fresh data dir (and a fresh PostgreSQL schema):
- migrated: `truthline migrate` was run before, so the server only checks the revision;
- first-ever start: an empty data dir / empty schema, so the server creates every table.

    .venv/bin/python bench/bench_startup.py [--db sqlite|postgresql|both] [--runs 5]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BIN,
    append_results,
    backends,
    bench_env,
    fmt_runs,
    free_port,
    median,
    parse_args,
    verdict,
    wait_healthy,
)

TARGET = 2.0


def one_start(backend: str, migrated: bool) -> float:
    with bench_env(backend) as b:
        if migrated:
            b.cli("migrate")
        port = free_port()
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port), "--workers", "0"],
            env=b.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            t1 = wait_healthy(port, proc, timeout=60)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return t1 - t0


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], 0)
    runs = args.runs or 5
    for backend in backends(args.db):
        cases = {}
        for label, migrated in (("migrated data dir", True), ("first-ever start", False)):
            times = []
            for k in range(runs):
                t = one_start(backend, migrated)
                print(f"[{backend}] {label} run {k + 1}: {t:.2f} s", flush=True)
                times.append(t)
            cases[label] = times
        append_results(
            "Start-up: `truthline serve` to the first 200 from /api/v1/health",
            backend,
            {"runs": runs, "poll interval": "5 ms", "embedded workers": 0},
            [
                (
                    f"{label} (s)",
                    f"{median(times):.2f}",
                    fmt_runs(times, "{:.2f}"),
                    f"< {TARGET:.0f} s: {verdict(median(times) < TARGET)}",
                )
                for label, times in cases.items()
            ],
            enabled=not args.no_results,
        )


if __name__ == "__main__":
    main()
