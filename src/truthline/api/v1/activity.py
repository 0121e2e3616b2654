"""Time accounting and targets: activity, progress against targets, the team table."""

from fastapi import APIRouter

router = APIRouter(tags=["activity"])
