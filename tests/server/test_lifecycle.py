"""Queue limits, restart after a crash, idle expiry: each on a server of its own."""

from __future__ import annotations

import asyncio

import pytest
from tests.server.pupi_service_harness import ServerFactory, client_for, eventually, poll

pytestmark = pytest.mark.service


async def test_a_full_queue_gets_429_with_retry_after_for_that_token_only(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(
        env={"PUPI_CONCURRENCY": "1", "PUPI_MAX_QUEUED_PER_TOKEN": "2", "PUPI_METRICS": "token"}
    )
    async with (
        client_for(server.url, await server.token("busy")) as busy,
        client_for(server.url, await server.token("calm")) as calm,
    ):
        first = (await busy.post("/v1/sessions", json={"prompt": "steps=1000 delay=0.2"})).json()
        await poll(busy, first["session_id"], "running")
        for _ in range(2):
            assert (await busy.post("/v1/sessions", json={"prompt": "x"})).status_code == 201
        refused = await busy.post("/v1/sessions", json={"prompt": "x"})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 1
        # The limit is per token: another caller still gets in.
        assert (await calm.post("/v1/sessions", json={"prompt": "x"})).status_code == 201
        # Closing a queued session frees its place.
        await busy.delete("/v1/sessions")
        assert (await busy.post("/v1/sessions", json={"prompt": "x"})).status_code == 201
        assert "pupi_sessions_rejected_total 1" in (await busy.get("/metrics")).text


async def test_after_a_crash_running_sessions_fail_and_queued_ones_run(
    server_factory: ServerFactory,
) -> None:
    # One process, SQLite: the restart knows the sessions left running were its
    # own and fails them as interrupted at once. PostgreSQL: the queue cannot
    # tell a restarted node from a new one, so they fail once the dead worker's
    # heartbeat has lapsed (worker_lost; test_distributed.py kills workers too).
    server = await server_factory(env={"PUPI_CONCURRENCY": "1"})
    token = await server.token()
    async with client_for(server.url, token) as api:
        done = (await api.post("/v1/sessions", json={"prompt": "steps=2 answer=kept"})).json()
        await poll(api, done["session_id"], "completed")
        running = (await api.post("/v1/sessions", json={"prompt": "steps=1000 delay=0.2"})).json()
        await poll(api, running["session_id"], "running")
        queued = (await api.post("/v1/sessions", json={"prompt": "steps=1 answer=later"})).json()

        async def a_recorded_step() -> bool:  # so that the crash has one to keep
            path = f"/v1/sessions/{running['session_id']}"
            return bool((await api.get(path)).json()["step_results"])

        await eventually(a_recorded_step, "a step recorded before the crash")
    server.kill()  # kill -9: no shutdown code runs

    server.start()
    async with client_for(server.url, token) as api:
        interrupted = await poll(api, running["session_id"], "failed")
        expected = "worker_lost" if server.database_url.startswith("postgres") else "interrupted"
        assert interrupted["error"]["type"] == expected
        assert "send the prompt again" in interrupted["error"]["message"]
        assert len(interrupted["step_results"]) >= 1  # the steps it made before are kept
        later = await poll(api, queued["session_id"], "completed")
        assert later["answer"] == "later"
        kept = (await api.get(f"/v1/sessions/{done['session_id']}")).json()
        assert kept["answer"] == "kept"
        assert len(kept["steps"]) == 2


async def test_a_graceful_stop_fails_running_sessions_and_keeps_queued_ones(
    server_factory: ServerFactory,
) -> None:
    # No grace: the session is cut off at once (test_shutdown.py lets them finish).
    server = await server_factory(env={"PUPI_CONCURRENCY": "1", "PUPI_SHUTDOWN_GRACE_S": "0"})
    token = await server.token()
    async with client_for(server.url, token) as api:
        running = (await api.post("/v1/sessions", json={"prompt": "steps=1000 delay=0.2"})).json()
        await poll(api, running["session_id"], "running")
        queued = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()
    server.stop()
    server.start()
    async with client_for(server.url, token) as api:
        assert (await poll(api, running["session_id"], "failed"))["error"]["type"] == "interrupted"
        await poll(api, queued["session_id"], "completed")


async def test_finished_sessions_nobody_closes_expire_but_stay_readable(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_IDLE_EXPIRY_S": "0.3", "PUPI_SWEEP_INTERVAL_S": "0.1"})
    async with client_for(server.url, await server.token()) as api:
        session_id = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()[
            "session_id"
        ]
        await poll(api, session_id, "completed")

        async def expired() -> bool:
            return not (await api.get("/v1/sessions")).json()["sessions"]

        await eventually(expired, "the finished session expiring")
        body = (await api.get(f"/v1/sessions/{session_id}")).json()
        assert body["active"] is False
        assert body["status"] == "completed"


async def test_closed_sessions_are_deleted_after_the_retention(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_RETENTION_S": "0.3", "PUPI_SWEEP_INTERVAL_S": "0.1"})
    async with client_for(server.url, await server.token()) as api:
        session_id = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()[
            "session_id"
        ]
        await poll(api, session_id, "completed")
        await api.delete(f"/v1/sessions/{session_id}")

        async def deleted() -> bool:
            return (await api.get(f"/v1/sessions/{session_id}")).status_code == 404

        await eventually(deleted, "the closed session being deleted")


async def test_a_prompt_aimed_at_loopback_fails_and_sends_nothing_there(
    server_factory: ServerFactory,
) -> None:
    hits: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append(await reader.read(100))
        writer.close()

    target = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = target.sockets[0].getsockname()[1]
    try:
        server = await server_factory()
        async with client_for(server.url, await server.token()) as api:
            for prompt, start_url in [
                (f"Find the price on http://127.0.0.1:{port}/shop", None),
                ("Read the page", f"http://localhost:{port}/"),
                ("Read file:///etc/passwd", None),
            ]:
                fields = {"prompt": prompt, "start_url": start_url}
                created = (await api.post("/v1/sessions", json=fields)).json()
                body = await poll(api, created["session_id"], "failed")
                assert body["error"]["type"] == "fetch_refused"
                assert "refused" in body["error"]["message"]
                assert body["steps"] == []
        assert hits == []
    finally:
        target.close()
        await target.wait_closed()


async def test_an_allowed_host_may_be_used(server_factory: ServerFactory) -> None:
    server = await server_factory(allow_hosts=("127.0.0.1",))
    async with client_for(server.url, await server.token()) as api:
        fields = {"prompt": "steps=1", "start_url": "http://127.0.0.1:9/"}
        created = (await api.post("/v1/sessions", json=fields)).json()
        assert (await poll(api, created["session_id"], "completed", "failed"))[
            "status"
        ] == "completed"
