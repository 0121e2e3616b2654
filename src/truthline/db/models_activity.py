"""Tables of time accounting and targets."""

from __future__ import annotations
