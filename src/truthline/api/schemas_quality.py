"""Response schemas of the quality routes (dashboard views, gold summary, lots, reviewer
agreement), in the shapes the web app reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

Interval = list[float | None] | None


class QOut(BaseModel):
    # Extra keys are kept: the computations may add details before the schema names them.
    model_config = ConfigDict(from_attributes=True, extra="allow")


class Rows(QOut, Generic[T]):
    items: list[T]


class RowsPage(QOut, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# --- agreement, annotators, gold -----------------------------------------------------------------
class LabelAgreementRead(QOut):
    label: str
    chosen: int = Field(description="answers (classification) or shapes with this label")
    value: float | None
    ci: Interval
    metric: str | None = Field(
        default=None, description="binary_alpha for classification, else the kind's measure"
    )


class CohenMatrixRead(QOut):
    annotators: list[str]
    matrix: list[list[float | None]] = Field(
        description="Cohen's kappa of each two annotators (null: diagonal, or undefined)"
    )
    shared: list[list[int]] = Field(description="items each two annotators both answered")


class QuestionAgreementRead(QOut):
    question: str
    kind: str
    items: int
    metric: str | None
    value: float | None
    ci: Interval
    n_items: int
    higher_is_better: bool
    percent_agreement: float | None
    labels: list[LabelAgreementRead]
    error: str | None = Field(default=None, description="why the measure could not be computed")
    fleiss_kappa: float | None = Field(
        default=None, description="classification (single choice) and pairwise"
    )
    fleiss_kappa_ci: Interval = None
    fleiss_note: str | None = Field(default=None, description="why Fleiss' kappa is absent")
    cohen: CohenMatrixRead | None = Field(
        default=None, description="classification and pairwise: the pairwise Cohen's kappa"
    )
    mean_iou: float | None = Field(
        default=None, description="mean IoU of matched shapes (boxes, polygons, segments, tracks)"
    )
    mean_oks: float | None = Field(
        default=None, description="keypoints: mean keypoint similarity of matched instances"
    )
    overlap_f1: float | None = Field(default=None, description="span: F1 of overlapping spans")
    wer: float | None = Field(default=None, description="free text, transcription: mean WER")
    cer: float | None = Field(default=None, description="free text, transcription: mean CER")


class AgreementRead(QOut):
    questions: list[QuestionAgreementRead]


class AgreementWeekRow(QOut):
    question: str
    kind: str
    week: str = Field(description="ISO week in which the item's latest answer was submitted")
    metric: str | None
    value: float | None
    ci: Interval
    n_items: int = Field(description="items with two answers or more")
    higher_is_better: bool
    error: str | None = None


class ScoreSummaryRead(QOut):
    n: int
    mean: float | None
    correct: int
    accuracy: float | None
    ci: Interval


class GoldAnnotatorRead(QOut):
    user_id: int
    username: str
    scored: int
    mean_score: float
    passed: int
    accuracy: float
    ci: Interval
    rolling_accuracy: float | None
    flagged: bool
    paused: bool


class GoldSummaryRead(QOut):
    gold_items: int
    scored: int
    accuracy: float | None
    annotators: list[GoldAnnotatorRead]


class AnnotatorReliabilityRow(QOut):
    user_id: int
    username: str | None
    items: int
    consensus: dict[str, ScoreSummaryRead | None]
    gold: GoldAnnotatorRead | None
    confusion: dict[str, Any] = Field(description="Dawid-Skene confusion matrix per question")
    label_confusion: dict[str, dict[str, list[list[float]]]] = Field(
        default_factory=dict,
        description="multiple choice: per question and label the 2 x 2 Dawid-Skene confusion "
        "(rows: estimated absent/present, columns: answered absent/present)",
    )


class AnnotatorReliabilityRead(QOut):
    annotators: list[AnnotatorReliabilityRow]
    labels: dict[str, list[str]]


# --- reviewer agreement ---------------------------------------------------------------------------
class ReviewerPairRead(QOut):
    reviewer_a: str
    reviewer_b: str
    shared: int = Field(description="annotations both judged")
    agreement: float | None
    kappa: float | None


class CodeAgreementRead(QOut):
    code: str
    title: str | None
    either: int = Field(description="twice-judged annotations where one reviewer or both gave it")
    both: int
    agreement: float | None = Field(description="both / either")
    kappa: float | None = Field(description="Cohen's kappa on given / not given")


class ReviewerAgreementRead(QOut):
    annotations_reviewed: int
    reviewed_twice: int = Field(description="annotations judged by two reviewers or more")
    percent_agreement: float | None
    alpha: float | None
    alpha_ci: Interval
    accept_alpha: float | None
    items_reviewed: int
    items_reviewed_twice: int
    share_reviewed_twice: float | None
    verdict_agreement: float | None = Field(description="share of equal first/second verdicts")
    kappa: float | None = Field(description="Cohen's kappa on accept / fix / reject")
    pass_fail_agreement: float | None
    pass_fail_kappa: float | None = Field(description="Cohen's kappa on accept vs fix or reject")
    verdicts: list[str]
    matrix: list[list[int]] = Field(description="first verdict (rows) x second verdict")
    pairs: list[ReviewerPairRead]
    codes: list[CodeAgreementRead]


# --- lots -----------------------------------------------------------------------------------------
class ReviewLotRead(QOut):
    id: int
    kind: Literal["lot", "pool"] = Field(description="a Z1.4 acceptance lot, or a sampling pool")
    status: str = Field(description="filling | sampling | sampled | accepted | rejected")
    lot_size: int
    item_count: int = Field(description="items in the lot so far")
    aql: float | None
    sample_size: int | None
    accept: int | None
    reject: int | None
    judged: int
    failures: int = Field(description="defective sampled items (so far, while sampling)")
    decision: Literal["accepted", "rejected"] | None
    created_at: datetime
    decided_at: datetime | None


class LotItemRead(QOut):
    item_id: int
    external_id: str
    stage: str
    sampled: bool
    judged: bool
    defective: bool
    review_outcome: str | None
    rework_open: int
    rework_done: int


class ReviewLotDetail(ReviewLotRead):
    items: list[LotItemRead]
    next_cursor: str | None = None


# --- error analysis -------------------------------------------------------------------------------
class ParetoRow(QOut):
    code: str
    title: str | None
    section: str | None
    count: int
    share: float
    cumulative_share: float


class VerdictCounts(QOut):
    reviewed: int
    accepted: int
    fixed: int
    rejected: int
    error_rate: float
    codes: dict[str, int]


class ByAnnotatorRow(VerdictCounts):
    annotator: str


class ByLabelRow(VerdictCounts):
    label: str


class ByWeekRow(VerdictCounts):
    week: str


class TrendRow(VerdictCounts):
    annotator: str
    week: str


class BySectionRow(QOut):
    section: str
    count: int
    share: float


class LabelConfusionRead(QOut):
    question: str
    labels: list[str]
    matrix: list[list[int]]


class ConfusionRead(QOut):
    questions: list[LabelConfusionRead]


class CoachingRow(QOut):
    verdict_id: int
    item_id: int
    annotator: str
    verdict: str
    error_codes: list[str]
    comment: str
    fixed_annotation_id: int | None
    created_at: str = Field(description="ISO 8601")


class ItemIdRow(QOut):
    item_id: int
