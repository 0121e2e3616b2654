"""The annotation-kind plugin interface: config model, result model, validation against an item."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from truthline.errors import InvalidInput

# Question and field names become keys of results and items, and CSS/TS identifiers in the UI.
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$"


class StrictModel(BaseModel):
    """Base for every config/result model: unknown fields refused, NaN/inf refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class QuestionConfig(StrictModel):
    """Fields every question has; each kind's Config subclasses this."""

    name: str = Field(pattern=NAME_PATTERN, max_length=64)
    kind: str
    title: str | None = None
    help: str | None = None
    required: bool = True
    # Which item field the question is about (image for bbox, text for spans, ...).
    field: str | None = None
    # Guideline section this question points at ("3.2"), shown as a link beside the tool.
    guideline_section: str | None = None


@dataclass
class ItemContext:
    """What a kind may check a result against: the item's data and probed media facts.

    ``media`` maps a field name to probed facts, e.g. ``{"image": {"width": 640, "height": 480}}``,
    ``{"audio": {"duration": 12.5}}``, ``{"video": {"frames": 300, "fps": 25.0, "width":..}}``.
    """

    data: dict[str, Any]
    media: dict[str, dict[str, Any]] = field(default_factory=dict)


class KindValidationError(InvalidInput):
    """A result does not fit its question or its item; ``path`` names where."""

    code = "invalid_annotation"

    def __init__(self, path: str, message: str, **details: Any) -> None:
        super().__init__(f"{path}: {message}", path=path, **details)
        self.path = path


ConfigT = TypeVar("ConfigT", bound=QuestionConfig)
ResultT = TypeVar("ResultT", bound=StrictModel)


class Kind(Generic[ConfigT, ResultT]):
    """One annotation kind. Subclasses set ``name``, ``Config`` and ``Result``.

    Subclass as ``Kind[BboxConfig, BboxResult]`` so that the hooks see their own models.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    # Field types the question may target (None: any field, or none at all).
    field_types: ClassVar[tuple[str, ...] | None] = None
    # With field_types set: whether a field must be named (ranking may go without one).
    field_required: ClassVar[bool] = True
    Config: ClassVar[type[QuestionConfig]]
    Result: ClassVar[type[StrictModel]]

    def check_config(self, config: ConfigT, fields: dict[str, str]) -> None:
        """Extra schema-level checks (beyond the pydantic model); raise KindValidationError."""

    def parse_result(self, config: ConfigT, raw: Any, path: str) -> ResultT:
        from pydantic import ValidationError

        try:
            return cast(ResultT, self.Result.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            raise KindValidationError(f"{path}{loc}", message) from None

    def validate_result(
        self, config: ConfigT, result: ResultT, item: ItemContext, path: str
    ) -> None:
        """Check a parsed result against the question config and the item; raise on error."""


def check_finite(value: float, path: str) -> None:
    if not math.isfinite(value):
        raise KindValidationError(path, f"must be a finite number, got {value!r}")
