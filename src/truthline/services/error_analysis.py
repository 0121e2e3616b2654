"""Error analysis for the quality dashboard, from review verdicts: error codes Pareto, by
annotator, label, guideline section and week; the label confusion matrix (annotator vs
consolidated); per-annotator trend; the coaching list; and the item ids behind any cell of
the dashboard (reviewed, annotated, scored against the consolidated result or gold, or one
confusion cell); and the CSV writer every dashboard download uses."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from truthline.db.models import Annotation, ConsolidatedResult, Project, ReviewVerdict, User
from truthline.db.session import Database
from truthline.services.quality_data import latest_for_items, questions_of
from truthline.services.quality_settings import quality_of
from truthline.services.review_sampling import labels_of


@dataclass
class Row:
    verdict_id: int
    item_id: int
    annotator_id: int
    annotator: str
    verdict: str
    codes: list[str]
    comment: str
    labels: set[str]
    week: str
    fixed_annotation_id: int | None
    created_at: datetime
    sections: set[str] = field(default_factory=set)  # of its codes; NONE for no section


# A filter value for "no section" and "no label": the dashboard shows both as "(none)".
NONE = "(none)"
# What a drill-down lists: items behind verdicts, items the annotator annotated, items whose
# answer to a question was scored against the consolidated result, gold-scored items, or the
# items of one cell of the confusion matrix.
DRILLS = ("reviewed", "annotated", "scored", "gold", "confusion")


@dataclass
class Filters:
    annotator: str | None = None  # username or id
    code: str | None = None
    label: str | None = None
    week: str | None = None
    section: str | None = None  # a guideline section of the taxonomy, or NONE
    of: str = "reviewed"
    question: str | None = None
    given: str | None = None  # confusion cell: the label given (NONE: no label)
    consolidated: str | None = None  # confusion cell: the consolidated label

    def keep(self, r: Row) -> bool:
        return (
            (self.annotator is None or self.annotator in (r.annotator, str(r.annotator_id)))
            and (self.code is None or self.code in r.codes)
            and (self.label is None or self.label in r.labels)
            and (self.week is None or self.week == r.week)
            and (self.section is None or self.section in r.sections)
        )


def iso_week(when: datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


async def load_rows(db: Database, project: Project, filters: Filters | None = None) -> list[Row]:
    taxonomy = quality_of(project).codes()

    def sections(codes: list[str]) -> set[str]:
        return {(e.section if (e := taxonomy.get(c)) and e.section else NONE) for c in codes}

    async with db.read() as s:
        q = (
            select(ReviewVerdict, Annotation.result, User.username)
            .join(Annotation, Annotation.id == ReviewVerdict.annotation_id)
            .join(User, User.id == ReviewVerdict.annotator_id)
            .where(ReviewVerdict.project_id == project.id)
            .order_by(ReviewVerdict.id)
        )
        rows = [
            Row(
                v.id,
                v.item_id,
                v.annotator_id,
                name,
                v.verdict,
                list(v.error_codes or []),
                v.comment,
                labels_of(result),
                iso_week(v.created_at),
                v.fixed_annotation_id,
                v.created_at,
                sections(list(v.error_codes or [])),
            )  # fmt: skip
            for v, result, name in await s.execute(q)
        ]
    f = filters or Filters()
    return [r for r in rows if f.keep(r)]


def _is_error(r: Row) -> bool:
    return r.verdict != "accept"


def pareto(project: Project, rows: list[Row]) -> list[dict[str, Any]]:
    taxonomy = quality_of(project).codes()
    counts = Counter(c for r in rows for c in r.codes)
    total = sum(counts.values())
    out, running = [], 0
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += n
        entry = taxonomy.get(code)
        out.append(
            {
                "code": code,
                "title": entry.title if entry else None,
                "section": entry.section if entry else None,
                "count": n,
                "share": n / total,
                "cumulative_share": running / total,
            }
        )
    return out


def _grouped(rows: list[Row], keys: Any, name: str) -> list[dict[str, Any]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        for k in keys(r):
            groups[k].append(r)
    out = []
    for k in sorted(groups):
        rs = groups[k]
        errors = sum(_is_error(r) for r in rs)
        out.append(
            {
                name: k,
                "reviewed": len(rs),
                "accepted": sum(r.verdict == "accept" for r in rs),
                "fixed": sum(r.verdict == "fix" for r in rs),
                "rejected": sum(r.verdict == "reject" for r in rs),
                "error_rate": errors / len(rs),
                "codes": dict(sorted(Counter(c for r in rs for c in r.codes).items())),
            }
        )
    return out


def by_annotator(rows: list[Row]) -> list[dict[str, Any]]:
    return _grouped(rows, lambda r: [r.annotator], "annotator")


def by_label(rows: list[Row]) -> list[dict[str, Any]]:
    return _grouped(rows, lambda r: sorted(r.labels) or [""], "label")


def by_week(rows: list[Row]) -> list[dict[str, Any]]:
    return _grouped(rows, lambda r: [r.week], "week")


def by_section(project: Project, rows: list[Row]) -> list[dict[str, Any]]:
    taxonomy = quality_of(project).codes()
    counts: Counter[str] = Counter()
    for r in rows:
        for c in r.codes:
            entry = taxonomy.get(c)
            counts[(entry.section if entry and entry.section else "") or ""] += 1
    total = sum(counts.values())
    return [
        {"section": k, "count": n, "share": n / total}
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def trend(rows: list[Row]) -> list[dict[str, Any]]:
    """Per annotator and week: reviewed, error rate."""
    out = []
    for entry in _grouped(rows, lambda r: [f"{r.annotator}\t{r.week}"], "key"):
        annotator, week = entry.pop("key").split("\t")
        out.append({"annotator": annotator, "week": week, **entry})
    return out


def coaching(rows: list[Row], *, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    """Items an annotator got wrong (fix or reject), with the reviewer's notes, newest last."""
    wrong = [r for r in rows if _is_error(r) and (after_id is None or r.verdict_id > after_id)]
    return [
        {
            "verdict_id": r.verdict_id,
            "item_id": r.item_id,
            "annotator": r.annotator,
            "verdict": r.verdict,
            "error_codes": r.codes,
            "comment": r.comment,
            "fixed_annotation_id": r.fixed_annotation_id,
            "created_at": r.created_at.isoformat(),
        }
        for r in wrong[:limit]
    ]


