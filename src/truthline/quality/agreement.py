"""Inter-annotator agreement: one import point for the coefficients (alpha, kappas, percent
agreement), the geometric and textual measures, and the per-kind choice among them."""

from __future__ import annotations

from truthline.quality._common import Estimate, count_matrix, value_counts
from truthline.quality.alpha import krippendorff_alpha, krippendorff_alpha_ci
from truthline.quality.by_kind import KindAgreement, agreement_for_kind, score_against
from truthline.quality.geometry import (
    BoxAgreement,
    box_agreement,
    box_agreement_many,
    box_iou_matrix,
    interval_iou_matrix,
    keypoint_similarity,
    mask_iou,
    match_boxes,
    polygon_iou,
)
from truthline.quality.kappa import (
    cohen_kappa,
    cohen_kappa_ci,
    fleiss_kappa,
    fleiss_kappa_ci,
    pairwise_cohen,
    percent_agreement,
    percent_agreement_ci,
)
from truthline.quality.text import SpanScores, cer, edit_distance, span_f1, wer

__all__ = [
    "BoxAgreement",
    "Estimate",
    "KindAgreement",
    "SpanScores",
    "agreement_for_kind",
    "box_agreement",
    "box_agreement_many",
    "box_iou_matrix",
    "cer",
    "cohen_kappa",
    "cohen_kappa_ci",
    "count_matrix",
    "edit_distance",
    "fleiss_kappa",
    "fleiss_kappa_ci",
    "interval_iou_matrix",
    "keypoint_similarity",
    "krippendorff_alpha",
    "krippendorff_alpha_ci",
    "mask_iou",
    "match_boxes",
    "pairwise_cohen",
    "percent_agreement",
    "percent_agreement_ci",
    "polygon_iou",
    "score_against",
    "span_f1",
    "value_counts",
    "wer",
]
