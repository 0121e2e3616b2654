"""The labeling schema: parsing, errors with paths, normalization, JSON Schema."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.kinds import all_kinds
from truthline.schema import LabelingSchema, SchemaError, parse_schema

MINIMAL = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]}
    ],
}

DETECTION_YAML = """
fields:
  - {name: image, type: image}
  - {name: caption, type: text, required: false}
questions:
  - name: objects
    kind: bbox
    field: image
    classes: [car, {name: person, shortcut: p, color: "#e6194b"}]
  - name: sentiment
    kind: classification
    classes: [pos, neg, neu]
instructions: |
  # Boxes
  Draw tight boxes.
"""


def schema_with(*questions: dict[str, Any], fields: list[Any] | None = None) -> dict[str, Any]:
    return {
        "fields": fields if fields is not None else [{"name": "text", "type": "text"}],
        "questions": list(questions),
    }


def errors_of(source: Any) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        parse_schema(source)
    assert caught.value.code == "invalid_schema"
    assert caught.value.details["errors"] == caught.value.errors
    return [
        f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in caught.value.errors
    ]


def test_minimal_schema() -> None:
    schema = parse_schema(MINIMAL)
    assert [q.name for q in schema.questions] == ["sentiment"]
    assert schema.field_types == {"text": "text"}
    assert schema.to_dict()["questions"][0]["classes"] == [
        {"name": "pos"},
        {"name": "neg"},
        {"name": "neu"},
    ]


def test_yaml_json_and_bytes_agree() -> None:
    from_yaml = parse_schema(DETECTION_YAML)
    as_dict = from_yaml.to_dict()
    assert parse_schema(json.dumps(as_dict)).to_dict() == as_dict
    assert parse_schema(DETECTION_YAML.encode()).to_dict() == as_dict
    assert parse_schema(as_dict) == from_yaml
    assert as_dict["instructions"].startswith("# Boxes")
    assert as_dict["questions"][0]["classes"][1] == {
        "name": "person",
        "shortcut": "p",
        "color": "#e6194b",
    }


def test_to_dict_is_canonical() -> None:
    out = parse_schema(MINIMAL).to_dict()
    assert out == {
        "fields": [{"name": "text", "type": "text", "required": True}],
        "questions": [
            {
                "name": "sentiment",
                "kind": "classification",
                "required": True,
                "classes": [{"name": "pos"}, {"name": "neg"}, {"name": "neu"}],
                "multiple": False,
            }
        ],
        "shortcuts": {
            "enabled": True,
            "submit": "ctrl+enter",
            "skip": "ctrl+shift+s",
            "undo": "ctrl+z",
            "redo": "ctrl+shift+z",
        },
    }


def test_the_only_fitting_field_is_filled_in() -> None:
    schema = parse_schema(
        schema_with(
            {"name": "boxes", "kind": "bbox", "classes": ["car"]},
            fields=[{"name": "text", "type": "text"}, {"name": "photo", "type": "image"}],
        )
    )
    assert schema.question("boxes").field == "photo"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            schema_with(
                {"name": "q", "kind": "classification", "classes": ["a"]},
                {"name": "r", "kind": "classification", "classes": ["b"]},
                {"name": "objects", "kind": "bbox", "classes": ["car", "bus", "car"]},
            ),
            ["questions[2].classes: duplicate 'car'"],
        ),
        (
            schema_with({"name": "o", "kind": "bbox", "field": "img", "classes": ["car"]}),
            ["questions[0].field: unknown field 'img'"],
        ),
        (
            schema_with(
                {"name": "a", "kind": "classification", "classes": ["x"]},
                {"name": "o", "kind": "bbox", "field": "text", "classes": ["car"]},
            ),
            ["questions[1].field: bbox needs an image field, 'text' is text"],
        ),
        (
            schema_with({"name": "o", "kind": "bbox", "classes": ["car"]}),
            ["questions[0].field: bbox needs an image field"],
        ),
        (
            schema_with(
                {"name": "o", "kind": "bbox", "classes": ["car"]},
                fields=[{"name": "a", "type": "image"}, {"name": "b", "type": "image"}],
            ),
            ["questions[0].field: bbox needs an image field; name one of ['a', 'b']"],
        ),
        (
            schema_with(
                {"name": "t", "kind": "temporal_segment", "field": "text", "classes": ["x"]}
            ),
            ["questions[0].field: temporal_segment needs a video or audio field, 'text' is text"],
        ),
        (
            schema_with(
                {"name": "q", "kind": "classification", "classes": ["a"]},
                {"name": "q", "kind": "free_text"},
            ),
            ["questions[1].name: duplicate question 'q'"],
        ),
        (
            schema_with(
                {"name": "q", "kind": "free_text"},
                fields=[{"name": "t", "type": "text"}, {"name": "t", "type": "image"}],
            ),
            ["fields[1].name: duplicate field 't'"],
        ),
        (
            schema_with({"name": "q", "kind": "free_text", "prefill_from": "nope"}),
            ["questions[0].prefill_from: unknown field 'nope'"],
        ),
        (
            schema_with({"name": "q", "kind": "pairwise", "options": ["text", "other"]}),
            ["questions[0].options[1]: unknown field 'other'"],
        ),
        (
            schema_with({"name": "q", "kind": "rating", "per_turn": True, "field": "text"}),
            ["questions[0].per_turn: needs a conversation field"],
        ),
        (
            schema_with({"name": "q", "kind": "ranking", "options_field": "text"}),
            ["questions[0].options_field: needs a list or conversation field, 'text' is text"],
        ),
        (
            schema_with({"name": "q", "kind": "free_text", "min_length": 5, "max_length": 2}),
            ["questions[0]: min_length is greater than max_length"],
        ),
        (
            schema_with({"name": "q", "kind": "classification", "classes": ["a"], "colour": 1}),
            ["questions[0].colour: Extra inputs are not permitted"],
        ),
        (
            schema_with({"name": "has space", "kind": "free_text"}),
            ["questions[0].name: String should match pattern '^[A-Za-z_][A-Za-z0-9_-]*$'"],
        ),
        (
            {**MINIMAL, "shortcuts": {"submit": "ctrl+z"}},
            ["shortcuts: submit, skip, undo and redo need different keys"],
        ),
        ({**MINIMAL, "instructions": ["read"]}, ["instructions: must be Markdown text"]),
        (
            {**MINIMAL, "version": 2},
            ["version: unknown key; expected one of fields, questions, instructions, shortcuts"],
        ),
        (
            {"fields": [], "questions": "x"},
            [
                "fields: a non-empty list of fields is required",
                "questions: a non-empty list of questions is required",
            ],
        ),
        ([1, 2], ["a schema is a mapping with fields and questions"]),
        ("", ["a schema is a mapping with fields and questions"]),
    ],
)
def test_schema_errors(source: Any, expected: list[str]) -> None:
    assert errors_of(source) == expected


def test_unknown_kind_lists_the_known_ones() -> None:
    (message,) = errors_of(schema_with({"name": "q", "kind": "lasso"}))
    assert message.startswith(
        "questions[0].kind: unknown kind 'lasso'; known kinds: audio_segment, bbox,"
    )
    (message,) = errors_of(schema_with({"name": "q", "kind": ["bbox"]}))
    assert message.startswith("questions[0].kind: unknown kind ['bbox']; known kinds:")
    (message,) = errors_of(schema_with({"name": "q"}))
    assert message.startswith("questions[0].kind: missing kind; known kinds:")


def test_all_errors_are_collected() -> None:
    source = {
        "fields": [{"name": "img", "type": "picture"}, {"name": "text", "type": "text"}],
        "questions": [
            {"name": "o", "kind": "bbox", "field": "img", "classes": ["car", "car"]},
            {"name": "o", "kind": "span", "field": "text", "classes": ["PER"], "tokenize": "bpe"},
            {"name": "r", "kind": "rating", "min": 3, "max": 1},
            "nonsense",
        ],
    }
    paths = [e.split(":")[0] for e in errors_of(source)]
    assert paths == [
        "fields[0].type",
        "questions[0].classes",
        "questions[1].tokenize",
        "questions[2]",
        "questions[3]",
    ]


def test_yaml_errors_give_line_and_column() -> None:
    (message,) = errors_of("fields:\n  - {name: text, type: text}\nquestions: [\n  - oops: : :\n")
    assert message.startswith("invalid YAML at line 4, column")


def test_json_errors_give_line_and_column() -> None:
    (message,) = errors_of('{\n  "fields": [],\n  "questions": [,]\n}')
    assert message == "invalid JSON at line 3, column 17: Expecting value"


def test_yaml_bombs_and_deep_nesting_are_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)
    )
    assert errors_of(bomb) == ["more than 200000 values"]
    assert errors_of("[" * 50 + "]" * 50) == ["nested deeper than 32 levels"]
    # Deep enough to exhaust the parsers' recursion before any size check runs.
    assert errors_of("[" * 5000 + "]" * 5000) == ["nested too deeply"]
    assert errors_of("- " * 3000 + "x") == ["nested too deeply"]
    assert errors_of(b"\xff\xfe")[0].startswith("not UTF-8 text")


def test_json_schema_covers_every_kind() -> None:
    grammar = LabelingSchema.json_schema()
    questions = grammar["properties"]["questions"]["items"]
    assert set(questions["discriminator"]["mapping"]) == set(all_kinds())
    assert set(grammar["properties"]) == {"fields", "questions", "instructions", "shortcuts"}
    classes = grammar["$defs"]["BboxConfig"]["properties"]["classes"]["items"]
    assert classes == {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/ClassSpec"}]}
    json.dumps(LabelingSchema.json_schema(mode="serialization"))


def test_result_json_schema_is_keyed_by_question() -> None:
    grammar = parse_schema(DETECTION_YAML).result_json_schema()
    assert set(grammar["properties"]) == {"objects", "sentiment"}
    assert grammar["additionalProperties"] is False


# ---------------------------------------------------------------- property tests

_VOCAB = [
    "fields",
    "questions",
    "name",
    "kind",
    "type",
    "classes",
    "field",
    "required",
    "options",
    "min",
    "max",
    "points",
    "skeleton",
    "instructions",
    "shortcuts",
    "x",
]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.sampled_from(["text", "image", "car", "", "a b", *all_kinds()]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_VOCAB), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(_VOCAB), _VALUES, max_size=5))
def test_random_documents_fail_only_with_schema_errors(document: dict[str, Any]) -> None:
    try:
        parse_schema(document)
    except SchemaError as exc:
        assert exc.errors and all(set(e) == {"path", "message"} for e in exc.errors)


@settings(max_examples=100)
@given(st.text(max_size=200))
def test_random_text_fails_only_with_schema_errors(text: str) -> None:
    with contextlib.suppress(SchemaError):
        parse_schema(text)


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def valid_schemas(draw: st.DrawFn) -> dict[str, Any]:
    classes = draw(st.lists(_NAMES, min_size=1, max_size=5, unique=True))
    questions = [
        {
            "name": "tags",
            "kind": "classification",
            "classes": classes,
            "multiple": draw(st.booleans()),
        },
        {
            "name": "boxes",
            "kind": "bbox",
            "field": "image",
            "classes": [{"name": c, "shortcut": str(i)} for i, c in enumerate(classes)],
            "min_size": draw(st.floats(0, 10)),
        },
        {"name": "score", "kind": "rating", "min": draw(st.integers(-5, 0)), "max": 5},
    ]
    return {
        "fields": [{"name": "image", "type": "image"}, {"name": "note", "type": "text"}],
        "questions": draw(st.permutations(questions)),
    }


@given(valid_schemas())
def test_normalized_schemas_parse_to_themselves(source: dict[str, Any]) -> None:
    normalized = parse_schema(source).to_dict()
    assert parse_schema(normalized).to_dict() == normalized
    assert parse_schema(json.dumps(normalized)).to_dict() == normalized
