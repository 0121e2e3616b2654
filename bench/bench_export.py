"""Export throughput: `truthline export` of N items with one annotation each to JSONL.

Setup imports N text items through the CLI and inserts one annotation per item directly into
the annotations table (setup only). A second project with N/10 items shows whether the peak
RSS of the exporting process grows with the size of the project.

Figures: lines/s over the whole command, lines/s with process start-up subtracted (the wall
time of exporting an empty project), and peak RSS (wait4's ru_maxrss).

    .venv/bin/python bench/bench_export.py [--db sqlite|postgresql|both] [--n 1000000]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PG_BASE,
    TEXT_SCHEMA,
    Bench,
    append_results,
    backends,
    bench_env,
    fmt_runs,
    median,
    parse_args,
    verdict,
)
from bench_import import write_text_items  # noqa: E402

TARGET = 100_000
CHUNK = 50_000
COLUMNS = (
    "project_id, item_id, user_id, assignment_id, stage, version, base_version, result, meta,"
    " schema_version_id, guideline_version_id, active_ms, lease_expired, idempotency_key,"
    " created_at"
)


def _annotation_rows(
    item_ids: list[int],
    project_id: int,
    user_id: int,
    schema_version: int,
    start: int,
    sqlite: bool,
) -> list[tuple]:
    labels = ("pos", "neg", "neu")
    now = dt.datetime(2024, 6, 1, 12, 0, 0)
    created = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
    return [
        (
            project_id,
            item_id,
            user_id,
            None,
            "annotate",
            1,
            None,
            orjson.dumps({"sentiment": {"labels": [labels[item_id % 3]]}}).decode(),
            "{}",
            schema_version,
            None,
            1000 + item_id % 5000,
            False,
            f"bench-{project_id}-{start + k}",
            created,
        )
        for k, item_id in enumerate(item_ids)
    ]


def add_annotations(b: Bench, project: str) -> int:
    """One annotation by the admin on every item of the project, written with executemany."""
    pid, sv = b.sql("SELECT id, schema_version_id FROM projects WHERE name = %s", (project,))[0]
    uid = b.sql("SELECT id FROM users WHERE username = 'admin'")[0][0]
    marks = ", ".join(["%s"] * 15)
    if b.backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(b.data_dir / "truthline.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        ids = [
            r[0]
            for r in conn.execute("SELECT id FROM items WHERE project_id = ? ORDER BY id", (pid,))
        ]
        sql = f"INSERT INTO annotations ({COLUMNS}) VALUES ({marks.replace('%s', '?')})"
        for k in range(0, len(ids), CHUNK):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(sql, _annotation_rows(ids[k : k + CHUNK], pid, uid, sv, k, True))
            conn.execute("COMMIT")
        conn.execute(
            "UPDATE items SET stage = 'done', slots_free = 0, submitted_count = 1"
            " WHERE project_id = ?",
            (pid,),
        )
        conn.close()
        return len(ids)
    import psycopg

    with psycopg.connect(PG_BASE.replace("+psycopg", "")) as conn:
        conn.execute(f'SET search_path TO "{b.schema}"')
        ids = [
            r[0]
            for r in conn.execute("SELECT id FROM items WHERE project_id = %s ORDER BY id", (pid,))
        ]
        pg_marks = ["%s"] * 15
        pg_marks[7] = pg_marks[8] = "CAST(%s AS jsonb)"  # result, meta
        sql = f"INSERT INTO annotations ({COLUMNS}) VALUES ({', '.join(pg_marks)})"
        with conn.cursor() as cur:
            for k in range(0, len(ids), CHUNK):
                cur.executemany(sql, _annotation_rows(ids[k : k + CHUNK], pid, uid, sv, k, False))
                conn.commit()
        conn.execute(
            "UPDATE items SET stage = 'done', slots_free = 0, submitted_count = 1"
            " WHERE project_id = %s",
            (pid,),
        )
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    return len(ids)


def run_backend(backend: str, n: int, runs: int, write: bool) -> None:
    small_n = max(1, n // 10)
    with bench_env(backend) as b, tempfile.TemporaryDirectory(prefix="tl-export-") as tmp:
        b.setup_admin()
        for name, count in (("big", n), ("small", small_n)):
            b.create_project(name, TEXT_SCHEMA)
            data = Path(tmp) / f"{name}.jsonl"
            write_text_items(data, count)
            b.cli("import", name, str(data), timeout=1800)
            data.unlink()
            add_annotations(b, name)
        b.create_project("empty", TEXT_SCHEMA)
        print(f"[{backend}] built {n:,} + {small_n:,} items with one annotation each", flush=True)
        out = Path(tmp) / "out.jsonl"
        base = median([b.timed_cli("export", "empty", "-o", str(out))[0] for _ in range(3)])
        results = []
        for k in range(runs):
            wall, rss, _ = b.timed_cli("export", "big", "-o", str(out))
            lines = sum(1 for _ in out.open("rb"))
            first = orjson.loads(out.open("rb").readline())
            if lines != n or len(first["annotations"]) != 1:
                raise RuntimeError(f"export wrote {lines} lines, expected {n}")
            results.append(
                {"wall": wall, "rss": rss, "rate": n / wall, "rate_net": n / max(1e-9, wall - base)}
            )
            print(
                f"[{backend}] export run {k + 1}: {wall:.2f} s, {n / wall:,.0f} lines/s, "
                f"peak RSS {rss:.0f} MB",
                flush=True,
            )
        small = []
        for _ in range(runs):
            wall, rss, _ = b.timed_cli("export", "small", "-o", str(out))
            small.append(rss)
        out.unlink(missing_ok=True)
    rate = median([r["rate"] for r in results])
    net = median([r["rate_net"] for r in results])
    rss_big, rss_small = median([r["rss"] for r in results]), median(small)
    append_results(
        "Export: items with one annotation each to JSONL",
        backend,
        {
            "items": f"{n:,}",
            "annotations": f"{n:,}",
            "runs": runs,
            "command": "`truthline export PROJECT -o FILE` (versions=latest)",
        },
        [
            (
                "whole command (s)",
                f"{median([r['wall'] for r in results]):.2f}",
                fmt_runs([r["wall"] for r in results], "{:.2f}"),
                "",
            ),
            (
                "lines/s (whole command)",
                f"{rate:,.0f}",
                fmt_runs([r["rate"] for r in results]),
                f">= {TARGET:,}: {verdict(rate >= TARGET)}",
            ),
            (
                f"lines/s without process start-up ({base:.2f} s, empty project)",
                f"{net:,.0f}",
                fmt_runs([r["rate_net"] for r in results]),
                f">= {TARGET:,}: {verdict(net >= TARGET)}",
            ),
            (
                f"peak RSS, {n:,} items (MB)",
                f"{rss_big:.0f}",
                fmt_runs([r["rss"] for r in results]),
                "",
            ),
            (
                f"peak RSS, {small_n:,} items (MB)",
                f"{rss_small:.0f}",
                fmt_runs(small),
                "constant memory: " + verdict(rss_big <= rss_small * 1.15 + 5),
            ),
        ],
        enabled=write,
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], 1_000_000)
    for backend in backends(args.db):
        run_backend(backend, args.n, args.runs or 3, not args.no_results)


if __name__ == "__main__":
    main()
