"""Many processes on one PostgreSQL: API-only nodes and ``pupi worker`` processes.

Every node is a real process on loopback (the fake runner stands in for the
browser agent, so the tests are about the queue, not the pages). The waits
bound how long a state may take to arrive; nothing here times anything.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from tests.server.pupi_service_harness import (
    POSTGRES_ONLY,
    Cluster,
    client_for,
    eventually,
    make_token,
    poll,
)

pytestmark = [pytest.mark.service, *POSTGRES_ONLY]

TERMINAL = ("completed", "failed", "cancelled")


async def start(api: httpx.AsyncClient, prompt: str) -> str:
    response = await api.post("/v1/sessions", json={"prompt": prompt})
    assert response.status_code == 201, response.text
    session_id: str = response.json()["session_id"]
    return session_id


async def running_on(cluster: Cluster, session_id: str) -> int:
    """Wait until a worker has started the session; the pid of that worker."""

    async def started() -> int | None:
        return cluster.ran_on().get(session_id)

    pid: int = await eventually(started, f"{session_id} started on a worker")
    return pid


async def test_sessions_spread_over_two_workers_and_complete(cluster: Cluster) -> None:
    api_node = await cluster.api_node()
    one = await cluster.worker("one")
    two = await cluster.worker("two")
    token = await make_token(cluster.database_url, "spread")
    async with client_for(api_node.url, token) as api:
        # Each holds its worker (concurrency 1) until its gate opens, so two
        # sessions running at once are necessarily on different workers.
        held = [await start(api, "hold=0 steps=1 answer=held") for _ in range(2)]
        pids = {await running_on(cluster, session_id) for session_id in held}
        assert pids == {one.pid, two.pid}
        for session_id in held:
            assert (await poll(api, session_id, "running"))["status"] == "running"
        batch = [await start(api, f"steps=2 answer={n}") for n in range(6)]
        for session_id in held:
            cluster.open_gate(session_id)
        for n, session_id in enumerate(batch):
            done = await poll(api, session_id, *TERMINAL)
            assert (done["status"], done["answer"]) == ("completed", str(n))
            assert len(done["step_results"]) == 2
        for session_id in held:
            assert (await poll(api, session_id, *TERMINAL))["answer"] == "held"
    assert set(cluster.ran_on().values()) <= {one.pid, two.pid}


async def test_a_killed_worker_leaves_no_session_stuck(cluster: Cluster) -> None:
    api_node = await cluster.api_node()
    doomed = await cluster.worker("doomed")
    survivor = await cluster.worker("survivor")
    token = await make_token(cluster.database_url, "kill")
    async with client_for(api_node.url, token) as api:
        # One step recorded, then each waits at its gate: both workers are busy.
        held = [await start(api, "hold=1 steps=2") for _ in range(2)]
        on = {session_id: await running_on(cluster, session_id) for session_id in held}
        for session_id in held:
            await eventually(
                lambda sid=session_id: _has_steps(api, sid), f"{session_id} recorded a step"
            )
        queued = [await start(api, f"steps=1 answer=q{n}") for n in range(3)]
        doomed.kill()  # SIGKILL: no shutdown code runs, its heartbeat just stops
        for session_id in held:
            cluster.open_gate(session_id)
        for session_id, pid in on.items():
            ended = await poll(api, session_id, *TERMINAL)
            if pid == doomed.pid:
                assert ended["status"] == "failed"
                assert ended["error"]["type"] == "worker_lost"
                assert len(ended["step_results"]) == 1  # what it did before is kept
            else:
                assert ended["status"] == "completed"
        for n, session_id in enumerate(queued):
            done = await poll(api, session_id, *TERMINAL)
            assert (done["status"], done["answer"]) == ("completed", f"q{n}")
            assert cluster.ran_on()[session_id] == survivor.pid


async def _has_steps(api: httpx.AsyncClient, session_id: str) -> bool:
    return bool((await api.get(f"/v1/sessions/{session_id}")).json()["step_results"])


async def test_closing_a_session_cancels_it_on_its_worker(cluster: Cluster) -> None:
    api_node = await cluster.api_node()
    await cluster.worker("one")
    token = await make_token(cluster.database_url, "cancel")
    async with client_for(api_node.url, token) as api:
        session_id = await start(api, "hold=0 steps=1")
        await running_on(cluster, session_id)
        await poll(api, session_id, "running")
        closed = (await api.delete(f"/v1/sessions/{session_id}")).json()
        assert closed["status"] == "cancelled"
        assert closed["active"] is False

        # The gate never opens: only the worker cancelling the run releases it.
        async def released() -> bool:
            return cluster.released(session_id)

        await eventually(released, "the run released")
        # And the worker is free for the next one.
        after = await start(api, "steps=1 answer=next")
        assert (await poll(api, after, *TERMINAL))["answer"] == "next"
        final = await poll(api, session_id, *TERMINAL)
        assert final["status"] == "cancelled"


async def test_an_api_node_streams_the_steps_of_a_session_on_a_worker(cluster: Cluster) -> None:
    api_node = await cluster.api_node()
    await cluster.worker("one")
    token = await make_token(cluster.database_url, "sse")
    async with client_for(api_node.url, token) as api:
        session_id = await start(api, "hold=1 steps=3 answer=streamed")
        events: list[tuple[str, dict[str, Any]]] = []
        async with api.stream("GET", f"/v1/sessions/{session_id}/events", timeout=60) as stream:
            async for kind, data in _sse(stream.aiter_lines()):
                events.append((kind, data))
                if kind == "step" and data["n"] == 0:
                    # Step 0 came live or from the replay; steps 1 and 2 are
                    # recorded only after this, so they can only come live.
                    cluster.open_gate(session_id)
                if kind == "end":
                    break
    steps = [data["n"] for kind, data in events if kind == "step"]
    assert steps == [0, 1, 2]
    assert events[-1] == ("end", {"status": "completed"})
    assert all(data["screenshot_url"] for kind, data in events if kind == "step")


async def _sse(lines: Any) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    kind = ""
    async for line in lines:
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            yield kind, json.loads(line[len("data: ") :])


async def test_the_per_token_bound_holds_across_api_nodes(cluster: Cluster) -> None:
    # No worker runs: every session stays queued.
    env = {"PUPI_MAX_QUEUED_PER_TOKEN": "2"}
    first, second = await cluster.api_node(env), await cluster.api_node(env)
    token = await make_token(cluster.database_url, "bound")
    other = await make_token(cluster.database_url, "other")
    async with (
        client_for(first.url, token) as via_first,
        client_for(second.url, token) as via_second,
        client_for(second.url, other) as other_api,
    ):
        kept = [await start(via_first, "steps=1"), await start(via_second, "steps=1")]
        for api in (via_first, via_second):
            refused = await api.post("/v1/sessions", json={"prompt": "steps=1"})
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == "rate_limited"
            assert int(refused.headers["Retry-After"]) >= 1
        assert (await other_api.post("/v1/sessions", json={"prompt": "steps=1"})).status_code == 201
        # A place freed on one node is free on the other.
        assert (await via_first.delete(f"/v1/sessions/{kept[0]}")).status_code == 200
        assert (await via_second.post("/v1/sessions", json={"prompt": "x"})).status_code == 201


async def test_sigterm_drains_a_worker_and_queued_sessions_wait_for_another(
    cluster: Cluster,
) -> None:
    api_node = await cluster.api_node()
    leaving = await cluster.worker("leaving")
    token = await make_token(cluster.database_url, "drain")
    async with client_for(api_node.url, token) as api:
        held = await start(api, "hold=1 steps=2")
        await running_on(cluster, held)
        await eventually(lambda: _has_steps(api, held), "a step recorded")
        queued = await start(api, "steps=1 answer=waited")
        assert leaving.process is not None
        leaving.process.send_signal(signal.SIGTERM)  # no grace in the tests: cut off at once
        assert await asyncio.to_thread(leaving.process.wait, 30) == 0
        interrupted = await poll(api, held, *TERMINAL)
        assert interrupted["status"] == "failed"
        assert interrupted["error"]["type"] == "interrupted"
        assert len(interrupted["step_results"]) == 1
        assert (await api.get(f"/v1/sessions/{queued}")).json()["status"] == "queued"
        arriving = await cluster.worker("arriving")
        done = await poll(api, queued, *TERMINAL)
        assert (done["status"], done["answer"]) == ("completed", "waited")
        assert cluster.ran_on()[queued] == arriving.pid


async def test_follow_ups_reach_the_worker_holding_the_browser_and_die_with_it(
    cluster: Cluster,
) -> None:
    api_node = await cluster.api_node()
    holder = await cluster.worker("holder")
    other = await cluster.worker("other")
    token = await make_token(cluster.database_url, "follow")
    async with client_for(api_node.url, token) as api:
        response = await api.post(
            "/v1/sessions", json={"prompt": "steps=1 remember=kept", "idle_timeout_s": 300}
        )
        session_id = response.json()["session_id"]
        ran_on = await running_on(cluster, session_id)
        await poll(api, session_id, *TERMINAL)
        # Both workers are free; only the one holding the browser has what was kept.
        for _ in range(3):
            follow = await api.post(
                f"/v1/sessions/{session_id}/prompts", json={"prompt": "steps=1 recall=1"}
            )
            assert follow.status_code == 201, follow.text
            run = follow.json()["run"]

            async def ended(n: int = run) -> dict[str, Any] | None:
                body: dict[str, Any] = (await api.get(f"/v1/sessions/{session_id}")).json()
                return body if body["runs"][n]["status"] in TERMINAL else None

            body = await eventually(ended, f"run {run} ended")
            assert body["answer"] == "kept"
        assert cluster.ran_on()[session_id] == ran_on
        doomed = holder if ran_on == holder.pid else other
        doomed.kill()
        lost = await poll(api, session_id, "failed")
        assert lost["error"]["type"] == "worker_lost"
        assert lost["open"] is False
        refused = await api.post(f"/v1/sessions/{session_id}/prompts", json={"prompt": "x"})
        assert refused.status_code == 409
