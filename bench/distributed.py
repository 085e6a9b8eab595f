"""Distributed workers (PostgreSQL) against the in-process pool (SQLite), side by side in one run.

    .venv/bin/python bench/distributed.py                          # all four parts
    .venv/bin/python bench/distributed.py --sessions 20 --samples 50 --rounds 2
    .venv/bin/python bench/distributed.py --only scaling --concurrency 2
    .venv/bin/python bench/distributed.py --only latency           # or inprocess, dbcost
    .venv/bin/python bench/distributed.py --json out.json --logs /tmp/bench-logs

It needs a PostgreSQL server (``--postgres-url``, else ``PUPI_TEST_POSTGRES_URL``,
else postgresql://postgres@127.0.0.1:55432/pupi_test, which
``scripts/start-postgres.sh`` starts); every configuration gets a fresh database,
dropped afterwards. Every server and worker is a real ``pupi`` process on
loopback, started by the test harness (tests/server/pupi_service_harness.py),
and every one is stopped at the end; the run checks that none of them, and none
of their Chromium processes, outlived it.

1. **scaling**: sessions completed per minute with the real agent (rules
   planner) on the demo site, the offline prompt of ``bench/api_load.py
   --real-agent``, by ONE ``pupi worker --concurrency C`` under ``taskset -c 0``
   (it and its Chromium on one core), then TWO workers under ``taskset -c 0``
   and ``taskset -c 1``; an API-only node (``pupi serve --no-worker``, not
   pinned) takes the prompts. A batch of ``--sessions`` is sent at once; the
   time runs from the first POST to the client seeing the last session end.
   Before it, warm-up sessions run until every worker has run one (its
   Chromium launched: a worker keeps one and opens a context per session).
   With ``--concurrency auto`` both C = 1 and C = 2 are tried first, on one
   pinned worker with ``--trial-sessions``, and the faster one is used.
2. **inprocess**: the same batch through ``pupi serve`` on SQLite with
   ``PUPI_CONCURRENCY=2`` (the in-process pool) and through an API-only node
   plus one ``pupi worker --concurrency 2`` on PostgreSQL, neither pinned.
3. **latency**: prompt to running with a worker free, fake runner (``steps=1``),
   ``--samples`` sequential sessions: ``started_at - created_at`` from the
   database, and POST sent -> the client seeing the session leave ``queued``
   (polling GET every 5 ms); distributed (API-only node + worker, concurrency 1)
   and in-process (SQLite ``pupi serve``, concurrency 1).
4. **dbcost**: ``pg_stat_database`` deltas (transactions committed, rows
   inserted, updated, deleted, connections opened) for ``--sessions``
   fake-runner sessions (``steps=3``) sent at once to an API-only node, run by
   one worker (concurrency 2), divided by the sessions; then the same processes
   idle for the same wall time (subtracted), and idle for ``--idle-seconds``
   longer (the idle cost per minute). ``pg_stat_database`` also counts system
   catalogs and autovacuum, so the rows of ``pg_stat_user_tables`` are given
   too. Nothing polls the API meanwhile (the sessions' end is read from the
   fake runner's log). The
   statistics are read after the processes have stopped: a backend flushes its
   counters when its connection ends, while a live idle one may hold them back
   for up to 10 s (``pg_stat_force_next_flush()`` flushes only the caller's).

Workers run with the production heartbeat (``PUPI_WORKER_HEARTBEAT_S=5``,
``PUPI_WORKER_LOST_AFTER_S=30``), not the test suite's faster one. The load
generator (this process) and the demo site (a ``python -m pupi.demo``
subprocess) are not pinned. The machine's load average is printed before and
after each part.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from _common import machine
from sqlalchemy import select
from sqlalchemy.engine import make_url

from pupi.server.db.engine import create_engine, libpq_url
from pupi.server.db.models import SessionRow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.pupi_service_harness import (  # noqa: E402
    ApiServer,
    WorkerProcess,
    _create_pg_database,
    _Process,
    make_token,
)

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:55432/pupi_test"
TERMINAL = frozenset({"completed", "failed", "cancelled"})
ALLOW = ("127.0.0.1",)
ENV = {
    "PUPI_MAX_QUEUED_PER_TOKEN": "1000",
    # Production's heartbeat, not the harness's 0.5 s: it sets the idle polling.
    "PUPI_WORKER_HEARTBEAT_S": "5",
    "PUPI_WORKER_LOST_AFTER_S": "30",
}
STATS = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted", "sessions")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def log(*parts: object) -> None:
    print(*parts, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: with 50 samples, p99 is the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class PinnedWorker(WorkerProcess):
    """``pupi worker`` under ``taskset -c CPU``; its children (Playwright, Chromium) inherit it."""

    def __init__(self, *args: Any, cpu: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cpu = cpu
        if cpu is not None:
            self._args = ["taskset", "-c", str(cpu), *self._args]


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Services:
    """The processes of one configuration: started in order, stopped in reverse, checked gone."""

    def __init__(self) -> None:
        self.started: list[_Process] = []

    async def start(self, process: _Process) -> Any:
        self.started.append(process)
        await asyncio.to_thread(process.start)  # type: ignore[attr-defined]
        return process

    async def stop_all(self) -> list[str]:
        """SIGTERM every process (workers first); returns what was still alive after."""
        owned = [child for p in self.started if p.process is not None for child in _tree(p.pid)[1:]]
        for process in reversed(self.started):
            await asyncio.to_thread(process.stop)
        await asyncio.sleep(0.5)
        leftovers = []
        for child in owned:
            if _alive(child):
                leftovers.append(f"{child.pid} {' '.join(child.cmdline())[:120]}")
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
        return leftovers


@contextlib.contextmanager
def demo_site() -> Iterator[str]:
    """The demo site in a subprocess of its own (not the load generator's GIL)."""
    site = subprocess.Popen(
        [sys.executable, "-m", "pupi.demo", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert site.stdout is not None
        line = site.stdout.readline()
        url = line.split(" at ", 1)[1].split()[0]
        yield url
    finally:
        site.terminate()
        try:
            site.wait(10)
        except subprocess.TimeoutExpired:
            site.kill()
            site.wait(10)


async def session_times(database_url: str, ids: list[str]) -> dict[str, SessionRow]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    SessionRow.id,
                    SessionRow.created_at,
                    SessionRow.started_at,
                    SessionRow.finished_at,
                    SessionRow.worker,
                ).where(SessionRow.id.in_(ids))
            )
            return {row.id: row for row in rows}
    finally:
        await engine.dispose()


async def run_batch(
    url: str, token: str, *, prompt: str, count: int, timeout_s: float = 600
) -> dict[str, Any]:
    """``count`` prompts sent at once; wait for every one to end (listing at 10 Hz)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as api:
        began = time.perf_counter()
        responses = await asyncio.gather(
            *(api.post("/v1/sessions", json={"prompt": prompt}) for _ in range(count))
        )
        ids = [response.json()["session_id"] for response in responses]
        wanted = set(ids)
        deadline = began + timeout_s
        statuses: dict[str, str] = {}
        while time.perf_counter() < deadline:
            listing = (await api.get("/v1/sessions")).json()["sessions"]
            statuses = {s["session_id"]: s["status"] for s in listing if s["session_id"] in wanted}
            if sum(status in TERMINAL for status in statuses.values()) == count:
                break
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - began
    finals = list(statuses.values())
    completed = finals.count("completed")
    return {
        "ids": ids,
        "sessions": count,
        "completed": completed,
        "failed": finals.count("failed"),
        "unfinished": count - sum(status in TERMINAL for status in finals),
        "elapsed_s": round(elapsed, 2),
        "per_min": round(completed / elapsed * 60, 1),
    }


async def _warm(url: str, token: str, prompt: str, database_url: str, pids: set[int]) -> int:
    """Run sessions until every worker process has run one (its Chromium launched)."""
    seen: set[int] = set()
    rounds = 0
    while not pids <= seen and rounds < 4:
        rounds += 1
        batch = await run_batch(url, token, prompt=prompt, count=2 * len(pids) * 2)
        rows = await session_times(database_url, batch["ids"])
        seen |= {int(row.worker.rsplit(":", 1)[1]) for row in rows.values() if row.worker}
    return rounds


def _pinning(workers: list[PinnedWorker]) -> str:
    """Whether every process under each pinned worker is on its one core."""
    notes = []
    for worker in workers:
        if worker.cpu is None:
            continue
        tree = _tree(worker.pid)
        off = [p.pid for p in tree if p.cpu_affinity() != [worker.cpu]]
        notes.append(f"cpu {worker.cpu}: {len(tree)} processes, {len(off)} off it")
    return "; ".join(notes)


async def distributed_throughput(
    base: str,
    workdir: Path,
    prompt: str,
    *,
    cpus: list[int | None],
    concurrency: int,
    sessions: int,
    label: str,
) -> dict[str, Any]:
    """An API-only node and one worker per entry of ``cpus`` (None: not pinned)."""
    url, drop = await _create_pg_database(base)
    services = Services()
    try:
        token = await make_token(url, "bench")
        api = await services.start(
            ApiServer(
                url, workdir, fake_runner=False, allow_hosts=ALLOW, args=("--no-worker",), env=ENV
            )
        )
        workers = [
            await services.start(
                PinnedWorker(
                    url,
                    workdir,
                    name=f"{label}-{n}",
                    cpu=cpu,
                    fake_runner=False,
                    args=("--concurrency", str(concurrency), "--allow-host", ALLOW[0]),
                    env=ENV,
                )
            )
            for n, cpu in enumerate(cpus)
        ]
        warm_rounds = await _warm(api.url, token, prompt, url, {w.pid for w in workers})
        pinning = _pinning(workers)
        result = await run_batch(api.url, token, prompt=prompt, count=sessions)
        rows = await session_times(url, result.pop("ids"))
        by_worker: dict[str, int] = {}
        for row in rows.values():
            by_worker[row.worker or "?"] = by_worker.get(row.worker or "?", 0) + 1
        result.update(
            config=label,
            workers=len(cpus),
            concurrency=concurrency,
            pinned=list(cpus),
            pinning=pinning,
            warm_rounds=warm_rounds,
            by_worker=sorted(by_worker.values(), reverse=True),
        )
    finally:
        result_leftovers = await services.stop_all()
        await drop()
    result["leftovers"] = result_leftovers
    log(f"  {label}: {json.dumps(result)}  (load {load()})")
    return result


async def inprocess_throughput(
    workdir: Path, prompt: str, *, concurrency: int, sessions: int
) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'inprocess.db'}"
    services = Services()
    try:
        token = await make_token(url, "bench")
        server = await services.start(
            ApiServer(
                url,
                workdir,
                fake_runner=False,
                allow_hosts=ALLOW,
                env={**ENV, "PUPI_CONCURRENCY": str(concurrency)},
            )
        )
        warm = await run_batch(server.url, token, prompt=prompt, count=2 * concurrency)
        assert warm["completed"], warm
        result = await run_batch(server.url, token, prompt=prompt, count=sessions)
        result.pop("ids")
        result.update(config=f"serve SQLite, PUPI_CONCURRENCY={concurrency}", warm_rounds=1)
    finally:
        leftovers = await services.stop_all()
    result["leftovers"] = leftovers
    log(f"  in-process: {json.dumps(result)}  (load {load()})")
    return result


async def prompt_to_running(url: str, token: str, database_url: str, samples: int) -> dict:
    """Sequential ``steps=1`` sessions, each sent once the previous has ended."""
    headers = {"Authorization": f"Bearer {token}"}
    ids: list[str] = []
    seen: list[float] = []
    posts: list[float] = []
    warmup = 3
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
        for n in range(warmup + samples):
            sent = time.perf_counter()
            created = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()
            answered = time.perf_counter() - sent
            path = f"/v1/sessions/{created['session_id']}"
            while True:
                body = (await api.get(path)).json()
                if body["status"] != "queued":
                    left_queue = time.perf_counter() - sent
                    break
                await asyncio.sleep(0.005)
            while body["status"] not in TERMINAL:
                await asyncio.sleep(0.01)
                body = (await api.get(path)).json()
            await asyncio.sleep(0.1)  # the worker's slot free again
            if n >= warmup:
                ids.append(created["session_id"])
                seen.append(left_queue)
                posts.append(answered)
    rows = await session_times(database_url, ids)
    to_started = [(r.started_at - r.created_at).total_seconds() for r in rows.values()]
    return {
        "samples": samples,
        "db_started_p50_ms": round(percentile(to_started, 0.5) * 1000, 1),
        "db_started_p99_ms": round(percentile(to_started, 0.99) * 1000, 1),
        "db_started_p90_ms": round(percentile(to_started, 0.9) * 1000, 1),
        "client_running_p50_ms": round(percentile(seen, 0.5) * 1000, 1),
        "client_running_p99_ms": round(percentile(seen, 0.99) * 1000, 1),
        "client_running_p90_ms": round(percentile(seen, 0.9) * 1000, 1),
        "post_answered_p50_ms": round(percentile(posts, 0.5) * 1000, 1),
    }


async def latency_distributed(base: str, workdir: Path, samples: int) -> dict[str, Any]:
    url, drop = await _create_pg_database(base)
    services = Services()
    try:
        token = await make_token(url, "bench")
        api = await services.start(ApiServer(url, workdir, args=("--no-worker",), env=ENV))
        await services.start(
            WorkerProcess(url, workdir, name="latency", args=("--concurrency", "1"), env=ENV)
        )
        result = await prompt_to_running(api.url, token, url, samples)
    finally:
        result_leftovers = await services.stop_all()
        await drop()
    result.update(config="API-only node + pupi worker --concurrency 1 (PostgreSQL)")
    result["leftovers"] = result_leftovers
    log(f"  distributed: {json.dumps(result)}  (load {load()})")
    return result


async def latency_inprocess(workdir: Path, samples: int) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'latency.db'}"
    services = Services()
    try:
        token = await make_token(url, "bench")
        server = await services.start(ApiServer(url, workdir, env={**ENV, "PUPI_CONCURRENCY": "1"}))
        result = await prompt_to_running(server.url, token, url, samples)
    finally:
        leftovers = await services.stop_all()
    result.update(config="pupi serve, SQLite, PUPI_CONCURRENCY=1")
    result["leftovers"] = leftovers
    log(f"  in-process: {json.dumps(result)}  (load {load()})")
    return result


async def _has_force_flush(dsn: str) -> bool:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
        row = await (
            await connection.execute("SELECT to_regprocedure('pg_stat_force_next_flush()')")
        ).fetchone()
        return row is not None and row[0] is not None


async def database_stats(dsn: str, name: str, force_flush: bool) -> dict[str, int]:
    """The database's counters, read from another database (so the read adds nothing)."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
        if force_flush:
            await connection.execute("SELECT pg_stat_force_next_flush()")
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        row = await (
            await connection.execute(
                f"SELECT {', '.join(STATS)} FROM pg_stat_database WHERE datname = %s", (name,)
            )
        ).fetchone()
        assert row is not None
        return dict(zip(STATS, (int(v) for v in row), strict=True))


async def table_stats(url: str) -> dict[str, tuple[int, int, int]]:
    async with await psycopg.AsyncConnection.connect(libpq_url(url), autocommit=True) as c:
        rows = await (
            await c.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
            )
        ).fetchall()
        return {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in rows}


