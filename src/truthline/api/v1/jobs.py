"""Background job state, cancel and retry."""

from __future__ import annotations

from fastapi import APIRouter

from truthline.api.deps import CurrentPrincipal, Db
from truthline.api.schemas import JobRead
from truthline.db.models import Job
from truthline.errors import NotFound
from truthline.jobs import queue as jobs
from truthline.policies import project_access

router = APIRouter(prefix="/jobs", tags=["jobs"])


async def _visible_job(db: Db, principal: CurrentPrincipal, job_id: int) -> Job:
    job = await jobs.get_job(db, job_id)
    if job.project_id is not None:
        try:
            await project_access(db, principal.user, job.project_id, "jobs.read")
        except NotFound:
            raise NotFound(f"no job {job_id}", code="job_not_found") from None
    elif not principal.user.is_admin and job.created_by != principal.user.id:
        raise NotFound(f"no job {job_id}", code="job_not_found")
    return job


@router.get("/{job_id}", response_model=JobRead)
async def get_job(job_id: int, principal: CurrentPrincipal, db: Db) -> JobRead:
    return JobRead.model_validate(await _visible_job(db, principal, job_id))


@router.post("/{job_id}/cancel", response_model=JobRead)
async def cancel_job(job_id: int, principal: CurrentPrincipal, db: Db) -> JobRead:
    await _visible_job(db, principal, job_id)
    return JobRead.model_validate(await jobs.request_cancel(db, job_id))


@router.post("/{job_id}/retry", response_model=JobRead)
async def retry_job(job_id: int, principal: CurrentPrincipal, db: Db) -> JobRead:
    await _visible_job(db, principal, job_id)
    return JobRead.model_validate(await jobs.retry_dead(db, job_id))
