"""The `truthline` command: serve, migrate, users, projects, import, export, worker, demo,
consolidate, quality."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from truthline.errors import TruthlineError
from truthline.settings import Settings

app = typer.Typer(
    help="Truthline: ground-truth data platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="People and their passwords.", no_args_is_help=True)
project_app = typer.Typer(help="Projects and their members.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(project_app, name="project")
app.add_typer(jobs_app, name="jobs")
report_app = typer.Typer(help="Daily status reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")

console = Console(stderr=True)
out = Console()
T = TypeVar("T")


def _run(fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
    """Runs one async use case; a domain error becomes a readable message and exit code 1."""
    try:
        return asyncio.run(fn(*args, **kwargs))
    except TruthlineError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        for item in exc.details.get("errors", [])[:20]:
            console.print(f"  {item.get('path', '')}: {item.get('message', '')}")
        raise typer.Exit(1) from None
    except OSError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


async def _open(settings: Settings, migrate: bool = True):  # type: ignore[no-untyped-def]
    from truthline.db import migrate as migrations
    from truthline.db.session import Database

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    if migrate:
        await migrations.upgrade(db)
    return db


async def _acting_user(db: Any, username: str | None) -> Any:
    from sqlalchemy import select

    from truthline.db.models import User
    from truthline.services import auth

    if username:
        return await auth.get_user(db, username=username)
    async with db.read() as s:
        admin = await s.scalar(select(User).where(User.is_admin).order_by(User.id).limit(1))
    if admin is None:
        raise TruthlineError("no admin yet: run `truthline user add NAME --admin` first")
    return admin


# --- server and workers ------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address")] = None,
    port: Annotated[int | None, typer.Option(help="port (TRUTHLINE_PORT, default 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="embedded job worker threads")] = None,
) -> None:
    """Run the web app and API (migrates the database first)."""
    import uvicorn

    from truthline.app import create_app

    overrides: dict[str, Any] = {
        k: v
        for k, v in {"host": host, "port": port, "embedded_workers": workers}.items()
        if v is not None
    }
    settings = Settings(**overrides)
    console.print(
        f"Truthline on http://{settings.host}:{settings.port}  "
        f"(data: {settings.data_dir.resolve()})"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="worker loops in this process")] = 1,
) -> None:
    """Run background job workers in this process (any number of hosts may run them)."""
    import threading

    from truthline.jobs.worker import start_threads

    settings = Settings()
    asyncio.run(_migrate_only(settings))
    stop, threads = start_threads(settings, concurrency)
    console.print(f"worker running ({concurrency} loop(s)); Ctrl+C stops it")
    try:
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    del threading


async def _migrate_only(settings: Settings) -> None:
    db = await _open(settings)
    await db.dispose()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from truthline.db import migrate as migrations

    async def go() -> str | None:
        db = await _open(Settings())
        rev = await migrations.current_revision(db)
        await db.dispose()
        return rev

    out.print(f"database at revision {_run(go)}")


# --- users ---------------------------------------------------------------------------------------
@user_app.command("add")
def user_add(
    username: str,
    password: Annotated[str | None, typer.Option(help="prompted when not given")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="global admin")] = False,
    display_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a person who can sign in."""
    from truthline.services import auth

    if password is None:
        password = os.environ.get("TRUTHLINE_NEW_PASSWORD") or typer.prompt(
            "password", hide_input=True, confirmation_prompt=True
        )

    async def go() -> None:
        db = await _open(Settings())
        try:
            await auth.create_user(
                db, username, password, display_name=display_name, is_admin=admin
            )
        finally:
            await db.dispose()

    _run(go)
    out.print(f"created user {username}{' (admin)' if admin else ''}")


@user_app.command("token")
def user_token(username: str, name: Annotated[str, typer.Option()] = "cli") -> None:
    """Create a personal API token for scripts (printed once)."""
    from truthline.services import auth

    async def go() -> str:
        db = await _open(Settings())
        try:
            user = await auth.get_user(db, username=username)
            return (await auth.create_api_token(db, user, name))[1]
        finally:
            await db.dispose()

    out.print(_run(go))


