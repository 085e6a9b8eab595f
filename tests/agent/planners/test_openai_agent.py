"""The agent end to end with the OpenAI-compatible planner: real Chromium on the demo
site, the planner configured from the environment, and the scripted server process
(``tests/llm_server.py``) as the model."""

from __future__ import annotations

import base64

import pytest

from pupi import PupiPuppeteerSDK
from pupi.agent.observe.screenshot import MARKS_TAG
from pupi.agent.observe.vision import VisionLike
from pupi.browser.instances import get_manager
from pupi.demo import DemoServer

from .conftest import Serve

pytestmark = pytest.mark.browser

LOG_IN = {
    "actions": [
        {"kind": "type", "element": {"named": "Username", "role": "textbox"}, "text": "ada"},
        {"kind": "type", "element": {"named": "Password", "role": "textbox"}, "text": "lovelace"},
        {"kind": "click", "element": {"named": "Log in", "role": "button"}},
    ]
}


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The planner's variables cleared; each test points PUPI_LLM_BASE_URL at its server."""
    for variable in ("PUPI_LLM_API_KEY", "PUPI_LLM_VISION", "PUPI_LLM_STREAM"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PUPI_LLM_MODEL", "llm-server")
    return monkeypatch


async def test_the_agent_logs_in_with_a_plan_served_over_http(
    serve: Serve,
    llm_env: pytest.MonkeyPatch,
    sdk: PupiPuppeteerSDK,
    demo_url: str,
    demo_site: DemoServer,
) -> None:
    server = serve(
        [
            {"status": 429, "headers": {"retry-after": "0"}},
            {"decide": LOG_IN},
            {"decide": {"done": True, "answer": "logged in"}},
        ]
    )
    llm_env.setenv("PUPI_LLM_BASE_URL", server.base_url)

    result = await sdk.run_prompt_locally(
        "Log in as ada", planner="openai", start_url=f"{demo_url}/login"
    )

    assert result.status == "completed", result.error
    assert result.answer == "logged in"
    assert demo_site.state()["logins"] == ["ada"]
    assert [step["action"] for step in result.steps] == ["go", "type", "type", "click"]
    assert result.usage["requests"] == 2
    prompts = [body["messages"][1]["content"] for body in server.bodies()]
    assert len(prompts) == 3
    assert prompts[0] == prompts[1]  # the retry after the 429 sent the same request
    assert f"url: {demo_url}/login" in prompts[1]
    assert "/account" in prompts[2]
    assert "type(element=" in prompts[2]  # the history of the first turn


async def test_a_provider_that_keeps_failing_ends_the_run_as_a_planner_error(
    serve: Serve, llm_env: pytest.MonkeyPatch, sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    server = serve([{"status": 503, "headers": {"retry-after": "0"}, "error": "down"}] * 2)
    llm_env.setenv("PUPI_LLM_BASE_URL", server.base_url)
    llm_env.setenv("PUPI_LLM_MAX_RETRIES", "1")

    result = await sdk.run_prompt_locally(
        "Log in as ada", planner="openai", start_url=f"{demo_url}/login"
    )

    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "planner_error"
    assert "HTTP 503" in result.error["message"]
    assert result.steps == [{"action": "go", "url": f"{demo_url}/login"}]
    assert len(server.requests()) == 2


@pytest.mark.parametrize(
    ("vision", "marked"),
    [pytest.param(True, False, id="plain"), pytest.param("marks", True, id="marks")],
)
async def test_vision_sends_a_bounded_screenshot_with_each_turn(
    serve: Serve,
    llm_env: pytest.MonkeyPatch,
    sdk: PupiPuppeteerSDK,
    demo_url: str,
    vision: VisionLike,
    marked: bool,
) -> None:
    server = serve([{"decide": LOG_IN}, {"decide": {"done": True}}])
    llm_env.setenv("PUPI_LLM_BASE_URL", server.base_url)

    result = await sdk.run_prompt_locally(
        "Log in as ada", planner="openai", start_url=f"{demo_url}/login", vision=vision
    )

    assert result.status == "completed", result.error
    for body in server.bodies():
        text, image = body["messages"][1]["content"]
        assert text["type"] == "text"
        assert "TASK: Log in as ada" in text["text"]
        assert ("Boxes on it are labelled" in text["text"]) is marked
        assert image["type"] == "image_url"
        prefix = "data:image/jpeg;base64,"
        url = image["image_url"]["url"]
        assert url.startswith(prefix)
        assert len(url) - len(prefix) <= 200_000
        assert base64.b64decode(url.removeprefix(prefix)).startswith(b"\xff\xd8")
    page = get_manager().get(result.instance_id).page
    assert await page.locator(MARKS_TAG).count() == 0


async def test_without_vision_the_requests_carry_text_only(
    serve: Serve, llm_env: pytest.MonkeyPatch, sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    server = serve([{"decide": {"done": True}}])
    llm_env.setenv("PUPI_LLM_BASE_URL", server.base_url)

    await sdk.run_prompt_locally("Look", planner="openai", start_url=f"{demo_url}/login")

    (body,) = server.bodies()
    assert isinstance(body["messages"][1]["content"], str)
