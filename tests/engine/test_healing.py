"""When the engine heals a step, and what a run with healing returns, with healers of our own."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import Healing
from pupi.engine.healing import HealOutcome, can_heal
from pupi.steps import BaseStep, parse_steps

USERNAME = {"role": "textbox", "name": "Username", "tag": "input"}


class Healer:
    """Answers a fixed outcome and remembers which steps it was asked about."""

    def __init__(self, selector: str | None, reason: str = "picked by the test") -> None:
        self.outcome = HealOutcome(selector, reason)
        self.asked: list[BaseStep] = []

    async def heal(self, step: BaseStep, page: Any) -> HealOutcome:
        self.asked.append(step)
        return self.outcome


@pytest.mark.parametrize(
    ("step", "healable"),
    [
        pytest.param({"action": "click", "selector": "#a", "intent": USERNAME}, True, id="click"),
        pytest.param({"action": "click", "selector": "#a"}, False, id="no-intent"),
        pytest.param(
            {"action": "click", "selector": "#a", "intent": USERNAME, "frame": [0]},
            False,
            id="in-a-frame",
        ),
        pytest.param({"action": "wait", "selector": "#a", "intent": USERNAME}, True, id="wait"),
        pytest.param(
            {"action": "wait", "selector": "#a", "state": "hidden", "intent": USERNAME},
            False,
            id="wait-until-gone",
        ),
        pytest.param(
            {"action": "assert", "selector": "#a", "count": 0, "intent": USERNAME},
            False,
            id="assert-none-left",
        ),
    ],
)
def test_only_steps_that_expect_their_element_and_say_what_it_is_are_healed(
    step: dict[str, Any], healable: bool
) -> None:
    assert can_heal(parse_steps([step])[0]) is healable


def _login(demo_url: str, selector: str, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"action": "go", "url": f"{demo_url}/login"},
        {"action": "type", "selector": selector, "text": "{{user}}", "intent": USERNAME, **extra},
        {"action": "extract", "selector": "#username", "property": "value", "as": "typed"},
    ]


@pytest.mark.browser
async def test_a_step_whose_selector_matches_nothing_runs_with_the_healers_selector(
    run: RunSteps, demo_url: str
) -> None:
    healer = Healer("#username")
    result = await run(
        _login(demo_url, "#user-name"), heal=healer, variables={"user": "ada"}, timeout_ms=5_000
    )

    assert result.ok, result.error
    assert result.outputs["typed"] == "ada"
    assert [step.action for step in healer.asked] == ["type"]
    assert result.healing == [
        Healing(
            index=1,
            action="type",
            old_selector="#user-name",
            new_selector="#username",
            reason="picked by the test",
        )
    ]
    # The steps as they ran: the new selector, the placeholder kept, the intent last.
    assert result.healed_steps[1] == {
        "action": "type",
        "selector": "#username",
        "text": "{{user}}",
        "intent": USERNAME,
    }
    assert result.healed_steps[0] == {"action": "go", "url": f"{demo_url}/login"}


@pytest.mark.browser
async def test_steps_that_match_or_carry_no_intent_are_not_healed(
    run: RunSteps, demo_url: str
) -> None:
    healer = Healer("#username")
    steps = _login(demo_url, "#username")
    steps.append({"action": "click", "selector": "#no-such-button", "optional": True})
    result = await run(steps, heal=healer, variables={"user": "ada"}, timeout_ms=1_000)

    assert result.ok, result.error
    assert healer.asked == []
    assert result.healing == []
    assert result.steps[3].status == "failed"
    assert [step["action"] for step in result.healed_steps] == ["go", "type", "extract", "click"]


@pytest.mark.browser
async def test_a_refusal_is_named_in_the_error_and_the_step_fails_as_without_healing(
    run: RunSteps, demo_url: str
) -> None:
    healer = Healer(None, "2 elements match textbox 'Username' equally well")
    result = await run(
        _login(demo_url, "#user-name"), heal=healer, variables={"user": "ada"}, timeout_ms=1_500
    )

    assert result.status == "failed"
    assert result.error is not None and result.error.step_index == 1
    assert "not healed: 2 elements match textbox 'Username' equally well" in result.error.message
    assert result.healing == []


@pytest.mark.browser
async def test_without_healing_nothing_is_healed_and_no_healed_steps_are_returned(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(_login(demo_url, "#username"), variables={"user": "ada"})
    assert result.ok, result.error
    assert result.healing == []
    assert result.healed_steps == []


@pytest.mark.browser
async def test_an_element_that_shows_up_late_is_waited_for_not_healed_away(run: RunSteps) -> None:
    # The button is added 1.5 s after the load: later than the first look, within the timeout.
    late = (
        "<script>setTimeout(() => { const b = document.createElement('button');"
        " b.id = 'late'; b.textContent = 'Late';"
        " b.onclick = () => { document.title = 'clicked' }; document.body.append(b) }, 1500)"
        "</script>"
    )
    url = "data:text/html;base64," + base64.b64encode(late.encode()).decode()
    healer = Healer(None, "no element matches button 'Late' well enough")
    steps = [
        {"action": "go", "url": url},
        {"action": "click", "selector": "#late", "intent": {"role": "button", "name": "Late"}},
        {"action": "assert", "title": "clicked"},
    ]
    result = await run(steps, heal=healer, timeout_ms=10_000)

    assert result.ok, result.error
    assert healer.asked, "the first look found nothing"
    assert result.healing == []
    assert result.healed_steps[1]["selector"] == "#late"


def test_heal_with_a_planner_names_the_healers_fallback() -> None:
    from pupi.engine.healing import healer_of

    assert healer_of(False, "rules") is None
    plain = healer_of(True)
    assert plain is not None and getattr(plain, "fallback", "missing") is None
    asking = healer_of(True, "rules")
    assert getattr(asking, "fallback", None) is not None
    assert asking.fallback.name == "rules"  # type: ignore[union-attr]
