"""The quality dashboard's tables as flat rows for their CSV downloads: agreement (one row per
coefficient), agreement per week, annotators, gold, gold items, reviewer agreement, review
lots and a lot's items. Each ``*_FIELDS`` names the columns, so an empty table keeps its
header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from truthline.db.models import Project
from truthline.db.session import Database
from truthline.services import gold, review_reports

AGREEMENT_FIELDS = [
    "question", "kind", "scope", "name", "metric", "value", "ci_low", "ci_high", "n", "note",
]  # fmt: skip
WEEK_FIELDS = [
    "question", "kind", "week", "metric", "value", "ci_low", "ci_high", "n_items", "error",
]  # fmt: skip
GOLD_FIELDS = [
    "user_id", "username", "scored", "mean_score", "passed", "accuracy", "ci_low", "ci_high",
    "rolling_accuracy", "flagged", "paused",
]  # fmt: skip
GOLD_ITEM_FIELDS = ["item_id", "source", "feedback", "scored", "mean_score", "answer", "created_at"]
LOT_FIELDS = [
    "id", "kind", "status", "lot_size", "item_count", "aql", "sample_size", "accept", "reject",
    "judged", "failures", "decision", "created_at", "decided_at",
]  # fmt: skip
LOT_ITEM_FIELDS = [
    "lot_id", "item_id", "external_id", "stage", "sampled", "judged", "defective",
    "review_outcome", "rework_open", "rework_done",
]  # fmt: skip
REVIEWER_FIELDS = {
    "summary": ["measure", "value", "ci_low", "ci_high"],
    "verdicts": ["first", "second", "count"],
    "pairs": ["reviewer_a", "reviewer_b", "shared", "agreement", "kappa"],
    "codes": ["code", "title", "either", "both", "agreement", "kappa"],
}
PAGE = 500
# Coefficients beside the kind's measure, as the agreement view names them.
EXTRAS = ("percent_agreement", "mean_iou", "mean_oks", "overlap_f1", "wer", "cer")


def _ci(ci: list[float | None] | None) -> tuple[float | None, float | None]:
    return (ci[0], ci[1]) if ci else (None, None)


def _coefficient(
    q: dict[str, Any], scope: str, name: str, metric: Any, value: Any, ci: Any, n: Any,
    note: Any = None,
) -> dict[str, Any]:  # fmt: skip
    low, high = _ci(ci)
    return {"question": q["question"], "kind": q["kind"], "scope": scope, "name": name,
            "metric": metric, "value": value, "ci_low": low, "ci_high": high, "n": n,
            "note": note}  # fmt: skip


def agreement_rows(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per coefficient: the question's measure and the others (scope question), one
    per label (scope label) and one per two annotators' Cohen's kappa (scope pair)."""
    out = []
    for q in questions:
        n = q["n_items"]
        out.append(_coefficient(q, "question", "", q["metric"], q["value"], q["ci"], n,
                                q.get("error")))  # fmt: skip
        out += [
            _coefficient(q, "question", "", key, q[key], None, n)
            for key in EXTRAS
            if q.get(key) is not None
        ]
        if "fleiss_kappa" in q:
            out.append(_coefficient(q, "question", "", "fleiss_kappa", q["fleiss_kappa"],
                                    q.get("fleiss_kappa_ci"), n, q.get("fleiss_note")))  # fmt: skip
        out += [
            _coefficient(
                q, "label", lab["label"], lab.get("metric"), lab["value"], lab["ci"], lab["chosen"]
            )  # fmt: skip
            for lab in q.get("labels") or []
        ]
        cohen = q.get("cohen") or {"annotators": [], "matrix": [], "shared": []}
        people = cohen["annotators"]
        out += [
            _coefficient(
                q,
                "pair",
                f"{people[a]} / {people[b]}",
                "cohen_kappa",
                cohen["matrix"][a][b],
                None,
                cohen["shared"][a][b],
            )  # fmt: skip
            for a in range(len(people))
            for b in range(a + 1, len(people))
        ]
    return out


