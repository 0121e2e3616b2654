"""Free text: a written answer, optionally starting from a field's text (rewriting tasks)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel

TEXT_TYPES = ("text", "markdown")


class FreeTextConfig(QuestionConfig):
    kind: Literal["free_text"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    # The editor opens with this field's text, for rewriting and correction tasks.
    prefill_from: str | None = None
    spellcheck: bool = True

    @model_validator(mode="after")
    def _length_bounds(self) -> FreeTextConfig:
        low, high = self.min_length, self.max_length
        if low is not None and high is not None and low > high:
            raise ValueError("min_length is greater than max_length")
        return self


class FreeTextResult(StrictModel):
    text: str


class FreeText(Kind[FreeTextConfig, FreeTextResult]):
    name = "free_text"
    title = "Free text"
    Config = FreeTextConfig
    Result = FreeTextResult

    def check_config(self, config: FreeTextConfig, fields: dict[str, str]) -> None:
        source = config.prefill_from
        if source is None:
            return
        if source not in fields:
            raise KindValidationError("prefill_from", f"unknown field {source!r}")
        if fields[source] not in TEXT_TYPES:
            raise KindValidationError(
                "prefill_from", f"needs a text field, {source!r} is {fields[source]}"
            )

    def validate_result(
        self, config: FreeTextConfig, result: FreeTextResult, item: ItemContext, path: str
    ) -> None:
        length = len(result.text)
        if config.min_length is not None and length < config.min_length:
            raise KindValidationError(
                f"{path}.text", f"{length} characters, at least {config.min_length} needed"
            )
        if config.max_length is not None and length > config.max_length:
            raise KindValidationError(
                f"{path}.text", f"{length} characters, at most {config.max_length} allowed"
            )
