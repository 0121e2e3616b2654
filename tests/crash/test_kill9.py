"""Kill the server with SIGKILL in the middle of hundreds of concurrent submits: every submit
that was acknowledged must be stored after the restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from tests.conftest import IN_CI, PG_URL, pg_reachable

from truthline.devtools.server import wait_healthy

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent / "truthline"
SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]}
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(env: dict, *args: str) -> str:
    return subprocess.run(
        [str(BIN), *args], env=env, check=True, capture_output=True, text=True, timeout=120
    ).stdout.strip()


def _start(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port, proc, timeout=30)
    except RuntimeError:
        proc.kill()
        raise
    return proc


def _run_loop_in_thread(make: Any) -> None:
    """Runs a coroutine on a fresh event loop in its own thread: the test process may already
    have a running loop in this thread (the browser fixtures leave one), and asyncio.run refuses
    to nest."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def _annotate(
    base: str, token: str, project: str, acked: list[tuple[int, str]], stop: asyncio.Event
) -> None:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as c:
        while not stop.is_set():
            try:
                task = (await c.post(f"/api/v1/projects/{project}/queue/next")).json()
                if task["status"] != "assigned":
                    return
                key = uuid.uuid4().hex
                r = await c.post(
                    f"/api/v1/projects/{project}/items/{task['item']['id']}/annotations",
                    json={
                        "result": {"sentiment": {"labels": ["pos"]}},
                        "idempotency_key": key,
                        "lease_id": task["lease"]["id"],
                    },
                )
                if r.status_code in (200, 201):
                    acked.append((r.json()["id"], key))
            except (httpx.HTTPError, ValueError, KeyError):
                return  # the server died under us


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_acknowledged_submits_survive_sigkill(tmp_path: Path, backend: str) -> None:
    env = {
        **os.environ,
        "TRUTHLINE_DATA_DIR": str(tmp_path / "data"),
        "TRUTHLINE_NEW_PASSWORD": "crash-test-pass",
        "TRUTHLINE_EMBEDDED_WORKERS": "0",
    }
    if backend == "postgresql":
        why = pg_reachable()
        if why:
            if IN_CI:
                pytest.fail(why)
            pytest.skip(why)
        import psycopg

        schema = f"tl_crash_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        env["TRUTHLINE_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"
    _cli(env, "user", "add", "admin", "--admin")
    token = _cli(env, "user", "token", "admin")
    (tmp_path / "s.json").write_bytes(orjson.dumps(SCHEMA))
    _cli(env, "project", "create", "--name", "crash", "--schema", str(tmp_path / "s.json"))
    tokens = _people(env, PEOPLE)
    items = tmp_path / "items.jsonl"
    items.write_bytes(
        b"".join(orjson.dumps({"id": str(n), "text": "x"}) + b"\n" for n in range(3000))
    )
    _cli(env, "import", "crash", str(items))
    port = _free_port()
    proc = _start(env, port)
    acked: list[tuple[int, str]] = []

    async def run() -> None:
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(_annotate(f"http://127.0.0.1:{port}", t, "crash", acked, stop))
            for t in tokens
        ]
        while len(acked) < 300 and not all(w.done() for w in workers):
            await asyncio.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # in the middle of the burst
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)

    try:
        _run_loop_in_thread(lambda: asyncio.wait_for(run(), timeout=120))
    finally:
        proc.kill()
        proc.wait()
    assert len(acked) >= 300
    proc = _start(env, port)  # restart on the same data
    try:
        out = tmp_path / "export.jsonl"
        _cli(env, "export", "crash", "-o", str(out), "--versions", "all")
        stored = {
            a["version"]
            for line in out.read_bytes().splitlines()
            for a in orjson.loads(line)["annotations"]
        }
        n_stored = sum(
            len(orjson.loads(line)["annotations"]) for line in out.read_bytes().splitlines()
        )
        assert stored <= {1}
        assert n_stored >= len({i for i, _ in acked})
        assert _all_keys_present(env, {k for _, k in acked})
        # The restarted server answers on the same data.
        r = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/projects/crash/stats",
            headers={"authorization": f"Bearer {token}"},
        )
        assert r.json()["annotations"] == n_stored
    finally:
        proc.kill()
        proc.wait()


PEOPLE = 48


def _people(env: dict, n: int) -> list[str]:
    """Creates n annotators in the project and prints an API token for each."""
    code = (
        "import asyncio\n"
        "from truthline.settings import Settings\n"
        "from truthline.db.session import Database\n"
        "from truthline.services import auth, projects\n"
        "from truthline.policies import project_access\n"
        "async def m():\n"
        "    db=Database(Settings().resolved_database_url())\n"
        "    admin=await auth.get_user(db, username='admin')\n"
        "    acc=await project_access(db, admin, 'crash', 'members.manage')\n"
        f"    for k in range({n}):\n"
        "        u=await auth.create_user(db, f'a{k}', 'password-123')\n"
        "        await projects.set_member(db, acc, u, 'annotator')\n"
        "        print((await auth.create_api_token(db, u, 't'))[1])\n"
        "    await db.dispose()\n"
        "asyncio.run(m())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert len(out) == n
    return out


def _all_keys_present(env: dict, keys: set[str]) -> bool:
    code = (
        "import asyncio,sys\n"
        "from sqlalchemy import select\n"
        "from truthline.settings import Settings\n"
        "from truthline.db.session import Database\n"
        "from truthline.db.models import Annotation\n"
        "async def m():\n"
        "    db=Database(Settings().resolved_database_url())\n"
        "    async with db.read() as s:\n"
        "        ks=set((await s.scalars(select(Annotation.idempotency_key))).all())\n"
        "    await db.dispose()\n"
        "    print('\\n'.join(ks))\n"
        "asyncio.run(m())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    missing = keys - set(out)
    assert not missing, f"{len(missing)} acknowledged submits lost, e.g. {sorted(missing)[:3]}"
    return True
