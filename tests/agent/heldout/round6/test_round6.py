"""Held-out prompts, round six: the pages and prompts, written blind on 2026-12-03 before any run.

Fourteen page styles unlike the earlier rounds' and the demo site's: a recipe with an
ingredient checklist and a servings spinner, a job application (labels wrapping,
for=, aria-label and placeholder only; radio groups; a draft button), a bank
transfer with a confirmation dialog, a kanban board moved by arrow buttons and
card menus, a flight results table with sorting, filters and a fare dialog, a
helpdesk queue with status pills and icon buttons per row, account settings with
switches inside collapsed groups, a restaurant menu with an order cart, a
community centre's events in month tabs, a paginated people directory, newsletter
preferences with a two-step unsubscribe, a library catalogue that lists nothing
until a search, a hotel survey (a star widget, a 0 to 10 scale, a slider) and a
shopping bag with quantity fields and a promo code. Each prompt runs once through
the rules planner with no xfail marks: the pass rate is the first-try figure.
Each checker fails a wrong action or a wrong answer (``test_reference.py`` shows
the prompts solvable and the checkers able to fail).

The first try: (to be filled in after the first run). :data:`FIRST_TRY_FAILURES`
marks each failure ``xfail(strict=True)`` with what the planner did, added after
that run and never together with a planner change: a fix that makes one pass
removes its mark in the same commit.
"""

from __future__ import annotations

import pytest

from ..cases import case, run_case
from ..checks import Check
from ..server import HeldoutSite
from .cases import PROMPTS

FIRST_TRY_FAILURES: dict[str, str] = {}
"""What the planner did on the first try, by prompt id."""

CASES = [
    case(p.page, p.prompt, p.check, p.id, xfail=FIRST_TRY_FAILURES.get(p.id, "")) for p in PROMPTS
]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_round6_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
