"""Tables of the questions portal: tickets, their replies, SLA policies, notifications."""

from __future__ import annotations
