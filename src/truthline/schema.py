"""The labeling schema: which item fields to show, which questions to ask, and their checks."""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, create_model, model_validator

from truthline.errors import InvalidInput
from truthline.kinds import all_kinds
from truthline.kinds.base import (
    NAME_PATTERN,
    ItemContext,
    Kind,
    KindValidationError,
    QuestionConfig,
    StrictModel,
)
from truthline.kinds.fields import FIELD_TYPES, VALUE_CHECKS, FieldType, ValueCheck

__all__ = [
    "FIELD_TYPES",
    "FieldSpec",
    "LabelingSchema",
    "SchemaError",
    "ShortcutSettings",
    "parse_schema",
    "validate_annotation",
    "validate_item",
]

TOP_LEVEL_KEYS = ("fields", "questions", "instructions", "shortcuts")

# Bounds on what a schema document may be: it is user input parsed on the server.
MAX_SOURCE_CHARS = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 32

Kinds = Mapping[str, Kind[Any, Any]]


class FieldSpec(StrictModel):
    """One item field shown to annotators."""

    name: str = Field(pattern=NAME_PATTERN, max_length=64)
    type: FieldType
    required: bool = True
    title: str | None = None


class ShortcutSettings(StrictModel):
    """Project-wide keyboard shortcuts; class shortcuts are set on each class."""

    # Off: class shortcuts are ignored (annotators who type into free-text boxes a lot).
    enabled: bool = True
    submit: str = Field(default="ctrl+enter", min_length=1)
    skip: str = Field(default="ctrl+shift+s", min_length=1)
    undo: str = Field(default="ctrl+z", min_length=1)
    redo: str = Field(default="ctrl+shift+z", min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> ShortcutSettings:
        keys = [self.submit, self.skip, self.undo, self.redo]
        if len(set(keys)) != len(keys):
            raise ValueError("submit, skip, undo and redo need different keys")
        return self


class SchemaError(InvalidInput):
    """A schema that does not parse or does not hold together; ``errors`` lists every problem."""

    code = "invalid_schema"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        shown = "; ".join(_join(e["path"], e["message"]) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"invalid schema: {shown}{more}", errors=errors)
        self.errors = errors


def _join(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


@dataclass(frozen=True)
class LabelingSchema:
    """A parsed, checked schema. Build it with ``parse_schema``."""

    fields: tuple[FieldSpec, ...]
    questions: tuple[QuestionConfig, ...]
    instructions: str | None = None
    shortcuts: ShortcutSettings = field(default_factory=ShortcutSettings)
    # Resolved once so that validating annotations needs no registry lookups.
    kinds: Mapping[str, Kind[Any, Any]] = field(default_factory=dict, repr=False, compare=False)
    _item_checks: tuple[tuple[str, bool, ValueCheck], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        checks = tuple((f.name, f.required, VALUE_CHECKS[f.type]) for f in self.fields)
        object.__setattr__(self, "_item_checks", checks)

    @property
    def field_types(self) -> dict[str, str]:
        return {f.name: f.type for f in self.fields}

    def question(self, name: str) -> QuestionConfig:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The normalized schema: defaults filled in, classes as objects, nothing unset."""
        out: dict[str, Any] = {
            "fields": [f.model_dump(mode="json", exclude_none=True) for f in self.fields],
            "questions": [
                q.model_dump(mode="json", exclude_none=True, by_alias=True) for q in self.questions
            ],
        }
        if self.instructions is not None:
            out["instructions"] = self.instructions
        out["shortcuts"] = self.shortcuts.model_dump(mode="json")
        return out

    @staticmethod
    def json_schema(mode: Literal["validation", "serialization"] = "validation") -> dict[str, Any]:
        """JSON Schema of the schema language, questions discriminated by ``kind``."""
        return _document_model(tuple(all_kinds().values())).model_json_schema(mode=mode)

    def result_json_schema(self) -> dict[str, Any]:
        """JSON Schema of an annotation result for this schema (keyed by question name)."""
        slots: dict[str, Any] = {
            q.name: (self.kinds[q.name].Result | None, None) for q in self.questions
        }
        model = create_model("AnnotationResult", __base__=StrictModel, **slots)
        return model.model_json_schema()


@functools.cache
def _document_model(kinds: tuple[Kind[Any, Any], ...]) -> type[StrictModel]:
    configs = [kind.Config for kind in kinds]
    union = functools.reduce(operator.or_, configs)
    question = Annotated[union, Field(discriminator="kind")] if len(configs) > 1 else union
    return create_model(
        "LabelingSchema",
        __base__=StrictModel,
        fields=(list[FieldSpec], Field(min_length=1)),
        questions=(list[question], Field(min_length=1)),  # type: ignore[valid-type]
        instructions=(str | None, None),
        shortcuts=(ShortcutSettings, Field(default_factory=ShortcutSettings)),
    )


# ---------------------------------------------------------------- parsing


class _Errors(list[dict[str, str]]):
    def add(self, path: str, message: str) -> None:
        self.append({"path": path, "message": message})

    def add_pydantic(self, prefix: str, exc: ValidationError) -> None:
        for err in exc.errors(include_url=False):
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
            path = f"{prefix}{loc}" if prefix else loc.lstrip(".")
            self.add(path, err["msg"].removeprefix("Value error, "))


def parse_schema(
    source: str | bytes | dict[str, Any], *, kinds: Kinds | None = None
) -> LabelingSchema:
    """Parse YAML or JSON text (or an already loaded dict); SchemaError lists every problem."""
    data = _load(source) if isinstance(source, str | bytes) else source
    errors = _Errors()
    _check_size(data, errors)
    if errors:
        raise SchemaError(errors)
    if not isinstance(data, dict):
        raise SchemaError(
            [{"path": "", "message": "a schema is a mapping with fields and questions"}]
        )
    registry = dict(kinds) if kinds is not None else all_kinds()
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            errors.add(str(key), f"unknown key; expected one of {', '.join(TOP_LEVEL_KEYS)}")
    fields = _parse_fields(data.get("fields"), errors)
    field_types: dict[str, str] = {f.name: f.type for f in fields}
    questions = _parse_questions(data.get("questions"), field_types, registry, errors)
    instructions = data.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        errors.add("instructions", "must be Markdown text")
    shortcuts = ShortcutSettings()
    if data.get("shortcuts") is not None:
        try:
            shortcuts = ShortcutSettings.model_validate(data["shortcuts"])
        except ValidationError as exc:
            errors.add_pydantic("shortcuts", exc)
    if errors:
        raise SchemaError(errors)
    return LabelingSchema(
        fields=tuple(fields),
        questions=tuple(questions),
        instructions=instructions,
        shortcuts=shortcuts,
        kinds={q.name: registry[q.kind] for q in questions},
    )


def _load(source: str | bytes) -> Any:
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaError([{"path": "", "message": f"not UTF-8 text: {exc}"}]) from None
    if len(source) > MAX_SOURCE_CHARS:
        raise SchemaError([{"path": "", "message": f"longer than {MAX_SOURCE_CHARS} characters"}])
    json_error: json.JSONDecodeError | None = None
    try:
        if source.lstrip().startswith(("{", "[")):
            try:
                return json.loads(source)
            except json.JSONDecodeError as exc:
                json_error = exc  # it may still be YAML flow style
        return yaml.safe_load(source)
    except yaml.YAMLError as exc:
        if json_error is not None:
            where = f"line {json_error.lineno}, column {json_error.colno}"
            message = f"invalid JSON at {where}: {json_error.msg}"
        else:
            message = _yaml_message(exc)
        raise SchemaError([{"path": "", "message": message}]) from None
    except RecursionError:
        raise SchemaError([{"path": "", "message": "nested too deeply"}]) from None


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _check_size(data: Any, errors: _Errors) -> None:
    # YAML aliases can expand a small text into a huge (or cyclic) structure: count every node.
    stack: list[tuple[Any, int]] = [(data, 0)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            errors.add("", f"more than {MAX_NODES} values")
            return
        if depth > MAX_DEPTH:
            errors.add("", f"nested deeper than {MAX_DEPTH} levels")
            return
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _parse_fields(raw: Any, errors: _Errors) -> list[FieldSpec]:
    if not isinstance(raw, list) or not raw:
        errors.add("fields", "a non-empty list of fields is required")
        return []
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        try:
            spec = FieldSpec.model_validate(entry)
        except ValidationError as exc:
            errors.add_pydantic(f"fields[{i}]", exc)
            continue
        if spec.name in seen:
            errors.add(f"fields[{i}].name", f"duplicate field {spec.name!r}")
            continue
        seen.add(spec.name)
        fields.append(spec)
    return fields


def _parse_questions(
    raw: Any, field_types: dict[str, str], registry: Kinds, errors: _Errors
) -> list[QuestionConfig]:
    if not isinstance(raw, list) or not raw:
        errors.add("questions", "a non-empty list of questions is required")
        return []
    questions: list[QuestionConfig] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        path = f"questions[{i}]"
        config = _parse_question(entry, path, registry, errors)
        if config is None:
            continue
        if config.name in seen:
            errors.add(f"{path}.name", f"duplicate question {config.name!r}")
            continue
        seen.add(config.name)
        config = _check_target(config, registry[config.kind], field_types, path, errors)
        if config is not None:
            questions.append(config)
    return questions


def _parse_question(
    entry: Any, path: str, registry: Kinds, errors: _Errors
) -> QuestionConfig | None:
    known = ", ".join(sorted(registry))
    if not isinstance(entry, dict):
        errors.add(path, "a question is a mapping with name and kind")
        return None
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in registry:
        what = "missing kind" if kind is None else f"unknown kind {kind!r}"
        errors.add(f"{path}.kind", f"{what}; known kinds: {known}")
        return None
    try:
        return registry[kind].Config.model_validate(entry)
    except ValidationError as exc:
        errors.add_pydantic(path, exc)
        return None


def _check_target(
    config: QuestionConfig,
    kind: Kind[Any, Any],
    field_types: dict[str, str],
    path: str,
    errors: _Errors,
) -> QuestionConfig | None:
    """Check the question's field against the kind; fill it in when exactly one field fits."""
    name = config.field
    if name is not None and name not in field_types:
        errors.add(f"{path}.field", f"unknown field {name!r}")
        return None
    wanted = kind.field_types
    if wanted is not None:
        article = "an" if wanted[0][0] in "aeiou" else "a"
        needs = f"{kind.name} needs {article} {' or '.join(wanted)} field"
        fitting = [f for f, t in field_types.items() if t in wanted]
        if name is None and kind.field_required and len(fitting) == 1:
            name = fitting[0]
            config = config.model_copy(update={"field": name})
        if name is None and kind.field_required:
            errors.add(f"{path}.field", needs if not fitting else f"{needs}; name one of {fitting}")
            return None
        if name is not None and field_types[name] not in wanted:
            errors.add(f"{path}.field", f"{needs}, {name!r} is {field_types[name]}")
            return None
    try:
        kind.check_config(config, field_types)
    except KindValidationError as exc:
        errors.add(f"{path}.{exc.path}", exc.message.removeprefix(f"{exc.path}: "))
        return None
    return config


# ---------------------------------------------------------------- items


def validate_item(schema: LabelingSchema, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for every problem of an imported item; empty when it is fine.

    Runs once per imported row, so plain type checks only. Keys that are not fields (the
    item's id, metadata) are left alone; None counts as missing.
    """
    if not isinstance(data, dict):
        return [("", "an item must be an object")]
    problems: list[tuple[str, str]] = []
    for name, required, check in schema._item_checks:
        value = data.get(name)
        if value is None:
            if required:
                problems.append((name, "required field missing"))
            continue
        reason = check(value)
        if reason is not None:
            problems.append((name, reason))
    return problems


# ---------------------------------------------------------------- annotations


def validate_annotation(
    schema: LabelingSchema, result: dict[str, Any], item: ItemContext, *, partial: bool = False
) -> dict[str, Any]:
    """Check a result keyed by question name; return it normalized.

    KindValidationError names the first problem, e.g. ``objects.boxes[2].x``. A missing or
    null answer is allowed for optional questions, and for any question while ``partial``
    (a draft).
    """
    if not isinstance(result, dict):
        raise KindValidationError("", "a result is an object keyed by question name")
    for name in result:
        if name not in schema.kinds:
            raise KindValidationError(str(name), f"unknown question {name!r}")
    normalized: dict[str, Any] = {}
    for question in schema.questions:
        raw = result.get(question.name)
        if raw is None:
            if question.required and not partial:
                raise KindValidationError(question.name, "required question not answered")
            continue
        kind = schema.kinds[question.name]
        parsed = kind.parse_result(question, raw, question.name)
        kind.validate_result(question, parsed, item, question.name)
        normalized[question.name] = parsed.model_dump(mode="json", by_alias=True, exclude_none=True)
    return normalized
