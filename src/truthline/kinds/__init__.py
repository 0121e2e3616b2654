"""The annotation kinds: built-ins registered as a plugin, plus any installed plugin's kinds."""

from __future__ import annotations

import functools
from typing import Any

import pluggy

from truthline.kinds.base import ItemContext, Kind, KindValidationError, QuestionConfig, StrictModel
from truthline.plugins import PluginError, get_plugin_manager, hookimpl

__all__ = [
    "ItemContext",
    "Kind",
    "KindValidationError",
    "QuestionConfig",
    "StrictModel",
    "UnknownKind",
    "all_kinds",
    "collect_kinds",
    "get_kind",
    "register_kinds",
]


class UnknownKind(KeyError):
    """No registered kind has this name."""


@hookimpl
def register_kinds() -> list[type[Kind[Any, Any]]]:
    from truthline.kinds import (
        audio_segment,
        bbox,
        classification,
        free_text,
        keypoints,
        mask,
        pairwise,
        polygon,
        ranking,
        rating,
        span,
        temporal_segment,
        transcription,
        video_track,
    )

    return [
        classification.Classification,
        span.SpanKind,
        bbox.Bbox,
        polygon.PolygonKind,
        keypoints.Keypoints,
        mask.MaskKind,
        free_text.FreeText,
        rating.Rating,
        ranking.Ranking,
        pairwise.Pairwise,
        transcription.Transcription,
        audio_segment.AudioSegmentKind,
        video_track.VideoTrack,
        temporal_segment.TemporalSegmentKind,
    ]


def collect_kinds(pm: pluggy.PluginManager) -> dict[str, Kind[Any, Any]]:
    """One instance of every kind the plugins of ``pm`` register, by name."""
    kinds: dict[str, Kind[Any, Any]] = {}
    for batch in pm.hook.register_kinds():
        for cls in batch:
            if cls.name in kinds:
                raise PluginError(f"two plugins register the annotation kind {cls.name!r}")
            kinds[cls.name] = cls()
    return dict(sorted(kinds.items()))


@functools.cache
def _registry() -> dict[str, Kind[Any, Any]]:
    # Built once per process: plugins are installed packages, they do not come and go.
    return collect_kinds(get_plugin_manager())


def all_kinds() -> dict[str, Kind[Any, Any]]:
    """Every registered kind by name, sorted by name."""
    return dict(_registry())


def get_kind(name: str) -> Kind[Any, Any]:
    """The kind called ``name``; UnknownKind (a KeyError) if none is registered."""
    try:
        return _registry()[name]
    except KeyError:
        raise UnknownKind(name) from None
