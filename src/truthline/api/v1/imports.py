"""Uploads of items and predictions: streamed to disk, then imported inline or as a job."""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select

from truthline.api.deps import CurrentPrincipal, State
from truthline.api.schemas import ImportRead, RowErrorRead
from truthline.db.models import Import, ImportError_
from truthline.errors import InvalidInput, NotFound, PayloadTooLarge
from truthline.jobs import queue as jobs
from truthline.policies import project_access
from truthline.services import imports

router = APIRouter(tags=["imports"])
CHUNK = 1 << 20


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip() or "upload"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:200]


async def _save_upload(request: Request, dest_dir: Path, limit: int) -> tuple[Path, str, int]:
    """Streams the upload (multipart `file` field, or a raw body with ?filename=) to disk."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("multipart upload needs a 'file' field", field="file")
        filename = _safe_name(upload.filename or "upload")
        chunks: AsyncIterator[bytes] = _read_upload(upload)
    else:
        filename = _safe_name(request.query_params.get("filename") or "")
        if filename == "upload":
            raise InvalidInput(
                "a raw upload needs ?filename= (its extension tells the format)", field="filename"
            )
        chunks = request.stream()
    path = dest_dir / f"{uuid.uuid4().hex}-{filename}"
    size = 0
    try:
        with path.open("wb") as fh:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"upload is larger than {limit} bytes", limit=limit)
                fh.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise InvalidInput("the uploaded file is empty", field="file")
    return path, filename, size


async def _read_upload(upload: object) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):  # type: ignore[attr-defined]
        yield chunk


async def _import_read(state: State, imp: Import, with_errors: bool = True) -> ImportRead:
    read = ImportRead.model_validate(imp)
    if with_errors:
        async with state.db.read() as s:
            rows = await s.scalars(
                select(ImportError_)
                .where(ImportError_.import_id == imp.id)
                .order_by(ImportError_.id)
                .limit(100)
            )
            read.errors = [RowErrorRead.model_validate(r) for r in rows]
    return read


@router.post(
    "/projects/{project}/imports",
    response_model=ImportRead,
    status_code=201,
    responses={202: {"model": ImportRead, "description": "running as a job"}},
)
async def create_import(
    project: str,
    request: Request,
    principal: CurrentPrincipal,
    state: State,
    kind: str = Query("items", description="items | predictions"),
) -> ImportRead | JSONResponse:
    access = await project_access(state.db, principal.user, project, "items.import")
    path, filename, size = await _save_upload(
        request, state.settings.data_dir / "uploads", state.settings.max_upload_bytes
    )
    imp = await imports.create_import(state.db, access.project, principal.user.id, filename, kind)
    if size > state.settings.import_job_threshold_bytes:
        async with state.db.write() as s:
            job = jobs.enqueue(
                s,
                "import",
                {"import_id": imp.id, "path": str(path)},
                project_id=access.project.id,
                created_by=principal.user.id,
            )
            await s.flush()
            row = await s.get(Import, imp.id)
            assert row is not None
            row.job_id = job.id
        read = await _import_read(state, row, with_errors=False)
        return JSONResponse(read.model_dump(mode="json"), status_code=202)
    try:
        await imports.run_import(state.db, state.storage, imp.id, path)
    finally:
        path.unlink(missing_ok=True)
    async with state.db.read() as s:
        done = await s.get(Import, imp.id)
    assert done is not None
    return await _import_read(state, done)


async def _get_import(
    state: State, principal: CurrentPrincipal, project: str, import_id: int
) -> Import:
    access = await project_access(state.db, principal.user, project, "items.import")
    async with state.db.read() as s:
        imp = await s.get(Import, import_id)
    if imp is None or imp.project_id != access.project.id:
        raise NotFound(f"no import {import_id}", code="import_not_found")
    return imp


@router.get("/projects/{project}/imports/{import_id}", response_model=ImportRead)
async def get_import(
    project: str, import_id: int, principal: CurrentPrincipal, state: State
) -> ImportRead:
    return await _import_read(state, await _get_import(state, principal, project, import_id))


@router.get("/projects/{project}/imports/{import_id}/errors", response_class=StreamingResponse)
async def import_errors(
    project: str, import_id: int, principal: CurrentPrincipal, state: State
) -> StreamingResponse:
    imp = await _get_import(state, principal, project, import_id)

    async def rows() -> AsyncIterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["line", "source", "field", "reason", "value"])
        after = 0
        while True:
            async with state.db.read() as s:
                page = list(
                    await s.scalars(
                        select(ImportError_)
                        .where(ImportError_.import_id == imp.id, ImportError_.id > after)
                        .order_by(ImportError_.id)
                        .limit(1000)
                    )
                )
            for e in page:
                writer.writerow([e.line, e.source, e.field or "", e.reason, e.value or ""])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
            if len(page) < 1000:
                return
            after = page[-1].id

    headers = {"content-disposition": f'attachment; filename="import-{imp.id}-errors.csv"'}
    return StreamingResponse(rows(), media_type="text/csv", headers=headers)
