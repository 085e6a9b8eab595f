"""Vision for the LLM planners, against the in-process protocol stubs: where the
screenshot goes in each provider's request, and that it goes nowhere without vision."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest

from pupi.agent.observe import Observation, Screenshot, Vision
from pupi.agent.planners import get_planner
from pupi.agent.planners.anthropic import AnthropicPlanner
from pupi.agent.planners.openai import OpenAIPlanner
from pupi.errors import AgentError

from .stubs import AnthropicStub, OpenAIStub

TASK = "Add the blue mug to the cart"
CLICK_ADD = {"actions": [{"kind": "click", "element": 2}]}
JPEG = b"\xff\xd8\xff\xe0 a stand-in for a JPEG"


@pytest.fixture
def seen_page(shop_page: Observation) -> Observation:
    """The shop page with a screenshot, as the agent loop hands it to a vision planner."""
    shot = Screenshot(data=base64.b64encode(JPEG).decode(), width=1024, height=576, marks=3)
    return shop_page.model_copy(update={"screenshot": shot})


@pytest.fixture
async def openai_planner(openai_stub: OpenAIStub) -> AsyncIterator[OpenAIPlanner]:
    async with OpenAIPlanner(base_url=openai_stub.base_url, model="m", vision="marks") as planner:
        yield planner


async def test_openai_gets_the_screenshot_as_an_image_url_part_after_the_prompt(
    openai_planner: OpenAIPlanner, openai_stub: OpenAIStub, seen_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)

    await openai_planner.decide(TASK, seen_page, [])

    user = openai_stub.requests[0].body["messages"][1]
    text, image = user["content"]
    assert text["type"] == "text"
    assert TASK in text["text"]
    assert "1024x576" in text["text"]
    assert "the box labelled 12 is element [12]" in text["text"]
    assert image["type"] == "image_url"
    url = image["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.removeprefix("data:image/jpeg;base64,")) == JPEG


async def test_anthropic_gets_the_screenshot_as_a_base64_image_block_before_the_prompt(
    anthropic_stub: AnthropicStub, seen_page: Observation
) -> None:
    anthropic_stub.reply_tool_use(CLICK_ADD)

    async with AnthropicPlanner(
        base_url=anthropic_stub.url, model="claude-stub", api_key="sk-ant-test", vision=True
    ) as planner:
        await planner.decide(TASK, seen_page, [])

    (user,) = anthropic_stub.requests[0].body["messages"]
    image, text = user["content"]
    assert image["type"] == "image"
    assert image["source"]["type"] == "base64"
    assert image["source"]["media_type"] == "image/jpeg"
    assert base64.b64decode(image["source"]["data"]) == JPEG
    assert text["type"] == "text"
    assert TASK in text["text"]


async def test_the_correction_turn_keeps_the_screenshot_of_the_first(
    openai_planner: OpenAIPlanner, openai_stub: OpenAIStub, seen_page: Observation
) -> None:
    openai_stub.reply_content("I would click it.")
    openai_stub.reply_tool_call(CLICK_ADD)

    await openai_planner.decide(TASK, seen_page, [])

    first, second = (request.body["messages"] for request in openai_stub.requests)
    assert second[1] == first[1]


async def test_no_image_is_sent_without_vision_even_when_the_page_has_a_screenshot(
    openai_stub: OpenAIStub, seen_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)

    async with OpenAIPlanner(base_url=openai_stub.base_url, model="m") as planner:
        await planner.decide(TASK, seen_page, [])

    content = openai_stub.requests[0].body["messages"][1]["content"]
    assert isinstance(content, str)
    assert "screenshot" not in content
    assert "base64" not in str(openai_stub.requests[0].body)


async def test_a_turn_without_a_screenshot_is_sent_as_text_only(
    openai_planner: OpenAIPlanner, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    openai_stub.reply_tool_call(CLICK_ADD)

    await openai_planner.decide(TASK, shop_page, [])

    assert isinstance(openai_stub.requests[0].body["messages"][1]["content"], str)


@pytest.mark.parametrize("name", ["openai", "anthropic"])
def test_pupi_llm_vision_sets_the_planners_vision(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in {
        "PUPI_LLM_MODEL": "m",
        "PUPI_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "ANTHROPIC_API_KEY": "sk-ant-test",
        "PUPI_LLM_VISION": "marks",
    }.items():
        monkeypatch.setenv(variable, value)

    assert getattr(get_planner(name), "vision", None) == Vision(marks=True)
    assert getattr(get_planner(name, vision=False), "vision", None) is None


def test_the_rules_planner_refuses_vision() -> None:
    with pytest.raises(AgentError, match="'rules' cannot use vision"):
        get_planner("rules", vision=True)

    assert get_planner("rules", vision=False).name == "rules"


def test_a_screenshot_stays_out_of_reprs_dumps_and_the_fingerprint(
    shop_page: Observation, seen_page: Observation
) -> None:
    shot = seen_page.screenshot
    assert shot is not None

    assert shot.data not in repr(shot)
    assert f"bytes={len(shot.data)}" in repr(shot)
    assert "screenshot" not in seen_page.model_dump()
    assert seen_page.fingerprint() == shop_page.fingerprint()
