"""SLA clocks of questions: breach warnings and automatic escalation."""

from __future__ import annotations
