"""Held-out prompts, round four: three new pages written before reading the planner.

A real-estate listings grid (price, beds, baths and area per card, a shared
"Contact agent" modal form); a course schedule table with an enroll checkbox
per row and a Register button; a newsletter preferences panel with a
multi-select listbox, a number input and a "Save preferences" button that posts
JSON and shows a toast. The prompts were written blind; those the planner still
cannot carry out are ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import pytest

from pupi.agent import PromptResult

from .cases import case, run_case
from .checks import Check, equals, items, refused, says, submitted, yes_no
from .server import HeldoutSite, SiteState


def one_of(*checks: Check) -> Check:
    """Any one of ``checks`` holds (a row may fairly be named by either of two cells)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return any(c(result, state) for c in checks)

    return check


CASES = [
    # A listings grid: price, beds/baths/area per card, a shared "Contact agent" modal.
    case(
        "listings.html",
        "How many listings have 3 or more bedrooms?",
        equals("4"),
        "listings-count-condition",
        xfail=(
            "a card's specs are adjacent spans read as one word ('3 bd2 ba'), so 'bedrooms' "
            "names no field to count by"
        ),
    ),
    case(
        "listings.html",
        "Which home is the most expensive?",
        equals("402 Lakeshore Drive"),
        "listings-most-expensive",
    ),
    case(
        "listings.html",
        "price of the cheapest listing?",
        equals("$275,000"),
        "listings-cheapest-price",
    ),
    case(
        "listings.html",
        "Which homes cost between $300,000 and $500,000?",
        items("12 Maple Street", "88 Harbor View Apt 5B"),
        "listings-between",
    ),
    case(
        "listings.html",
        "How many bathrooms does 7 Orchard Lane have?",
        says("3"),
        "listings-baths-by-card",
        xfail=(
            "'how many bathrooms does X have' is read as a count; the card has no bathrooms "
            "field ('3 ba' runs into the next span)"
        ),
    ),
    case(
        "listings.html",
        "Contact the agent about 7 Orchard Lane: name Ana Ruiz, email ana@example.test, "
        "message 'Is it still available?'",
        submitted(
            "contact",
            listing="orchard",
            name="Ana Ruiz",
            email="ana@example.test",
            message="Is it still available?",
        ),
        "listings-contact-modal",
        xfail=(
            "the shared modal form is only shown after the card's 'Contact agent' button; "
            "'contact the agent about X: pairs' is not read as open-then-fill"
        ),
    ),
    case(
        "listings.html",
        "Is there a listing with 5 bedrooms?",
        yes_no(True),
        "listings-yes",
        xfail=(
            "'a listing with 5 bedrooms': the card's specs are not fields the yes/no check can read"
        ),
    ),
    case(
        "listings.html",
        "Give me the price and square footage of 12 Maple Street as JSON",
        says("425,000", "1,850"),
        "listings-json-fields",
        xfail="'square footage' names no field of the card ('1,850 sq ft' is run into other spans)",
    ),
    case(
        "listings.html",
        "Schedule a viewing of 12 Maple Street for Saturday",
        refused("viewing"),
        "listings-refuse-viewing",
    ),
    # A course schedule table: an enroll checkbox per row and a Register button.
    case(
        "courses.html",
        "Who teaches Linear Algebra?",
        equals("Prof. Okafor"),
        "courses-instructor",
    ),
    case(
        "courses.html",
        "Which course has the most open seats?",
        one_of(equals("HIST 150"), equals("World History")),
        "courses-most-seats",
    ),
    case(
        "courses.html",
        "How many sections does Dr. Chen teach?",
        equals("2"),
        "courses-count-instructor",
    ),
    case(
        "courses.html",
        "When does General Biology meet?",
        says("MW", "14:00"),
        "courses-when",
    ),
    case(
        "courses.html",
        "Enroll me in Linear Algebra and World History, then register",
        submitted("register", sections=["MATH220-01", "HIST150-01"]),
        "courses-enroll-two",
        xfail="'enroll me in A and B' is not read as ticking each named row's checkbox",
    ),
    case(
        "courses.html",
        "tick BIO 110 and register",
        submitted("register", sections=["BIO110-01"]),
        "courses-terse",
    ),
    case(
        "courses.html",
        "Which courses have fewer than 5 open seats?",
        one_of(
            items("CS 101", "BIO 110"),
            items("Intro to Programming", "General Biology"),
        ),
        "courses-fewer-than",
    ),
    case(
        "courses.html",
        "Pay my tuition fees for the spring term",
        refused("tuition"),
        "courses-refuse-tuition",
    ),
    # Newsletter preferences: multi-select listbox, number input, a JSON save with a toast.
    case(
        "newsletter.html",
        "Subscribe me to Engineering blog and Security advisories, then save preferences",
        submitted("preferences", topics=["engineering", "security"]),
        "newsletter-multiselect",
        xfail=(
            "'subscribe me to A and B' is not a verb the parser knows, and several options "
            "of a multi-select listbox are not picked"
        ),
    ),
    case(
        "newsletter.html",
        "set emails per month to 2 and save",
        submitted("preferences", frequency="2"),
        "newsletter-number",
    ),
    case(
        "newsletter.html",
        "How many emails per month will I get?",
        equals("4"),
        "newsletter-ask-number",
    ),
    case(
        "newsletter.html",
        "What topics can I choose from? JSON list please",
        items(
            "Product updates",
            "Engineering blog",
            "Events & webinars",
            "Customer stories",
            "Security advisories",
        ),
        "newsletter-list-options",
    ),
    case(
        "newsletter.html",
        "Please change my email to lee@example.test, pick the Events & webinars topic, "
        "8 emails a month, and save",
        submitted("preferences", email="lee@example.test", topics=["events"], frequency="8"),
        "newsletter-polite-multi",
        xfail=(
            "'pick the Events & webinars topic' is split at the ampersand, and the '8 emails "
            "a month' pair joins the pick"
        ),
    ),
    case(
        "newsletter.html",
        "Save my preferences and tell me what message appears",
        says("preferences saved"),
        "newsletter-toast",
    ),
    case(
        "newsletter.html",
        "Change my password to hunter22",
        refused("password"),
        "newsletter-refuse-password",
    ),
]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_heldout_round4_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
