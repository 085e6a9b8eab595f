"""SIGTERM to a busy server: running sessions end well, queued ones wait for the restart.

The order under test: stop starting queued sessions, let the running ones finish
(or record them ``interrupted`` after the grace), close the browsers, exit; a
restart runs what was still queued. Nothing here sleeps to hit a window: each
signal goes once the server shows the state it needs (a session ``running``, the
port closed), and the statuses are read from the database after the process
has exited; the timeouts are upper bounds only.
"""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import httpx
import psutil
import pytest
from tests.server.pupi_service_harness import ApiServer, ServerFactory

from pupi.server.db.engine import create_engine
from pupi.server.db.sessions import SessionStore

pytestmark = pytest.mark.service

PROMPT = "Find the price of the first product on {url}/shop"


async def poll(api: httpx.AsyncClient, session_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = (await api.get(f"/v1/sessions/{session_id}")).json()
        if body["status"] in statuses:
            return body
        await asyncio.sleep(0.02)
    raise AssertionError(f"{session_id} never reached {statuses}: {body}")


async def stored_outcomes(database_url: str, ids: list[str]) -> list[tuple[str, str | None]]:
    """(status, error type) of each session, read from the database itself."""
    engine = create_engine(database_url)
    try:
        store = SessionStore(engine)
        outcomes = []
        for session_id in ids:
            row = await store.get(session_id)
            assert row is not None
            outcomes.append((row.status, (row.error or {}).get("type")))
        return outcomes
    finally:
        await engine.dispose()


def terminate(server: ApiServer) -> tuple[int, int]:
    """SIGTERM, then wait for the process to exit by itself: (its pid, its exit status)."""
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    return server.process.pid, server.process.wait(60)


def browsers_left(owner_pid: int) -> list[psutil.Process]:
    """Chromium processes the server launched that still run, after at most a minute's wait."""
    deadline = time.monotonic() + 60
    while True:
        alive = []
        for process in psutil.process_iter(["cmdline"]):
            try:
                if f"--pupi-owner={owner_pid}" in (process.info["cmdline"] or []) and (
                    process.status() != psutil.STATUS_ZOMBIE
                ):
                    alive.append(process)
            except psutil.Error:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.mark.browser
async def test_sigterm_during_a_batch_lets_running_sessions_end_and_keeps_queued_ones(
    server_factory: ServerFactory, demo_url: str
) -> None:
    server = await server_factory(
        fake_runner=False,
        allow_hosts=("127.0.0.1",),
        # A generous grace: the running session should complete, not be cut off.
        env={"PUPI_CONCURRENCY": "1", "PUPI_SHUTDOWN_GRACE_S": "60"},
    )
    token = await server.token()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as api:
        # A warm server, as in a batch: its browser is up before the signal comes.
        warm = await api.post("/v1/sessions", json={"prompt": PROMPT.format(url=demo_url)})
        assert (await poll(api, warm.json()["session_id"], "completed", "failed"))["status"] == (
            "completed"
        )
        ids = []
        for _ in range(3):
            created = await api.post("/v1/sessions", json={"prompt": PROMPT.format(url=demo_url)})
            assert created.status_code == 201, created.text
            ids.append(created.json()["session_id"])
        await poll(api, ids[0], "running")

    pid, status = await asyncio.to_thread(terminate, server)
    assert status in {0, -signal.SIGTERM}, server.log()[-3000:]
    outcomes = await stored_outcomes(server.database_url, ids)
    assert browsers_left(pid) == []
    log = server.log()[-3000:]
    assert all(kind != "page_error" for _, kind in outcomes), (outcomes, log)
    # The one running when the signal came finishes within the grace; the last cannot
    # have started (at most one session can have ended between "running" and the signal).
    assert outcomes[0] == ("completed", None), (outcomes, log)
    assert outcomes[-1] == ("queued", None), (outcomes, log)
    assert set(outcomes) == {("completed", None), ("queued", None)}, (outcomes, log)

    server.start()
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as api:
        for (before, _), session_id in zip(outcomes, ids, strict=True):
            if before == "queued":
                done = await poll(api, session_id, "completed", "failed", "cancelled")
                assert done["status"] == "completed", (done["error"], server.log()[-3000:])
                assert "$24.00" in str(done["answer"])
    pid, _ = await asyncio.to_thread(terminate, server)
    assert browsers_left(pid) == []


def client_for(server: ApiServer, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


async def test_a_stop_lets_a_running_session_finish_within_the_grace(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_CONCURRENCY": "1", "PUPI_SHUTDOWN_GRACE_S": "60"})
    token = await server.token()
    async with client_for(server, token) as api:
        running = (await api.post("/v1/sessions", json={"prompt": "steps=8 delay=0.2"})).json()
        queued = (await api.post("/v1/sessions", json={"prompt": "steps=1 answer=later"})).json()
        await poll(api, running["session_id"], "running")
    ids = [running["session_id"], queued["session_id"]]

    await asyncio.to_thread(terminate, server)
    assert await stored_outcomes(server.database_url, ids) == [
        ("completed", None),
        ("queued", None),
    ]
    server.start()
    async with client_for(server, token) as api:
        assert (await poll(api, ids[1], "completed", "failed"))["answer"] == "later"


def port_closed(server: ApiServer) -> None:
    """Wait until the server refuses connections: it has begun its shutdown."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{server.url}/healthz", timeout=1.0)
        except httpx.TransportError:
            return
        time.sleep(0.05)
    raise AssertionError("the server kept answering after SIGTERM")


async def test_a_second_sigterm_interrupts_running_sessions_without_waiting_the_grace(
    server_factory: ServerFactory,
) -> None:
    # An hour's grace and a session that would run for hours: only the second
    # signal can end the stop before terminate()'s upper bound.
    server = await server_factory(env={"PUPI_CONCURRENCY": "1", "PUPI_SHUTDOWN_GRACE_S": "3600"})
    token = await server.token()
    async with client_for(server, token) as api:
        running = (await api.post("/v1/sessions", json={"prompt": "steps=100000 delay=0.2"})).json()
        queued = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()
        await poll(api, running["session_id"], "running")
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(port_closed, server)
    await asyncio.to_thread(terminate, server)
    assert await stored_outcomes(
        server.database_url, [running["session_id"], queued["session_id"]]
    ) == [("failed", "interrupted"), ("queued", None)]
