"""The plugin hooks: what a Truthline plugin (built-in or installed package) may provide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from truthline.kinds.base import Kind

PROJECT = "truthline"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_kinds() -> list[type[Kind[Any, Any]]]:
    """Annotation kinds this plugin provides (Kind subclasses, each with a unique name)."""
    raise NotImplementedError


@hookspec
def register_formats() -> list[Any]:
    """Import/export formats this plugin provides, each keyed by name and version."""
    raise NotImplementedError


@hookspec
def register_storage_backends() -> list[Any]:
    """Media storage backends this plugin provides, each keyed by a URL scheme or name."""
    raise NotImplementedError
