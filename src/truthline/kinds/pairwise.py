"""Pairwise preference: which of two fields (responses) is better, optionally by how much."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel


class PairwiseConfig(QuestionConfig):
    kind: Literal["pairwise"]
    # The two item fields compared; choice "a" means the first.
    options: tuple[str, str]
    allow_tie: bool = True
    # Also ask how strong the preference is: 1 slight, 2 clear, 3 overwhelming.
    strength: bool = False

    @model_validator(mode="after")
    def _two_fields(self) -> PairwiseConfig:
        if self.options[0] == self.options[1]:
            raise ValueError("options must name two different fields")
        return self


class PairwiseResult(StrictModel):
    choice: Literal["a", "b", "tie"]
    strength: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None


class Pairwise(Kind[PairwiseConfig, PairwiseResult]):
    name = "pairwise"
    title = "Pairwise preference"
    Config = PairwiseConfig
    Result = PairwiseResult

    def check_config(self, config: PairwiseConfig, fields: dict[str, str]) -> None:
        for i, name in enumerate(config.options):
            if name not in fields:
                raise KindValidationError(f"options[{i}]", f"unknown field {name!r}")

    def validate_result(
        self, config: PairwiseConfig, result: PairwiseResult, item: ItemContext, path: str
    ) -> None:
        if result.choice == "tie":
            if not config.allow_tie:
                raise KindValidationError(f"{path}.choice", "ties are not allowed")
            if result.strength is not None:
                raise KindValidationError(f"{path}.strength", "a tie has no strength")
            return
        if not config.strength and result.strength is not None:
            raise KindValidationError(f"{path}.strength", "this question asks no strength")
        if config.strength and result.strength is None:
            raise KindValidationError(f"{path}.strength", "missing")
