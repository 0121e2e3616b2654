"""Video tracks: one object followed through a video by boxes at keyframes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool

from truthline.kinds.base import ItemContext, Kind, KindValidationError, StrictModel
from truthline.kinds.common import (
    Count,
    LabeledConfig,
    LabeledShape,
    Num,
    check_box,
    check_shapes,
    image_size,
    media_fact,
)


class VideoTrackConfig(LabeledConfig):
    kind: Literal["video_track"]
    # Boxes between keyframes are interpolated linearly (by the tool and on export).
    interpolate: bool = True


class Keyframe(StrictModel):
    frame: Count
    x: Num
    y: Num
    w: Num
    h: Num
    # The object left the view at this frame (until the next keyframe that is not outside).
    outside: StrictBool = False


class Track(LabeledShape):
    keyframes: list[Keyframe] = Field(min_length=1)


class VideoTrackResult(StrictModel):
    tracks: list[Track]


class VideoTrack(Kind[VideoTrackConfig, VideoTrackResult]):
    name = "video_track"
    title = "Video tracks"
    field_types = ("video",)
    Config = VideoTrackConfig
    Result = VideoTrackResult

    def validate_result(
        self, config: VideoTrackConfig, result: VideoTrackResult, item: ItemContext, path: str
    ) -> None:
        check_shapes(config, result.tracks, f"{path}.tracks")
        size = image_size(item, config.field)
        frames = media_fact(item, config.field, "frames")
        for i, track in enumerate(result.tracks):
            previous = -1
            for j, key in enumerate(track.keyframes):
                where = f"{path}.tracks[{i}].keyframes[{j}]"
                if key.frame <= previous:
                    raise KindValidationError(
                        f"{where}.frame", f"frame {key.frame} is not after frame {previous}"
                    )
                if frames is not None and key.frame >= frames:
                    raise KindValidationError(
                        f"{where}.frame",
                        f"frame {key.frame} is beyond the last frame {frames - 1:g}",
                    )
                previous = key.frame
                # An outside keyframe keeps the last box only as a hint; it is not drawn.
                if not key.outside:
                    check_box(key.x, key.y, key.w, key.h, size, where)
