"""Tables of qualification quizzes and guideline images."""

from __future__ import annotations
