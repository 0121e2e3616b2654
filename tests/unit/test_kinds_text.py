"""Text and judgement kinds: span, free_text, rating, ranking, pairwise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from truthline.kinds import ItemContext, KindValidationError, QuestionConfig, get_kind

TEXT = "Ada Lovelace worked with Charles Babbage."
ITEM = ItemContext(data={"text": TEXT, "chat": [{"role": "user", "content": "hi"}] * 3})


def config(kind: str, **settings: Any) -> QuestionConfig:
    return get_kind(kind).Config.model_validate({"name": "q", "kind": kind, **settings})


def check(kind: str, settings: dict[str, Any], result: Any, item: ItemContext = ITEM) -> Any:
    plugin = get_kind(kind)
    question = config(kind, **settings)
    parsed = plugin.parse_result(question, result, "q")
    plugin.validate_result(question, parsed, item, "q")
    return parsed


def error(kind: str, settings: dict[str, Any], result: Any, item: ItemContext = ITEM) -> str:
    with pytest.raises(KindValidationError) as caught:
        check(kind, settings, result, item)
    return caught.value.path


# ---------------------------------------------------------------- span

NER = {"classes": ["PER", "ORG"], "field": "text", "relations": ["works_with"]}
ADA = {"id": "s1", "start": 0, "end": 12, "label": "PER", "text": "Ada Lovelace"}
CHARLES = {"id": "s2", "start": 25, "end": 40, "label": "PER"}


def spans(*items: dict[str, Any], relations: list[Any] | None = None) -> dict[str, Any]:
    return {"spans": list(items), "relations": relations or []}


def test_spans_with_a_relation() -> None:
    rel = {"from": "s1", "to": "s2", "label": "works_with"}
    parsed = check("span", NER, spans(ADA, CHARLES, relations=[rel]))
    assert parsed.model_dump(by_alias=True)["relations"] == [rel]


@pytest.mark.parametrize(
    ("second", "relations", "path"),
    [
        ({**CHARLES, "end": 42}, [], "q.spans[1].end"),
        ({**CHARLES, "end": 25}, [], "q.spans[1].end"),
        ({**CHARLES, "start": -1}, [], "q.spans[1].start"),
        ({**CHARLES, "start": 4}, [], "q.spans[1].start"),
        ({**CHARLES, "id": "s1"}, [], "q.spans[1].id"),
        ({**CHARLES, "label": "LOC"}, [], "q.spans[1].label"),
        ({**CHARLES, "text": "Charles"}, [], "q.spans[1].text"),
        ({**CHARLES, "start": 25.0}, [], "q.spans[1].start"),
        (CHARLES, [{"from": "s1", "to": "s3", "label": "works_with"}], "q.relations[0].to"),
        (CHARLES, [{"from": "s0", "to": "s2", "label": "works_with"}], "q.relations[0].from"),
        (CHARLES, [{"from": "s1", "to": "s2", "label": "knows"}], "q.relations[0].label"),
        (CHARLES, [{"from": "s1", "to": "s1", "label": "works_with"}], "q.relations[0].to"),
        (CHARLES, [{"to": "s1", "label": "works_with"}], "q.relations[0].from"),
    ],
)
def test_span_errors(second: dict[str, Any], relations: list[Any], path: str) -> None:
    assert error("span", NER, spans(ADA, second, relations=relations)) == path


def test_span_overlap_when_allowed() -> None:
    nested = {"id": "s3", "start": 4, "end": 12, "label": "PER"}
    check("span", {**NER, "allow_overlap": True}, spans(ADA, nested))


def test_whitespace_tokens_keep_spans_on_token_edges() -> None:
    words = {**NER, "tokenize": "whitespace"}
    check("span", words, spans(ADA))
    assert error("span", words, spans({**ADA, "start": 1, "text": None})) == "q.spans[0].start"
    # "Babbage." is one whitespace token: a span may not stop before its full stop.
    assert error("span", words, spans({**CHARLES, "end": 40})) == "q.spans[0].end"
    check("span", words, spans({**CHARLES, "end": 41}))


@given(st.text(max_size=30), st.data())
def test_spans_inside_the_text_validate(text: str, data: st.DataObject) -> None:
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    item = ItemContext(data={"text": text})
    span = {"id": "s", "start": start, "end": end, "label": "PER", "text": text[start:end]}
    check("span", NER, spans(span), item)
    beyond = {**span, "end": len(text) + data.draw(st.integers(1, 5)), "text": None}
    assert error("span", NER, spans(beyond), item) == "q.spans[0].end"


# ---------------------------------------------------------------- free text


def test_free_text_lengths() -> None:
    bounds = {"min_length": 2, "max_length": 5}
    check("free_text", bounds, {"text": "hey"})
    assert error("free_text", bounds, {"text": "h"}) == "q.text"
    assert error("free_text", bounds, {"text": "hello!"}) == "q.text"
    assert error("free_text", bounds, {"text": 5}) == "q.text"
    assert error("free_text", bounds, {}) == "q.text"
    with pytest.raises(ValidationError, match="min_length is greater"):
        config("free_text", min_length=3, max_length=2)


# ---------------------------------------------------------------- rating


def test_rating_whole_item() -> None:
    assert check("rating", {}, {"value": 4}).value == 4
    assert error("rating", {}, {"value": 6}) == "q.value"
    assert error("rating", {"min": 0, "max": 10}, {"value": -1}) == "q.value"
    assert error("rating", {}, {"value": 4.0}) == "q.value"
    assert error("rating", {}, {"value": "4"}) == "q.value"
    assert error("rating", {}, {}) == "q.value"
    assert error("rating", {}, {"value": 3, "turns": {"0": 3}}) == "q.turns"


def test_rating_per_turn() -> None:
    per_turn = {"field": "chat", "per_turn": True}
    check("rating", per_turn, {"turns": {"0": 4, "2": 5}})
    assert error("rating", per_turn, {"turns": {"3": 4}}) == "q.turns.3"
    assert error("rating", per_turn, {"turns": {"first": 4}}) == "q.turns.first"
    assert error("rating", per_turn, {"turns": {"1": 9}}) == "q.turns.1"
    assert error("rating", per_turn, {"value": 3}) == "q.value"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"min": 5, "max": 5}, "below max"),
        ({"labels": {9: "great"}}, "outside 1..5"),
        ({"min": 0, "max": 1000}, "at most 101"),
    ],
)
def test_rating_scale_errors(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config("rating", **settings)


def test_rating_labels_from_json_keys() -> None:
    assert config("rating", labels={"1": "bad", "5": "good"}).labels == {1: "bad", 5: "good"}


# ---------------------------------------------------------------- ranking


def test_ranking_a_permutation() -> None:
    fixed = {"options": ["a", "b", "c"]}
    check("ranking", fixed, {"order": ["c", "a", "b"]})
    assert error("ranking", fixed, {"order": ["c", "a"]}) == "q.order"
    assert error("ranking", fixed, {"order": ["c", "c", "b"]}) == "q.order[1]"
    assert error("ranking", fixed, {"order": ["c", "a", "x"]}) == "q.order[2]"


def test_ranking_options_from_the_item() -> None:
    from_item = {"options_field": "answers"}
    item = ItemContext(data={"answers": [{"id": 7}, {"id": 9}]})
    check("ranking", from_item, {"order": ["9", "7"]}, item)
    assert error("ranking", from_item, {"order": ["9", "8"]}, item) == "q.order[1]"
    indexed = ItemContext(data={"answers": [[1], [2], [3]]})
    check("ranking", from_item, {"order": ["2", "0", "1"]}, indexed)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"options": ["a", "b"], "options_field": "x"},
        {"options": ["a"]},
        {"options": ["a", "a"]},
    ],
)
def test_ranking_config_errors(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        config("ranking", **settings)


# ---------------------------------------------------------------- pairwise

PAIR = {"options": ["response_a", "response_b"]}


def test_pairwise_choices() -> None:
    check("pairwise", PAIR, {"choice": "a"})
    check("pairwise", PAIR, {"choice": "tie"})
    assert error("pairwise", {**PAIR, "allow_tie": False}, {"choice": "tie"}) == "q.choice"
    assert error("pairwise", PAIR, {"choice": "c"}) == "q.choice"
    assert error("pairwise", PAIR, {"choice": "a", "strength": 2}) == "q.strength"


def test_pairwise_strength() -> None:
    strong = {**PAIR, "strength": True}
    check("pairwise", strong, {"choice": "b", "strength": 3})
    assert error("pairwise", strong, {"choice": "b"}) == "q.strength"
    assert error("pairwise", strong, {"choice": "b", "strength": 4}) == "q.strength"
    assert error("pairwise", strong, {"choice": "tie", "strength": 1}) == "q.strength"
    with pytest.raises(ValidationError, match="two different fields"):
        config("pairwise", options=["a", "a"])
