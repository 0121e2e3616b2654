"""Built-in job handlers: imports and exports above the size thresholds, consolidation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from truthline.db.models import Project
from truthline.jobs.worker import JobContext, handler


@handler("import")
async def run_import_job(ctx: JobContext) -> dict[str, Any]:
    from truthline.services.imports import run_import

    path = Path(ctx.job.payload["path"])

    async def progress(done: int, total: int | None) -> None:
        await ctx.progress(done, total)

    counts = await run_import(
        ctx.db, ctx.storage, ctx.job.payload["import_id"], path, progress=progress
    )
    path.unlink(missing_ok=True)
    return {
        "import_id": ctx.job.payload["import_id"],
        "received": counts.received,
        "created": counts.created,
        "duplicates": counts.duplicates,
        "rejected": counts.rejected,
    }


@handler("export")
async def run_export_job(ctx: JobContext) -> dict[str, Any]:
    from truthline.services.exports import count_items, stream_jsonl

    async with ctx.db.read() as s:
        project = await s.get(Project, ctx.job.payload["project_id"])
    assert project is not None
    total = await count_items(ctx.db, project)
    out_dir = ctx.settings.data_dir / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"job-{ctx.job.id}.jsonl"
    tmp = final.with_suffix(".part")
    lines = 0
    with tmp.open("wb") as fh:
        async for chunk in stream_jsonl(
            ctx.db,
            project,
            versions=ctx.job.payload["versions"],
            include=tuple(ctx.job.payload.get("include", ())),
        ):
            fh.write(chunk)
            lines += chunk.count(b"\n")
            await ctx.progress(lines, total)
    tmp.replace(final)
    return {
        "path": str(final),
        "lines": lines,
        "bytes": final.stat().st_size,
        "format": "jsonl",
        "filename": f"{project.name}.jsonl",
    }


@handler("consolidate")
async def run_consolidate_job(ctx: JobContext) -> dict[str, Any]:
    from truthline.services.consolidation import consolidate_project

    async with ctx.db.read() as s:
        project = await s.get(Project, ctx.job.payload["project_id"])
    assert project is not None
    return await consolidate_project(ctx.db, project, progress=ctx.progress)