# --- projects ------------------------------------------------------------------------------------
@project_app.command("create")
def project_create(
    name: Annotated[str, typer.Option(help="project name")],
    schema: Annotated[
        Path, typer.Option(help="labeling schema file (YAML or JSON)", exists=True, dir_okay=False)
    ],
    overlap: Annotated[int, typer.Option(help="annotators per item")] = 1,
    description: Annotated[str, typer.Option()] = "",
    as_user: Annotated[
        str | None, typer.Option("--as", help="owner (default: first admin)")
    ] = None,
) -> None:
    """Create a project from a schema file."""
    from truthline.services import projects

    async def go() -> Any:
        db = await _open(Settings())
        try:
            user = await _acting_user(db, as_user)
            return await projects.create_project(
                db,
                user,
                name=name,
                schema=schema.read_text(encoding="utf-8"),
                description=description,
                overlap=overlap,
            )
        finally:
            await db.dispose()

    project = _run(go)
    out.print(f"created project {project.name} (id {project.id})")


@project_app.command("list")
def project_list() -> None:
    """List every project."""
    from truthline.services import projects, stats

    async def go() -> list[tuple[Any, dict]]:
        db = await _open(Settings())
        try:
            admin = await _acting_user(db, None)
            rows = [p for p, _ in await projects.list_projects(db, admin)]
            return [(p, await stats.project_stats(db, p)) for p in rows]
        finally:
            await db.dispose()

    table = Table("id", "name", "items", "overlap", "annotations")
    for p, st in _run(go):
        table.add_row(str(p.id), p.name, str(st["items"]), str(p.overlap), str(st["annotations"]))
    out.print(table)


@project_app.command("add-member")
def project_add_member(
    project: str,
    username: str,
    role: Annotated[str, typer.Option(help="lead|reviewer|annotator|viewer")],
) -> None:
    """Give a person a role in a project."""
    from truthline.policies import project_access
    from truthline.services import auth, projects

    async def go() -> None:
        db = await _open(Settings())
        try:
            access = await project_access(
                db, await _acting_user(db, None), project, "members.manage"
            )
            await projects.set_member(db, access, await auth.get_user(db, username=username), role)
        finally:
            await db.dispose()

    _run(go)
    out.print(f"{username} is {role} in {project}")


# --- import / export -----------------------------------------------------------------------------
def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command("import")
def import_(
    project: Annotated[str, typer.Argument(help="project name or id")],
    files: Annotated[
        list[Path], typer.Argument(help="JSON, JSONL, CSV, ZIP files or folders", exists=True)
    ],
    kind: Annotated[str, typer.Option(help="items | predictions")] = "items",
    background: Annotated[bool, typer.Option(help="enqueue as a job and return")] = False,
) -> None:
    """Import items (or predictions) into a project; prints a summary and rejected rows."""
    from truthline.jobs import queue as jobs
    from truthline.media.storage import storage_from_url
    from truthline.policies import project_access
    from truthline.services import imports

    settings = Settings()

    async def go() -> list[tuple[Path, Any]]:
        db = await _open(settings)
        storage = storage_from_url(settings.resolved_storage_url())
        results: list[tuple[Path, Any]] = []
        try:
            access = await project_access(db, await _acting_user(db, None), project, "items.import")
            for path in files:
                imp = await imports.create_import(
                    db, access.project, access.user.id, path.name, kind
                )
                if background:
                    async with db.write() as s:
                        job = jobs.enqueue(
                            s,
                            "import",
                            {"import_id": imp.id, "path": str(path.resolve())},
                            project_id=access.project.id,
                        )
                        await s.flush()
                    results.append((path, job.id))
                    continue
                with _progress() as bar:
                    task = bar.add_task(f"import {path.name}", total=None)

                    async def progress(done: int, total: int | None, task: Any = task) -> None:
                        bar.update(task, completed=done, total=total)

                    counts = await imports.run_import(db, storage, imp.id, path, progress=progress)
                    bar.update(task, completed=counts.received, total=counts.received)
                results.append((path, counts))
        finally:
            await db.dispose()
        return results

    failed = False
    for path, res in _run(go):
        if isinstance(res, int):
            out.print(f"{path.name}: queued as job {res} (follow it: truthline jobs show {res})")
            continue
        out.print(
            f"{path.name}: {res.received} read, {res.created} created, "
            f"{res.duplicates} already present, {res.rejected} rejected"
        )
        for err in res.errors[:20]:
            where = f"{err.source}:{err.line}" + (f" field {err.field}" if err.field else "")
            console.print(
                f"  [yellow]{where}[/yellow]: {err.reason}"
                + (f" (value {err.value})" if err.value else "")
            )
        failed = failed or (res.received > 0 and res.created + res.duplicates == 0)
    if failed:
        raise typer.Exit(1)


