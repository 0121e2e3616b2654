"""Truthline: ground-truth data platform for ML data teams."""

__version__ = "0.1.0"
