"""AsyncApiClient against a real server process (fake runner)."""

from __future__ import annotations

import asyncio
import time

import pytest
from tests.server.pupi_service_harness import ApiServer, ServerFactory, free_port

from pupi import errors
from pupi.client import ActiveSessions, AsyncApiClient, SessionResult, SessionStarted

pytestmark = pytest.mark.service


@pytest.fixture
async def client(shared_server: ApiServer) -> AsyncApiClient:
    api = AsyncApiClient(shared_server.url)
    api.set_access_token(await shared_server.token("client"))
    yield api  # type: ignore[misc]
    await api.aclose()


async def test_a_prompt_is_sent_waited_for_read_and_closed(client: AsyncApiClient) -> None:
    started = await client.send_prompt_to_ai(
        "steps=2 answer=42",
        start_url="https://93.184.215.14/",
        planner="rules",
        max_steps=5,
        timeout_s=30,
    )
    assert isinstance(started, SessionStarted)
    assert started.status == "queued"
    assert repr(started).startswith("<SessionStarted ")
    result = await client.wait_for_session(started.session_id, timeout_s=60, poll_interval_s=0.05)
    assert isinstance(result, SessionResult)
    assert (result.status, result.answer, result.max_steps) == ("completed", "42", 5)
    assert len(result.steps) == 2
    assert result.step_results[0].screenshot_url is not None
    assert repr(result).endswith("completed steps=2 answer='42'>")
    shot = await client.get_screenshot(started.session_id, 0)
    assert shot.startswith(b"\x89PNG")
    with pytest.raises(errors.NotFound) as no_shot:
        await client.get_screenshot(started.session_id, 99)
    assert not isinstance(no_shot.value, errors.SessionNotFound)
    again = await client.get_session_result(started.session_id)
    assert again.finished_at == result.finished_at
    closed = await client.close_session(started.session_id)
    assert closed.active is False
    assert closed.closed_at is not None


async def test_active_sessions_and_close_all(client: AsyncApiClient) -> None:
    ids = [(await client.send_prompt_to_ai("steps=1000 delay=0.2")).session_id for _ in range(3)]
    active = await client.get_active_sessions()
    assert isinstance(active, ActiveSessions)
    assert {info.session_id for info in active.sessions} == set(ids)
    assert repr(active) == "<ActiveSessions 3>"
    assert await client.close_all_sessions() == 3
    assert (await client.get_active_sessions()).sessions == []
    everything = await client.get_active_sessions(include_closed=True)
    assert {info.status for info in everything.sessions} == {"cancelled"}
    assert all(info.done for info in everything.sessions)


async def test_events_are_iterated_until_the_end(client: AsyncApiClient) -> None:
    started = await client.send_prompt_to_ai("steps=3 delay=0.1")
    events = [event async for event in client.iter_session_events(started.session_id)]
    kinds = [event.event for event in events]
    assert kinds[0] == "status"
    assert [kind for kind in kinds if kind != "status"] == ["step", "step", "step", "end"]
    assert [event.data["n"] for event in events if event.event == "step"] == [0, 1, 2]
    assert events[-1].data == {"status": "completed"}


async def test_wait_for_session_gives_up_after_its_timeout(client: AsyncApiClient) -> None:
    started = await client.send_prompt_to_ai("steps=1000 delay=0.2")
    with pytest.raises(TimeoutError, match="still"):
        await client.wait_for_session(started.session_id, timeout_s=0.3, poll_interval_s=0.05)
    await client.close_session(started.session_id)


async def test_errors_map_to_pupi_exceptions(
    client: AsyncApiClient, shared_server: ApiServer
) -> None:
    with pytest.raises(errors.SessionNotFound) as not_found:
        await client.get_session_result("nope")
    assert not_found.value.status_code == 404
    with pytest.raises(errors.SessionNotFound):
        await client.close_session("nope")
    with pytest.raises(errors.SessionNotFound):
        async for _ in client.iter_session_events("nope"):
            pass
    with pytest.raises(errors.InvalidRequest) as invalid:
        await client.send_prompt_to_ai("x", max_steps=0)
    assert invalid.value.status_code == 422
    assert "max_steps" in invalid.value.message
    async with AsyncApiClient(shared_server.url, access_token="pupi_wrong") as stranger:
        with pytest.raises(errors.AuthenticationError) as denied:
            await stranger.get_active_sessions()
    assert denied.value.status_code == 401


async def test_an_unknown_route_is_not_found_not_session_not_found(
    shared_server: ApiServer,
) -> None:
    token = await shared_server.token("lost")
    async with AsyncApiClient(f"{shared_server.url}/nowhere", access_token=token) as lost:
        with pytest.raises(errors.NotFound) as missing:
            await lost.get_active_sessions()
    assert not isinstance(missing.value, errors.SessionNotFound)
    assert (missing.value.code, missing.value.status_code) == ("not_found", 404)


async def test_a_full_queue_raises_rate_limited_with_retry_after(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_CONCURRENCY": "1", "PUPI_MAX_QUEUED_PER_TOKEN": "1"})
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        first = await api.send_prompt_to_ai("steps=1000 delay=0.2")
        # Once it runs, it no longer counts against the token's queue.
        deadline = time.monotonic() + 60
        while (await api.get_session_result(first.session_id)).status != "running":
            assert time.monotonic() < deadline, "the first session never started"
            await asyncio.sleep(0.05)
        await api.send_prompt_to_ai("steps=1")
        with pytest.raises(errors.RateLimited) as limited:
            await api.send_prompt_to_ai("steps=1")
        assert limited.value.retry_after is not None
        assert limited.value.retry_after >= 1
        await api.close_all_sessions()


async def test_an_unreachable_server_is_an_api_error_with_status_0() -> None:
    async with AsyncApiClient(f"http://127.0.0.1:{free_port()}", access_token="pupi_x") as api:
        with pytest.raises(errors.ApiError, match="cannot reach") as failure:
            await api.get_active_sessions()
    assert failure.value.status_code == 0
