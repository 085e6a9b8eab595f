"""What a hand-written held-out round is made of, and the tests that show it fair.

A round (``round5/``, ``round6/``) lists :class:`Prompt` values, each with a
checker and a reference solution in plain steps (or, for a refusal, the word its
page must not contain). :func:`fairness_tests` gives a round's ``test_reference.py``
its tests: each reference replays on the served page and its checker passes; on
the page as it opens, with an empty completed result, the checker fails; a
refusal's page lacks what the prompt asks for, and its checker takes only a failed
run that names it. No planner runs in these tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from tests.agent.requests_in_flight import RequestsInFlight

from pupi import PupiPuppeteerSDK
from pupi.agent import PromptResult
from pupi.browser.instances import get_manager

from .checks import Check
from .server import HeldoutSite

Step = dict[str, Any]


@dataclass(frozen=True)
class Prompt:
    """One held-out prompt, started on ``page``, with its checker and reference."""

    page: str
    prompt: str
    check: Check
    id: str
    reference: tuple[Step, ...] = ()
    missing: str = ""


def click(selector: str) -> Step:
    return {"action": "click", "selector": selector}


def type_(selector: str, text: str) -> Step:
    return {"action": "type", "selector": selector, "text": text}


def change(selector: str, value: str) -> Step:
    return {"action": "change", "selector": selector, "value": value}


def read(selector: str, attribute: str = "") -> Step:
    step: Step = {"action": "extract", "selector": selector, "as": "answer"}
    if attribute:
        step["attribute"] = attribute
    return step


def count(selector: str) -> Step:
    return {
        "action": "evaluate",
        "script": f"document.querySelectorAll({selector!r}).length",
        "as": "answer",
    }


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


def fairness_tests(prompts: Sequence[Prompt]) -> tuple[Callable[..., Any], ...]:
    """A round's fairness tests over ``prompts``, to bind to names in its test module."""
    solvable = [pytest.param(p, id=p.id) for p in prompts if p.reference]
    refusals = [pytest.param(p, id=p.id) for p in prompts if not p.reference]

    @pytest.mark.browser
    def test_the_round_is_large_and_varied() -> None:
        assert len(prompts) >= 60
        assert len({p.page for p in prompts}) >= 10
        assert len({p.id for p in prompts}) == len(prompts)
        assert all(bool(p.reference) != bool(p.missing) for p in prompts)

    @pytest.mark.browser
    @pytest.mark.parametrize("prompt", solvable)
    async def test_the_reference_solves_the_prompt(
        sdk: PupiPuppeteerSDK, heldout: HeldoutSite, prompt: Prompt
    ) -> None:
        _, solved = await _replay(sdk, heldout, prompt)
        assert prompt.check(solved, heldout.state), (solved.answer, heldout.state)
        failed = solved.model_copy(update={"status": "failed"})
        assert not prompt.check(failed, heldout.state), "the checker passes a failed run"

    @pytest.mark.browser
    @pytest.mark.parametrize("prompt", refusals)
    async def test_a_refusal_asks_for_what_the_page_lacks(
        sdk: PupiPuppeteerSDK, heldout: HeldoutSite, prompt: Prompt
    ) -> None:
        run = await sdk.execute_steps_locally(
            [
                {"action": "go", "url": f"{heldout.url}/{prompt.page}"},
                {
                    "action": "evaluate",
                    "script": "document.documentElement.innerHTML",
                    "as": "html",
                },
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
        vague = PromptResult(
            status="failed", error={"message": "gave up"}, instance_id=run.instance_id
        )
        assert not prompt.check(vague, heldout.state)

    return (
        test_the_round_is_large_and_varied,
        test_the_reference_solves_the_prompt,
        test_a_refusal_asks_for_what_the_page_lacks,
    )
