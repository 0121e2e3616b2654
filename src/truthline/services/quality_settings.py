"""A project's quality settings (``settings.quality``): review sampling, gold, consolidation
method and the error taxonomy; validated as one document, errors naming their path."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import update

from truthline.db.models import Project
from truthline.db.session import Database
from truthline.errors import InvalidInput
from truthline.policies import ProjectAccess
from truthline.quality.sampling import AQLS
from truthline.services import audit


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ReviewSettings(_Strict):
    mode: Literal["off", "all", "random", "stratified", "risk"] = "off"
    rate: float = Field(default=0.1, ge=0, le=1, description="share of items sampled for review")
    aql: float | None = Field(default=None, description="ANSI Z1.4 AQL (%) for lot acceptance")
    lot_size: int | None = Field(
        default=None, ge=2, le=500_000, description="items per lot (or sampling pool)"
    )
    double_rate: float = Field(
        default=0.0, ge=0, le=1, description="share of reviewed items judged by two reviewers"
    )
    new_annotator_items: int = Field(
        default=20, ge=0, le=100_000, description="an annotator is new below this many submits"
    )

    @field_validator("aql")
    @classmethod
    def _standard_aql(cls, v: float | None) -> float | None:
        if v is not None and not any(abs(v - a) < 1e-9 for a in AQLS):
            raise ValueError(f"must be one of {', '.join(str(a) for a in AQLS)}")
        return v

    @model_validator(mode="after")
    def _lot(self) -> ReviewSettings:
        if self.aql is not None and self.lot_size is None:
            raise ValueError("lot acceptance (aql) needs a lot_size")
        if self.aql is not None and self.mode == "off":
            raise ValueError("lot acceptance (aql) needs a review mode other than off")
        return self


class GoldSettings(_Strict):
    rate: float = Field(default=0.0, ge=0, le=1, description="share of tasks that are gold")
    pass_threshold: float = Field(default=1.0, ge=0, le=1)
    feedback: bool = True
    flag_below: float | None = Field(default=None, ge=0, le=1)
    flag_window: int = Field(default=20, ge=1, le=10_000)
    pause_flagged: bool = False


class ConsolidationSettings(_Strict):
    method: Literal["majority", "dawid_skene"] = "majority"  # for single-choice classification


class ErrorCode(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    title: str = Field(min_length=1, max_length=200)
    section: str | None = Field(default=None, max_length=200)


class QualitySettings(_Strict):
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    gold: GoldSettings = Field(default_factory=GoldSettings)
    consolidation: ConsolidationSettings = Field(default_factory=ConsolidationSettings)
    error_taxonomy: list[ErrorCode] = Field(default_factory=list, max_length=500)

    @field_validator("error_taxonomy")
    @classmethod
    def _unique(cls, v: list[ErrorCode]) -> list[ErrorCode]:
        seen: set[str] = set()
        for n, entry in enumerate(v):
            if entry.code in seen:
                raise ValueError(f"[{n}].code: duplicate code {entry.code!r}")
            seen.add(entry.code)
        return v

    def codes(self) -> dict[str, ErrorCode]:
        return {e.code: e for e in self.error_taxonomy}


def _path(loc: tuple[Any, ...]) -> str:
    out = "quality"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def parse_quality(raw: Any) -> QualitySettings:
    """Validates a quality settings document; InvalidInput names each bad path."""
    try:
        return QualitySettings.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            loc = tuple(p for p in e["loc"] if p != "__root__")
            msg = str(e["msg"]).removeprefix("Value error, ")
            if msg.startswith("[") and "]." in msg:  # the taxonomy check names the entry itself
                index, _, msg = msg.partition(": ")
                loc = (*loc, *_index_path(index))
            errors.append({"path": _path(loc), "message": msg})
        first = errors[0]
        raise InvalidInput(
            f"{first['path']}: {first['message']}", field=first["path"], errors=errors
        ) from None


def _index_path(text: str) -> tuple[Any, ...]:
    head, _, tail = text.partition("].")
    return (int(head.lstrip("[")), tail)


def quality_of(project: Project) -> QualitySettings:
    """The project's settings with defaults filled in (stored settings were validated)."""
    return QualitySettings.model_validate((project.settings or {}).get("quality") or {})


async def set_quality(db: Database, access: ProjectAccess, raw: Any) -> QualitySettings:
    parsed = parse_quality(raw)
    stored = parsed.model_dump(mode="json")
    async with db.write() as s:
        project = await s.get(Project, access.project.id, with_for_update=not db.is_sqlite)
        assert project is not None
        settings = dict(project.settings or {})
        settings["quality"] = stored
        await s.execute(update(Project).where(Project.id == project.id).values(settings=settings))
        audit.record(s, access.user.id, "quality.settings", project.id, details=stored)
    access.project.settings = settings
    return parsed
