"""Quality steps written in the same transaction as a submit, finished here if the
server stopped before running them."""

from __future__ import annotations