async def db_cost_run(
    base: str, workdir: Path, *, sessions: int, window_s: float, force_flush: bool, label: str
) -> dict[str, Any]:
    """One API-only node and one worker; ``sessions`` of ``steps=3``, or idle ``window_s``.

    Nothing polls the API: the end of the sessions is read from the fake
    runner's log (plus 0.5 s for the last writes), and checked in the database
    afterwards, so the idle runs cost only what the processes do by themselves.
    """
    url, drop = await _create_pg_database(base)
    name = make_url(url).database
    assert name is not None
    dsn = libpq_url(base)
    workdir = workdir / label
    workdir.mkdir()
    runner_log = workdir / "runner.log"
    services = Services()
    try:
        token = await make_token(url, "bench")
        tables_before = await table_stats(url)
        await asyncio.sleep(0.5)
        before = await database_stats(dsn, name, force_flush)
        try:
            api = await services.start(ApiServer(url, workdir, args=("--no-worker",), env=ENV))
            await services.start(
                WorkerProcess(url, workdir, name=label, args=("--concurrency", "2"), env=ENV)
            )
            headers = {"Authorization": f"Bearer {token}"}
            began = time.perf_counter()
            if sessions:
                async with httpx.AsyncClient(
                    base_url=api.url, headers=headers, timeout=60
                ) as client:
                    await asyncio.gather(
                        *(
                            client.post("/v1/sessions", json={"prompt": "steps=3"})
                            for _ in range(sessions)
                        )
                    )
                while time.perf_counter() - began < 120:
                    text = runner_log.read_text() if runner_log.exists() else ""
                    if text.count("released ") >= sessions:
                        break
                    await asyncio.sleep(0.02)
                await asyncio.sleep(0.5)
            else:
                await asyncio.sleep(window_s)
            active_s = time.perf_counter() - began
        finally:
            leftovers = await services.stop_all()
        await asyncio.sleep(1.5)
        after = await database_stats(dsn, name, force_flush)
        tables_after = await table_stats(url)
        async with await psycopg.AsyncConnection.connect(libpq_url(url)) as connection:
            row = await (
                await connection.execute("SELECT count(*) FROM sessions WHERE status = 'completed'")
            ).fetchone()
            completed = int(row[0]) if row else 0
    finally:
        await drop()
    tables = {
        table: tuple(
            a - b for a, b in zip(counts, tables_before.get(table, (0, 0, 0)), strict=True)
        )
        for table, counts in tables_after.items()
    }
    return {
        "label": label,
        "sessions": sessions,
        "completed": completed,
        "active_s": round(active_s, 2),
        "delta": {key: after[key] - before[key] for key in STATS},
        "user_tables": [sum(c[i] for c in tables.values()) for i in range(3)],
        "tables": {t: c for t, c in tables.items() if any(c)},
        "leftovers": leftovers,
    }


