"""Guideline sections for the affected-items filters: the numbered sections of a text, which of
them a version changed, which schema questions point at them, and the JSON conditions that pick
the annotations answering those questions or carrying a label (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, exists, literal, literal_column, or_, select
from sqlalchemy import func as sa_func

from truthline.db.models import Annotation
from truthline.errors import InvalidInput

# "## 3.2 Title", "### §4 Title": a numbered heading starts a section others can point at.
SECTION_RE = re.compile(r"^(#{1,6})\s+§?\s*(\d+(?:\.\d+)*)\.?\s+(.+?)\s*$", re.M)
HEADING_RE = re.compile(r"^(#{1,6})\s")
NUMBER_RE = re.compile(r"^\d{1,4}(?:\.\d{1,4}){0,7}$")


def parse_sections(body: str) -> dict[str, dict[str, object]]:
    """Numbered headings → {"3.2": {"title": ..., "line": n}} (line is 1-based)."""
    out: dict[str, dict[str, object]] = {}
    for match in SECTION_RE.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        out.setdefault(match.group(2), {"title": match.group(3), "line": line})
    return out


def normalize_section(raw: str) -> str:
    """ "§ 3.2." → "3.2" (the form questions and sections are compared in)."""
    return raw.strip().removeprefix("§").strip().removesuffix(".")


def check_section(raw: str, field: str = "section") -> str:
    section = normalize_section(raw)
    if not NUMBER_RE.match(section):
        raise InvalidInput(
            f"{field} must be a section number such as 3 or 3.2", field=field, value=raw[:40]
        )
    return section


def sort_key(section: str) -> tuple[int, ...]:
    return tuple(int(p) for p in section.split("."))


def _within(section: str, parent: str) -> bool:
    return section == parent or section.startswith(parent + ".")


def own_texts(body: str) -> dict[str, str]:
    """Each numbered section's own text: its heading line and the lines after it, up to the next
    numbered heading or a heading of the same or a higher level (an unnumbered "## FAQ" after
    "## 2 Classes" is not part of section 2; a "### Examples" under it is)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    level = 0
    for line in body.splitlines():
        heading = HEADING_RE.match(line)
        if heading:
            numbered = SECTION_RE.match(line)
            depth = len(heading.group(1))
            if numbered:
                # A number used twice keeps one section (as parse_sections does), with both texts.
                current = out.setdefault(numbered.group(2), [])
                level = depth
            elif current is not None and depth <= level:
                current = None
        if current is not None:
            current.append(line.rstrip())
    return {k: "\n".join(v).strip() for k, v in out.items()}


def whole_texts(body: str) -> dict[str, str]:
    """Each section's text with its subsections' (by number: 2.1 and 2.1.3 are inside 2)."""
    own = own_texts(body)
    return {s: "\n".join(t for k, t in own.items() if _within(k, s)) for s in own}


Change = Literal["added", "changed", "removed"]


@dataclass
class SectionChange:
    section: str
    title: str
    change: Change | None  # None: the section is as it was


def compare_sections(old_body: str, new_body: str) -> list[SectionChange]:
    """The sections of the new text, and those the old one had and the new one dropped, each
    with how it changed. A section changed when its text or its subsections' text did."""
    old, new = whole_texts(old_body), whole_texts(new_body)
    titles = {k: str(v["title"]) for k, v in parse_sections(old_body).items()}
    titles.update({k: str(v["title"]) for k, v in parse_sections(new_body).items()})
    out = []
    for s in sorted(set(old) | set(new), key=sort_key):
        if s not in old:
            change: Change | None = "added"
        elif s not in new:
            change = "removed"
        else:
            change = "changed" if old[s] != new[s] else None
        out.append(SectionChange(s, titles.get(s, ""), change))
    return out


def questions_by_section(schemas: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Section number → the names of the questions pointing at it, over every schema version
    (a question renamed since still finds the annotations made under its old name)."""
    out: dict[str, set[str]] = {}
    for schema in schemas:
        for q in schema.get("questions") or []:
            raw = q.get("guideline_section") if isinstance(q, dict) else None
            if isinstance(raw, str) and normalize_section(raw) and q.get("name"):
                out.setdefault(normalize_section(raw), set()).add(str(q["name"]))
    return out


def questions_for(
    by_section: dict[str, set[str]], sections: Collection[str], *, subsections: bool
) -> set[str]:
    """The questions pointing at one of ``sections`` (or, with ``subsections``, inside one)."""
    found: set[str] = set()
    for pointed, names in by_section.items():
        if any(pointed == s or (subsections and _within(pointed, s)) for s in sections):
            found |= names
    return found


# --- JSON conditions on Annotation.result ---------------------------------------------------------
# A label is a value of a "label" key (shapes, spans, relations) or of a "labels" list
# (classification): an exact match, never a piece of some other text.
_PG_LABEL_PATH: ColumnElement[str] = literal_column(
    "'$.** ? (@.label == $l || @.labels == $l)'::jsonpath"
)


def answer_condition(
    dialect: str, questions: Collection[str] | None, label: str | None
) -> ColumnElement[bool]:
    """Annotations with a (non-null) answer to one of ``questions`` (any question when None)
    that carries ``label`` (any answer when None)."""
    if dialect == "postgresql":
        each = sa_func.jsonb_each(Annotation.result).table_valued("key", "value").alias("answer")
        q = select(literal(1)).select_from(each).where(sa_func.jsonb_typeof(each.c.value) != "null")
        if label is not None:
            q = q.where(
                sa_func.jsonb_path_exists(
                    each.c.value, _PG_LABEL_PATH, sa_func.jsonb_build_object("l", label)
                )
            )
    else:
        each = sa_func.json_each(Annotation.result).table_valued("key", "type").alias("answer")
        q = select(literal(1)).select_from(each).where(each.c.type != "null")
        if label is not None:
            # json_tree of the answer by its path in the whole result: the answer itself may be
            # a bare string, which json_tree cannot read on its own.
            path = literal('$."', String) + each.c.key + literal('"', String)
            node = (
                sa_func.json_tree(Annotation.result, path)
                .table_valued("key", "atom", "type", "path")
                .alias("node")
            )
            q = q.where(
                exists(
                    select(literal(1))
                    .select_from(node)
                    .where(
                        node.c.type == "text",
                        node.c.atom == label,
                        or_(
                            node.c.key.in_(("label", "labels")), node.c.path.op("GLOB")("*.labels")
                        ),
                    )
                )
            )
    if questions is not None:
        q = q.where(each.c.key.in_(sorted(questions)))
    return exists(q)
