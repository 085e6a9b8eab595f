"""The real agent ("rules" planner, headless Chromium) behind the API, on the demo site."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from tests.server.pupi_service_harness import ServerFactory

from pupi.client import AsyncApiClient
from pupi.demo import DemoServer

pytestmark = [pytest.mark.service, pytest.mark.browser]


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
    server_factory: ServerFactory, demo_url: str
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            f"Find the price of the first product on {demo_url}/shop", max_steps=50
        )
        for _ in range(200):
            if (await api.get_session_result(started.session_id)).status == "running":
                break
            await asyncio.sleep(0.02)
        began = time.monotonic()
        closed = await api.close_session(started.session_id)
        assert time.monotonic() - began < 2.0
        assert closed.status in {"cancelled", "completed"}
    async with httpx.AsyncClient(base_url=server.url) as plain:
        assert (await plain.get("/healthz")).json()["running"] == 0
