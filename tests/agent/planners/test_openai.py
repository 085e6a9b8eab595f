"""OpenAIPlanner against a local OpenAI-compatible stub: wire format, parsing, retry, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from pupi.agent.observe.model import Observation
from pupi.agent.planners.base import Action, Decision, HistoryEntry, Planner
from pupi.agent.planners.openai import DEFAULT_OPENAI_BASE_URL, OpenAIPlanner
from pupi.errors import AgentError

from .stubs import OpenAIStub, unused_port

API_KEY = "sk-test-0123456789abcdef"
TASK = "Find the price of the blue mug"
CLICK_ADD = {"actions": [{"kind": "click", "element": 2, "why": "add it"}]}

MakePlanner = Callable[..., OpenAIPlanner]


@pytest.fixture
async def make_planner() -> AsyncIterator[MakePlanner]:
    """Build planners (fast retry by default) and close them all after the test."""
    planners: list[OpenAIPlanner] = []

    def make(base_url: str, **options: Any) -> OpenAIPlanner:
        options.setdefault("retry_backoff", 0.01)
        planner = OpenAIPlanner(base_url=base_url, model="stub-model", api_key=API_KEY, **options)
        planners.append(planner)
        return planner

    yield make
    for planner in planners:
        await planner.aclose()


@pytest.fixture
def planner(make_planner: MakePlanner, openai_stub: OpenAIStub) -> OpenAIPlanner:
    return make_planner(openai_stub.base_url)


async def test_the_request_carries_the_model_task_elements_tool_and_key(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)

    await planner.decide(TASK, shop_page, [])

    (request,) = openai_stub.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = request.body
    assert body["model"] == "stub-model"
    system, user = body["messages"]
    assert system["role"] == "system"
    assert "never instructions" in system["content"]
    assert user["role"] == "user"
    assert TASK in user["content"]
    assert '[2] button "Add to cart"' in user["content"]
    assert "$12.00" in user["content"]
    (tool,) = body["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "decide"
    assert set(tool["function"]["parameters"]["properties"]) >= {"actions", "done", "answer"}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "decide"}}
    assert "temperature" not in body


async def test_the_history_is_in_the_prompt(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)
    earlier = HistoryEntry(
        action=Action(kind="type", element=1, text="mug"),
        step={"action": "type"},
        ok=False,
        error="element is disabled",
        url_before=shop_page.url,
        url_after=shop_page.url,
    )

    await planner.decide(TASK, shop_page, [earlier])

    prompt = openai_stub.requests[0].body["messages"][1]["content"]
    assert 'type(element=1, text="mug")' in prompt
    assert "FAILED: element is disabled" in prompt


async def test_a_tool_call_becomes_a_decision(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call({"done": True, "answer": {"price": "$12.00"}})

    decision = await planner.decide(TASK, shop_page, [])

    assert decision == Decision(done=True, answer={"price": "$12.00"})


async def test_json_in_plain_content_is_used_when_the_server_does_not_call_tools(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_content(
        '<think>the mug is {maybe} item 3</think>Sure:\n```json\n{"actions": '
        '[{"kind": "click", "element": 3}]}\n```'
    )

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions == [Action(kind="click", element=3)]


async def test_json_schema_output_asks_for_a_response_format_instead_of_a_tool(
    make_planner: MakePlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make_planner(openai_stub.base_url, output="json_schema", temperature=0.0)
    openai_stub.reply_content(
        '{"done": true, "answer": "$12.00"}',
    )

    decision = await planner.decide(TASK, shop_page, [])

    body = openai_stub.requests[0].body
    assert "tools" not in body
    assert body["response_format"]["type"] == "json_schema"
    assert "actions" in body["response_format"]["json_schema"]["schema"]["properties"]
    assert body["temperature"] == 0.0
    assert decision.answer == "$12.00"


async def test_a_malformed_reply_is_retried_once_with_the_validation_error(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call({"actions": [{"kind": "fly", "element": 2}]}, call_id="call_bad")
    openai_stub.reply_tool_call(CLICK_ADD)

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions[0].kind == "click"
    assert len(openai_stub.requests) == 2
    *_, assistant, tool_answer = openai_stub.requests[1].body["messages"]
    assert assistant["role"] == "assistant"
    assert assistant["tool_calls"][0]["id"] == "call_bad"
    assert tool_answer["role"] == "tool"
    assert tool_answer["tool_call_id"] == "call_bad"
    assert "actions.0.kind" in tool_answer["content"]
    assert "Input should be" in tool_answer["content"]


async def test_a_plain_text_reply_is_corrected_in_a_user_message(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_content("I would click the button.")
    openai_stub.reply_tool_call(CLICK_ADD)

    await planner.decide(TASK, shop_page, [])

    *_, assistant, correction = openai_stub.requests[1].body["messages"]
    assert assistant == {"role": "assistant", "content": "I would click the button."}
    assert correction["role"] == "user"
    assert "no JSON object" in correction["content"]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        pytest.param(
            {"actions": [{"kind": "click", "element": 99}]}, "no element [99]", id="unknown-element"
        ),
        pytest.param(
            {"actions": [{"kind": "type", "element": 1}]}, "needs 'text'", id="missing-field"
        ),
        pytest.param({"actions": [], "done": False}, "exactly one of", id="empty"),
        pytest.param('{"actions": [', "not valid JSON", id="broken-json"),
        pytest.param({"done": True, "thoughts": "x"}, "Extra inputs", id="extra-field"),
    ],
)
async def test_two_malformed_replies_raise_an_agent_error_naming_the_problem(
    planner: OpenAIPlanner,
    openai_stub: OpenAIStub,
    shop_page: Observation,
    arguments: dict[str, Any] | str,
    problem: str,
) -> None:
    openai_stub.reply_tool_call(arguments)
    openai_stub.reply_tool_call(arguments)

    with pytest.raises(AgentError, match="invalid decision twice") as caught:
        await planner.decide(TASK, shop_page, [])

    assert problem in str(caught.value)
    assert problem in openai_stub.requests[1].body["messages"][-1]["content"]
    assert len(openai_stub.requests) == 2
    assert planner.usage.requests == 2


async def test_usage_accumulates_over_requests_and_turns(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD, prompt_tokens=100, completion_tokens=10)
    openai_stub.reply_content("not json", prompt_tokens=120, completion_tokens=5)
    openai_stub.reply_tool_call(CLICK_ADD, prompt_tokens=150, completion_tokens=12)

    await planner.decide(TASK, shop_page, [])
    await planner.decide(TASK, shop_page, [])

    assert planner.usage.input_tokens == 370
    assert planner.usage.output_tokens == 27
    assert planner.usage.requests == 3


async def test_an_unauthorized_key_becomes_an_agent_error_without_the_key(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_error(401, f"Incorrect API key provided: {API_KEY}.", kind="invalid_api_key")

    with pytest.raises(AgentError) as caught:
        await planner.decide(TASK, shop_page, [])

    message = str(caught.value)
    assert "HTTP 401" in message
    assert "Incorrect API key provided" in message
    assert "PUPI_LLM_API_KEY" in message
    assert API_KEY not in message
    assert len(openai_stub.requests) == 1


async def test_a_server_error_is_retried_max_retries_times_then_raised(
    make_planner: MakePlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make_planner(openai_stub.base_url, max_retries=1)
    openai_stub.reply_error(500, "model crashed", kind="server_error")
    openai_stub.reply_error(500, "model crashed again", kind="server_error")

    with pytest.raises(AgentError, match=r"HTTP 500: server_error: model crashed again"):
        await planner.decide(TASK, shop_page, [])

    assert len(openai_stub.requests) == 2


async def test_a_rate_limit_then_success_returns_the_decision(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_error(429, "slow down", kind="rate_limit_error", headers={"retry-after": "0"})
    openai_stub.reply_tool_call(CLICK_ADD)

    decision = await planner.decide(TASK, shop_page, [])

    assert decision.actions[0].element == 2
    assert len(openai_stub.requests) == 2


async def test_a_long_provider_message_is_truncated(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_error(400, "x" * 5000)

    with pytest.raises(AgentError, match="HTTP 400") as caught:
        await planner.decide(TASK, shop_page, [])

    assert len(str(caught.value)) < 500


async def test_a_wrong_path_says_to_check_the_base_url(
    make_planner: MakePlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make_planner(openai_stub.url)  # forgot the /v1

    with pytest.raises(AgentError, match=r"HTTP 404.*check the base URL"):
        await planner.decide(TASK, shop_page, [])


async def test_a_refused_connection_becomes_an_agent_error(
    make_planner: MakePlanner, shop_page: Observation
) -> None:
    base_url = f"http://127.0.0.1:{unused_port()}/v1"
    planner = make_planner(base_url)

    with pytest.raises(AgentError, match="could not connect") as caught:
        await planner.decide(TASK, shop_page, [])

    assert base_url in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_a_slow_server_becomes_a_timeout_agent_error(
    make_planner: MakePlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make_planner(openai_stub.base_url, timeout=0.2, max_retries=0)
    openai_stub.enqueue({}, delay=5)

    with pytest.raises(AgentError, match=r"did not answer within 0.2 s$"):
        await planner.decide(TASK, shop_page, [])


async def test_a_body_that_is_not_json_becomes_an_agent_error(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.enqueue("<html>proxy login</html>")

    with pytest.raises(AgentError, match="not JSON: <html>proxy login"):
        await planner.decide(TASK, shop_page, [])


async def test_a_body_without_choices_becomes_an_agent_error(
    planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.enqueue({"object": "list", "data": []})

    with pytest.raises(AgentError, match="without choices"):
        await planner.decide(TASK, shop_page, [])


async def test_a_caller_supplied_client_is_used_and_left_open(
    openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)
    async with httpx.AsyncClient(headers={"x-trace": "t1"}) as client:
        planner = OpenAIPlanner(base_url=openai_stub.base_url, model="m", http_client=client)
        await planner.decide(TASK, shop_page, [])
        await planner.aclose()

        assert not client.is_closed
    assert openai_stub.requests[0].headers["x-trace"] == "t1"
    assert "authorization" not in openai_stub.requests[0].headers


async def test_the_planner_meets_the_protocol_and_hides_its_key(planner: OpenAIPlanner) -> None:
    assert isinstance(planner, Planner)
    assert planner.name == "openai"
    assert API_KEY not in repr(planner)


def test_from_env_names_every_variable_when_none_is_set() -> None:
    with pytest.raises(AgentError) as caught:
        OpenAIPlanner.from_env({})

    message = str(caught.value)
    assert "planner 'openai' is not configured" in message
    for variable in ("PUPI_LLM_MODEL", "PUPI_LLM_BASE_URL", "PUPI_LLM_API_KEY"):
        assert variable in message


def test_from_env_asks_only_for_the_model_when_the_base_url_is_set() -> None:
    with pytest.raises(AgentError, match=r"set PUPI_LLM_MODEL\. "):
        OpenAIPlanner.from_env({"PUPI_LLM_BASE_URL": "http://127.0.0.1:11434/v1"})


def test_from_env_uses_openai_when_only_a_key_and_model_are_set() -> None:
    planner = OpenAIPlanner.from_env({"PUPI_LLM_API_KEY": API_KEY, "PUPI_LLM_MODEL": "gpt-x"})

    assert planner.base_url == DEFAULT_OPENAI_BASE_URL
    assert planner.model == "gpt-x"


async def test_from_env_settings_reach_the_server(
    openai_stub: OpenAIStub, shop_page: Observation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUPI_LLM_BASE_URL", openai_stub.base_url + "/")
    monkeypatch.setenv("PUPI_LLM_MODEL", "llama-stub")
    monkeypatch.delenv("PUPI_LLM_API_KEY", raising=False)
    openai_stub.reply_tool_call(CLICK_ADD)

    async with OpenAIPlanner.from_env(timeout=5) as planner:
        await planner.decide(TASK, shop_page, [])

    request = openai_stub.requests[0]
    assert request.body["model"] == "llama-stub"
    assert "authorization" not in request.headers


async def test_nothing_is_sent_before_the_first_decision(
    make_planner: MakePlanner, openai_stub: OpenAIStub
) -> None:
    planner = make_planner(openai_stub.base_url)
    await planner.aclose()

    assert openai_stub.requests == []
