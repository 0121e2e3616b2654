"""Transcription: timed segments of an audio field, each with its text and speaker."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel
from truthline.kinds.common import (
    Num,
    Shape,
    UniqueNames,
    check_intervals,
    check_unique_ids,
    media_duration,
)


class TranscriptionConfig(QuestionConfig):
    kind: Literal["transcription"]
    # When given, every segment names one of these speakers.
    speakers: UniqueNames = Field(default_factory=list)
    # Longest segment in seconds: long segments are hard to check and to train on.
    max_segment: float | None = Field(default=None, gt=0)
    # Overlapping speech (two speakers at once) is transcribed as overlapping segments.
    allow_overlap: bool = False


class TranscriptSegment(Shape):
    start: Num
    end: Num
    text: str
    speaker: str | None = None


class TranscriptionResult(StrictModel):
    segments: list[TranscriptSegment]


class Transcription(Kind[TranscriptionConfig, TranscriptionResult]):
    name = "transcription"
    title = "Transcription"
    field_types = ("audio", "video")
    Config = TranscriptionConfig
    Result = TranscriptionResult

    def validate_result(
        self, config: TranscriptionConfig, result: TranscriptionResult, item: ItemContext, path: str
    ) -> None:
        where = f"{path}.segments"
        check_unique_ids((s.id for s in result.segments), where)
        check_intervals(
            ((s.start, s.end) for s in result.segments),
            where,
            limit=media_duration(item, config.field),
            allow_overlap=config.allow_overlap,
        )
        speakers = set(config.speakers)
        for i, segment in enumerate(result.segments):
            if config.max_segment is not None and segment.end - segment.start > config.max_segment:
                raise KindValidationError(
                    f"{where}[{i}].end", f"segment longer than {config.max_segment} s"
                )
            if speakers and segment.speaker not in speakers:
                raise KindValidationError(
                    f"{where}[{i}].speaker", f"unknown speaker {segment.speaker!r}"
                )
