"""The real agent ("rules" planner, headless Chromium) behind the API, on the demo site."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile

import httpx
import pytest
from tests.server.pupi_service_harness import ServerFactory

from pupi.client import AsyncApiClient
from pupi.demo import DemoServer
from pupi.errors import NotFound

pytestmark = [pytest.mark.service, pytest.mark.browser]

WAIT_S = 60
"""Generous: a bound on waiting for a state the server reaches, not a time measured."""


async def test_a_prompt_runs_with_the_real_agent_and_keeps_steps_and_screenshots(
    server_factory: ServerFactory, demo_url: str
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            f"Find the price of the first product on {demo_url}/shop", planner="rules"
        )
        events = [event async for event in api.iter_session_events(started.session_id)]
        result = await api.wait_for_session(started.session_id, timeout_s=90)
        assert result.status == "completed", (result.error, server.log()[-3000:])
        assert "$24.00" in str(result.answer)
        assert result.steps
        assert result.steps[0]["action"] == "go"
        assert [event.event for event in events if event.event == "step"]
        assert events[-1].data == {"status": "completed"}
        shot_url = result.step_results[0].screenshot_url
        assert shot_url is not None
        assert (await api.get_screenshot(started.session_id, 0))[:3] == b"\xff\xd8\xff"  # JPEG
        await api.close_session(started.session_id)


async def test_without_allow_host_the_agent_may_not_reach_the_loopback_site(
    server_factory: ServerFactory, demo_site: DemoServer, demo_url: str
) -> None:
    server = await server_factory(fake_runner=False)
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            f"Find the price of the first product on {demo_url}/shop"
        )
        result = await api.wait_for_session(started.session_id, timeout_s=60)
    assert result.status == "failed"
    assert result.error is not None
    assert "loopback" in result.error["message"]


async def test_closing_a_running_agent_session_cancels_it_and_releases_the_browser(
    server_factory: ServerFactory,
) -> None:
    # The agent's first step opens a page that never answers, so the session is
    # certainly running, and cannot complete, when it is closed. Left alone, it
    # would end at its 30 s timeout and be counted in the session durations; a
    # cancelled run never reaches an outcome. How long the close takes is
    # measured by bench/api_load.py --real-agent.
    asked = asyncio.Event()
    hang_up = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        asked.set()
        await hang_up.wait()
        writer.close()

    target = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = target.sockets[0].getsockname()[1]
    try:
        server = await server_factory(
            fake_runner=False, allow_hosts=("127.0.0.1",), env={"PUPI_METRICS": "token"}
        )
        token = await server.token()
        async with AsyncApiClient(server.url, access_token=token) as api:
            started = await api.send_prompt_to_ai(
                f"Find the price of the first product on http://127.0.0.1:{port}/shop",
                timeout_s=30,
            )
            await asyncio.wait_for(asked.wait(), WAIT_S)
            assert (await api.get_session_result(started.session_id)).status == "running"
            closed = await api.close_session(started.session_id)
            assert closed.status == "cancelled"
            assert closed.error is not None
            assert closed.error["type"] == "cancelled"
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            deadline = time.monotonic() + WAIT_S
            while (await http.get("/healthz")).json()["running"] != 0:
                assert time.monotonic() < deadline, "the cancelled run never unwound"
                await asyncio.sleep(0.05)
            assert "pupi_session_duration_seconds_count 0\n" in (await http.get("/metrics")).text
            after = (await http.get(f"/v1/sessions/{started.session_id}")).json()
        assert (after["status"], after["step_results"]) == ("cancelled", [])
    finally:
        hang_up.set()
        target.close()
        await target.wait_closed()


async def test_a_traced_agent_session_records_a_playwright_trace(
    server_factory: ServerFactory, demo_url: str
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            f"Find the price of the first product on {demo_url}/shop", trace=True
        )
        result = await api.wait_for_session(started.session_id, timeout_s=90)
        assert result.status == "completed", result.error
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                trace = await api.get_trace(started.session_id)
                break
            except NotFound:
                assert time.monotonic() < deadline, "the trace was never written"
                await asyncio.sleep(0.1)
    with zipfile.ZipFile(io.BytesIO(trace)) as archive:
        assert {"trace.trace", "trace.network"} <= set(archive.namelist())
        assert "/shop" in archive.read("trace.trace").decode("utf-8", "replace")
