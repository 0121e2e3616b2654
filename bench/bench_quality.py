"""Quality library at project scale: agreement and consolidation for 1,000,000 classification
annotations (3 per item) and for 100,000 images x 3 annotators x 10 boxes.

Prints the median of 3 runs of each workload and appends a section to bench/RESULTS.md.
Targets: classification < 10 s, boxes < 30 s, on a 2-core machine.

    .venv/bin/python bench/bench_quality.py [--items 333334] [--images 100000] [--no-results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def section(params: dict[str, Any], rows: list[tuple[str, list[float], float]]) -> str:
    """A RESULTS.md section in the layout the other bench scripts use."""
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
        verdict = "met" if med < target else "**missed**"
        runs = ", ".join(f"{t:.2f}" for t in times)
        lines.append(f"| {name} (s) | {med:.2f} | {runs} | < {target:g} s: {verdict} |")
    return "\n".join(lines) + "\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=333_334, help="classification items (x3)")
    parser.add_argument("--images", type=int, default=100_000, help="images (x3 x 10 boxes)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (the median is reported)")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    cls = classification_data(args.items)
    cls_times, cls_out = timed_runs(run_classification, cls, args.runs)
    print(f"classification: {statistics.median(cls_times):.2f} s {cls_times} {cls_out}")

    images = box_data(args.images)
    # The 3 million input dicts are setup, not work: keep the collector from rescanning them.
    gc.collect()
    gc.freeze()
    box_times, box_out = timed_runs(run_boxes, images, args.runs)
    print(f"bbox: {statistics.median(box_times):.2f} s {box_times} {box_out}")

    params = {
        "classification": f"{cls['labels'].size:,} annotations ({args.items:,} items x 3, "
        "3 classes; alpha and Fleiss CIs with 1000 resamples, percent agreement, pairwise "
        "Cohen, majority vote, Dawid-Skene)",
        "bbox": f"{args.images:,} images x 3 annotators x 10 boxes (pairwise F1 at IoU 0.5, "
        "consolidation of every image)",
        "runs": args.runs,
    }
    text = section(
        params,
        [
            ("classification agreement + consolidation", cls_times, 10),
            ("bbox agreement + consolidation", box_times, 30),
        ],
    )
    print(text)
    if not args.no_results:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
