"""The database going away for a few seconds: nodes answer 503, retry, and lose nothing.

The nodes reach PostgreSQL through a TCP relay in the test process; cutting the
relay (every connection dropped, new ones refused) is what a restarting or
failing-over database looks like from the nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests.server.pupi_fake_runner import gate_path
from tests.server.pupi_service_harness import (
    POSTGRES_ONLY,
    POSTGRES_URL,
    ApiServer,
    WorkerProcess,
    _create_pg_database,
    client_for,
    eventually,
    free_port,
    make_token,
    poll,
)

pytestmark = [pytest.mark.service, *POSTGRES_ONLY]


class Relay:
    """A loopback TCP relay to ``target``, which can be cut and restored."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Drop every connection and refuse new ones, as a database that went down."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            self._pipes.discard(task)
            return
        try:
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))
        finally:
            for end in (writer, up_writer):
                end.close()
            self._pipes.discard(task)


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError):
        writer.write_eof()


@pytest.fixture
async def relayed(tmp_path: Path) -> AsyncIterator[tuple[str, str, Relay]]:
    """(direct URL, URL through the relay, the relay) of a fresh database."""
    assert POSTGRES_URL is not None
    direct, drop = await _create_pg_database(POSTGRES_URL)
    parsed = make_url(direct)
    relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
    await relay.start()
    through = parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    try:
        yield direct, through, relay
    finally:
        await relay.cut()
        await drop()


async def test_nodes_ride_out_a_database_outage(
    relayed: tuple[str, str, Relay], tmp_path: Path
) -> None:
    direct, through, relay = relayed
    api_node = ApiServer(through, tmp_path, args=("--no-worker",))
    worker = WorkerProcess(through, tmp_path, name="one", args=("--concurrency", "1"))
    try:
        await asyncio.to_thread(api_node.start)
        await asyncio.to_thread(worker.start)
        token = await make_token(direct, "outage")
        async with client_for(api_node.url, token) as api:
            started = await api.post("/v1/sessions", json={"prompt": "hold=1 steps=3 answer=ok"})
            session_id = started.json()["session_id"]

            async def one_step() -> bool:
                body = (await api.get(f"/v1/sessions/{session_id}")).json()
                return len(body["step_results"]) == 1

            await eventually(one_step, "the first step recorded")

            await relay.cut()
            down = await api.get("/v1/sessions")  # never cached: it must ask the database
            assert down.status_code == 503, down.text
            assert down.json()["error"]["code"] == "database_unavailable"
            assert down.headers["Retry-After"] == "1"
            # The session goes on while the database is away: its next steps
            # wait for it, with backoff.
            gate_path(tmp_path / "runner.log", session_id).touch()
            await asyncio.sleep(3)  # a few seconds of outage; nothing is timed
            await relay.start()

            done = await poll(api, session_id, "completed", "failed", "cancelled")
            assert done["status"] == "completed", done
            assert done["answer"] == "ok"
            assert [record["n"] for record in done["step_results"]] == [0, 1, 2]
            # Both processes are still up and the queue works as before.
            assert api_node.process is not None and api_node.process.poll() is None
            assert worker.process is not None and worker.process.poll() is None
            after = (await api.post("/v1/sessions", json={"prompt": "steps=1 answer=after"})).json()
            assert (await poll(api, after["session_id"], "completed"))["answer"] == "after"
    finally:
        await asyncio.to_thread(worker.kill)
        await asyncio.to_thread(api_node.kill)
