"""Status reports: daily per person and the team roll-up, as JSON, CSV and PDF."""

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
