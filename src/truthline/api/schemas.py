"""Request and response bodies of the REST API (XCreate / XUpdate / XRead / XPage)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

T = TypeVar("T")


class In(BaseModel):
    """Request bodies: unknown fields are an error, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# --- auth and users -------------------------------------------------------------------------------
class LoginIn(In):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1000)


class UserRead(Out):
    id: int
    username: str
    display_name: str
    is_admin: bool
    is_active: bool


class MeRead(Out):
    user: UserRead
    csrf_token: str | None = None


class UserCreate(In):
    username: str = Field(max_length=150)
    password: str = Field(min_length=8, max_length=1000)
    display_name: str = Field(default="", max_length=200)
    is_admin: bool = False


class TokenCreate(In):
    name: str = Field(min_length=1, max_length=200)


class TokenRead(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None


class TokenCreated(TokenRead):
    token: str


# --- projects -------------------------------------------------------------------------------------
class ProjectCreate(In):
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=10_000)
    instructions: str = Field(default="", max_length=1_000_000)
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    schema_text: str | None = Field(default=None, max_length=1_000_000)
    overlap: int = Field(default=1, ge=1, le=50)
    lease_seconds: int = Field(default=1800, ge=10, le=604800)


class ProjectUpdate(In):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    instructions: str | None = Field(default=None, max_length=1_000_000)
    overlap: int | None = Field(default=None, ge=1, le=50)
    lease_seconds: int | None = Field(default=None, ge=10, le=604800)
    archived: bool | None = None


class SchemaIn(In):
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    schema_text: str | None = Field(default=None, max_length=1_000_000)


class SchemaError(Out):
    path: str
    message: str


class SchemaValidation(Out):
    valid: bool
    errors: list[SchemaError]
    schema_: dict[str, Any] | None = Field(default=None, serialization_alias="schema")


class SchemaVersionRead(Out):
    id: int
    version: int
    schema_: dict[str, Any] = Field(validation_alias="schema", serialization_alias="schema")
    source_text: str | None = Field(default=None, description="the YAML/JSON text as written")
    created_at: datetime


class ProjectRead(Out):
    id: int
    name: str
    description: str
    instructions: str
    overlap: int
    lease_seconds: int
    archived: bool
    created_at: datetime
    role: str | None = None
    schema_version: int | None = None
    schema_: dict[str, Any] | None = Field(default=None, serialization_alias="schema")
    schema_text: str | None = None


class MemberSet(In):
    user_id: int | None = None
    username: str | None = None
    role: Literal["lead", "reviewer", "annotator", "viewer"]


class MemberRead(Out):
    user: UserRead
    role: str


class StageCount(Out):
    stage: str
    items: int
    open_slots: int


class ProjectStats(Out):
    items: int
    stages: list[StageCount]
    live_leases: int
    annotations: int
    annotators: int
    submitted_today: int


class WorkRead(Out):
    project: ProjectRead
    done_today: int
    done_total: int
    available: dict[str, int]


# --- items, queue, annotations --------------------------------------------------------------------
class PredictionRead(Out):
    id: int
    source: str
    score: float | None
    result: dict[str, Any]


class AnnotationRead(Out):
    id: int
    item_id: int
    user_id: int
    annotator: str | None = None
    version: int
    base_version: int | None
    stage: str
    result: dict[str, Any]
    meta: dict[str, Any]
    schema_version_id: int
    guideline_version_id: int | None
    active_ms: int
    lease_expired: bool
    created_at: datetime
    gold: dict[str, Any] | None = Field(
        default=None,
        description="after a gold item's submit, when feedback is on; absent otherwise",
    )

    @model_serializer(mode="wrap")
    def _without_empty_gold(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # Left out rather than null, so no answer names gold unless feedback is shown.
        out = handler(self)
        if isinstance(out, dict) and out.get("gold") is None:
            out.pop("gold", None)
        return out


class ItemRead(Out):
    id: int
    external_id: str
    data: dict[str, Any]
    media: dict[str, Any] = Field(default_factory=dict)
    media_urls: dict[str, str] = Field(default_factory=dict)
    priority: int
    stage: str
    submitted_count: int
    created_at: datetime


class ItemDetail(ItemRead):
    predictions: list[PredictionRead] = Field(default_factory=list)
    annotations: list[AnnotationRead] = Field(default_factory=list)


class ItemUpdate(In):
    priority: int = Field(ge=-(2**31), le=2**31)


class NextIn(In):
    stage: Literal["annotate", "review"] = "annotate"
    # Prefetching: a task on another item than these, leased beside the one held.
    exclude_item_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=50
    )


