"""The questions portal: tickets with SLA clocks, replies, notifications, FAQ."""

from fastapi import APIRouter

router = APIRouter(tags=["questions"])
