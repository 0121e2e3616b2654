"""Import throughput: `truthline import` of N text items (and N/10 image items) from JSONL.

Figures: the import step's wall time (from the import row's created_at to its finished_at, i.e.
reading, checking and writing every row, without process start-up), items/s, the wall time of
the whole CLI command, and the peak RSS of the importing process (wait4's ru_maxrss).
Each run uses a fresh data dir / schema, so every run imports into an empty items table.

    .venv/bin/python bench/bench_import.py [--db sqlite|postgresql|both] [--n 1000000]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BBOX_SCHEMA,
    TEXT_SCHEMA,
    append_results,
    backends,
    bench_env,
    fmt_runs,
    median,
    parse_args,
    verdict,
)

SENTENCE = (
    "the quick brown fox jumps over a lazy dog while annotators label every sentence with"
    " care and models learn from clean ground truth data sets of many kinds"
)
WORDS = SENTENCE.split()
TARGET_RATE = 100_000
TARGET_RSS_MB = 300


def write_text_items(path: Path, n: int) -> None:
    rnd = random.Random(1)
    with path.open("wb") as fh:
        buf = []
        for i in range(n):
            text = " ".join(rnd.choices(WORDS, k=12))
            buf.append(orjson.dumps({"id": f"t{i}", "text": text}))
            if len(buf) >= 10_000:
                fh.write(b"\n".join(buf) + b"\n")
                buf.clear()
        if buf:
            fh.write(b"\n".join(buf) + b"\n")


def write_image_items(path: Path, n: int) -> None:
    rnd = random.Random(2)
    with path.open("wb") as fh:
        for i in range(n):
            key = f"{rnd.getrandbits(8):02x}/{rnd.getrandbits(64):016x}.png"
            rec = {
                "id": f"img{i}",
                "image": f"media:{key}",
                "meta": {
                    "camera": f"cam{i % 7}",
                    "site": rnd.choice(["north", "south", "east"]),
                    "taken_at": f"2024-05-{1 + i % 28:02d}T12:00:00Z",
                },
                "priority": rnd.randint(0, 9),
            }
            fh.write(orjson.dumps(rec) + b"\n")


def _as_dt(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def one_run(backend: str, schema: dict, data: Path, n: int) -> dict[str, float]:
    with bench_env(backend) as b:
        b.setup_admin()
        b.create_project("imp", schema)
        wall, rss, out = b.timed_cli("import", "imp", str(data))
        row = b.sql(
            "SELECT created_at, finished_at, created, rejected FROM imports"
            " ORDER BY id DESC LIMIT 1"
        )[0]
        step = (_as_dt(row[1]) - _as_dt(row[0])).total_seconds()
        if row[2] != n:
            raise RuntimeError(f"expected {n} items created, got {row[2]} ({out})")
        return {"step": step, "wall": wall, "rss": rss, "rate": n / step}


def run_case(
    backend: str, title: str, schema: dict, data: Path, n: int, runs: int, write: bool
) -> None:
    results = []
    for k in range(runs):
        r = one_run(backend, schema, data, n)
        print(
            f"[{backend}] {title} run {k + 1}/{runs}: step {r['step']:.2f} s, "
            f"{r['rate']:,.0f} items/s, command {r['wall']:.2f} s, peak RSS {r['rss']:.0f} MB",
            flush=True,
        )
        results.append(r)
    rate = median([r["rate"] for r in results])
    rss = median([r["rss"] for r in results])
    append_results(
        title,
        backend,
        {
            "items": f"{n:,}",
            "file": f"{data.stat().st_size / 1e6:.0f} MB JSONL",
            "runs": runs,
            "batch": "5000 rows per INSERT (services/imports.py)",
        },
        [
            (
                "import step wall time (s)",
                f"{median([r['step'] for r in results]):.2f}",
                fmt_runs([r["step"] for r in results], "{:.2f}"),
                "",
            ),
            (
                "items/s (import step)",
                f"{rate:,.0f}",
                fmt_runs([r["rate"] for r in results]),
                f">= {TARGET_RATE:,}: {verdict(rate >= TARGET_RATE)}",
            ),
            (
                "whole `truthline import` command (s)",
                f"{median([r['wall'] for r in results]):.2f}",
                fmt_runs([r["wall"] for r in results], "{:.2f}"),
                "",
            ),
            (
                "peak RSS of the importing process (MB)",
                f"{rss:.0f}",
                fmt_runs([r["rss"] for r in results]),
                f"< {TARGET_RSS_MB}: {verdict(rss < TARGET_RSS_MB)}",
            ),
        ],
        enabled=write,
    )


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0], 1_000_000, images=(int, None, "image items (default n/10)")
    )
    runs = args.runs or 3
    n_images = args.images if args.images is not None else max(1, args.n // 10)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="truthline-bench-data-") as tmp:
        text_file, image_file = Path(tmp) / "text.jsonl", Path(tmp) / "images.jsonl"
        write_text_items(text_file, args.n)
        write_image_items(image_file, n_images)
        for backend in backends(args.db):
            run_case(
                backend,
                "Import: text items from JSONL",
                TEXT_SCHEMA,
                text_file,
                args.n,
                runs,
                not args.no_results,
            )
            run_case(
                backend,
                "Import: image items with metadata from JSONL",
                BBOX_SCHEMA,
                image_file,
                n_images,
                runs,
                not args.no_results,
            )


if __name__ == "__main__":
    main()
