"""Exports: a streamed download, or a job that writes a file with progress."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, StreamingResponse

from truthline.api.deps import CurrentPrincipal, State
from truthline.api.schemas import ExportCreate, JobRead
from truthline.errors import Conflict, NotFound
from truthline.jobs import queue as jobs
from truthline.policies import project_access
from truthline.services import audit, exports

router = APIRouter(tags=["exports"])


@router.get("/projects/{project}/export", response_class=StreamingResponse)
async def stream_export(
    project: str,
    principal: CurrentPrincipal,
    state: State,
    format: str = "jsonl",
    versions: str = Query("latest", description="latest | all"),
    include: str = Query(
        "",
        description="comma-separated parts: annotations, consolidated, agreement, review, gold "
        "(empty: annotations alone)",
    ),
) -> StreamingResponse:
    access = await project_access(state.db, principal.user, project, "export.run")
    exports.check_options(format, versions)
    extras = exports.check_include(tuple(p.strip() for p in include.split(",") if p.strip()))
    await audit.log(
        state.db,
        principal.user.id,
        "export.download",
        project_id=access.project.id,
        details={"format": format, "versions": versions, "include": list(extras)},
    )
    headers = {"content-disposition": f'attachment; filename="{access.project.id}.jsonl"'}
    return StreamingResponse(
        exports.stream_jsonl(state.db, access.project, versions=versions, include=extras),
        media_type="application/x-ndjson",
        headers=headers,
    )


@router.post("/projects/{project}/exports", response_model=JobRead, status_code=202)
async def create_export(
    project: str, body: ExportCreate, principal: CurrentPrincipal, state: State
) -> JobRead:
    access = await project_access(state.db, principal.user, project, "export.run")
    async with state.db.write() as s:
        job = jobs.enqueue(
            s,
            "export",
            {
                "project_id": access.project.id,
                "format": body.format,
                "versions": body.versions,
                "include": list(body.include),
            },
            project_id=access.project.id,
            created_by=principal.user.id,
        )
        audit.record(
            s, principal.user.id, "export.create", access.project.id, "job", None, body.model_dump()
        )
        await s.flush()
    return JobRead.model_validate(job)


@router.get("/jobs/{job_id}/download", response_class=FileResponse)
async def download(job_id: int, principal: CurrentPrincipal, state: State) -> FileResponse:
    job = await jobs.get_job(state.db, job_id)
    if job.kind != "export" or job.project_id is None:
        raise NotFound(f"job {job_id} has no download", code="no_download")
    access = await project_access(state.db, principal.user, job.project_id, "export.run")
    if job.status != "succeeded" or not job.result:
        raise Conflict(f"export job {job_id} is {job.status}", code="not_ready", status=job.status)
    await audit.log(
        state.db,
        principal.user.id,
        "export.download",
        project_id=access.project.id,
        object_type="job",
        object_id=job_id,
    )
    return FileResponse(
        job.result["path"],
        media_type="application/x-ndjson",
        filename=job.result.get("filename", f"export-{job_id}.jsonl"),
    )
