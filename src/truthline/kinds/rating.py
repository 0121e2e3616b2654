"""Rating: an integer on a scale, for the whole item or for each turn of a conversation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel
from truthline.kinds.common import Int


class RatingConfig(QuestionConfig):
    kind: Literal["rating"]
    min: int = 1
    max: int = 5
    # Words shown for some values, e.g. {1: "useless", 5: "perfect"}.
    labels: dict[int, str] = Field(default_factory=dict)
    # Rate each turn of the conversation field instead of the item as a whole.
    per_turn: bool = False

    @model_validator(mode="after")
    def _scale(self) -> RatingConfig:
        if self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        if self.max - self.min > 100:
            raise ValueError("a scale has at most 101 values")
        for value in self.labels:
            if not self.min <= value <= self.max:
                raise ValueError(f"label for {value} is outside {self.min}..{self.max}")
        return self


class RatingResult(StrictModel):
    value: Int | None = None
    # Turn index (as a string: JSON keys) -> rating.
    turns: dict[str, Int] | None = None


class Rating(Kind[RatingConfig, RatingResult]):
    name = "rating"
    title = "Rating"
    Config = RatingConfig
    Result = RatingResult

    def check_config(self, config: RatingConfig, fields: dict[str, str]) -> None:
        if config.per_turn and (config.field is None or fields.get(config.field) != "conversation"):
            raise KindValidationError("per_turn", "needs a conversation field")

    def validate_result(
        self, config: RatingConfig, result: RatingResult, item: ItemContext, path: str
    ) -> None:
        if not config.per_turn:
            if result.turns is not None:
                raise KindValidationError(f"{path}.turns", "this question rates the whole item")
            if result.value is None:
                raise KindValidationError(f"{path}.value", "missing")
            self._check_value(config, result.value, f"{path}.value")
            return
        if result.value is not None:
            raise KindValidationError(f"{path}.value", "this question rates each turn")
        if result.turns is None:
            raise KindValidationError(f"{path}.turns", "missing")
        conversation = item.data.get(config.field) if config.field else None
        count = len(conversation) if isinstance(conversation, list) else None
        for key, value in result.turns.items():
            where = f"{path}.turns.{key}"
            if not key.isdecimal() or (count is not None and int(key) >= count):
                raise KindValidationError(where, f"no turn {key!r} in the conversation")
            self._check_value(config, value, where)

    @staticmethod
    def _check_value(config: RatingConfig, value: int, path: str) -> None:
        if not config.min <= value <= config.max:
            raise KindValidationError(path, f"{value} is outside {config.min}..{config.max}")
