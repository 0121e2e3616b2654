"""Shared helpers of the benchmark scripts: a throwaway database, the CLI, machine facts, results.

Every benchmark builds its own data in a temporary data directory (and, for PostgreSQL, in a
schema of its own that is dropped afterwards), talks to the server over loopback only, and
appends its figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from truthline.devtools.server import wait_healthy

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
BIN = Path(sys.executable).parent / "truthline"
PG_BASE = os.environ.get(
    "TRUTHLINE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "bench-password-123"

TEXT_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]}
    ],
}
BBOX_SCHEMA = {
    "fields": [{"name": "image", "type": "image"}],
    "questions": [
        {"name": "objects", "kind": "bbox", "field": "image", "classes": ["car", "person", "bike"]}
    ],
}


# --- arguments -----------------------------------------------------------------------------------
def parse_args(description: str, default_n: int, **extra: Any) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    p.add_argument("--n", type=int, default=default_n, help="number of items")
    p.add_argument("--runs", type=int, default=None, help="repetitions (the median is reported)")
    for name, (kind, default, help_) in extra.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default, help=help_)
    p.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    return p.parse_args()


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


# --- a throwaway database ------------------------------------------------------------
def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_BASE.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class Bench:
    """One throwaway Truthline installation: data dir, database, environment for the CLI."""

    backend: str
    root: Path
    env: dict[str, str]
    schema: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return Path(self.env["TRUTHLINE_DATA_DIR"])

    @property
    def database_url(self) -> str:
        return self.env.get("TRUTHLINE_DATABASE_URL") or (
            f"sqlite+aiosqlite:///{(self.data_dir / 'truthline.db').resolve()}"
        )

    def cli(self, *args: str, timeout: float = 600) -> str:
        proc = subprocess.run(
            [str(BIN), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if proc.returncode != 0:
            raise RuntimeError(f"truthline {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
        return proc.stdout.strip()

    def timed_cli(self, *args: str, timeout: float = 1800) -> tuple[float, float, str]:
        """Runs the CLI; returns (wall seconds, peak RSS in MB of that process, stdout)."""
        out = self.root / f"cli-{uuid.uuid4().hex[:6]}.out"
        with out.open("wb") as fh:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [str(BIN), *args], env=self.env, stdout=fh, stderr=subprocess.PIPE
            )
            deadline = t0 + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError(f"truthline {args[0]} ran past {timeout} s")
                time.sleep(0.01)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            raise RuntimeError(f"truthline {' '.join(args)} failed:\n{err[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read_text(errors="replace").strip()

    def setup_admin(self) -> None:
        self.cli("user", "add", "admin", "--admin")

    def create_project(self, name: str, schema: dict) -> None:
        path = self.root / f"schema-{name}.json"
        path.write_bytes(orjson.dumps(schema))
        self.cli("project", "create", "--name", name, "--schema", str(path))

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Runs one statement directly on the database (setup and read-back only)."""
        if self.backend == "sqlite":
            import sqlite3

            with sqlite3.connect(self.data_dir / "truthline.db") as conn:
                return conn.execute(query.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(PG_BASE.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []


@contextmanager
def bench_env(backend: str, **env_extra: str) -> Iterator[Bench]:
    """A fresh data dir (and a fresh PostgreSQL schema); removed on exit, whatever happens."""
    root = Path(tempfile.mkdtemp(prefix="truthline-bench-"))
    env = {
        **os.environ,
        "TRUTHLINE_DATA_DIR": str(root / "data"),
        "TRUTHLINE_NEW_PASSWORD": PASSWORD,
        "TRUTHLINE_EMBEDDED_WORKERS": "0",
        **env_extra,
    }
    env.pop("TRUTHLINE_DATABASE_URL", None)
    schema = None
    if backend == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        _psql(f'CREATE SCHEMA "{schema}"')
        env["TRUTHLINE_DATABASE_URL"] = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        yield Bench(backend, root, env, schema)
    finally:
        if schema:
            try:
                _psql(f'DROP SCHEMA "{schema}" CASCADE')
            except Exception as exc:  # report, but still remove the files
                print(f"warning: could not drop schema {schema}: {exc}", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)


# --- the server -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(bench: Bench) -> Iterator[tuple[int, subprocess.Popen]]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--workers", "0"],
        env=bench.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port, proc)
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- machine facts and results -------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load": load,
    }


def pg_version() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_BASE.replace("+psycopg", ""), autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0]}" if row else "PostgreSQL"
    except Exception:
        return "PostgreSQL (unreachable)"


def db_label(backend: str) -> str:
    if backend == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
    return f"{pg_version()} on 127.0.0.1"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def append_results(
    title: str,
    backend: str,
    params: dict[str, Any],
    rows: list[tuple[str, str, str, str]],
    notes: list[str] | None = None,
    enabled: bool = True,
) -> None:
    """Appends one section: rows are (figure, median, runs, target/verdict)."""
    m = machine()
    lines = [
        f"## {title} ({backend})",
        "",
        f"- date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {m['cpu']}, {m['cores']} cores (os.cpu_count), {m['ram']} RAM, {m['os']}",
        f"- Python {m['python']}; database: {db_label(backend)}",
        f"- load average when the section was written: {m['load']}"
        + ("  (the machine was shared with other work)" if os.getloadavg()[0] > 1.0 else ""),
        "- parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()),
        "",
        "| figure | median | runs | target |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
    ]
    for note in notes or []:
        lines.append(f"- {note}")
    if notes:
        lines.append("")
    text = "\n".join(lines) + "\n"
    print(text)
    if enabled:
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Benchmark results\n\nAppended by the scripts in bench/ (one section per run of "
                "a script and database). Medians of several runs; each run's figures are listed "
                "beside it.\n\n"
            )
        with RESULTS.open("a") as fh:
            fh.write(text)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def fmt_runs(values: list[float], spec: str = "{:.0f}") -> str:
    return ", ".join(spec.format(v) for v in values)
