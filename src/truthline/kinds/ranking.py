"""Ranking: order a set of options, best first (responses of a model, search results, ...)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel
from truthline.kinds.common import Text, UniqueNames

LIST_TYPES = ("list", "conversation")


class RankingConfig(QuestionConfig):
    kind: Literal["ranking"]
    options: Annotated[UniqueNames, Field(min_length=2)] | None = None
    # The options come from this item field instead: a list of strings (the options
    # themselves), of objects with an "id", or of anything else (their indices "0", "1", ...).
    options_field: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> RankingConfig:
        if (self.options is None) == (self.options_field is None):
            raise ValueError("give either options or options_field")
        return self


class RankingResult(StrictModel):
    order: list[Text]


def item_options(values: Any) -> list[str] | None:
    """Option ids of an item's list field, None when the item does not hold a list."""
    if not isinstance(values, list):
        return None
    if all(isinstance(v, str) for v in values):
        return list(values)
    if all(isinstance(v, dict) and "id" in v for v in values):
        return [str(v["id"]) for v in values]
    return [str(i) for i in range(len(values))]


class Ranking(Kind[RankingConfig, RankingResult]):
    name = "ranking"
    title = "Ranking"
    field_types = LIST_TYPES
    field_required = False
    Config = RankingConfig
    Result = RankingResult

    def check_config(self, config: RankingConfig, fields: dict[str, str]) -> None:
        source = config.options_field
        if source is None:
            return
        if source not in fields:
            raise KindValidationError("options_field", f"unknown field {source!r}")
        if fields[source] not in LIST_TYPES:
            raise KindValidationError(
                "options_field",
                f"needs a list or conversation field, {source!r} is {fields[source]}",
            )

    def validate_result(
        self, config: RankingConfig, result: RankingResult, item: ItemContext, path: str
    ) -> None:
        if config.options is not None:
            options: list[str] | None = config.options
        else:
            options = item_options(item.data.get(config.options_field or ""))
        seen: set[str] = set()
        for i, option in enumerate(result.order):
            if option in seen:
                raise KindValidationError(f"{path}.order[{i}]", f"duplicate option {option!r}")
            if options is not None and option not in options:
                raise KindValidationError(f"{path}.order[{i}]", f"unknown option {option!r}")
            seen.add(option)
        if options is not None:
            missing = [o for o in options if o not in seen]
            if missing:
                raise KindValidationError(f"{path}.order", f"missing options {missing}")
