# ruff: noqa: E501  (a table of prompts: one task per line reads best)
"""The agent evaluation tasks: prompts for the demo site and how to check them.

Each :class:`Task` has a prompt (``{base}`` is the demo site's URL), the kind
of page it exercises, and a checker that reads the site's server-side state
and the answer. The phrasings vary on purpose: the planner must understand
English, not this list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["TASKS", "Task"]

State = dict[str, Any]
Checker = Callable[[State, Any], bool]


@dataclass(frozen=True)
class Task:
    """One prompt, the page kind it exercises, and its success check."""

    id: str
    kind: str
    prompt: str
    check: Checker
    start: str | None = None
    expect_failure: bool = False
    """The planner should stop with a reason (nothing on the page fits the prompt)."""


def _has(*needles: str) -> Checker:
    """The answer contains every needle (case-insensitive)."""

    def check(state: State, answer: Any) -> bool:
        text = str(answer or "").casefold()
        return all(n.casefold() in text for n in needles)

    return check


def _is(expected: str) -> Checker:
    def check(state: State, answer: Any) -> bool:
        return str(answer or "").strip().casefold() == expected.casefold()

    return check


def _json_list(*expected: str) -> Checker:
    def check(state: State, answer: Any) -> bool:
        try:
            values = answer if isinstance(answer, list) else json.loads(str(answer))
        except ValueError:
            return False
        return sorted(str(v) for v in values) == sorted(expected)

    return check


def _logged_in(user: str) -> Checker:
    return lambda state, answer: user in state["logins"]


def _failed_login(user: str) -> Checker:
    return lambda state, answer: user in state["failed_logins"] and not state["logins"]


def _cart(*names: str, qty: int | None = None) -> Checker:
    def check(state: State, answer: Any) -> bool:
        lines = {line["name"]: line["qty"] for line in state["cart"]}
        if sorted(lines) != sorted(names):
            return False
        return qty is None or all(q == qty for q in lines.values())

    return check


def _submitted(form: str, **fields: str | list[str]) -> Checker:
    def check(state: State, answer: Any) -> bool:
        for submission in state["submissions"]:
            if submission["form"] != form:
                continue
            got = submission["fields"]
            if all(
                (sorted(got.get(k) or []) == sorted(v)) if isinstance(v, list) else got.get(k) == v
                for k, v in fields.items()
            ):
                return True
        return False

    return check


def _todos(check_todos: Callable[[list[dict[str, Any]]], bool]) -> Checker:
    return lambda state, answer: check_todos(state["todos"])


def _event(page: str, event: str, value: Any) -> Checker:
    def check(state: State, answer: Any) -> bool:
        return any(
            e.get("page") == page and e.get("event") == event and e.get("value") == value
            for e in state["events"]
        )

    return check


def _both(first: Checker, second: Checker) -> Checker:
    return lambda state, answer: first(state, answer) and second(state, answer)


def _not_done(title: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda todos: any(t["title"] == title and not t["done"] for t in todos)


TASKS: list[Task] = [
    # Product grid and details ------------------------------------------------
    Task(
        "shop-first-price",
        "shop",
        "Find the price of the first product on {base}/shop",
        _has("$24.00"),
    ),
    Task(
        "shop-cheapest",
        "shop",
        "Go to {base}/shop and tell me which product is the cheapest.",
        _has("Ceramic Coffee Mug"),
    ),
    Task(
        "shop-most-expensive-price",
        "shop",
        "Open {base}/shop. What does the most expensive product cost?",
        _has("$199.00"),
    ),
    Task("shop-count", "shop", "How many products are listed on {base}/shop?", _is("12")),
    Task(
        "shop-rating", "shop", "On {base}/shop, what is the rating of the Desk Lamp?", _has("4.1")
    ),
    Task(
        "shop-category-of",
        "shop",
        "Visit {base}/shop and find out which category the Trail Backpack belongs to",
        _has("Outdoors"),
    ),
    Task(
        "shop-under-30",
        "shop",
        "go to {base}/shop and list the names of all products under $30",
        _json_list(
            "Wireless Mouse",
            "Ceramic Coffee Mug",
            "Insulated Water Bottle",
            "Camping Lantern",
            "The Browser Handbook",
        ),
    ),
    Task(
        "shop-name-price-second",
        "shop",
        "Tell me the name and price of the second product on {base}/shop",
        _both(_has("Mechanical Keyboard"), _has("$89.00")),
    ),
    Task(
        "shop-highest-rated",
        "shop",
        "Which product on {base}/shop is the highest rated?",
        _has("Clean Python"),
    ),
    Task(
        "shop-exists-yes",
        "shop",
        "Is there a product called 'Desk Lamp' on {base}/shop?",
        _is("yes"),
    ),
    Task(
        "shop-exists-no", "shop", 'Does {base}/shop sell a product called "Garden Hose"?', _is("no")
    ),
    Task(
        "shop-more-than-100",
        "shop",
        "How many products on {base}/shop cost more than $100?",
        _is("1"),
    ),
    Task(
        "shop-add-cheapest",
        "shop",
        "Go to {base}/shop and add the cheapest product to the cart",
        _cart("Ceramic Coffee Mug"),
    ),
    Task(
        "shop-add-named",
        "shop",
        "Open {base}/shop, then add the Camping Lantern to my cart.",
        _cart("Camping Lantern"),
    ),
    Task(
        "shop-add-two",
        "shop",
        "go to {base}/shop, add the Wireless Mouse to the cart and add the Desk Lamp to the cart",
        _cart("Wireless Mouse", "Desk Lamp"),
    ),
    Task(
        "shop-add-third",
        "shop",
        "At {base}/shop click the third Add to cart button",
        _cart("Noise-Cancelling Headphones"),
    ),
    Task(
        "product-open-price",
        "product",
        "Go to {base}/shop, open the fourth product and tell me its price",
        _has("$12.50"),
    ),
    Task(
        "product-spec",
        "product",
        "Open {base}/shop/product/2 and tell me the weight of the product",
        _has("820 g"),
    ),
    Task(
        "product-qty",
        "product",
        "Go to {base}/shop/product/7, set the quantity to 3 and add it to the cart",
        _cart("Trail Backpack", qty=3),
    ),
    Task(
        "product-follow-link",
        "product",
        "Visit {base}/shop, click on Clean Python and tell me its category",
        _has("Books"),
    ),
    Task(
        "shop-filter",
        "shop",
        "On {base}/shop select Books in the Category dropdown, click Apply, then tell me how many products are shown",
        _is("3"),
    ),
    Task(
        "shop-sort",
        "shop",
        "Go to {base}/shop, sort by price: high to low, press Apply and tell me the name of the first product",
        _has("Noise-Cancelling Headphones"),
    ),
    # Login ---------------------------------------------------------------------
    Task(
        "login-as",
        "login",
        "Go to {base}/login and log in as ada with password lovelace",
        _logged_in("ada"),
    ),
    Task(
        "login-fields",
        "login",
        "Open {base}/login, enter alan as the username and turing as the password, then click Log in",
        _logged_in("alan"),
    ),
    Task(
        "login-type-enter",
        "login",
        "Go to {base}/login. Type grace into the Username field, type hopper into the Password field and press Enter.",
        _logged_in("grace"),
    ),
    Task(
        "login-wrong",
        "login",
        "Go to {base}/login and sign in with username ada and password wrong",
        _failed_login("ada"),
    ),
    Task(
        "login-nav",
        "login",
        "Go to {base}/shop, click the Log in link, then log in as ada / lovelace",
        _logged_in("ada"),
    ),
    # Multi-field forms ---------------------------------------------------------
    Task(
        "register-full",
        "form",
        "Go to {base}/register and fill the form with full name Ada Lovelace, email ada@example.com, country United Kingdom, plan Pro, then tick News and Offers, agree to the terms and click Create account",
        _submitted(
            "register",
            full_name="Ada Lovelace",
            email="ada@example.com",
            country="United Kingdom",
            plan="pro",
            interests=["news", "offers"],
        ),
    ),
    Task(
        "register-date-time",
        "form",
        "Open {base}/register. Enter Grace Hopper as the full name and grace@example.com as the email, select Canada from the country dropdown, choose the Team plan, set the date of birth to December 9, 1906 and the best time to call to 3:30 pm, check the terms checkbox and submit the form",
        _submitted(
            "register",
            full_name="Grace Hopper",
            country="Canada",
            plan="team",
            birth_date="1906-12-09",
            contact_time="15:30",
        ),
    ),
    Task(
        "register-with",
        "form",
        "Go to {base}/register and register with name Alan Turing, email alan@example.com, country Japan and plan Free; accept the terms and create the account",
        _submitted(
            "register",
            full_name="Alan Turing",
            email="alan@example.com",
            country="Japan",
            plan="free",
        ),
    ),
    Task(
        "register-team-size",
        "form",
        "go to {base}/register, type Katherine Johnson in Full name, type kj@example.com in Email, pick India as the country, select Pro, set team size to 12, tick the terms box and click Create account",
        _submitted("register", full_name="Katherine Johnson", country="India", team_size="12"),
    ),
    Task(
        "register-missing-field",
        "form",
        "Go to {base}/register and type SAVE10 into the coupon code field",
        lambda state, answer: not state["submissions"],
        expect_failure=True,
    ),
    Task(
        "contact-send",
        "form",
        "Go to {base}/contact and send a message: your name Ada, email ada@example.com, topic Feedback, message Lovely site! Then click Send message",
        _submitted(
            "contact", name="Ada", email="ada@example.com", topic="feedback", message="Lovely site!"
        ),
    ),
    Task(
        "contact-fill-in",
        "form",
        "Open {base}/contact, fill in Your name with Alan and Email with alan@example.com, choose Order support as the topic, write 'Where is my order?' in the message box and submit it",
        _submitted("contact", name="Alan", topic="order", message="Where is my order?"),
    ),
    Task(
        "newsletter",
        "form",
        "On {base}/ enter news@example.com in the email address field and click Subscribe",
        lambda state, answer: "news@example.com" in state["newsletter"],
    ),
    # Data table ----------------------------------------------------------------
    Task(
        "table-email",
        "table",
        "What is Grace Hopper's email address? It is on {base}/table",
        _has("grace.hopper@example.com"),
    ),
    Task(
        "table-department",
        "table",
        "Go to {base}/table and tell me what department Alan Turing works in",
        _is("Research"),
    ),
    Task(
        "table-count-dept",
        "table",
        "How many employees work in Engineering according to {base}/table?",
        _is("4"),
    ),
    Task(
        "table-highest-salary",
        "table",
        "Who has the highest salary on {base}/table?",
        _has("Grace Hopper"),
    ),
    Task(
        "table-list-research",
        "table",
        "On {base}/table, list the names of everyone in Research",
        _json_list("Alan Turing", "Katherine Johnson"),
    ),
    Task(
        "table-two-fields",
        "table",
        "Find the role and start date of Chen Wei on {base}/table",
        _both(_has("Sales Manager"), _has("2016-11-07")),
    ),
    Task(
        "table-third-salary",
        "table",
        "go to {base}/table and get the salary of the third employee",
        _has("152,000"),
    ),
    Task(
        "table-newest",
        "table",
        "On {base}/table who is the most recently hired employee?",
        _has("Kenji Tanaka"),
    ),
    Task("table-total", "table", "How many people are in the table on {base}/table?", _is("15")),
    # Todo list -----------------------------------------------------------------
    Task(
        "todo-add",
        "todos",
        "Go to {base}/todos and add a todo called 'Water the plants'",
        _todos(lambda t: any(x["title"] == "Water the plants" for x in t)),
    ),
    Task(
        "todo-add-enter",
        "todos",
        "Open {base}/todos, type Call the bank into the New todo field and press Enter",
        _todos(lambda t: any(x["title"] == "Call the bank" for x in t)),
    ),
    Task(
        "todo-complete",
        "todos",
        'On {base}/todos mark "Buy milk" as done',
        _todos(lambda t: any(x["title"] == "Buy milk" and x["done"] for x in t)),
    ),
    Task(
        "todo-uncheck",
        "todos",
        "Go to {base}/todos and uncheck Read the Pupi docs",
        _todos(_not_done("Read the Pupi docs")),
    ),
    Task(
        "todo-delete",
        "todos",
        "Go to {base}/todos and delete the todo Buy milk",
        _todos(lambda t: all(x["title"] != "Buy milk" for x in t)),
    ),
    Task("todo-count-open", "todos", "How many todos are still open on {base}/todos?", _is("1")),
    Task(
        "todo-add-then-complete",
        "todos",
        "go to {base}/todos, add 'Book flights' to the list, then tick Book flights",
        _todos(lambda t: any(x["title"] == "Book flights" and x["done"] for x in t)),
    ),
    # Search with pagination ----------------------------------------------------
    Task(
        "search-count",
        "search",
        "Go to {base}/search, search for python and tell me how many results there are in total",
        _is("11"),
    ),
    Task(
        "search-first-title",
        "search",
        "On {base}/search look up async and give me the title of the first result",
        _has("Async Python explained"),
    ),
    Task(
        "search-page-2",
        "search",
        "Go to {base}/search?q=a, go to page 2 and tell me the title of the first result",
        _has("How browsers render a page"),
    ),
    Task(
        "search-author",
        "search",
        "Search {base}/search for 'type hints' and tell me who wrote the first result",
        _has("Alan Turing"),
    ),
    Task(
        "search-next",
        "search",
        "Open {base}/search?q=a, click Next and tell me the author of the last result",
        _has(" "),
    ),
    # Dialogs -------------------------------------------------------------------
    Task(
        "dialog-alert",
        "dialogs",
        "Go to {base}/dialogs, click Show alert and tell me what the alert says",
        _has("Hello from Pupi Demo"),
    ),
    Task(
        "dialog-confirm",
        "dialogs",
        "Open {base}/dialogs and click the Ask to continue button",
        _event("dialogs", "confirm", True),
    ),
    Task(
        "dialog-modal",
        "dialogs",
        "Go to {base}/dialogs, open the dialog and click Confirm",
        _event("dialogs", "modal", "confirmed"),
    ),
    Task(
        "dialog-modal-cancel",
        "dialogs",
        "Go to {base}/dialogs, click Open dialog, then press Cancel",
        _event("dialogs", "modal", "cancelled"),
    ),
    # Tabs ----------------------------------------------------------------------
    Task(
        "tabs-reviews",
        "tabs",
        "Go to {base}/tabs, open the Reviews tab and tell me the average rating",
        _has("4.4"),
    ),
    Task(
        "tabs-specs",
        "tabs",
        "On {base}/tabs switch to the Specs tab and tell me the weight",
        _has("950 g"),
    ),
    # Collapsible sections ------------------------------------------------------
    Task(
        "faq-shipping",
        "faq",
        "Go to {base}/faq, expand 'How long does shipping take?' and tell me the answer",
        _has("3-5 business days"),
    ),
    Task(
        "faq-warranty",
        "faq",
        "Open {base}/faq, click Is there a warranty? and tell me what it says",
        _has("2-year warranty"),
    ),
    # Date inputs ---------------------------------------------------------------
    Task(
        "booking",
        "booking",
        "Go to {base}/booking and book a room: guest name Ada Lovelace, check-in date 2025-06-10, check-out date 2025-06-12, arrival time 4pm, room Deluxe, then click Book now",
        _submitted(
            "booking",
            name="Ada Lovelace",
            check_in="2025-06-10",
            check_out="12/06/2025",
            arrival_time="16:00",
        ),
    ),
    Task(
        "booking-words",
        "booking",
        "Open {base}/booking. Enter Alan Turing as the guest name, set the check-in date to March 3, 2025 and the check-out date to March 5, 2025, choose Suite as the room, 3 as guests and click Book now",
        _submitted(
            "booking", name="Alan Turing", check_in="2025-03-03", check_out="05/03/2025", guests="3"
        ),
    ),
    # Navigation ----------------------------------------------------------------
    Task(
        "nav-link-back",
        "navigation",
        "Go to {base}/, follow the Employees link, go back, then tell me the page heading",
        _has("Pupi Demo"),
    ),
    Task(
        "nav-open-link",
        "navigation",
        "Go to {base}/ and open the FAQ page, then tell me the title of the page",
        _has("FAQ"),
    ),
]
