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

The first try (CI, 2026-12-02, planner of commit 438d2f6) passed 28 of 90; 20 of
the 62 failures were false completions. :data:`FIRST_TRY_FAILURES` marks each
failure ``xfail(strict=True)`` with what the planner did, added after that run
and never together with a planner change: a fix that makes one pass removes
its mark in the same commit. Since then, looking in closed tabs and sections
(2026-12-03) made three of them pass, and then menu paths ("Edit > Find and
replace"), submenus opened by the words they share, and "switch between the tabs
to find X" three more.
"""

from __future__ import annotations

import pytest

from ..cases import case, run_case
from ..checks import Check
from ..server import HeldoutSite
from .cases import PROMPTS

FIRST_TRY_FAILURES: dict[str, str] = {
    "mail-forward": "'open the email from X and forward it' is read as one name",
    "feed-reply": "'Reply to @user with TEXT' is not read as that post's reply box",
    "feed-most-likes": "false completion: answered a post's text for 'whose post'",
    "booking-full": "false completion: did the wrong thing and said completed",
    "booking-calendar-next-month": "typed into a read-only date display instead of the calendar",
    "booking-hours": "false completion: answered ''",
    "product-count-reviews": "nothing on the page to count",
    "product-radio-quantity": "typed into a number input the wrong way",
    "product-weight": "false completion: answered 'Aero 14 Laptop'",
    "files-tree-deep": "no element matching 'it' on the page",
    "files-tree-click": "no element matching 'harbor.jpg' on the page",
    "files-size": "could not find the size on the page to answer 'What is the size of lease.pdf?'",
    "files-count-folder": "false completion: answered '3'",
    "files-download": "no element matching 'Download summer.mp3' on the page",
    "signup-both-fields": "'the email X' found no field",
    "signup-wizard": "no field labelled 'li@example.test' on the page",
    "search-nth-result-page-2": "no element matching #7 'result' on the page",
    "transcribe-copy-sample": "'copy the sample sentence into the input' is not read",
    "login-remember": "no checkbox matching 'remember me' on the page",
    "trips-autocomplete": "no field labelled 'destination' on the page",
    "trips-two-cities": "no element matching 'From Osaka to Lima' for '2 travellers' on the page",
    "trips-nth-suggestion": "no element matching #2 'suggestion' on the page",
    "editor-recent-file": "'the recent file X from the File menu' is not read",
    "editor-zoom": "no field labelled 'zoom' on the page",
    "handbook-ask-allowance": "false completion: answered 'Employee handbook'",
    "panel-listbox-multi": "no drop-down matching 'Languages list' on the page",
}
"""What the planner did on the first try, by prompt id."""

CASES = [
    case(p.page, p.prompt, p.check, p.id, xfail=FIRST_TRY_FAILURES.get(p.id, "")) for p in PROMPTS
]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_round5_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
