"""Temporal segments: labeled time ranges of a video (or audio) field, in seconds."""

from __future__ import annotations

from typing import Literal

from truthline.kinds.base import ItemContext, Kind, StrictModel
from truthline.kinds.common import (
    LabeledConfig,
    LabeledShape,
    Num,
    check_intervals,
    check_shapes,
    media_duration,
)


class TemporalSegmentConfig(LabeledConfig):
    kind: Literal["temporal_segment"]
    allow_overlap: bool = False


class TemporalSegment(LabeledShape):
    start: Num
    end: Num


class TemporalSegmentResult(StrictModel):
    segments: list[TemporalSegment]


class TemporalSegmentKind(Kind[TemporalSegmentConfig, TemporalSegmentResult]):
    name = "temporal_segment"
    title = "Temporal segments"
    field_types = ("video", "audio")
    Config = TemporalSegmentConfig
    Result = TemporalSegmentResult

    def validate_result(
        self,
        config: TemporalSegmentConfig,
        result: TemporalSegmentResult,
        item: ItemContext,
        path: str,
    ) -> None:
        check_shapes(config, result.segments, f"{path}.segments")
        check_intervals(
            ((s.start, s.end) for s in result.segments),
            f"{path}.segments",
            limit=media_duration(item, config.field),
            allow_overlap=config.allow_overlap,
        )