class LeaseRead(Out):
    id: int
    item_id: int
    stage: str
    status: str
    leased_at: datetime
    expires_at: datetime
    active_ms: int


class DraftRead(Out):
    result: dict[str, Any]
    base_version: int | None
    updated_at: datetime


class NextRead(Out):
    status: Literal["assigned", "empty", "all_leased"]
    lease: LeaseRead | None = None
    item: ItemRead | None = None
    predictions: list[PredictionRead] = Field(default_factory=list)
    draft: DraftRead | None = None
    schema_version: int | None = None
    retry_after: float | None = None


class HeartbeatIn(In):
    active_ms: int | None = Field(default=None, ge=0, le=10**10)
    hidden: bool = False
    # No input for the client's idle window; older clients leave it out (counted as active).
    idle: bool = False


class SkipIn(In):
    reason: str = Field(min_length=1, max_length=2000)


class DraftIn(In):
    result: dict[str, Any]
    base_version: int | None = None


class SubmitIn(In):
    result: dict[str, Any]
    idempotency_key: str = Field(min_length=1, max_length=100)
    lease_id: int | None = None
    base_version: int | None = None
    active_ms: int = Field(default=0, ge=0, le=10**10)
    meta: dict[str, Any] = Field(default_factory=dict)


class HistoryEntry(Out):
    annotation: AnnotationRead
    item: ItemRead


# --- imports, exports, jobs -----------------------------------------------------------------------
class RowErrorRead(Out):
    line: int
    source: str
    field: str | None
    reason: str
    value: str | None


class ImportRead(Out):
    id: int
    kind: str
    filename: str
    status: str
    received: int
    created: int
    duplicates: int
    rejected: int
    message: str | None
    job_id: int | None
    created_at: datetime
    finished_at: datetime | None
    errors: list[RowErrorRead] = Field(default_factory=list)


class ExportCreate(In):
    format: Literal["jsonl"] = "jsonl"
    versions: Literal["latest", "all"] = "latest"
    include: list[Literal["annotations", "consolidated", "agreement", "review", "gold"]] = Field(
        default_factory=list,
        description="the parts each line carries besides the item and its predictions; "
        "empty: the raw annotations alone",
    )


class JobRead(Out):
    id: int
    kind: str
    status: str
    attempts: int
    max_attempts: int
    progress_done: int
    progress_total: int | None
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    project_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class HealthRead(Out):
    status: str
    database: str
    version: str


# --- quality: gold, review, rework ----------------------------------------------------------------
class GoldIn(In):
    answer: dict[str, Any]
    feedback: str = Field(default="", max_length=5000)


class GoldPromoteIn(In):
    feedback: str = Field(default="", max_length=5000)


class GoldRead(Out):
    item_id: int
    answer: dict[str, Any]
    feedback: str
    source: str
    created_at: datetime
    scored: int = 0
    mean_score: float | None = None


class ReviewIn(In):
    annotation_id: int
    verdict: Literal["accept", "fix", "reject"]
    error_codes: list[str] = Field(default_factory=list, max_length=50)
    comment: str = Field(default="", max_length=5000)
    fixed_result: dict[str, Any] | None = None
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=100)


class ReviewVerdictRead(Out):
    id: int
    item_id: int
    annotation_id: int
    annotator_id: int
    reviewer_id: int
    verdict: str
    error_codes: list[str]
    comment: str
    fixed_annotation_id: int | None
    created_at: datetime


class ReviewResult(Out):
    verdict: ReviewVerdictRead
    fixed_annotation: AnnotationRead | None = None
    item_stage: str


class ReworkRead(Out):
    id: int
    item_id: int
    annotation_id: int
    notes: str
    error_codes: list[str]
    created_at: datetime
    base_version: int | None = Field(default=None, description="send as base_version of the edit")


class ReviewBatchRead(Out):
    id: int
    status: str
    lot_size: int
    aql: float | None
    sample_size: int | None
    accept: int | None
    reject: int | None
    failures: int | None
    item_ids: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