def week_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**r, "ci_low": _ci(r["ci"])[0], "ci_high": _ci(r["ci"])[1], "error": r.get("error")}
        for r in rows
    ]


def annotator_rows(got: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per annotator; per question the score against the consolidated results."""
    questions = sorted({q for a in got["annotators"] for q in a["consensus"]})
    fields = ["user_id", "username", "items", "gold_scored", "gold_accuracy"]
    for q in questions:
        fields += [f"{q}: {x}" for x in ("n", "mean", "ci_low", "ci_high", "accuracy")]
    rows = []
    for a in got["annotators"]:
        g = a.get("gold") or {}
        row = {"user_id": a["user_id"], "username": a["username"], "items": a["items"],
               "gold_scored": g.get("scored"), "gold_accuracy": g.get("accuracy")}  # fmt: skip
        for q in questions:
            s = a["consensus"].get(q) or {}
            low, high = _ci(s.get("ci"))
            row.update({f"{q}: n": s.get("n"), f"{q}: mean": s.get("mean"), f"{q}: ci_low": low,
                        f"{q}: ci_high": high, f"{q}: accuracy": s.get("accuracy")})  # fmt: skip
        rows.append(row)
    return rows, fields


def gold_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**a, "ci_low": _ci(a.get("ci"))[0], "ci_high": _ci(a.get("ci"))[1]}
        for a in summary["annotators"]
    ]


async def _every_page(
    fetch: Callable[[int | None], Awaitable[list[Any]]], last: Callable[[Any], int]
) -> list[Any]:
    out: list[Any] = []
    after: int | None = None
    while True:
        page = await fetch(after)
        out += page
        if len(page) < PAGE:
            return out
        after = last(page[-1])


async def gold_item_rows(db: Database, project: Project) -> list[dict[str, Any]]:
    """Every gold item of the project with how often it was scored and the mean score."""
    rows = await _every_page(
        lambda after: gold.list_gold(db, project, after_id=after, limit=PAGE),
        lambda r: r[0].item_id,
    )
    return [
        {"item_id": g.item_id, "source": g.source, "feedback": g.feedback, "scored": n or 0,
         "mean_score": mean, "answer": g.answer, "created_at": g.created_at.isoformat()}
        for g, n, mean in rows
    ]  # fmt: skip


async def lot_rows(db: Database, project: Project) -> list[dict[str, Any]]:
    """Every lot and pool of the project, newest first."""
    return await _every_page(
        lambda after: review_reports.list_lots(db, project, after_id=after, limit=PAGE),
        lambda r: r["id"],
    )


async def lot_item_rows(db: Database, project: Project, lot_id: int) -> list[dict[str, Any]]:
    """Every item of one lot, in item-id order."""
    out: list[dict[str, Any]] = []
    after: int | None = None
    while True:
        got = await review_reports.get_lot(db, project, lot_id, after_id=after, limit=PAGE)
        out += [{"lot_id": lot_id, **i} for i in got["items"]]
        after = got["next_cursor_id"]
        if after is None:
            return out


def reviewer_rows(got: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """One table of the reviewer agreement: summary (one row per measure), verdicts (first
    x second verdict counts), pairs or codes."""
    if table == "pairs":
        return list(got["pairs"])
    if table == "codes":
        return list(got["codes"])
    if table == "verdicts":
        v = got["verdicts"]
        return [
            {"first": a, "second": b, "count": got["matrix"][i][j]}
            for i, a in enumerate(v)
            for j, b in enumerate(v)
        ]
    low, high = _ci(got.get("alpha_ci"))
    measures = [
        "annotations_reviewed", "reviewed_twice", "items_reviewed", "items_reviewed_twice",
        "share_reviewed_twice", "verdict_agreement", "kappa", "pass_fail_agreement",
        "pass_fail_kappa", "percent_agreement", "accept_alpha",
    ]  # fmt: skip
    rows = [{"measure": m, "value": got.get(m)} for m in measures]
    return [*rows, {"measure": "alpha", "value": got.get("alpha"), "ci_low": low, "ci_high": high}]
