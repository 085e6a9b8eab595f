"""Round six's prompts are fair: each is solvable on its page, and its checker can fail.

No planner runs here. A reference solution (plain steps) replays on the served
page and its checker passes; on the page as it opens, with an empty completed
result, the checker fails. A refusal's page lacks what the prompt asks for, and
its checker takes only a failed run that names it.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.agent.requests_in_flight import RequestsInFlight

from pupi import PupiPuppeteerSDK
from pupi.agent import PromptResult
from pupi.browser.instances import get_manager

from ..server import HeldoutSite
from .cases import PROMPTS, Prompt

SOLVABLE = [pytest.param(p, id=p.id) for p in PROMPTS if p.reference]
REFUSALS = [pytest.param(p, id=p.id) for p in PROMPTS if not p.reference]

pytestmark = pytest.mark.browser


def test_the_round_is_large_and_varied() -> None:
    assert len(PROMPTS) >= 60
    assert len({p.page for p in PROMPTS}) >= 10
    assert len({p.id for p in PROMPTS}) == len(PROMPTS)
    assert all(bool(p.reference) != bool(p.missing) for p in PROMPTS)


async def _replay(
    sdk: PupiPuppeteerSDK, heldout: HeldoutSite, prompt: Prompt
) -> tuple[PromptResult, PromptResult]:
    """The checker's inputs on the page as it opens, then after the reference."""
    instance = await get_manager().open(headless=True)
    in_flight = RequestsInFlight(instance.context)
    opened = await sdk.execute_steps_locally(
        [{"action": "go", "url": f"{heldout.url}/{prompt.page}"}],
        instance_id=instance.id,
        timeout_ms=5_000,
    )
    assert opened.ok, opened.error
    await in_flight.settled()
    untouched = PromptResult(status="completed", instance_id=instance.id)
    assert not prompt.check(untouched, heldout.state), "the checker passes an untouched page"
    # A page's records go out as fetches: wait until the page has its answers back.
    settle = {"action": "wait", "expression": "!window.__pending"}
    run = await sdk.execute_steps_locally(
        [*prompt.reference, settle], instance_id=instance.id, timeout_ms=5_000
    )
    await in_flight.settled()
    assert run.ok, run.error
    answer: Any = run.outputs.get("answer")
    solved = PromptResult(status="completed", answer=answer, instance_id=instance.id)
    return untouched, solved


@pytest.mark.parametrize("prompt", SOLVABLE)
async def test_the_reference_solves_the_prompt(
    sdk: PupiPuppeteerSDK, heldout: HeldoutSite, prompt: Prompt
) -> None:
    _, solved = await _replay(sdk, heldout, prompt)
    assert prompt.check(solved, heldout.state), (solved.answer, heldout.state)
    failed = solved.model_copy(update={"status": "failed"})
    assert not prompt.check(failed, heldout.state), "the checker passes a failed run"


@pytest.mark.parametrize("prompt", REFUSALS)
async def test_a_refusal_asks_for_what_the_page_lacks(
    sdk: PupiPuppeteerSDK, heldout: HeldoutSite, prompt: Prompt
) -> None:
    run = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{heldout.url}/{prompt.page}"},
            {"action": "evaluate", "script": "document.documentElement.innerHTML", "as": "html"},
        ],
        timeout_ms=5_000,
    )
    assert run.ok, run.error
    assert prompt.missing not in str(run.outputs["html"]).lower()
    completed = PromptResult(status="completed", instance_id=run.instance_id)
    assert not prompt.check(completed, heldout.state)
    named = {"type": "planner_gave_up", "message": f"cannot do it: no {prompt.missing} here"}
    failed = PromptResult(status="failed", error=named, instance_id=run.instance_id)
    assert prompt.check(failed, heldout.state)
    vague = PromptResult(status="failed", error={"message": "gave up"}, instance_id=run.instance_id)
    assert not prompt.check(vague, heldout.state)
