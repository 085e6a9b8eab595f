"""OpenAIPlanner against a real OpenAI-compatible server process over a socket.

The server (``tests/llm_server.py``) runs in a child process and answers from a
script: replies, streamed replies and faults (429 with ``Retry-After``, 5xx,
replies slower than the client's timeout, connections dropped mid-reply,
bodies that are not JSON). Retry pauses are set near zero, and where a test
checks which pause was chosen it reads the planner's log, never a clock.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from tests.llm_server import LLMServer

from pupi.agent.observe.model import Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.openai import OpenAIPlanner
from pupi.errors import AgentError

from .conftest import Serve

TASK = "Add the blue mug to the cart"
CLICK_ADD = {"actions": [{"kind": "click", "element": {"named": "Add to cart", "role": "button"}}]}

MakePlanner = Callable[..., OpenAIPlanner]


@pytest.fixture
async def make_planner() -> AsyncIterator[MakePlanner]:
    """Planners with pauses of a hundredth of a second between retries, closed after."""
    planners: list[OpenAIPlanner] = []

    def make(server: LLMServer, **options: Any) -> OpenAIPlanner:
        options.setdefault("retry_backoff", 0.01)
        options.setdefault("max_retry_delay", 0.01)
        planner = OpenAIPlanner(base_url=server.base_url, model="llm-server", **options)
        planners.append(planner)
        return planner

    yield make
    for planner in planners:
        await planner.aclose()


def retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if "retrying" in record.message]


async def test_a_rate_limit_is_retried_after_the_pause_the_server_asks_for(
    serve: Serve,
    make_planner: MakePlanner,
    shop_page: Observation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = serve([{"status": 429, "headers": {"retry-after": "0.05"}}, {"decide": CLICK_ADD}])
    planner = make_planner(server, max_retry_delay=5)
    caplog.set_level(logging.INFO, logger="pupi.agent.planners")

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions == [Action(kind="click", element=2)]
    assert retry_lines(caplog) == ["openai: HTTP 429 (attempt 1 of 3), retrying in 0.05 s"]
    first, second = server.bodies()
    assert first == second


async def test_a_retry_after_beyond_the_cap_waits_only_the_cap(
    serve: Serve,
    make_planner: MakePlanner,
    shop_page: Observation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An hour, honoured as asked, would outlast the test's time limit.
    server = serve([{"status": 429, "headers": {"retry-after": "3600"}}, {"decide": CLICK_ADD}])
    planner = make_planner(server, max_retry_delay=0.02)
    caplog.set_level(logging.INFO, logger="pupi.agent.planners")

    await planner.decide(TASK, shop_page, [])

    assert retry_lines(caplog) == ["openai: HTTP 429 (attempt 1 of 3), retrying in 0.02 s"]


async def test_server_errors_are_retried_until_one_succeeds(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"status": 500}, {"status": 503}, {"decide": CLICK_ADD}])

    decision = await make_planner(server).decide(TASK, shop_page, [])

    assert decision.actions[0].element == 2
    assert len(server.requests()) == 3


async def test_server_errors_beyond_max_retries_end_in_an_agent_error(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"status": 503, "error": "warming up"}] * 2 + [{"decide": CLICK_ADD}])
    planner = make_planner(server, max_retries=1)

    with pytest.raises(AgentError, match="HTTP 503: scripted_error: warming up"):
        await planner.decide(TASK, shop_page, [])

    assert len(server.requests()) == 2


async def test_an_unauthorized_request_is_not_retried(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"status": 401, "error": "bad key"}, {"decide": CLICK_ADD}])

    with pytest.raises(AgentError, match=r"HTTP 401.*check PUPI_LLM_API_KEY"):
        await make_planner(server).decide(TASK, shop_page, [])

    assert len(server.requests()) == 1


async def test_a_connection_dropped_mid_reply_is_retried(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"decide": CLICK_ADD, "drop": True}, {"decide": CLICK_ADD}])

    decision = await make_planner(server).decide(TASK, shop_page, [])

    assert decision.actions[0].kind == "click"
    assert len(server.requests()) == 2


async def test_connections_dropped_every_time_end_in_a_clean_error(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"decide": CLICK_ADD, "drop": True}] * 3)

    with pytest.raises(AgentError, match=r"failed \(3 attempts\): RemoteProtocolError") as caught:
        await make_planner(server).decide(TASK, shop_page, [])

    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert len(server.requests()) == 3


async def test_replies_slower_than_the_timeout_end_in_a_clean_error_after_the_retries(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    # The server holds each reply for a minute; the client gives up after half a second.
    server = serve([{"decide": CLICK_ADD, "delay": 60}] * 2)
    planner = make_planner(server, timeout=0.5, max_retries=1)

    with pytest.raises(AgentError, match=r"did not answer within 0.5 s \(2 attempts\)") as caught:
        await planner.decide(TASK, shop_page, [])

    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    assert len(server.requests()) == 2


async def test_a_body_that_is_not_json_is_a_planner_error_and_not_retried(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"body": '{"choices": [{"message": '}, {"decide": CLICK_ADD}])

    with pytest.raises(AgentError, match=r"HTTP 200 with a body that is not JSON"):
        await make_planner(server).decide(TASK, shop_page, [])

    assert len(server.requests()) == 1


async def test_malformed_decision_arguments_twice_are_a_planner_error(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"arguments": '{"actions": ['}] * 2)

    with pytest.raises(AgentError, match=r"invalid decision twice.*not valid JSON"):
        await make_planner(server).decide(TASK, shop_page, [])

    correction = server.bodies()[1]["messages"][-1]
    assert correction["role"] == "tool"
    assert "not valid JSON" in correction["content"]


async def test_the_default_planner_asks_for_no_stream(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"decide": CLICK_ADD}])

    await make_planner(server).decide(TASK, shop_page, [])

    (body,) = server.bodies()
    assert "stream" not in body
    assert "stream_options" not in body


async def test_a_streamed_tool_call_becomes_the_decision_with_its_usage(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"decide": CLICK_ADD, "usage": [321, 12]}])
    planner = make_planner(server, stream=True)

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions == [Action(kind="click", element=2)]
    (body,) = server.bodies()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert (planner.usage.input_tokens, planner.usage.output_tokens) == (321, 12)


async def test_streamed_plain_content_is_read_for_its_json(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve([{"content": 'Here: {"done": true, "answer": "$12.00"}'}])

    decision = await make_planner(server, stream=True).decide(TASK, shop_page, [])

    assert decision.answer == "$12.00"


async def test_a_stream_cut_off_midway_is_sent_again(
    serve: Serve, make_planner: MakePlanner, shop_page: Observation
) -> None:
    server = serve(
        [
            {"status": 429, "headers": {"retry-after": "0"}},
            {"decide": CLICK_ADD, "drop": True},
            {"decide": CLICK_ADD},
        ]
    )

    decision = await make_planner(server, stream=True).decide(TASK, shop_page, [])

    assert decision.actions[0].element == 2
    assert len(server.requests()) == 3


async def test_stream_is_read_from_the_environment(
    serve: Serve, shop_page: Observation, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve([{"decide": CLICK_ADD}])
    monkeypatch.setenv("PUPI_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("PUPI_LLM_MODEL", "llm-server")
    monkeypatch.setenv("PUPI_LLM_STREAM", "1")

    async with OpenAIPlanner.from_env() as planner:
        await planner.decide(TASK, shop_page, [])

    assert server.bodies()[0]["stream"] is True