@app.command()
def export(
    project: Annotated[str, typer.Argument(help="project name or id")],
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write ('-' = stdout)")],
    format: Annotated[str, typer.Option("--format", help="jsonl")] = "jsonl",
    versions: Annotated[str, typer.Option(help="latest | all")] = "latest",
    include: Annotated[
        str,
        typer.Option(
            help="comma-separated parts: annotations, consolidated, agreement, review, gold "
            "(default: annotations)"
        ),
    ] = "",
) -> None:
    """Export a project's items with annotations and predictions (streamed)."""
    from truthline.policies import project_access
    from truthline.services import audit, exports

    async def go() -> int:
        db = await _open(Settings())
        lines = 0
        try:
            access = await project_access(db, await _acting_user(db, None), project, "export.run")
            exports.check_options(format, versions)
            total = await exports.count_items(db, access.project)
            await audit.log(db, access.user.id, "export.cli", project_id=access.project.id)
            sink = sys.stdout.buffer if str(output) == "-" else None
            tmp = output.with_name(output.name + ".part")
            with _progress() as bar, sink or tmp.open("wb") as fh:  # type: ignore[attr-defined]
                task = bar.add_task(f"export {access.project.name}", total=total)
                extras = tuple(p.strip() for p in include.split(",") if p.strip())
                async for chunk in exports.stream_jsonl(
                    db, access.project, versions=versions, include=extras
                ):
                    fh.write(chunk)
                    lines += chunk.count(b"\n")
                    bar.update(task, completed=lines)
            if sink is None:
                tmp.replace(output)
        finally:
            await db.dispose()
        return lines

    n = _run(go)
    console.print(f"wrote {n} items to {output}")


# --- quality -------------------------------------------------------------------------------------
@app.command()
def consolidate(
    project: Annotated[str, typer.Argument(help="project name or id")],
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="follow the job until it ends")
    ] = True,
    grace: Annotated[
        float,
        typer.Option(help="seconds a running worker has to claim the job before it runs here"),
    ] = 2.0,
) -> None:
    """Recompute every item's consolidated results as a `consolidate` job, and follow it."""
    from truthline.policies import project_access
    from truthline.services import consolidation

    settings = Settings()

    async def go() -> Any:
        db = await _open(settings)
        try:
            access = await project_access(
                db, await _acting_user(db, None), project, "quality.manage"
            )
            job = await consolidation.start_consolidation(db, access)
            out.print(f"consolidate job {job.id} queued for {access.project.name}")
            if not wait:
                return job
            return await _follow_consolidation(db, settings, job.id, access.project.name, grace)
        finally:
            await db.dispose()

    job = _run(go)
    if not wait:
        console.print(f"follow it: truthline jobs show {job.id}")
        return
    if job.status != "succeeded":
        console.print(f"[red]error:[/red] job {job.id} is {job.status}")
        for line in (job.error or "").splitlines()[:1]:
            console.print(f"  {line}")
        raise typer.Exit(1)
    for name, n in job.result["questions"].items():
        out.print(f"{name}: {n} items consolidated")
    for name in job.result["skipped"]:
        console.print(f"[yellow]{name}[/yellow]: this kind has no consolidation")


