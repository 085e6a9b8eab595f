"""Held-out prompts, round three: four new pages written before reading the planner.

A checkout with a discount code, delivery radio cards and an order summary; a
library catalogue with a search box, a results table and pagination links; a
support ticket form; an events list with an RSVP button per event. The prompts
were written blind, in the ways people phrase requests; those the planner still
cannot carry out are ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import pytest

from .cases import case, run_case
from .checks import Check, equals, items, refused, says, submitted, visited, yes_no
from .server import HeldoutSite

CASES = [
    # A checkout: discount code form, delivery radio cards, an order summary.
    case(
        "checkout.html",
        "Apply the discount code WINTER15",
        submitted("coupon", code="WINTER15"),
        "checkout-coupon",
    ),
    case("checkout.html", "What's the order total?", equals("$259.87"), "checkout-total"),
    case(
        "checkout.html",
        "How many items are in the order summary?",
        equals("3"),
        "checkout-count",
    ),
    case(
        "checkout.html",
        "How much do the Merino Wool Socks cost?",
        equals("$18.00"),
        "checkout-row-price",
    ),
    case(
        "checkout.html",
        "Which delivery method is selected?",
        equals("Standard"),
        "checkout-ask-radio",
    ),
    case(
        "checkout.html",
        "Choose Express delivery, enter kim@example.test as the email, Kim Lee as full name, "
        "then place the order",
        submitted("order", shipping="express", email="kim@example.test", name="Kim Lee"),
        "checkout-order",
    ),
    case(
        "checkout.html",
        "Give me the subtotal and the tax as JSON",
        says("236.00", "18.88"),
        "checkout-json-fields",
    ),
    case(
        "checkout.html",
        "I'd like store pickup please, and mark it as a gift. Place order.",
        submitted("order", shipping="pickup", gift="yes"),
        "checkout-polite",
    ),
    case("checkout.html", "Pay with PayPal", refused("paypal"), "checkout-refuse-paypal"),
    # A library catalogue: search box, results table, pagination links.
    case(
        "library.html",
        "Search the catalogue for octavia butler",
        submitted("search", q="octavia butler"),
        "library-search",
    ),
    case("library.html", "How many results are shown?", equals("5"), "library-count"),
    case("library.html", "Who wrote Kindred?", equals("Octavia E. Butler"), "library-author"),
    case(
        "library.html",
        "Is The Left Hand of Darkness available?",
        yes_no(False),
        "library-available-no",
    ),
    case(
        "library.html",
        "Which book is the oldest?",
        equals("Foundation"),
        "library-oldest",
    ),
    case(
        "library.html",
        "list the titles of all results",
        items("Dune", "Kindred", "The Left Hand of Darkness", "Foundation", "Neuromancer"),
        "library-list-titles",
    ),
    case("library.html", "next page", visited("/library-2.html"), "library-next"),
    case(
        "library.html",
        "Go to page 2 and tell me the title of the first result",
        equals("Hyperion"),
        "library-page2-first",
    ),
    case(
        "library.html",
        "Place a hold on Neuromancer",
        submitted("hold", book="neuromancer"),
        "library-hold-row",
    ),
    case(
        "library.html",
        "Search for Le Guin in eBook format",
        submitted("search", q="Le Guin", format="ebook"),
        "library-search-format",
    ),
    # A support ticket form: select, radios under a legend, textarea, file input.
    case(
        "support.html",
        "Create a ticket with subject 'Cannot log in', priority High, category Account access "
        "and description 'The reset email never arrives', then submit it",
        submitted(
            "ticket",
            subject="Cannot log in",
            priority="high",
            category="account",
            description="The reset email never arrives",
        ),
        "support-full",
    ),
    case(
        "support.html",
        "subject: Printer offline, priority urgent, submit",
        submitted("ticket", subject="Printer offline", priority="urgent", category="other"),
        "support-terse",
    ),
    case("support.html", "What's the default priority?", equals("Normal"), "support-ask-select"),
    case(
        "support.html",
        "Could you untick the email updates box and submit the ticket with subject Billing error "
        "and category Billing?",
        submitted("ticket", subject="Billing error", category="billing", updates=None),
        "support-untick",
    ),
    case(
        "support.html",
        "What are the category options? Answer as a JSON list",
        items("Billing", "Technical issue", "Account access", "Other"),
        "support-list-options",
    ),
    case(
        "support.html",
        "Set the due date to 2026-12-01",
        refused("due date"),
        "support-refuse-due-date",
    ),
    # An events list: dates, times, places and an RSVP button per event.
    case("events.html", "When is the Python Meetup?", says("Dec 3"), "events-when"),
    case(
        "events.html",
        "Where is Winter Jazz Night held?",
        equals("Blue Note Hall"),
        "events-where",
    ),
    case("events.html", "How many events are listed?", equals("5"), "events-count"),
    case(
        "events.html",
        "RSVP to the Farmers Market",
        submitted("rsvp", event="market"),
        "events-rsvp-named",
    ),
    case(
        "events.html",
        "rsvp for the last event",
        submitted("rsvp", event="funrun"),
        "events-rsvp-last",
    ),
    case(
        "events.html",
        "What time does the fourth event start?",
        equals("19:00"),
        "events-nth-time",
    ),
    case(
        "events.html",
        "Which event is the earliest?",
        equals("Python Meetup"),
        "events-earliest",
    ),
    case(
        "events.html",
        "Is there an event at Harbour Park?",
        yes_no(True),
        "events-yes",
    ),
    case(
        "events.html",
        "Buy two tickets for the Winter Jazz Night",
        refused("ticket"),
        "events-refuse-tickets",
    ),
]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_heldout_round3_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
