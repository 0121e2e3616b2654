"""Tables of the workforce: teams, skills, languages, schedules."""

from __future__ import annotations