async def _follow_consolidation(
    db: Any, settings: Settings, job_id: int, name: str, grace: float
) -> Any:
    """Follows the job with a progress bar. A worker that polls the queue claims it within a
    moment; once ``grace`` has passed with the job still waiting (no worker runs, as on a
    laptop), waiting again for a retry that is due, or left by a dead worker, this process
    claims and runs it through the jobs machinery."""
    import socket

    from truthline.db.types import utcnow
    from truthline.jobs import queue as jobs
    from truthline.services.consolidation import run_consolidation_here

    me = f"{socket.gethostname()}:{os.getpid()}:cli"
    loop = asyncio.get_running_loop()
    since = loop.time()
    here: asyncio.Task[bool] | None = None
    with _progress() as bar:
        task = bar.add_task(f"consolidate {name}", total=None)
        while True:
            job = await jobs.get_job(db, job_id)
            who = " here" if job.locked_by == me else ""
            bar.update(
                task,
                completed=job.progress_done,
                total=job.progress_total,
                description=f"consolidate {name} (job {job_id}, {job.status}{who})",
            )
            if here is not None and here.done():
                here.result()  # a failure to reach the database surfaces here
                here = None
            if job.status in jobs.FINAL and here is None:
                return job
            now = utcnow()
            idle = (job.status == "queued" and job.run_after <= now) or (
                job.status == "running" and job.locked_until is not None and job.locked_until < now
            )  # the second: a worker died holding it and its lease ran out
            if here is None and idle and loop.time() - since >= grace:
                here = asyncio.create_task(run_consolidation_here(db, settings, job_id, me))
            await asyncio.sleep(0.2)


