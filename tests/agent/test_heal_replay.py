"""Steps the agent recorded on the demo site, replayed with healing on redesigned variants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pupi import PupiPuppeteerSDK
from pupi.agent.heal import IntentHealer
from pupi.agent.planners import get_planner
from pupi.browser.instances import get_manager
from pupi.demo import DemoServer

pytestmark = pytest.mark.browser

TASK = (
    "Go to {url}/login, type ada into the username field, type lovelace into the password "
    "field and click Log in. Then go to {url}/shop and add the Desk Lamp to the cart. Then go "
    "to {url}/contact, type Ada into Your name, type ada@example.com into Email, select Order "
    'support as the topic, type "Where is my lamp?" into Message and click Send message'
)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    """A demo site of this module's own: its variant changes between runs."""
    with DemoServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def base(site: DemoServer) -> DemoServer:
    """The site as it is, its state reset."""
    site.variant = 0
    site.reset()
    return site


@pytest.fixture(scope="module")
async def recorded(site: DemoServer) -> list[dict[str, Any]]:
    """The steps the offline planner recorded for TASK on the site as it is."""
    site.variant = 0
    site.reset()
    result = await PupiPuppeteerSDK().run_prompt_locally(TASK.format(url=site.url))
    await get_manager().close(result.instance_id)
    assert result.ok, result.error
    return result.steps


def _done(state: dict[str, Any]) -> bool:
    fields = {"name": "Ada", "email": "ada@example.com", "topic": "order"}
    return (
        state["logins"] == ["ada"]
        and [(line["name"], line["qty"]) for line in state["cart"]] == [("Desk Lamp", 1)]
        and [s["fields"].items() >= fields.items() for s in state["submissions"]] == [True]
    )


async def test_the_recorded_steps_say_what_each_element_is(
    recorded: list[dict[str, Any]],
) -> None:
    with_selectors = [step for step in recorded if "selector" in step]
    assert len(with_selectors) >= 8
    for step in with_selectors:
        assert step["intent"]["name"], step
        assert step["intent"]["instruction"], step
    lamp = next(step for step in recorded if "Desk Lamp" in str(step.get("intent")))
    assert lamp["intent"]["context"] == "Desk Lamp"


@pytest.mark.parametrize("variant", [1, 2, 3])
async def test_steps_recorded_on_the_site_heal_on_a_redesign_where_plain_replay_fails(
    recorded: list[dict[str, Any]], base: DemoServer, sdk: PupiPuppeteerSDK, variant: int
) -> None:
    base.variant = variant

    plain = await sdk.execute_steps_locally(recorded, timeout_ms=2_000)
    assert plain.status == "failed"
    assert plain.error is not None and plain.error.type == "timeout"
    base.reset()

    healed = await sdk.execute_steps_locally(recorded, heal=True, timeout_ms=5_000)
    assert healed.ok, healed.error
    assert _done(base.state()), base.state()
    assert healed.healing, "renamed ids need healing"
    for healing in healed.healing:
        assert healing.new_selector != healing.old_selector
        assert healing.new_selector == healed.healed_steps[healing.index]["selector"]
    base.reset()

    again = await sdk.execute_steps_locally(healed.healed_steps, timeout_ms=5_000)
    assert again.ok, again.error
    assert _done(base.state()), base.state()
    assert (await sdk.execute_steps_locally(healed.healed_steps, heal=True)).healing == []


async def test_alike_buttons_in_moved_cards_are_told_apart_by_their_card(
    base: DemoServer, sdk: PupiPuppeteerSDK
) -> None:
    base.variant = 2
    steps = [
        {"action": "go", "url": f"{base.url}/shop"},
        {
            "action": "click",
            "selector": "#add-desk-lamp",
            "intent": {"role": "button", "name": "Add to cart", "context": "Desk Lamp"},
        },
        {"action": "wait", "text": "Added Desk Lamp to cart."},
    ]
    run = await sdk.execute_steps_locally(steps, heal=True, timeout_ms=5_000)
    assert run.ok, run.error
    assert [line["name"] for line in base.state()["cart"]] == ["Desk Lamp"]
    assert "told from" in run.healing[0].reason


async def test_an_element_the_page_no_longer_has_is_not_healed_and_the_reason_is_given(
    base: DemoServer, sdk: PupiPuppeteerSDK
) -> None:
    base.variant = 1
    steps = [
        {"action": "go", "url": f"{base.url}/login"},
        {
            "action": "click",
            "selector": "#delete-account",
            "intent": {"role": "button", "name": "Delete my account", "tag": "button"},
        },
    ]
    run = await sdk.execute_steps_locally(steps, heal=True, timeout_ms=2_500)
    assert run.status == "failed"
    assert run.error is not None
    assert "not healed: no element matches button 'Delete my account'" in run.error.message
    assert run.healing == []


async def test_a_fallback_planner_is_asked_when_the_intent_alone_does_not_fit(
    base: DemoServer, sdk: PupiPuppeteerSDK
) -> None:
    # The button was recorded as "Sign in"; the page says "Log in". The intent's
    # words do not match, but the instruction it carried out still reads right.
    steps = [
        {"action": "go", "url": f"{base.url}/login"},
        {
            "action": "click",
            "selector": "#sign-in",
            "intent": {"role": "button", "name": "Sign in", "instruction": "click Log in"},
        },
        {"action": "assert", "selector": "role=alert", "text": "Enter your username"},
    ]
    refused = await sdk.execute_steps_locally(steps, heal=True, timeout_ms=2_000)
    assert refused.status == "failed"

    healer = IntentHealer(fallback=get_planner("rules"))
    run = await sdk.execute_steps_locally(steps, heal=healer, timeout_ms=5_000)
    assert run.ok, run.error
    assert run.healing[0].new_selector == 'role=button[name="Log in"s]'
    assert "chosen by rules" in run.healing[0].reason
