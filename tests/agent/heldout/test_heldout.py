"""Held-out prompts on pages the rules planner was not written against.

Each prompt runs through ``run_agent`` with the rules planner on a fresh
instance against a small static site (``pages/``) unlike the demo site; its
checker reads the answer and what the site recorded. Prompts the planner
still cannot carry out are ``xfail(strict=True)`` with the reason, so that
the figure stays honest and a fix shows up as an unexpected pass.
"""

from __future__ import annotations

import pytest

from .cases import case, run_case
from .checks import (
    Check,
    equals,
    items,
    refused,
    says,
    submitted,
    visited,
    yes_no,
)
from .server import HeldoutSite

CASES = [
    # A bank dashboard: a transactions table, a transfer form with div buttons.
    case("bank.html", "What is my available balance?", says("$4,218.50"), "bank-balance"),
    case("bank.html", "How many transactions are listed?", equals("8"), "bank-count"),
    case(
        "bank.html",
        "What was the amount of the Blue Bottle Coffee transaction?",
        equals("-$6.75"),
        "bank-amount-by-row",
    ),
    case(
        "bank.html",
        "Which category is the City Power & Light payment in?",
        equals("Utilities"),
        "bank-category-by-row",
    ),
    case(
        "bank.html",
        "What's the description of the last transaction?",
        equals("Corner Pharmacy"),
        "bank-last-description",
    ),
    case("bank.html", "On what date did I pay Streamflix?", equals("Nov 15"), "bank-date"),
    case(
        "bank.html",
        "Transfer 250 to High-Yield Savings with the memo Rent share, then click Send money",
        submitted(
            "transfer", to="savings", amount="250", memo="Rent share", **{"from": "checking"}
        ),
        "bank-transfer",
        xfail="'transfer' is not a verb the planner reads, and the memo field is called a note",
    ),
    case("bank.html", "Please click Download statement", submitted("download"), "bank-div-button"),
    case(
        "bank.html",
        "Enter SAVE10 in the coupon code field",
        refused("coupon"),
        "bank-refuse-missing-field",
    ),
    # A recipe: a definition list of facts, ingredient and step lists, a select.
    case("recipe.html", "How many ingredients are there?", equals("7"), "recipe-count"),
    case(
        "recipe.html",
        "What's the third ingredient?",
        equals("1 lemon, zested and juiced"),
        "recipe-third",
    ),
    case(
        "recipe.html",
        "Set servings to 6 and save the recipe",
        submitted("recipe", servings="6"),
        "recipe-servings",
    ),
    case("recipe.html", "What is the prep time?", equals("15 min"), "recipe-dl-lookup"),
    case("recipe.html", "Does the recipe contain garlic?", yes_no(True), "recipe-yes"),
    case("recipe.html", "Does this recipe use butter?", yes_no(False), "recipe-no"),
    case(
        "recipe.html",
        "List all the ingredients",
        items(
            "200 g spaghetti",
            "3 cloves garlic",
            "1 lemon, zested and juiced",
            "3 tbsp olive oil",
            "40 g parmesan",
            "1 handful parsley",
            "Salt and pepper",
        ),
        "recipe-list",
    ),
    # A job board: cards, checkbox filters in fieldsets, a "Load more" button.
    case(
        None,
        "Go to {base}/jobs.html and tell me how many jobs are shown",
        equals("5"),
        "jobs-count",
    ),
    case(
        "jobs.html", "Which company posted the second job?", equals("Orbit Studio"), "jobs-second"
    ),
    case(
        "jobs.html",
        "What is the salary for the Data Engineer role?",
        says("€70,000", "€88,000"),
        "jobs-salary-by-title",
    ),
    case(
        "jobs.html",
        "Filter by Contract and Remote, then apply the filters",
        submitted("filters", type="contract", place="remote"),
        "jobs-filters",
    ),
    case(
        "jobs.html",
        "Tick Full-time and Part-time and click Apply filters",
        submitted("filters", type=["full-time", "part-time"], place=None),
        "jobs-tick-two",
    ),
    case(
        "jobs.html",
        "Click Load more, then tell me the title of the last job",
        equals("Technical Writer"),
        "jobs-load-more",
    ),
    case(
        "jobs.html",
        "Where is the Frontend Developer job located?",
        equals("Lisbon, Portugal"),
        "jobs-location",
    ),
    case(
        "jobs.html",
        "Get the title and company of the first job",
        says("Senior Backend Engineer", "Lumen Labs"),
        "jobs-two-fields",
    ),
    # Settings: switches, radio groups in fieldsets with legends, a date.
    case(
        "settings.html",
        "Turn on two-factor authentication and save changes",
        submitted("settings", twofa="on", marketing="on"),
        "settings-switch-on",
    ),
    case(
        "settings.html",
        "Switch off marketing emails, choose the Dark theme and save",
        submitted("settings", marketing="off", theme="dark", twofa="off"),
        "settings-switch-off-radio",
    ),
    case(
        "settings.html",
        "Under Email frequency pick Weekly, then click Save changes",
        submitted("settings", frequency="weekly", theme="system"),
        "settings-legend-radio",
    ),
    case(
        "settings.html",
        "Set the vacation start date to 2026-12-24 and save",
        submitted("settings", vacation="2026-12-24"),
        "settings-date",
    ),
    case(
        "settings.html",
        "Uncheck push notifications and save changes",
        submitted("settings", push=None, marketing="on"),
        "settings-checkbox-switch",
    ),
    case(
        "settings.html",
        "Is two-factor authentication enabled?",
        yes_no(False),
        "settings-ask-switch",
    ),
    case("settings.html", "Which theme is selected?", equals("System"), "settings-ask-radio"),
    # Flights: placeholder-only inputs, a results table with row buttons.
    case(
        None,
        "Open {base}/flights.html and search flights from Lisbon to Oslo on 2026-03-14 "
        "for 2 passengers",
        submitted("flights", origin="Lisbon", destination="Oslo", depart="2026-03-14", pax="2"),
        "flights-search",
    ),
    case(
        "flights.html",
        "Fill in Leaving from with Berlin and Going to with Rome, then press Search flights",
        submitted("flights", origin="Berlin", destination="Rome"),
        "flights-placeholders",
    ),
    case(
        "flights.html",
        "Choose Business class and search flights from Dublin to Vienna",
        submitted("flights", origin="Dublin", destination="Vienna", cabin="Business"),
        "flights-cabin",
    ),
    case(
        "flights.html",
        "Search for flights from Paris to Madrid, then tell me the price of the cheapest flight",
        equals("€74"),
        "flights-cheapest",
    ),
    case(
        "results.html",
        "Select the first flight",
        submitted("select", flight="IB 3401"),
        "flights-select-first",
    ),
    case(
        "results.html",
        "What time does the Air France flight depart?",
        equals("18:20"),
        "flights-departure",
    ),
    case(
        "results.html", "How many nonstop flights are there?", equals("3"), "flights-count-filtered"
    ),
    case(
        "results.html",
        "Select the flight operated by Vueling",
        submitted("select", flight="VY 8002"),
        "flights-select-by-row",
    ),
    # A help center: questions in <details>, a glossary <dl>, a contact form.
    case(
        "faq.html",
        "What does APR mean according to the glossary?",
        says("annual percentage rate"),
        "faq-dl-definition",
    ),
    case("faq.html", "How long does a refund take?", says("5-7 business days"), "faq-answer"),
    case("faq.html", "Go to Contact support", visited("/contact.html"), "faq-follow-link"),
    case(
        "faq.html",
        "Is there a question about deleting my account?",
        yes_no(True),
        "faq-yes",
    ),
    case(
        "faq.html",
        "List the glossary terms",
        items("APR", "Overdraft", "Routing number", "Statement"),
        "faq-list-terms",
    ),
    case(
        "faq.html",
        "Open Contact support, enter ada@example.test as your email, choose Billing as the "
        "topic, write 'Card declined' in the message and send it",
        submitted("contact", email="ada@example.test", topic="Billing", message="Card declined"),
        "faq-contact-form",
    ),
    # A comparison table whose column headers are the products.
    case(
        "compare.html", "What is the battery life of the Beta Pro?", equals("18 h"), "compare-cell"
    ),
    case("compare.html", "How much does the Gamma Lite cost?", equals("$849"), "compare-price"),
    case("compare.html", "What is the weight of Alpha X1?", equals("1.2 kg"), "compare-weight"),
    case("compare.html", "Which laptop is the cheapest?", equals("Gamma Lite"), "compare-cheapest"),
    case(
        "compare.html",
        "Add the Beta Pro to the cart",
        submitted("cart", product="beta-pro"),
        "compare-column-button",
    ),
    case("compare.html", "How many laptops are being compared?", equals("3"), "compare-count"),
    # Written after the first round of fixes, before running them: a page and phrasings
    # the fixes were not made for.
    case("hotel.html", "What's the guest rating?", equals("9.1"), "hotel-rating"),
    case("hotel.html", "How much is the Deluxe Sea View per night?", says("$210"), "hotel-rate"),
    case(
        "hotel.html", "Reserve the Family Suite", submitted("room", room="suite"), "hotel-reserve"
    ),
    case(
        "hotel.html",
        "Book the cheapest room",
        submitted("room", room="standard"),
        "hotel-cheapest-room",
    ),
    case("hotel.html", "How many rooms are available?", equals("3"), "hotel-count"),
    case(
        "hotel.html",
        "Fill in Full name with Grace Hopper, email grace@example.test, check-in 2026-07-01, "
        "3 nights, choose Continental breakfast, tick Parking space and confirm the booking",
        submitted(
            "booking",
            guest="Grace Hopper",
            email="grace@example.test",
            checkin="2026-07-01",
            nights="3",
            breakfast="continental",
            parking="on",
        ),
        "hotel-booking-form",
    ),
    case("hotel.html", "Which breakfast option is selected?", equals("None"), "hotel-ask-radio"),
    case("hotel.html", "Does the Family Suite have a king bed?", yes_no(False), "hotel-yes-no"),
    case(
        "settings.html",
        "Toggle on push notifications and click Save changes",
        submitted("settings", push="on"),
        "settings-already-on",
    ),
    case(
        "settings.html",
        "Please enable two-factor authentication, set the theme to Light and save changes",
        submitted("settings", twofa="on", theme="light"),
        "settings-polite-multi",
    ),
    case(
        "results.html",
        "Which airline has the most expensive flight?",
        equals("Air France"),
        "flights-most-expensive-airline",
    ),
    case(
        "results.html",
        "Pick the second flight",
        submitted("select", flight="UX 1028"),
        "flights-second",
    ),
    case(
        "jobs.html",
        "Show me the companies of all jobs",
        items("Lumen Labs", "Orbit Studio", "Quanta Analytics", "Pixel & Co", "Testwise"),
        "jobs-list-field",
    ),
    case(
        "compare.html",
        "Which laptop has the longest battery life?",
        equals("Beta Pro"),
        "compare-longest",
    ),
    case("recipe.html", "How long does it take to cook?", equals("12 min"), "recipe-cook-time"),
    case("bank.html", "How much did I spend at Green Grocer Market?", says("63.40"), "bank-spent"),
]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "prompt", "check"), CASES)
async def test_heldout_prompt(
    heldout: HeldoutSite, page: str | None, prompt: str, check: Check
) -> None:
    await run_case(heldout, page, prompt, check)
