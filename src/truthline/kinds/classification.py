"""Classification: pick one class, or several when ``multiple`` is set."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import LabeledConfig, Text, class_names


class ClassificationConfig(LabeledConfig):
    kind: Literal["classification"]
    multiple: bool = False
    # Only with multiple; min_choices=0 lets "none of these" be an answer.
    min_choices: int | None = Field(default=None, ge=0)
    max_choices: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _choice_bounds(self) -> ClassificationConfig:
        if not self.multiple and (self.min_choices is not None or self.max_choices is not None):
            raise ValueError("min_choices and max_choices need multiple: true")
        low, high = self.min_choices or 0, self.max_choices
        if high is not None and (high < low or high > len(self.classes)):
            raise ValueError(f"max_choices must be between {low} and {len(self.classes)}")
        if low > len(self.classes):
            raise ValueError(f"min_choices must be at most {len(self.classes)}")
        return self


class ClassificationResult(StrictModel):
    labels: list[Text]


class Classification(Kind[ClassificationConfig, ClassificationResult]):
    name = "classification"
    title = "Classification"
    Config = ClassificationConfig
    Result = ClassificationResult

    def validate_result(
        self,
        config: ClassificationConfig,
        result: ClassificationResult,
        item: ItemContext,
        path: str,
    ) -> None:
        allowed = class_names(config)
        seen: set[str] = set()
        for i, label in enumerate(result.labels):
            if label not in allowed:
                raise KindValidationError(f"{path}.labels[{i}]", f"unknown label {label!r}")
            if label in seen:
                raise KindValidationError(f"{path}.labels[{i}]", f"duplicate label {label!r}")
            seen.add(label)
        count = len(result.labels)
        if not config.multiple:
            if count != 1:
                raise KindValidationError(f"{path}.labels", f"choose exactly one, got {count}")
            return
        low = 1 if config.min_choices is None else config.min_choices
        high = config.max_choices if config.max_choices is not None else len(config.classes)
        if not low <= count <= high:
            raise KindValidationError(
                f"{path}.labels", f"choose between {low} and {high} labels, got {count}"
            )