async def db_cost(base: str, workdir: Path, sessions: int, idle_s: float) -> dict[str, Any]:
    force_flush = await _has_force_flush(libpq_url(base))
    busy = await db_cost_run(
        base, workdir, sessions=sessions, window_s=0, force_flush=force_flush, label="busy"
    )
    log(f"  {sessions} sessions: {json.dumps(busy)}")
    idle = await db_cost_run(
        base,
        workdir,
        sessions=0,
        window_s=busy["active_s"],
        force_flush=force_flush,
        label="idle",
    )
    log(f"  idle {idle['active_s']} s: {json.dumps(idle)}")
    idle_long = await db_cost_run(
        base,
        workdir,
        sessions=0,
        window_s=busy["active_s"] + idle_s,
        force_flush=force_flush,
        label="idle-long",
    )
    log(f"  idle {idle_long['active_s']} s: {json.dumps(idle_long)}  (load {load()})")
    extra_s = idle_long["active_s"] - idle["active_s"]
    per_session_raw = {k: busy["delta"][k] / sessions for k in STATS}
    per_session_net = {k: (busy["delta"][k] - idle["delta"][k]) / sessions for k in STATS}
    idle_per_min = {k: (idle_long["delta"][k] - idle["delta"][k]) / extra_s * 60 for k in STATS}
    return {
        "force_next_flush": force_flush,
        "sessions": sessions,
        "busy": busy,
        "idle": idle,
        "idle_long": idle_long,
        "per_session_raw": per_session_raw,
        "idle_same_window": idle["delta"],
        "per_session_net": per_session_net,
        "idle_per_min": idle_per_min,
        "idle_user_tables_per_min": [
            round((a - b) / extra_s * 60, 1)
            for a, b in zip(idle_long["user_tables"], idle["user_tables"], strict=True)
        ],
        "user_tables_per_session_net": [
            round((b - i) / sessions, 2)
            for b, i in zip(busy["user_tables"], idle["user_tables"], strict=True)
        ],
        "tables_per_session": {
            t: [round(v / sessions, 2) for v in c] for t, c in busy["tables"].items()
        },
    }


