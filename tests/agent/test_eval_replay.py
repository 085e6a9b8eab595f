"""A representative slice of the agent evaluation, end to end, with replay."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from agent_eval import run_task
from agent_tasks import TASKS

from pupi.browser.instances import get_manager
from pupi.demo import DemoServer

pytestmark = pytest.mark.browser

SUBSET = [
    "shop-first-price",
    "shop-add-cheapest",
    "product-qty",
    "login-fields",
    "register-full",
    "table-email",
    "todo-complete",
    "search-page-2",
    "dialog-modal",
    "faq-shipping",
    "booking-words",
]


@pytest.fixture(scope="module")
def site():
    with DemoServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.mark.parametrize("task", [t for t in TASKS if t.id in SUBSET], ids=lambda t: t.id)
async def test_the_task_is_solved_and_its_steps_replay(task, site) -> None:
    try:
        outcome = await run_task(task, site)
    finally:
        await get_manager().close_all()
    assert outcome.solved, (outcome.status, outcome.answer, outcome.error, outcome.steps)
    assert outcome.replayed, outcome.steps
