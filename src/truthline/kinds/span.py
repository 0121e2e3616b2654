"""Spans of text (named entities and the like), with optional labeled relations between them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import (
    Count,
    LabeledConfig,
    LabeledShape,
    Text,
    UniqueNames,
    check_intervals,
    check_shapes,
)


class SpanConfig(LabeledConfig):
    kind: Literal["span"]
    allow_overlap: bool = False
    relations: UniqueNames = Field(default_factory=list)
    # "whitespace": spans start and end at token edges, as the tool snaps them.
    tokenize: Literal["whitespace", "char"] = "char"


class Span(LabeledShape):
    start: Count
    end: Count
    # The covered text, when a client sends it: it must match, which catches offset drift.
    text: str | None = None


class Relation(StrictModel):
    from_: Text = Field(alias="from")
    to: Text
    label: Text


class SpanResult(StrictModel):
    spans: list[Span]
    relations: list[Relation] = Field(default_factory=list)


def _check_token_edges(text: str, span: Span, path: str) -> None:
    def edge(pos: int) -> bool:
        # A token edge: either end of the text, or whitespace on one side of the position.
        return pos in (0, len(text)) or text[pos - 1].isspace() or text[pos].isspace()

    if not edge(span.start):
        raise KindValidationError(f"{path}.start", "starts inside a token")
    if not edge(span.end):
        raise KindValidationError(f"{path}.end", "ends inside a token")


def _check_relations(config: SpanConfig, result: SpanResult, path: str) -> None:
    ids = {span.id for span in result.spans}
    allowed = set(config.relations)
    for i, rel in enumerate(result.relations):
        where = f"{path}.relations[{i}]"
        if rel.label not in allowed:
            raise KindValidationError(f"{where}.label", f"unknown relation {rel.label!r}")
        if rel.from_ not in ids:
            raise KindValidationError(f"{where}.from", f"no span with id {rel.from_!r}")
        if rel.to not in ids:
            raise KindValidationError(f"{where}.to", f"no span with id {rel.to!r}")
        if rel.from_ == rel.to:
            raise KindValidationError(f"{where}.to", "a relation joins two different spans")


class SpanKind(Kind[SpanConfig, SpanResult]):
    name = "span"
    title = "Text spans"
    field_types = ("text", "markdown")
    Config = SpanConfig
    Result = SpanResult

    def validate_result(
        self, config: SpanConfig, result: SpanResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.spans, f"{path}.spans")
        text = item.data.get(config.field) if config.field else None
        limit = len(text) if isinstance(text, str) else None
        check_intervals(
            ((s.start, s.end) for s in result.spans),
            f"{path}.spans",
            limit=limit,
            allow_overlap=config.allow_overlap,
            unit="text length",
        )
        if isinstance(text, str):
            for i, span in enumerate(result.spans):
                where = f"{path}.spans[{i}]"
                if span.text is not None and span.text != text[span.start : span.end]:
                    raise KindValidationError(
                        f"{where}.text", "does not match the text at start:end"
                    )
                if config.tokenize == "whitespace":
                    _check_token_edges(text, span, where)
        _check_relations(config, result, path)
