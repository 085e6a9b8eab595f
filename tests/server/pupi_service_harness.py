"""Real server processes for the service tests, on SQLite or PostgreSQL.

``ApiServer`` runs ``pupi serve`` in a subprocess on a free loopback port with
its own database; ``database_url`` is a fixture parametrized over SQLite and
(when ``PUPI_TEST_POSTGRES_URL`` is set) a fresh PostgreSQL database, so every
service test that uses it runs against both. Imported by the conftests of
tests/server, tests/client and tests/cli; the server process imports the fake
runner as ``tests.server.pupi_fake_runner`` (the repository root on PYTHONPATH).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pupi.server.db.engine import async_url, create_engine, migrate
from pupi.server.db.tokens import create_token

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("PUPI_TEST_POSTGRES_URL")
# Runs `pupi serve` whether or not the CLI root has registered the server commands yet.
SERVE = "from pupi.cli import app; app()"


def free_port() -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service_env(
    database_url: str, runner_log: Path, *, fake_runner: bool, env: dict[str, str] | None
) -> dict[str, str]:
    """The environment of a ``pupi serve`` or ``pupi worker`` process under test."""
    service_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PUPI_DATABASE_URL": database_url,
        "PUPI_FAKE_RUNNER_LOG": str(runner_log),
        # One key per server (a cluster's nodes share it), never the user's own.
        "PUPI_SECRET_KEY_FILE": str(runner_log.with_name("secret.key")),
        # Sessions a test leaves running need no grace at its stop; the
        # shutdown tests (test_shutdown.py) set their own.
        "PUPI_SHUTDOWN_GRACE_S": "0",
        # A killed worker's sessions fail once it has been silent this long; ten
        # heartbeats, so that a loaded machine is not taken for a dead worker.
        "PUPI_WORKER_HEARTBEAT_S": "0.5",
        "PUPI_WORKER_LOST_AFTER_S": "5",
        **(env or {}),
    }
    if fake_runner:
        service_env["PUPI_SESSION_RUNNER"] = "tests.server.pupi_fake_runner:open_browser"
    return service_env


class _Process:
    """A ``pupi`` service process: start, stop (SIGTERM), kill (SIGKILL), start again."""

    def __init__(self, args: list[str], env: dict[str, str], workdir: Path, log_path: Path) -> None:
        self._args = args
        self._env = env
        self.workdir = workdir
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self._args, cwd=self.workdir, env=self._env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        return self.process

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        """What the process printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill -9: what a crash looks like to the database."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class WorkerProcess(_Process):
    """One ``pupi worker`` process (PostgreSQL), sharing the runner log of its workdir."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        name: str,
        fake_runner: bool = True,
        allow_hosts: tuple[str, ...] = (),
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.runner_log = workdir / "runner.log"
        for host in allow_hosts:
            args += ("--allow-host", host)
        super().__init__(
            [sys.executable, "-c", SERVE, "worker", *args],
            _service_env(database_url, self.runner_log, fake_runner=fake_runner, env=env),
            workdir,
            workdir / f"worker-{name}.log",
        )

    def start(self, timeout_s: float = 30.0) -> WorkerProcess:
        """Start the process and wait until it says it runs."""
        self._spawn()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            if "worker running" in self.log():
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"worker did not start in {timeout_s} s:\n{self.log()}")


class ApiServer(_Process):
    """One ``pupi serve`` process; start, stop (SIGTERM), kill (SIGKILL), start again."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        fake_runner: bool = True,
        allow_hosts: tuple[str, ...] = (),
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.runner_log = workdir / "runner.log"
        env = {"PUPI_PORT": str(self.port), "PUPI_HOST": "127.0.0.1", **(env or {})}
        command = [sys.executable, "-c", SERVE, "serve", *args]
        for host in allow_hosts:
            command += ["--allow-host", host]
        super().__init__(
            command,
            _service_env(database_url, self.runner_log, fake_runner=fake_runner, env=env),
            workdir,
            workdir / f"server-{self.port}.log",
        )

    def start(self, timeout_s: float = 30.0) -> ApiServer:
        """Start the process and wait until /healthz answers."""
        self._spawn()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server did not start in {timeout_s} s:\n{self.log()}")

    async def token(self, name: str = "test") -> str:
        """A new access token in this server's database."""
        return await make_token(self.database_url, name)


async def make_token(database_url: str, name: str) -> str:
    """Mint a token straight in the database, as ``pupi token create`` does."""
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        _info, secret = await create_token(engine, name)
        return secret
    finally:
        await engine.dispose()


async def _create_pg_database(base_url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(async_url(base_url))
    name = f"pupi_t_{uuid.uuid4().hex[:10]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
        await connection.execute(f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = base.set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False), drop


POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="PUPI_TEST_POSTGRES_URL is not set"),
]
"""The marks of a test (or a parameter) that needs PostgreSQL."""

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=POSTGRES_ONLY),
]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: SQLite in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pupi.db'}"
        return
    assert POSTGRES_URL is not None
    url, drop = await _create_pg_database(POSTGRES_URL)
    yield url
    await drop()


