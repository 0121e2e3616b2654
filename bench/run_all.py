"""Runs every benchmark, one after the other (never two at once), on the chosen databases.

    .venv/bin/python bench/run_all.py [--db sqlite|postgresql|both] [--n N] [--only NAME ...]

Each script appends its own section to bench/RESULTS.md. The default is both databases at the
sizes of the targets (1,000,000 items), which takes a while.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_startup", "bench_import", "bench_export", "bench_queue")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--n", type=int, default=None, help="items (default: each script's own)")
    p.add_argument("--only", nargs="*", choices=SCRIPTS, default=None)
    p.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = p.parse_args()
    failed = []
    for name in args.only or SCRIPTS:
        cmd = [sys.executable, str(HERE / f"{name}.py"), "--db", args.db]
        if args.n is not None and name != "bench_startup":
            cmd += ["--n", str(args.n)]
        if args.no_results:
            cmd.append("--no-results")
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call(cmd, timeout=3 * 3600)
        print(f"== {name} finished in {time.monotonic() - t0:.0f} s (exit {rc})", flush=True)
        if rc != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
