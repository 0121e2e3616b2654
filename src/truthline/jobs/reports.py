"""Daily status reports generated at the end of each person's day."""

from __future__ import annotations
