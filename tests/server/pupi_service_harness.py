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
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

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


class ApiServer:
    """One ``pupi serve`` process; start, stop (SIGTERM), kill (SIGKILL), start again."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        fake_runner: bool = True,
        allow_hosts: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.runner_log = workdir / "runner.log"
        self.log_path = workdir / f"server-{self.port}.log"
        self._env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "PUPI_DATABASE_URL": database_url,
            "PUPI_PORT": str(self.port),
            "PUPI_HOST": "127.0.0.1",
            "PUPI_FAKE_RUNNER_LOG": str(self.runner_log),
            # Sessions a test leaves running need no grace at its stop; the
            # shutdown tests (test_shutdown.py) set their own.
            "PUPI_SHUTDOWN_GRACE_S": "0",
            **(env or {}),
        }
        if fake_runner:
            self._env["PUPI_SESSION_RUNNER"] = "tests.server.pupi_fake_runner:run"
        self._args = [sys.executable, "-c", SERVE, "serve"]
        for host in allow_hosts:
            self._args += ["--allow-host", host]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 30.0) -> ApiServer:
        """Start the process and wait until /healthz answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self._args, cwd=self.workdir, env=self._env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server did not start in {timeout_s} s:\n{self.log()}")

    def log(self) -> str:
        """What the server printed so far."""
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
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(async_url(base_url))
    name = f"pupi_t_{uuid.uuid4().hex[:10]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    url = base.set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False), drop


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="PUPI_TEST_POSTGRES_URL is not set"),
        ],
    ),
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
