"""The seed's example prompt, end to end with the default (offline) planner."""

from __future__ import annotations

import pytest

import pupi.sync
from pupi import AgentError, PupiPuppeteerSDK
from pupi.demo import DemoServer

pytestmark = pytest.mark.browser


async def test_the_seed_prompt_finds_the_first_price_and_its_steps_replay(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    result = await sdk.run_prompt_locally(f"Find the price of the first product on {demo_url}/shop")
    assert result.status == "completed", result.error
    assert result.answer == "$24.00"
    assert result.steps[0] == {"action": "go", "url": f"{demo_url}/shop"}
    assert result.instance_id in {info.id for info in sdk.list_instances()}
    replay = await sdk.execute_steps_locally(result.steps)
    assert replay.ok
    assert replay.steps[-1].output["url"] == f"{demo_url}/shop"


async def test_a_prompt_continues_on_an_open_instance(sdk: PupiPuppeteerSDK, demo_url: str) -> None:
    opened = await sdk.execute_steps_locally([{"action": "go", "url": f"{demo_url}/table"}])
    result = await sdk.run_prompt_locally(
        "How many employees are there?", instance_id=opened.instance_id
    )
    assert result.instance_id == opened.instance_id
    assert result.status == "completed", result.error
    assert "15" in str(result.answer)


async def test_an_llm_planner_without_settings_names_the_variables(
    sdk: PupiPuppeteerSDK, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PUPI_LLM_BASE_URL", "PUPI_LLM_MODEL", "PUPI_LLM_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AgentError, match="PUPI_LLM_MODEL"):
        await sdk.run_prompt_locally("Open the shop", planner="openai")
    with pytest.raises(AgentError, match="ANTHROPIC_API_KEY"):
        await sdk.run_prompt_locally("Open the shop", planner="anthropic")


def test_the_sync_twin_runs_prompts_too(demo_site: DemoServer) -> None:
    sdk = pupi.sync.PupiPuppeteerSDK()
    result = sdk.run_prompt_locally(f"Find the price of the first product on {demo_site.url}/shop")
    assert result.answer == "$24.00"
    sdk.close_instance(result.instance_id)
