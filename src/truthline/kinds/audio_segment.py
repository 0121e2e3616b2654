"""Audio segments: labeled time ranges of an audio field (speech, music, noise, ...)."""

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


class AudioSegmentConfig(LabeledConfig):
    kind: Literal["audio_segment"]
    allow_overlap: bool = True


class AudioSegment(LabeledShape):
    start: Num
    end: Num


class AudioSegmentResult(StrictModel):
    segments: list[AudioSegment]


class AudioSegmentKind(Kind[AudioSegmentConfig, AudioSegmentResult]):
    name = "audio_segment"
    title = "Audio segments"
    field_types = ("audio",)
    Config = AudioSegmentConfig
    Result = AudioSegmentResult

    def validate_result(
        self, config: AudioSegmentConfig, result: AudioSegmentResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.segments, f"{path}.segments")
        check_intervals(
            ((s.start, s.end) for s in result.segments),
            f"{path}.segments",
            limit=media_duration(item, config.field),
            allow_overlap=config.allow_overlap,
        )
