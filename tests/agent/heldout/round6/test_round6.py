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

The first try (2026-12-03, planner of commit f55ed0f) passed 27 of 98 (28 %);
21 of the 71 failures were false completions (21 % of all runs). Since then
(fixes in later commits, each removing the marks it turns into passes): a
superlative among the rows that hold the words (one more pass), quantity
questions refused when the answer holds no quantity (two false completions fewer),
a list named by the question's plural ("the cheapest dessert"), a paged list's
stated total and a quantity read from its key ("how many calories") (three more).
:data:`FIRST_TRY_FAILURES` marks each failure ``xfail(strict=True)`` with what the
planner did, added after that run and never together with a planner change: a fix
that makes one pass removes its mark in the same commit.
"""

from __future__ import annotations

import pytest

from ..cases import case, run_case
from ..checks import Check
from ..server import HeldoutSite
from .cases import PROMPTS

FIRST_TRY_FAILURES: dict[str, str] = {
    "recipe-tick-three": "nothing on the page to add 'them' with",
    "recipe-servings-topping": "no element matching 'I'm cooking this' for '6 people' on the pa...",
    "recipe-scaled-feta": "no item on the page fits 'How much feta do I need if I only make it...",
    "recipe-eight-eggs": "no field labelled 'servings' on the page",
    "jobs-apply-basic": "no element matching 'full-time and hybrid' on the page (closest: [7] r...",
    "jobs-apply-full": "no field labelled 'Jonas Berg' on the page",
    "jobs-save-draft": "nothing on the page offers 'just my name, Ola Nowak, and email ola@nowa...",
    "jobs-salary": "could not find the salary on the page to answer 'what does this role pay?'",
    "jobs-hiring-manager": "false completion: answered 'Junior Data Analyst'",
    "transfer-rent": "'Send €850 to my landlord from the current account, reference December re...",
    "transfer-own-accounts-dated": "no element matching 'Move 200 euros from savings into the h...",
    "transfer-instant-fee": "'Pay FitLab 35 euros as an instant transfer' gives values to enter...",
    "transfer-which-purchase": "false completion: answered a JSON list of two amounts",
    "transfer-cancel-in-dialog": "no element matching 'Start a transfer of €60 to Mum, but canc...",
    "kanban-move-one": "no field labelled 'Fix login bug' on the page",
    "kanban-move-done": "no element matching 'accessibility audit is finished - put it in Done...",
    "kanban-add-card": "nothing on the page to add 'a card Update privacy policy' with",
    "kanban-archive-menu": "no element matching 'Archive the Choose CMS' item on the page (clos...",
    "kanban-move-two-columns": "'Send Set up 301 redirects straight to Review' gives values to...",
    "kanban-assignee": "false completion: answered 'In progress'",
    "kanban-move-then-count": "no element matching 'Move Pick hero images into In progress' on...",
    "flights-count-direct": "false completion: answered '9'",
    "flights-arrival": "false completion: answered '11:30'",
    "flights-longest": "no item on the page fits 'Which flight takes the longest?'",
    "flights-fare-dialog": "nothing on the page offers 'the Flex fare'",
    "flights-earliest-standard": "could not find a link for the earliest 'Take the   nonstop mo...",
    "tickets-escalate-by-subject": "false completion: did the wrong thing and said completed",
    "tickets-assign-requester-and-subject": "no element matching 'Assign Marco Rossi's VPN tick...",
    "tickets-reply-then-close": "no element matching 'reply with Approved, it will be on your d...",
    "settings-privacy-already-off": "false completion: answered 'no'",
    "settings-ask-timeout": "false completion: answered 'Security'",
    "menu-order-pickup": "no 'order two diavola pizzas and   tiramis' button on the page",
    "menu-order-with-note": "an action failed: timeout: Locator.click: Timeout 10000ms exceeded...",
    "menu-count-vegan": "the page shows no dishes to count",
    "menu-ask-tag": "false completion: answered 'no'",
    "menu-add-then-subtotal": "false completion: answered '€0.00'",
    "events-rsvp": "false completion: did the wrong thing and said completed",
    "events-places-left": "false completion: answered a JSON list",
    "events-by-date-other-tab": "the page does not say what '24 january' asks for",
    "events-price-third-tab": "false completion: answered '€15'",
    "events-rsvp-then-price": "no element matching 'Sign three of us up' for 'board game aftern...",
    "people-department-page-3": "could not find the Department on the page to answer 'Which dep...",
    "people-deactivate-page-2": "no element matching 'Deactivate Jakub Novak's account' of the...",
    "people-edit-link": "no element matching 'Olivia Grant's edit page' on the page (closest: [...",
    "people-list-on-leave": "false completion: answered 'Carmen Ortiz'",
    "people-deactivate-then-office": "no element matching 'Deactivate Quinn Murphy' on the page...",
    "newsletter-frequency-partners": "no element matching 'Switch me to the monthly edition' on...",
    "newsletter-only-topics": "no element matching 'I only want to hear about houseplants and w...",
    "newsletter-unsubscribe-confirm": "false completion: did the wrong thing and said completed",
    "newsletter-pause": "no element matching 'please' on the page",
    "newsletter-ask-frequency": "the page does not say what 'often am getting newsletter right...",
    "library-author": "could not find the author on the page to answer 'Who wrote The Overstory...",
    "library-hold": "no 'place   hold on   audiobook of   wizard of earthsea pick-up at noord...",
    "library-hold-format": "no element matching 'Reserve the printed copy of Braiding Sweetgras...",
    "library-call-number": "the page does not say what 'call number sea around' asks for",
    "library-count-author": "nothing on the page to count",
    "library-hold-then-copies": "the page does not say what 'moby-dick' asks for",
    "survey-stars-and-scale": "no element matching 'Give my stay 4 stars and a 9' for 'recommen...",
    "survey-slider-checkboxes": "no element matching 'Rate the room cleanliness 80 out of 100...",
    "survey-everything": "no field labelled 'recommendation' on the page",
    "survey-ask-room": "no item on the page fits 'Which room did I stay in?'",
    "cart-remove-checkout": "no element matching 'Take the leather gloves out' on the page (clo...",
    "cart-quantity-coupon-checkout": "an action failed: error: Locator.fill: Error: Cannot type...",
    "cart-save-for-later": "false completion: did the wrong thing and said completed",
    "cart-coupon-then-saving": "the page does not say what 'much save' asks for",
}
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
