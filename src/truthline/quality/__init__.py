"""Quality computations on plain data: agreement, consolidation, Dawid-Skene, annotator
reliability and review sampling. No database and no HTTP; services feed it."""

from truthline.quality._common import Estimate, QualityInputError
from truthline.quality.agreement import agreement_for_kind
from truthline.quality.consolidation import Consolidated, consolidate, consolidate_many
from truthline.quality.dawid_skene import DawidSkeneResult, dawid_skene

__all__ = [
    "Consolidated",
    "DawidSkeneResult",
    "Estimate",
    "QualityInputError",
    "agreement_for_kind",
    "consolidate",
    "consolidate_many",
    "dawid_skene",
]
