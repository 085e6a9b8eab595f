"""Held-out prompts, round five: the pages and prompts, written blind on 2026-12-02 before any run.

Seventeen page styles unlike the earlier rounds' and the demo site's: a webmail
inbox with per-row icons, a social feed of posts by @users, an appointment form
with a calendar and native date and time inputs, a self-saving smart-home panel
(sliders, a custom spinner, a switch), a tabbed product page, a file tree, a
three-step signup wizard, paginated search results, a customer record with one
answer field, a typing check, a note form, a quiz, a login page with span links,
autocomplete city fields, a nested menu bar, a handbook of collapsed sections and
a panel of mixed widgets with a modal. Each prompt runs once through the rules
planner with no xfail marks: the pass rate is the first-try figure. Each
checker fails a wrong action or a wrong answer (``test_reference.py`` shows the
prompts solvable and the checkers able to fail).
"""

from __future__ import annotations

import pytest

from ..cases import case, run_case
from ..checks import Check
from ..server import HeldoutSite
from .cases import PROMPTS

CASES = [case(p.page, p.prompt, p.check, p.id) for p in PROMPTS]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_round5_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
