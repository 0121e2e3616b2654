"""The plugin manager: built-in features and installed packages register through the same hooks.

Built-ins are registered under the names of their entry points in pyproject.toml, so that an
installed Truthline does not load them a second time from its own entry points.
"""

from __future__ import annotations

import functools
import importlib

import pluggy

from truthline.plugins import hookspecs
from truthline.plugins.hookspecs import PROJECT, hookimpl

__all__ = [
    "DEFAULT_PLUGINS",
    "PluginError",
    "build_plugin_manager",
    "get_plugin_manager",
    "hookimpl",
]

# Entry-point name -> module, as declared under [project.entry-points.truthline].
DEFAULT_PLUGINS: dict[str, str] = {
    "builtin_kinds": "truthline.kinds",
    "builtin_formats": "truthline.formats",
}


class PluginError(RuntimeError):
    """Plugins disagree, e.g. two of them register a kind of the same name."""


def build_plugin_manager(*, entry_points: bool = True) -> pluggy.PluginManager:
    """A new manager with the built-ins and (unless told not to) the installed plugins."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name, module in DEFAULT_PLUGINS.items():
        pm.register(importlib.import_module(module), name=name)
    if entry_points:
        pm.load_setuptools_entrypoints(PROJECT)
    return pm


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager, built on first use (importing this module loads nothing)."""
    return build_plugin_manager()
