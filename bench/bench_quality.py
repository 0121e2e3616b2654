"""Quality at project scale: agreement and consolidation for 1,000,000 classification
annotations (3 per item) and for 100,000 images x 3 annotators x 10 boxes.

Two figures per workload: the library's fast paths on arrays, and the service path the
product runs (``consolidate_project`` and ``project_agreement``, from loaded rows to the
result rows ready to store; the database reads and writes are left out, see ``NoDatabase``).
Prints the median of 3 runs of each and appends a section to bench/RESULTS.md.
Targets: classification < 10 s, boxes < 30 s, on a 2-core machine.

    .venv/bin/python bench/bench_quality.py [--scale 1.0] [--runs 3] [--no-results]

``--scale 0.05`` runs everything on 5% of the data (a quick check that it works); a run at
another scale than 1 never writes to RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np

from truthline.quality import dawid_skene
from truthline.quality.agreement import (
    box_agreement_many,
    count_matrix,
    fleiss_kappa_ci,
    krippendorff_alpha_ci,
    pairwise_cohen,
    percent_agreement,
)
from truthline.quality.consolidation import consolidate_many, majority_vote

ACCURACY = np.array([0.9, 0.8, 0.55])
RESULTS = Path(__file__).with_name("RESULTS.md")


def classification_data(n_items: int, n_classes: int = 3, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_classes, n_items)
    items = np.repeat(np.arange(n_items), 3)
    annotators = np.tile(np.arange(3), n_items)
    correct = rng.random(items.size) < ACCURACY[annotators]
    wrong = (truth[items] + rng.integers(1, n_classes, items.size)) % n_classes
    labels = np.where(correct, truth[items], wrong)
    return {"items": items, "annotators": annotators, "labels": labels, "n_items": n_items}


def run_classification(d: dict[str, Any]) -> dict[str, float]:
    counts = count_matrix(d["items"], d["labels"], d["n_items"], 3)
    alpha = krippendorff_alpha_ci(counts=counts, n_boot=1000, seed=0)
    fleiss = fleiss_kappa_ci(counts, n_boot=1000, seed=0)
    share = percent_agreement(counts=counts)
    # Annotators x items matrix for the pairwise Cohen matrix (every annotator rated all).
    matrix = d["labels"].reshape(-1, 3).T
    cohen = pairwise_cohen(matrix)
    mv, _ = majority_vote(d["items"], d["labels"], d["n_items"], 3)
    ds = dawid_skene(d["items"], d["annotators"], d["labels"], n_items=d["n_items"])
    return {
        "alpha": alpha.value,
        "fleiss": fleiss.value,
        "percent": share,
        "cohen_01": float(cohen[0, 1]),
        "mv_labels": float(mv.size),
        "ds_iter": float(ds.n_iter),
    }


def box_data(n_images: int, per_image: int = 10, seed: int = 0) -> list[list[dict[str, Any]]]:
    """Per image, 3 results: jittered copies of 10 true boxes, 5% missed, 5% relabelled."""
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(n_images):
        base = np.column_stack(
            [rng.uniform(0, 1800, (per_image, 2)), rng.uniform(20, 200, (per_image, 2))]
        )
        results = []
        for _ in range(3):
            boxes = base + rng.normal(0, 3, base.shape)
            keep = rng.random(per_image) > 0.05
            relabel = rng.random(per_image) < 0.05
            results.append(
                {
                    "boxes": [
                        {
                            "id": f"b{i}",
                            "x": x,
                            "y": y,
                            "w": w,
                            "h": h,
                            "label": "bus" if r else "car",
                        }
                        for i, ((x, y, w, h), r) in enumerate(
                            zip(boxes.tolist(), relabel, strict=True)
                        )
                        if keep[i]
                    ]
                }
            )
        images.append(results)
    return images


def run_boxes(images: list[list[dict[str, Any]]]) -> dict[str, float]:
    # Agreement: every two annotators of every image, one-to-one matching at IoU 0.5.
    pairs, labels = [], []
    for results in images:
        arrays = [_coords(r["boxes"]) for r in results]
        names = [[b["label"] for b in r["boxes"]] for r in results]
        for i, j in ((0, 1), (0, 2), (1, 2)):
            pairs.append((arrays[i], arrays[j]))
            labels.append((names[i], names[j]))
    agreement = box_agreement_many(pairs, 0.5, labels=labels)
    # Consolidation of every image, vectorized across images (same results as one by one).
    kept = sum(len(c.result["boxes"]) for c in consolidate_many("bbox", images))
    return {"f1": agreement.f1, "mean_iou": agreement.mean_iou, "boxes_kept": float(kept)}


def _coords(boxes: list[dict[str, Any]]) -> np.ndarray:
    return np.array([[b["x"], b["y"], b["w"], b["h"]] for b in boxes], dtype=np.float64).reshape(
        -1, 4
    )


# --- the service path -------------------------------------------------------------------------
# The rows a page read would give (items and each annotator's latest version), built in memory;
# the loaders and the store of truthline.services.consolidation are swapped for ones that hand
# out these pages and count the result rows, so that everything else is the product's code.
CLASSIFICATION_Q = {
    "name": "sentiment",
    "kind": "classification",
    "required": True,
    "classes": [{"name": "pos"}, {"name": "neg"}, {"name": "neu"}],
    "multiple": False,
}
BBOX_Q = {
    "name": "objects",
    "kind": "bbox",
    "required": True,
    "field": "image",
    "classes": [{"name": "car"}, {"name": "bus"}],
    "min_size": 1.0,
}


@dataclass
class ServiceData:
    question: dict[str, Any]
    pages: list[tuple[list[Any], dict[int, dict[int, Any]]]]
    annotations: int


def _service_pages(results: list[list[dict[str, Any]]], name: str) -> ServiceData:
    """Per item, one result per annotator -> pages of (items, item -> annotator -> Latest)."""
    from truthline.services.quality_data import PAGE, Latest

    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    pages, aid = [], 0
    for start in range(0, len(results), PAGE):
        items, latest = [], {}
        for n, given in enumerate(results[start : start + PAGE], start + 1):
            items.append(SimpleNamespace(id=n, meta={}))
            per: dict[int, Any] = {}
            for user, result in enumerate(given, 1):
                aid += 1
                per[user] = Latest(aid, n, user, 1, {name: result}, created)
            latest[n] = per
        pages.append((items, latest))
    return ServiceData({}, pages, aid)


def service_classification_data(n_items: int, seed: int = 0) -> ServiceData:
    """The classification workload (the same votes) as the rows of 3 annotators per item."""
    d = classification_data(n_items, seed=seed)
    names = np.array(["pos", "neg", "neu"])[d["labels"]].reshape(-1, 3).tolist()
    data = _service_pages([[{"labels": [x]} for x in row] for row in names], "sentiment")
    data.question = CLASSIFICATION_Q
    return data


def service_box_data(images: list[list[dict[str, Any]]]) -> ServiceData:
    """The bbox workload (the same result dicts) as the rows of 3 annotators per image."""
    data = _service_pages(images, "objects")
    data.question = BBOX_Q
    return data


class NoDatabase:
    """Stands in for the database (and its sessions): statements run on it find no rows."""

    is_sqlite = True

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Any]:
        yield self

    write = read

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return SimpleNamespace(all=list, scalars=list, scalar=lambda: None)

    async def scalars(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []

    async def scalar(self, *args: Any, **kwargs: Any) -> None:
        return None


def run_service(data: ServiceData) -> dict[str, float]:
    """``consolidate_project`` then ``project_agreement`` (1000 resamples, the API's default)
    over the in-memory pages; returns the rows made ready to store and the agreement."""
    from truthline.db.models import Project
    from truthline.services import consolidation
    from truthline.services.quality_data import Question

    q = data.question
    questions = [Question(q["name"], q["kind"], q)]
    stored = [0]

    async def pages(db: Any, project_id: int, *args: Any, **kwargs: Any) -> Any:
        for page in data.pages:
            yield page

    async def questions_of(s: Any, project: Any) -> list[Any]:
        return questions

    async def annotated_item_count(db: Any, project_id: int) -> int:
        return sum(len(items) for items, _ in data.pages)

    async def store(db: Any, project_id: int, item_ids: Any, rows: list, *args: Any, **kw: Any):
        stored[0] += len(rows)

    async def both() -> dict[str, float]:
        project = Project(id=1, name="bench", settings={})
        db = NoDatabase()
        t0 = time.perf_counter()
        await consolidation.consolidate_project(db, project)  # type: ignore[arg-type]
        t1 = time.perf_counter()
        (agreement,) = await consolidation.project_agreement(db, project, n_boot=1000)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        return {
            "rows": float(stored[0]),
            "value": agreement["value"],
            "consolidate_s": t1 - t0,
            "agreement_s": t2 - t1,
        }

    with mock.patch.multiple(
        consolidation,
        pages=pages,
        questions_of=questions_of,
        annotated_item_count=annotated_item_count,
        _store=store,
    ):
        return asyncio.run(both())


def timed_runs(
    fn: Callable[[Any], dict[str, float]], data: Any, runs: int
) -> tuple[list[float], dict]:
    times, out = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        out = fn(data)
        times.append(time.perf_counter() - start)
    return times, out


def machine() -> dict[str, str]:
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def section(
    params: dict[str, Any], rows: list[tuple[str, list[float], float]], full_scale: bool = True
) -> str:
    """A RESULTS.md section in the layout the other bench scripts use (at another scale than
    the targets', no verdict is given)."""
    m = machine()
    shared = "  (the machine was shared with other work)" if os.getloadavg()[0] > 1.0 else ""
    lines = [
        "## Quality: agreement and consolidation (no database)",
        "",
        f"- date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {m['cpu']}, {m['cores']} cores (os.cpu_count), {m['ram']} RAM, {m['os']}",
        f"- Python {m['python']}",
        f"- load average when the section was written: {m['load']}{shared}",
        "- parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()),
        "",
        "| figure | median | runs | target |",
        "|---|---|---|---|",
    ]
    for name, times, target in rows:
        med = statistics.median(times)
        verdict = ("met" if med < target else "**missed**") if full_scale else "at full scale"
        runs = ", ".join(f"{t:.2f}" for t in times)
        lines.append(f"| {name} (s) | {med:.2f} | {runs} | < {target:g} s: {verdict} |")
    return "\n".join(lines) + "\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=333_334, help="classification items (x3)")
    parser.add_argument("--images", type=int, default=100_000, help="images (x3 x 10 boxes)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies --items and --images (a quick check)"
    )
    parser.add_argument("--runs", type=int, default=3, help="repetitions (the median is reported)")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    n_items = max(1, round(args.items * args.scale))
    n_images = max(1, round(args.images * args.scale))

    cls = classification_data(n_items)
    cls_times, cls_out = timed_runs(run_classification, cls, args.runs)
    print(f"classification: {statistics.median(cls_times):.2f} s {cls_times} {cls_out}")

    svc = service_classification_data(n_items)
    gc.collect()
    gc.freeze()
    svc_cls_times, svc_cls_out = timed_runs(run_service, svc, args.runs)
    print(f"classification, service: {statistics.median(svc_cls_times):.2f} s {svc_cls_out}")
    del svc
    gc.unfreeze()
    gc.collect()

    images = box_data(n_images)
    svc = service_box_data(images)
    # The 3 million input dicts are setup, not work: keep the collector from rescanning them.
    gc.collect()
    gc.freeze()
    box_times, box_out = timed_runs(run_boxes, images, args.runs)
    print(f"bbox: {statistics.median(box_times):.2f} s {box_times} {box_out}")
    svc_box_times, svc_box_out = timed_runs(run_service, svc, args.runs)
    print(f"bbox, service: {statistics.median(svc_box_times):.2f} s {svc_box_out}")

    params = {
        "classification": f"{cls['labels'].size:,} annotations ({n_items:,} items x 3, "
        "3 classes; alpha and Fleiss CIs with 1000 resamples, percent agreement, pairwise "
        "Cohen, majority vote, Dawid-Skene)",
        "bbox": f"{n_images:,} images x 3 annotators x 10 boxes (pairwise F1 at IoU 0.5, "
        "consolidation of every image)",
        "service path": "consolidate_project (majority) + project_agreement (1000 resamples) "
        "on rows already loaded, result rows built but not written",
        "runs": args.runs,
    }
    text = section(
        params,
        [
            ("classification agreement + consolidation", cls_times, 10),
            ("bbox agreement + consolidation", box_times, 30),
            ("service path: classification consolidation + agreement", svc_cls_times, 10),
            ("service path: bbox consolidation + agreement", svc_box_times, 30),
        ],
        full_scale=args.scale == 1.0,
    )
    print(text)
    if args.scale != 1.0:
        print("(not written to RESULTS.md: --scale is not 1)")
    elif not args.no_results:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