@app.command()
def quality(
    project: Annotated[str, typer.Argument(help="project name or id")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
    n_boot: Annotated[int, typer.Option(help="bootstrap resamples for the intervals")] = 1000,
) -> None:
    """Print agreement, consolidation, and the gold summary per annotator and per question."""
    import orjson

    from truthline.policies import project_access
    from truthline.services import consolidation, gold, quality_data

    async def go() -> dict[str, Any]:
        db = await _open(Settings())
        try:
            access = await project_access(db, await _acting_user(db, None), project, "quality.read")
            return {
                "agreement": await consolidation.project_agreement(
                    db, access.project, n_boot=n_boot
                ),
                "consolidation": await consolidation.consolidation_summary(db, access.project),
                "gold": {
                    **await gold.gold_summary(db, access.project),
                    "questions": await quality_data.gold_by_question(db, access.project),
                },
            }
        finally:
            await db.dispose()

    report = _run(go)
    if as_json:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    _print_quality(report)
    _print_gold_questions(report["gold"]["questions"])


def _print_gold_questions(rows: list[dict[str, Any]]) -> None:
    table = Table("question", "kind", "gold items", "scored answers", "mean score", "pass rate",
                  title="gold per question")  # fmt: skip
    for r in rows:
        table.add_row(
            r["question"], r["kind"] or "-", str(r["gold_items"]), str(r["scored"]),
            _fmt(r["mean_score"]), _fmt(r["pass_rate"]),
        )  # fmt: skip
    out.print(table)


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _print_quality(report: dict[str, Any]) -> None:
    cons = {c["question"]: c for c in report["consolidation"]}
    table = Table("question", "kind", "metric", "value", "95% CI", "items", "also", "consolidated",
                  "mean confidence", title="agreement and consolidation")  # fmt: skip
    names = {"fleiss_kappa": "Fleiss' kappa", "mean_iou": "mean IoU", "overlap_f1": "overlap F1",
             "mean_oks": "mean keypoint similarity", "wer": "WER", "cer": "CER"}  # fmt: skip
    labels = Table("question", "label", "metric", "value", "95% CI", "chosen",
                   title="agreement per label")  # fmt: skip
    for q in report["agreement"]:
        ci = q["ci"]
        c = cons.get(q["question"], {})
        also = [f"{name} {_fmt(q[k])}" for k, name in names.items() if q.get(k) is not None]
        if q.get("fleiss_note"):
            also.append(f"no Fleiss' kappa: {q['fleiss_note']}")
        table.add_row(
            q["question"], q["kind"], q["metric"] or "-", _fmt(q["value"]),
            f"{_fmt(ci[0])} to {_fmt(ci[1])}" if ci else "-", str(q["n_items"]),
            "; ".join(also), str(c.get("items", 0)), _fmt(c.get("mean_confidence")),
        )  # fmt: skip
        for lab in q["labels"]:
            lci = lab["ci"]
            labels.add_row(q["question"], lab["label"], lab.get("metric") or "-",
                           _fmt(lab["value"]), f"{_fmt(lci[0])} to {_fmt(lci[1])}" if lci else "-",
                           str(lab["chosen"]))  # fmt: skip
    out.print(table)
    if labels.row_count:
        out.print(labels)
    for q in report["agreement"]:
        cohen = q.get("cohen") or {"annotators": []}
        if len(cohen["annotators"]) < 2:
            continue
        pairs = Table("", *cohen["annotators"], title=f"{q['question']}: Cohen's kappa (shared)")
        for who, row, shared in zip(cohen["annotators"], cohen["matrix"], cohen["shared"],
                                    strict=True):  # fmt: skip
            pairs.add_row(who, *(f"{_fmt(k)} ({n})" if k is not None else "-"
                                 for k, n in zip(row, shared, strict=True)))  # fmt: skip
        out.print(pairs)
    g = report["gold"]
    title = f"gold: {g['gold_items']} items, accuracy {_fmt(g['accuracy'])}"
    gold_table = Table("annotator", "gold scored", "accuracy", "rolling", "flagged", title=title)
    for a in g["annotators"]:
        gold_table.add_row(
            a["username"], str(a["scored"]), _fmt(a["accuracy"]), _fmt(a["rolling_accuracy"]),
            "paused" if a["paused"] else "yes" if a["flagged"] else "",
        )  # fmt: skip
    out.print(gold_table)


# --- jobs ----------------------------------------------------------------------------------------
@jobs_app.command("show")
def jobs_show(
    job_id: int, follow: Annotated[bool, typer.Option(help="wait until it ends")] = True
) -> None:
    """Show a job's state and progress."""
    from truthline.jobs import queue as jobs

    async def go() -> Any:
        db = await _open(Settings(), migrate=False)
        try:
            with _progress() as bar:
                task = bar.add_task(f"job {job_id}", total=None)
                while True:
                    job = await jobs.get_job(db, job_id)
                    bar.update(
                        task,
                        completed=job.progress_done,
                        total=job.progress_total,
                        description=f"job {job_id} ({job.kind}) {job.status}",
                    )
                    if not follow or job.status in jobs.FINAL:
                        return job
                    await asyncio.sleep(0.5)
        finally:
            await db.dispose()

    job = _run(go)
    out.print(
        {
            "id": job.id,
            "status": job.status,
            "result": job.result,
            "error": (job.error or "").splitlines()[:1],
        }
    )
    if job.status in ("dead", "cancelled"):
        raise typer.Exit(1)


# --- reports -------------------------------------------------------------------------------------
def _write_report(body: str | bytes, out_file: Path | None) -> None:
    if out_file is None:
        if isinstance(body, bytes):
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(body)
        return
    tmp = out_file.with_name(out_file.name + ".part")
    tmp.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    tmp.replace(out_file)
    console.print(f"wrote {out_file}")


def _report_format(value: str) -> str:
    if value not in ("json", "csv", "pdf"):
        raise TruthlineError(f"--format must be json, csv or pdf, not {value!r}")
    return value


@report_app.command("daily")
def report_daily(
    user: Annotated[str, typer.Option(help="username or id")],
    date: Annotated[str, typer.Option(help="the person's local day, YYYY-MM-DD")],
    format: Annotated[str, typer.Option("--format", help="json | csv | pdf")] = "json",
    out_file: Annotated[Path | None, typer.Option("--out", help="file (default: stdout)")] = None,
) -> None:
    """Print or write one person's daily status report."""
    import orjson

    from truthline.services import audit, report_pdf, reports

    async def go() -> str | bytes:
        fmt = _report_format(format)
        day = reports.parse_day(date)
        db = await _open(Settings())
        try:
            person = await reports.find_user(db, user)
            report = await reports.daily_report(db, person.id, day)
            await audit.log(db, None, "report.daily.cli", object_type="user", object_id=person.id)
        finally:
            await db.dispose()
        if fmt == "csv":
            return reports.report_csv(report)
        if fmt == "pdf":
            return report_pdf.daily_pdf(report)
        return orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"

    _write_report(_run(go), out_file)


@report_app.command("team")
def report_team(
    project: Annotated[str, typer.Option(help="project name or id")],
    date: Annotated[str, typer.Option(help="YYYY-MM-DD (each person's local day)")],
    format: Annotated[str, typer.Option("--format", help="json | csv | pdf")] = "json",
    out_file: Annotated[Path | None, typer.Option("--out", help="file (default: stdout)")] = None,
) -> None:
    """Print or write the team roll-up of a project for one day."""
    import orjson

    from truthline.policies import project_access
    from truthline.services import audit, report_pdf, reports

    async def go() -> str | bytes:
        fmt = _report_format(format)
        day = reports.parse_day(date)
        db = await _open(Settings())
        try:
            access = await project_access(db, await _acting_user(db, None), project, "report.team")
            report = await reports.team_report(db, access.project, day)
            await audit.log(db, None, "report.team.cli", project_id=access.project.id)
        finally:
            await db.dispose()
        if fmt == "csv":
            return reports.team_csv(report)
        if fmt == "pdf":
            return report_pdf.team_pdf(report)
        return orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"

    _write_report(_run(go), out_file)


# --- guideline -----------------------------------------------------------------------------------
guideline_app = typer.Typer(help="Project guidelines (SOPs).", no_args_is_help=True)
app.add_typer(guideline_app, name="guideline")


@guideline_app.command("publish")
def guideline_publish(
    project: Annotated[str, typer.Argument(help="project name or id")],
    file: Annotated[
        Path, typer.Option("--file", help="the guideline as a UTF-8 Markdown file", dir_okay=False)
    ],
    summary: Annotated[str, typer.Option("--summary", help="what changed and why")] = "",
    requires_ack: Annotated[
        bool,
        typer.Option("--requires-ack", help="annotators must confirm it before their next task"),
    ] = False,
    as_user: Annotated[
        str | None, typer.Option("--as", help="who publishes (a lead; default: first admin)")
    ] = None,
) -> None:
    """Publish a Markdown file as the project's next guideline version."""
    from truthline.policies import project_access
    from truthline.services import guidelines

    async def go() -> Any:
        body = guidelines.read_markdown(file.read_bytes(), field="--file")
        db = await _open(Settings())
        try:
            user = await _acting_user(db, as_user)
            access = await project_access(db, user, project, "guideline.publish")
            return await guidelines.publish(
                db, access, body=body, change_summary=summary, requires_ack=requires_ack
            )
        finally:
            await db.dispose()

    version = _run(go)
    kind = "requires acknowledgement" if version.requires_ack else "minor"
    numbers = ", ".join(f"§{n}" for n in version.sections) or "none"
    out.print(f"published version {version.version} of {project} ({kind})", soft_wrap=True)
    out.print(f"sections: {numbers}", soft_wrap=True)


# --- demo ----------------------------------------------------------------------------------------
@app.command()
def demo(
    password: Annotated[str, typer.Option(help="password of the demo users")] = "truthline-demo",
    if_empty: Annotated[bool, typer.Option(help="do nothing when projects exist")] = False,
) -> None:
    """Create an admin, demo annotators and one demo project per modality, with generated data."""
    from truthline.services.demo import load_demo

    settings = Settings()
    summary = _run(load_demo, settings, password, if_empty=if_empty)
    for line in summary:
        out.print(line)


if __name__ == "__main__":
    app()