@pytest.fixture(scope="session", params=BACKENDS)
async def shared_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiServer]:
    """One server per backend for the whole test run; tests isolate by minting tokens."""
    workdir = tmp_path_factory.mktemp(f"server-{request.param}")
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'pupi.db'}"
    else:
        assert POSTGRES_URL is not None
        url, drop = await _create_pg_database(POSTGRES_URL)
    server = ApiServer(url, workdir, env={"PUPI_CONCURRENCY": "4", "PUPI_METRICS": "token"})
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    if drop is not None:
        await drop()


class Cluster:
    """API-only nodes and ``pupi worker`` processes on one fresh PostgreSQL database.

    They share the workdir, so the fake runner's log says which process ran
    what; every process is killed at the end (the ``cluster`` fixture).
    """

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.runner_log = workdir / "runner.log"
        self._started: list[ApiServer | WorkerProcess] = []

    async def api_node(self, env: dict[str, str] | None = None) -> ApiServer:
        node = ApiServer(self.database_url, self.workdir, args=("--no-worker",), env=env)
        self._started.append(node)
        return await asyncio.to_thread(node.start)

    async def worker(
        self,
        name: str,
        *,
        concurrency: int = 1,
        fake_runner: bool = True,
        allow_hosts: tuple[str, ...] = (),
        args: tuple[str, ...] = (),
    ) -> WorkerProcess:
        process = WorkerProcess(
            self.database_url,
            self.workdir,
            name=name,
            fake_runner=fake_runner,
            allow_hosts=allow_hosts,
            args=("--concurrency", str(concurrency), *args),
        )
        self._started.append(process)
        return await asyncio.to_thread(process.start)

    def kill_all(self) -> None:
        for process in self._started:
            process.kill()

    def ran_on(self) -> dict[str, int]:
        """Session id -> pid of the process that started running it (the runner's log)."""
        text = self.runner_log.read_text() if self.runner_log.exists() else ""
        return {sid: int(pid) for sid, pid in re.findall(r"^start (\w+) (\d+)$", text, re.M)}

    def released(self, session_id: str) -> bool:
        """Whether the fake runner has let go of the session's "browser"."""
        text = self.runner_log.read_text() if self.runner_log.exists() else ""
        return f"released {session_id}" in text

    def open_gate(self, session_id: str) -> None:
        """Let a ``hold=N`` session of the fake runner go on."""
        (Path(f"{self.runner_log}.{session_id}.go")).touch()


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """A :class:`Cluster` on a new PostgreSQL database, dropped at the end."""
    assert POSTGRES_URL is not None
    url, drop = await _create_pg_database(POSTGRES_URL)
    nodes = Cluster(url, tmp_path)
    try:
        yield nodes
    finally:
        await asyncio.to_thread(nodes.kill_all)
        await drop()


ServerFactory = Callable[..., Awaitable[ApiServer]]


@pytest.fixture
def server_factory(database_url: str, tmp_path: Path) -> Iterator[ServerFactory]:
    """``await server_factory(env={...}, allow_hosts=(...))``: a started server, stopped after."""
    started: list[ApiServer] = []

    async def start(**options: object) -> ApiServer:
        server = ApiServer(database_url, tmp_path, **options)  # type: ignore[arg-type]
        started.append(server)
        return await asyncio.to_thread(server.start)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
async def api(shared_server: ApiServer) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the shared server, with a token of its own."""
    token = await shared_server.token()
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        yield client


def client_for(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})


TERMINAL = ("completed", "failed", "cancelled")
"""The statuses a session or run ends in."""

# Generous: these bound a wait for a state the server reaches, they time nothing.
WAIT_S = 60


async def eventually(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Call ``check`` until it returns something true; return that."""
    deadline = time.monotonic() + WAIT_S
    while not (found := await check()):
        assert time.monotonic() < deadline, f"{what}: not in {WAIT_S} s"
        await asyncio.sleep(0.05)
    return found


async def run_ended(client: httpx.AsyncClient, session_id: str, n: int = 0) -> dict[str, Any]:
    """Wait until run ``n`` of the session has ended; the session's view then."""

    async def ended() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(f"/v1/sessions/{session_id}")).json()
        runs = body["runs"]
        return body if len(runs) > n and runs[n]["status"] in TERMINAL else None

    found: dict[str, Any] = await eventually(ended, f"run {n} of {session_id} ending")
    return found


async def poll(client: httpx.AsyncClient, session_id: str, *statuses: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(f"/v1/sessions/{session_id}")).json()
        return body if body["status"] in statuses else None

    found: dict[str, Any] = await eventually(reached, f"{session_id} reaching {statuses}")
    return found
