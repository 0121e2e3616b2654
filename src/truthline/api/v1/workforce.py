"""Workforce: teams, skills, languages, schedules; qualification quizzes."""

from fastapi import APIRouter

router = APIRouter(tags=["workforce"])
