"""Tables of the workforce (teams, skills, schedules) and qualification quizzes."""

from __future__ import annotations
