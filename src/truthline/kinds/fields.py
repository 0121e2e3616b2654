"""Item field types: the names kinds target, and the fast checks of imported values.

The checks run once per field of every imported row (100,000s a second), so they are plain
type tests returning a reason, never pydantic models.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, get_args

FieldType = Literal[
    "text", "image", "audio", "video", "conversation", "markdown", "number", "json", "list"
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
MEDIA_TYPES = frozenset({"image", "audio", "video"})

ValueCheck = Callable[[Any], "str | None"]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _number(value: Any) -> str | None:
    kind = type(value)
    if kind is int:
        return None
    if kind is float:
        return None if math.isfinite(value) else "must be a finite number"
    return "must be a number"


def _media(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    return "must be a media reference (a non-empty string)"


def _conversation(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of {role, content} turns"
    for i, turn in enumerate(value):
        if (
            type(turn) is not dict
            or not isinstance(turn.get("role"), str)
            or not isinstance(turn.get("content"), str)
        ):
            return f"turn {i} must be an object with string role and content"
    return None


def _list(value: Any) -> str | None:
    return None if isinstance(value, list) else "must be a list"


def _any(value: Any) -> str | None:
    return None


VALUE_CHECKS: dict[str, ValueCheck] = {
    "text": _text,
    "markdown": _text,
    "number": _number,
    "image": _media,
    "audio": _media,
    "video": _media,
    "conversation": _conversation,
    "list": _list,
    "json": _any,
}
