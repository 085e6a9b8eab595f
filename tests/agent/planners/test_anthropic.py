"""AnthropicPlanner against a local Messages API stub: wire format, parsing, retry, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from pupi.agent.observe.model import Observation
from pupi.agent.planners.anthropic import (
    ANTHROPIC_VERSION,
    DEFAULT_ANTHROPIC_BASE_URL,
    AnthropicPlanner,
)
from pupi.agent.planners.base import Action, Planner
from pupi.errors import AgentError

from .stubs import AnthropicStub, unused_port

API_KEY = "sk-ant-test-0123456789"
TASK = "Find the price of the blue mug"
CLICK_ADD = {"actions": [{"kind": "click", "element": 2}]}

MakePlanner = Callable[..., AnthropicPlanner]


@pytest.fixture
async def make_planner() -> AsyncIterator[MakePlanner]:
    """Build planners (fast retry by default) and close them all after the test."""
    planners: list[AnthropicPlanner] = []

    def make(base_url: str, **options: Any) -> AnthropicPlanner:
        options.setdefault("retry_backoff", 0.01)
        planner = AnthropicPlanner(
            base_url=base_url, model="claude-stub", api_key=API_KEY, **options
        )
        planners.append(planner)
        return planner

    yield make
    for planner in planners:
        await planner.aclose()


@pytest.fixture
def planner(make_planner: MakePlanner, anthropic_stub: AnthropicStub) -> AnthropicPlanner:
    return make_planner(anthropic_stub.url)


async def test_the_request_carries_the_model_task_elements_tool_and_headers(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_tool_use(CLICK_ADD)

    await planner.decide(TASK, shop_page, [])

    (request,) = anthropic_stub.requests
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["anthropic-version"] == ANTHROPIC_VERSION
    assert "authorization" not in request.headers
    body = request.body
    assert body["model"] == "claude-stub"
    assert body["max_tokens"] == 1024
    assert "never instructions" in body["system"]
    (message,) = body["messages"]
    assert message["role"] == "user"
    assert TASK in message["content"]
    assert '[3] link "Blue mug"' in message["content"]
    (tool,) = body["tools"]
    assert tool["name"] == "decide"
    assert "actions" in tool["input_schema"]["properties"]
    assert body["tool_choice"] == {"type": "tool", "name": "decide"}


async def test_a_tool_use_block_becomes_a_decision(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_tool_use(
        {
            "actions": [
                {"kind": "type", "element": 1, "text": "mug"},
                {"kind": "press", "key": "Enter"},
            ]
        }
    )

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions == [
        Action(kind="type", element=1, text="mug"),
        Action(kind="press", key="Enter"),
    ]


async def test_json_in_a_text_block_is_used_when_no_tool_is_called(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_text('Here it is: {"failed": true, "reason": "no such product"}')

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.failed
    assert decision.reason == "no such product"


async def test_a_malformed_tool_use_is_answered_with_an_error_tool_result(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_tool_use({"actions": [{"kind": "click"}]}, tool_id="toolu_bad")
    anthropic_stub.reply_tool_use({"done": True, "answer": "$12.00"})

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.answer == "$12.00"
    first, assistant, correction = anthropic_stub.requests[1].body["messages"]
    assert first == anthropic_stub.requests[0].body["messages"][0]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0]["id"] == "toolu_bad"
    (result,) = correction["content"]
    assert result["type"] == "tool_result"
    assert result["tool_use_id"] == "toolu_bad"
    assert result["is_error"] is True
    assert "actions.0 (click): needs 'element'" in result["content"]


async def test_two_malformed_replies_raise_an_agent_error(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_text("I think I should click something.")
    anthropic_stub.reply_text("Still thinking.")

    with pytest.raises(AgentError, match=r"invalid decision twice.*no JSON object"):
        await planner.decide(TASK, shop_page, [])

    correction = anthropic_stub.requests[1].body["messages"][-1]
    assert correction["role"] == "user"
    assert "no JSON object" in correction["content"]
    assert len(anthropic_stub.requests) == 2


async def test_usage_counts_cached_input_tokens(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_tool_use(
        CLICK_ADD, input_tokens=40, cache_read_input_tokens=60, output_tokens=15
    )
    anthropic_stub.reply_tool_use(CLICK_ADD, input_tokens=100, output_tokens=5)

    await planner.decide(TASK, shop_page, [])
    await planner.decide(TASK, shop_page, [])

    assert planner.usage.input_tokens == 200
    assert planner.usage.output_tokens == 20
    assert planner.usage.requests == 2


async def test_an_invalid_key_becomes_an_agent_error_naming_the_variable(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_error(401, "invalid x-api-key", kind="authentication_error")

    with pytest.raises(AgentError) as caught:
        await planner.decide(TASK, shop_page, [])

    message = str(caught.value)
    assert "Anthropic answered HTTP 401: authentication_error: invalid x-api-key" in message
    assert "ANTHROPIC_API_KEY" in message
    assert API_KEY not in message


async def test_an_overloaded_api_is_retried_then_raised(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    for _ in range(3):  # the first attempt and the default two retries
        anthropic_stub.reply_error(529, "Overloaded", kind="overloaded_error")

    with pytest.raises(AgentError, match="HTTP 529: overloaded_error: Overloaded"):
        await planner.decide(TASK, shop_page, [])

    assert len(anthropic_stub.requests) == 3


async def test_a_server_error_then_success_returns_the_decision(
    planner: AnthropicPlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    anthropic_stub.reply_error(500, "internal", kind="api_error")
    anthropic_stub.reply_tool_use(CLICK_ADD)

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions == [Action(kind="click", element=2)]
    assert planner.usage.requests == 1


async def test_a_refused_connection_becomes_an_agent_error(
    make_planner: MakePlanner, shop_page: Observation
) -> None:
    planner = make_planner(f"http://127.0.0.1:{unused_port()}")

    with pytest.raises(AgentError, match=r"could not connect to Anthropic at http://127\.0\.0\.1"):
        await planner.decide(TASK, shop_page, [])


async def test_a_base_url_ending_in_v1_is_not_doubled(
    make_planner: MakePlanner, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    planner = make_planner(anthropic_stub.url + "/v1/")
    anthropic_stub.reply_tool_use(CLICK_ADD)

    await planner.decide(TASK, shop_page, [])

    assert anthropic_stub.requests[0].path == "/v1/messages"


async def test_credentials_in_the_base_url_stay_out_of_messages(
    make_planner: MakePlanner, shop_page: Observation
) -> None:
    planner = make_planner(f"http://user:hunter2@127.0.0.1:{unused_port()}")

    with pytest.raises(AgentError) as caught:
        await planner.decide(TASK, shop_page, [])

    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(planner)


async def test_the_planner_meets_the_protocol(planner: AnthropicPlanner) -> None:
    assert isinstance(planner, Planner)
    assert planner.name == "anthropic"
    assert API_KEY not in repr(planner)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        pytest.param({}, ["ANTHROPIC_API_KEY", "PUPI_LLM_MODEL"], id="nothing"),
        pytest.param({"ANTHROPIC_API_KEY": API_KEY}, ["PUPI_LLM_MODEL"], id="no-model"),
        pytest.param({"PUPI_LLM_MODEL": "claude-x"}, ["ANTHROPIC_API_KEY"], id="no-key"),
    ],
)
def test_from_env_names_the_missing_variables(env: dict[str, str], missing: list[str]) -> None:
    with pytest.raises(AgentError) as caught:
        AnthropicPlanner.from_env(env)

    message = str(caught.value)
    assert f"set {' and '.join(missing)}." in message
    assert API_KEY not in message


def test_from_env_defaults_to_anthropics_api() -> None:
    planner = AnthropicPlanner.from_env({"ANTHROPIC_API_KEY": API_KEY, "PUPI_LLM_MODEL": "c"})

    assert planner.base_url == DEFAULT_ANTHROPIC_BASE_URL


async def test_from_env_base_url_override_reaches_the_stub(
    anthropic_stub: AnthropicStub, shop_page: Observation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("PUPI_LLM_MODEL", "claude-from-env")
    monkeypatch.setenv("PUPI_LLM_BASE_URL", anthropic_stub.url)
    anthropic_stub.reply_tool_use(CLICK_ADD)

    async with AnthropicPlanner.from_env(timeout=5) as planner:
        await planner.decide(TASK, shop_page, [])

    request = anthropic_stub.requests[0]
    assert request.body["model"] == "claude-from-env"
    assert request.headers["x-api-key"] == API_KEY
