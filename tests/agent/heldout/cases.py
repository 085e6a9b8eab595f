"""Declaring a held-out prompt, and running one through the agent against its checker."""

from __future__ import annotations

import pytest
from tests.agent.requests_in_flight import RequestsInFlight

from pupi.agent import run_agent
from pupi.agent.planners.rules import RulesPlanner
from pupi.browser.instances import get_manager

from .checks import Check
from .server import HeldoutSite


def case(page: str | None, prompt: str, check: Check, id: str, xfail: str = "") -> object:
    """One held-out prompt, started on ``page`` (None: the prompt names the URL)."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(page, prompt, check, id=id, marks=marks)


async def run_case(heldout: HeldoutSite, page: str | None, prompt: str, check: Check) -> None:
    """Run ``prompt`` with the rules planner on a fresh instance and assert ``check``."""
    manager = get_manager()
    instance = await manager.open(headless=True)
    in_flight = RequestsInFlight(instance.context)
    try:
        result = await run_agent(
            instance,
            prompt.format(base=heldout.url),
            planner=RulesPlanner(),
            start_url=f"{heldout.url}/{page}" if page else None,
            max_steps=15,
            timeout_s=60,
        )
        await in_flight.settled()  # a click's fetch may still be on its way
        # Pages that count their own unanswered records in ``window.__pending`` (round
        # five's) are waited for too: a fetch may not be reported as sent yet.
        for tab in instance.context.pages:
            await tab.wait_for_function("!window.__pending", timeout=30_000)
    finally:
        await manager.close(instance.id)
    assert check(result, heldout.state), (result.status, result.answer, result.error, result.steps)