def _pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds together: completed over the summed time."""
    completed = sum(r["completed"] for r in results)
    elapsed = sum(r["elapsed_s"] for r in results)
    return {
        "completed": completed,
        "sessions": sum(r["sessions"] for r in results),
        "elapsed_s": round(elapsed, 2),
        "per_min": round(completed / elapsed * 60, 1),
        "rounds": [r["per_min"] for r in results],
    }


async def scaling(
    base: str, workdir: Path, prompt: str, args: argparse.Namespace
) -> dict[str, Any]:
    trials: dict[str, Any] = {}
    if args.concurrency == "auto":
        for c in (1, 2):
            trials[str(c)] = await distributed_throughput(
                base,
                workdir,
                prompt,
                cpus=[0],
                concurrency=c,
                sessions=args.trial_sessions,
                label=f"trial-one-c{c}",
            )
        chosen = max((1, 2), key=lambda c: trials[str(c)]["per_min"])
    else:
        chosen = int(args.concurrency)
    one: list[dict[str, Any]] = []
    two: list[dict[str, Any]] = []
    for n in range(args.rounds):
        order = [("one", [0]), ("two", [0, 1])]
        for which, cpus in order if n % 2 == 0 else order[::-1]:
            (one if which == "one" else two).append(
                await distributed_throughput(
                    base,
                    workdir,
                    prompt,
                    cpus=cpus,
                    concurrency=chosen,
                    sessions=args.sessions,
                    label=f"{which}-r{n}",
                )
            )
    pooled_one, pooled_two = _pooled(one), _pooled(two)
    return {
        "trials": {c: t["per_min"] for c, t in trials.items()},
        "concurrency": chosen,
        "one": pooled_one,
        "two": pooled_two,
        "ratio": round(pooled_two["per_min"] / pooled_one["per_min"], 2),
        "runs": one + two,
    }


async def inprocess(
    base: str, workdir: Path, prompt: str, args: argparse.Namespace
) -> dict[str, Any]:
    local: list[dict[str, Any]] = []
    remote: list[dict[str, Any]] = []
    for n in range(args.rounds):
        order = ["local", "remote"] if n % 2 == 0 else ["remote", "local"]
        for which in order:
            if which == "local":
                local.append(
                    await inprocess_throughput(
                        workdir / f"local-{n}", prompt, concurrency=2, sessions=args.sessions
                    )
                )
            else:
                remote.append(
                    await distributed_throughput(
                        base,
                        workdir,
                        prompt,
                        cpus=[None],
                        concurrency=2,
                        sessions=args.sessions,
                        label=f"distributed-c2-r{n}",
                    )
                )
    pooled_local, pooled_remote = _pooled(local), _pooled(remote)
    return {
        "inprocess": pooled_local,
        "distributed": pooled_remote,
        "ratio": round(pooled_remote["per_min"] / pooled_local["per_min"], 2),
        "runs": local + remote,
    }


def _fmt(value: float) -> str:
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def table(figures: dict[str, Any]) -> str:
    rows = ["| part | configuration | measured |", "| --- | --- | --- |"]

    def batch(result: dict[str, Any]) -> str:
        rounds = ", ".join(_fmt(v) for v in result["rounds"])
        return (
            f"{result['completed']}/{result['sessions']} completed in {result['elapsed_s']} s: "
            f"**{_fmt(result['per_min'])} sessions/min** (rounds: {rounds})"
        )

    if "scaling" in figures:
        s = figures["scaling"]
        c = s["concurrency"]
        trials = ", ".join(f"C={k}: {_fmt(v)}/min" for k, v in s["trials"].items())
        why = f" (tried {trials}; the faster used)" if trials else ""
        rows += [
            f"| scaling, real agent | 1 worker, C={c}, `taskset -c 0`{why} | {batch(s['one'])} |",
            f"| scaling, real agent | 2 workers, C={c}, `taskset -c 0` / `-c 1` | "
            f"{batch(s['two'])} |",
            f"| scaling | two / one | **{s['ratio']}** |",
        ]
    if "inprocess" in figures:
        p = figures["inprocess"]
        rows += [
            "| same concurrency, real agent | `pupi serve`, SQLite, `PUPI_CONCURRENCY=2` | "
            f"{batch(p['inprocess'])} |",
            "| same concurrency, real agent | API-only node + `pupi worker --concurrency 2`, "
            f"PostgreSQL | {batch(p['distributed'])} |",
            f"| same concurrency | distributed / in-process | **{p['ratio']}** |",
        ]
    if "latency" in figures:
        for key, name in (("distributed", "distributed"), ("inprocess", "in-process")):
            lat = figures["latency"][key]
            rows.append(
                f"| prompt -> running, fake runner, {lat['samples']} sequential | {name}: "
                f"{lat['config']} | `started_at - created_at` p50 **{lat['db_started_p50_ms']} ms**"
                f", p99 {lat['db_started_p99_ms']} ms; client sees it leave `queued` p50 "
                f"{lat['client_running_p50_ms']} ms, p99 {lat['client_running_p99_ms']} ms "
                f"(the POST's answer alone: p50 {lat['post_answered_p50_ms']} ms) |"
            )
    if "dbcost" in figures:
        d = figures["dbcost"]

        def counts(values: dict[str, float]) -> str:
            return (
                f"{_fmt(values['xact_commit'])} commits, {_fmt(values['tup_inserted'])} inserted, "
                f"{_fmt(values['tup_updated'])} updated, {_fmt(values['tup_deleted'])} deleted, "
                f"{_fmt(values['sessions'])} connections opened"
            )

        n, window = d["sessions"], d["busy"]["active_s"]
        idle_rows = d["idle_user_tables_per_min"]
        rows += [
            f"| database per session, {n} x `steps=3` | raw (total / {n}) | "
            f"{counts(d['per_session_raw'])} |",
            f"| database, idle | API node + worker idle {window} s (same window, total) | "
            f"{counts(d['idle_same_window'])} |",
            f"| database per session | net of the idle baseline | "
            f"**{counts(d['per_session_net'])}** |",
            "| database per session | rows in user tables only (`pg_stat_user_tables`), net | "
            "{} inserted, {} updated, {} deleted |".format(*d["user_tables_per_session_net"]),
            "| database, idle | per minute, API node + 1 worker (heartbeat 5 s) | "
            f"{_fmt(d['idle_per_min']['xact_commit'])} commits; user tables: {idle_rows[0]} "
            f"inserted, {idle_rows[1]} updated, {idle_rows[2]} deleted |",
        ]
    return "\n".join(rows)


async def run_all(args: argparse.Namespace, site_url: str | None, workdir: Path) -> dict:
    base = args.postgres_url
    figures: dict[str, Any] = {"machine": machine(), "load_before": load()}
    parts = [args.only] if args.only else ["scaling", "inprocess", "latency", "dbcost"]
    prompt = f"Find the price of the first product on {site_url}/shop"
    for part in parts:
        log(f"== {part} (load average {load()})")
        if part == "scaling":
            figures["scaling"] = await scaling(base, workdir / "scaling", prompt, args)
        elif part == "inprocess":
            figures["inprocess"] = await inprocess(base, workdir / "inprocess", prompt, args)
        elif part == "latency":
            figures["latency"] = {
                "distributed": await latency_distributed(base, workdir / "lat-d", args.samples),
                "inprocess": await latency_inprocess(workdir / "lat-i", args.samples),
            }
        else:
            figures["dbcost"] = await db_cost(
                base, workdir / "dbcost", args.sessions, args.idle_seconds
            )
    figures["load_after"] = load()
    return figures


def _leftovers(figures: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            found.extend(value.get("leftovers", []))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(figures)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="batch size (parts 1, 2, 4)")
    parser.add_argument("--samples", type=int, default=50, help="latency samples (part 3)")
    parser.add_argument("--rounds", type=int, default=2, help="batches per configuration")
    parser.add_argument("--concurrency", choices=["auto", "1", "2"], default="auto")
    parser.add_argument("--trial-sessions", type=int, default=8)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--only", choices=["scaling", "inprocess", "latency", "dbcost"])
    parser.add_argument(
        "--postgres-url", default=os.environ.get("PUPI_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    parser.add_argument(
        "--logs", type=Path, help="Keep the servers' and workers' logs in this (new) folder."
    )
    args = parser.parse_args()
    log(f"machine: {machine()}; load average {load()}")
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if args.logs:
            args.logs.mkdir(parents=True)
            workdir = args.logs
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        for sub in ("scaling", "inprocess", "lat-d", "lat-i", "dbcost"):
            (workdir / sub).mkdir()
        site_url = None
        if args.only in (None, "scaling", "inprocess"):
            site_url = stack.enter_context(demo_site())
        for n in range(args.rounds):
            (workdir / "inprocess" / f"local-{n}").mkdir()
        figures = asyncio.run(run_all(args, site_url, workdir))
    figures["wall_s"] = round(time.perf_counter() - began, 1)
    leftovers = _leftovers(figures)
    strays = [
        f"{p.pid} {' '.join(p.cmdline())[:120]}"
        for p in psutil.Process().children(recursive=True)
        if _alive(p)
    ]
    log("\n" + table(figures))
    log(
        f"\nload average before {figures['load_before']}, after {figures['load_after']}; "
        f"{figures['wall_s']} s in all; processes left behind: "
        f"{len(leftovers)} killed after their service stopped, {len(strays)} children still up"
    )
    for line in leftovers + strays:
        log("  left:", line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