def drill_down(rows: list[Row], *, after_id: int | None, limit: int) -> list[int]:
    ids = sorted({r.item_id for r in rows if after_id is None or r.item_id > after_id})
    return ids[:limit]


async def confusion(
    db: Database, project: Project, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """Per classification question: counts of (label given, consolidated label)."""
    async with db.read() as s:
        questions = [q for q in await questions_of(s, project) if q.kind == "classification"]
        names = dict((await s.execute(select(User.id, User.username))).all())
        out = []
        for q in questions:
            refs: dict[int, Any] = dict(
                (
                    await s.execute(
                        select(ConsolidatedResult.item_id, ConsolidatedResult.result).where(
                            ConsolidatedResult.project_id == project.id,
                            ConsolidatedResult.question == q.name,
                        )
                    )
                ).all()
            )
            cells: Counter[tuple[str, str]] = Counter()
            ids = list(refs)
            for start in range(0, len(ids), 500):
                latest = await latest_for_items(s, ids[start : start + 500])
                for item_id, per in latest.items():
                    want = first_label(refs[item_id])
                    for u, a in per.items():
                        if filters and filters.annotator not in (None, names.get(u), str(u)):
                            continue
                        got = a.result.get(q.name)
                        if got is not None:
                            cells[(first_label(got), want)] += 1
            labels = sorted({x for pair in cells for x in pair})
            out.append(
                {
                    "question": q.name,
                    "labels": labels,
                    "matrix": [[cells[(g, w)] for w in labels] for g in labels],
                }
            )
    return out


def first_label(result: dict[str, Any]) -> str:
    """A classification answer as one confusion label: its labels sorted and joined by |."""
    labels = result.get("labels") or []
    return "|".join(sorted(map(str, labels))) if labels else ""


def to_csv(
    rows: list[dict[str, Any]], fields: list[str] | None = None, *, header: bool = True
) -> str:
    """Flat CSV of a list of dicts (columns: ``fields``, else the first row's keys); nested
    values are written as JSON text. With ``fields`` an empty table still has its header;
    ``header=False`` leaves it out (the later chunks of a streamed table)."""
    buf = io.StringIO()
    if not rows and not fields:
        return ""
    fields = fields or list(rows[0])
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    if header:
        writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if isinstance(v, dict | list):
        import orjson

        return orjson.dumps(v).decode()
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # a spreadsheet must not run it as a formula
    return "" if v is None else v


CONFUSION_FIELDS = ["question", "given", "consolidated", "count"]


def confusion_rows(matrices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The confusion matrices as one row per cell."""
    return [
        {"question": m["question"], "given": g, "consolidated": w, "count": m["matrix"][i][j]}
        for m in matrices
        for i, g in enumerate(m["labels"])
        for j, w in enumerate(m["labels"])
    ]
