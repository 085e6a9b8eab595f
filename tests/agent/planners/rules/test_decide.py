"""The offline planner's decision step, on recorded observations: no browser."""

from __future__ import annotations

import json

import pytest

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action, HistoryEntry, Planner
from pupi.agent.planners.rules import RulesPlanner, decide
from pupi.agent.planners.rules.progress import Mark, read_progress

from .conftest import page


def _named(observation: Observation, action: Action) -> str:
    assert action.element is not None
    return observation.element(action.element).name


@pytest.mark.parametrize(
    ("name", "task", "expected"),
    [
        pytest.param("shop", "Find the price of the first product", "$24.00", id="first-price"),
        pytest.param("shop", "What is the cheapest product?", "Ceramic Coffee Mug", id="cheapest"),
        pytest.param("shop", "How many products are there?", "12", id="count"),
        pytest.param("shop", "What is the rating of the Desk Lamp?", "4.1", id="rating"),
        pytest.param("shop", "Which category is the Trail Backpack in?", "Outdoors", id="category"),
        pytest.param("shop", "How many products cost more than $100?", "1", id="compare"),
        pytest.param("shop", "Is there a product called 'Desk Lamp'?", "yes", id="yes"),
        pytest.param("shop", "Is there a product called 'Garden Hose'?", "no", id="no"),
        pytest.param(
            "shop", "Which product is the highest rated?", "Clean Python", id="best-rated"
        ),
        pytest.param("shop_product_1", "What is the price of this product?", "$24.00", id="detail"),
        pytest.param("shop_product_1", "What is the product's weight?", "85 g", id="spec-sheet"),
        pytest.param(
            "table", "What is Grace Hopper's email?", "grace.hopper@example.com", id="row-col"
        ),
        pytest.param("table", "What department does Alan Turing work in?", "Research", id="verb-q"),
        pytest.param("table", "How many employees work in Engineering?", "4", id="count-where"),
        pytest.param("table", "Who has the highest salary?", "Grace Hopper", id="who-max"),
        pytest.param("table", "What is the highest salary?", "$152,000", id="what-max"),
        pytest.param("table", "What is the salary of the third employee?", "$152,000", id="nth"),
        pytest.param("todos", "How many todos are still open?", "1", id="open-todos"),
        pytest.param(
            "search_q_a", "Who is the author of the second result?", "Alan Turing", id="author"
        ),
        pytest.param("search_q_a", "How many results are there in total?", "40", id="total"),
        pytest.param("tabs", "What is the page title?", "Tabs · Pupi Demo", id="page-title"),
    ],
)
def test_questions_are_answered_from_the_page(name: str, task: str, expected: str) -> None:
    decision = decide(task, page(name), [])
    assert decision.done, decision.reason
    assert decision.answer == expected


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        pytest.param(
            "List the names of everyone in Research",
            ["Alan Turing", "Katherine Johnson"],
            id="list",
        ),
        pytest.param(
            "What is the start date and role of Chen Wei?",
            {"Start date": "2016-11-07", "Role": "Sales Manager"},
            id="fields",
        ),
    ],
)
def test_lists_and_several_fields_are_json(task: str, expected: object) -> None:
    decision = decide(task, page("table"), [])
    assert json.loads(decision.answer) == expected


@pytest.mark.parametrize(
    ("name", "task", "kind", "element", "text"),
    [
        pytest.param(
            "shop",
            "open the third product",
            "click",
            "Noise-Cancelling Headphones",
            None,
            id="nth-item",
        ),
        pytest.param(
            "shop", "click on the Camping Lantern", "click", "Camping Lantern", None, id="by-name"
        ),
        pytest.param(
            "shop",
            "open the highest rated product",
            "click",
            "Clean Python",
            None,
            id="superlative",
        ),
        pytest.param("shop", "go to the cart", "click", "Cart (0)", None, id="go-to-link"),
        pytest.param(
            "shop",
            "sort by price: low to high",
            "select",
            "Sort by",
            "Price: low to high",
            id="sort",
        ),
        pytest.param(
            "shop",
            "select Books from the category dropdown",
            "select",
            "Category",
            "Books",
            id="dropdown",
        ),
        pytest.param("register", "choose Team as the plan", "check", "Team", None, id="radio"),
        pytest.param(
            "register",
            "check the terms checkbox",
            "check",
            "I agree to the terms and conditions *",
            None,
            id="checkbox",
        ),
        pytest.param("register", "enter 5 as the team size", "type", "Team size", "5", id="as-the"),
        pytest.param(
            "booking",
            "set the check-in date to March 3, 2025",
            "type",
            "Check-in date",
            "2025-03-03",
            id="date",
        ),
        pytest.param(
            "booking", "set the arrival time to 4pm", "type", "Arrival time", "16:00", id="time"
        ),
        pytest.param(
            "booking",
            "set the check-out date to March 5, 2025",
            "type",
            "Check-out date (DD/MM/YYYY)",
            "05/03/2025",
            id="placeholder-date",
        ),
        pytest.param("todos", "mark 'Buy milk' as done", "check", "Buy milk", None, id="todo-done"),
        pytest.param(
            "todos", "delete the todo Buy milk", "click", "Delete Buy milk", None, id="delete"
        ),
        pytest.param(
            "faq",
            "expand 'How long does shipping take?'",
            "click",
            "How long does shipping take?",
            None,
            id="expand",
        ),
        pytest.param("tabs", "switch to the Specs tab", "click", "Specs", None, id="tab"),
        pytest.param("search_q_a", "go to page 2", "click", "Page 2", None, id="pagination"),
        pytest.param(
            "dialogs", "click the Show alert button", "click", "Show alert", None, id="button"
        ),
    ],
)
def test_single_actions_are_grounded(
    name: str, task: str, kind: str, element: str, text: str | None
) -> None:
    observation = page(name)
    decision = decide(task, observation, [])
    assert not decision.failed, decision.reason
    action = decision.actions[0]
    assert action.kind == kind
    assert _named(observation, action) == element
    assert (action.text or action.value) == text


def test_adding_the_cheapest_product_clicks_its_own_button() -> None:
    observation = page("shop")
    action = decide("add the cheapest product to the cart", observation, []).actions[0]
    assert observation.element(action.element or 0).context == "Ceramic Coffee Mug"


def test_login_fills_both_fields_then_submits() -> None:
    observation = page("login")
    actions = decide("Log in as ada with password lovelace", observation, []).actions
    assert [(a.kind, _named(observation, a), a.text) for a in actions] == [
        ("type", "Username", "ada"),
        ("type", "Password", "lovelace"),
        ("click", "Log in", None),
    ]


def test_a_form_is_filled_from_field_value_pairs() -> None:
    observation = page("register")
    task = (
        "Fill the form with full name Ada Lovelace, email ada@example.com, country Canada, "
        "plan Pro, date of birth 10 December 1815, best time to call 3:30 pm"
    )
    actions = decide(task, observation, []).actions
    assert [(a.kind, _named(observation, a), a.text or a.value) for a in actions] == [
        ("type", "Full name *", "Ada Lovelace"),
        ("type", "Email *", "ada@example.com"),
        ("select", "Country *", "Canada"),
        ("check", "Pro", None),
        ("type", "Date of birth", "1815-12-10"),
        ("type", "Best time to call", "15:30"),
    ]


def test_a_url_in_the_task_is_visited_first() -> None:
    decision = decide(
        "Find the price of the first product on http://127.0.0.1:9/shop", page("login"), []
    )
    assert [(a.kind, a.url) for a in decision.actions] == [("go", "http://127.0.0.1:9/shop")]


def test_the_plan_is_kept_in_the_memo_and_the_why_is_plain_words() -> None:
    task = "Find the price of the first product on http://127.0.0.1:9/shop"
    first = decide(task, page("login"), []).actions[0]
    assert first.why is not None and "[" not in first.why and "||" not in first.why
    assert Mark.model_validate(first.memo) == Mark(clause=0, phase="main")
    # The next turn reads where the plan stands from the memo alone.
    entry = _entry(first.model_copy(update={"why": "anything"}))
    assert read_progress([entry]).next_clause == 1
    assert read_progress([_entry(first.model_copy(update={"memo": None}))]).next_clause == 0


def _entry(action: Action, *, ok: bool = True, error: str | None = None) -> HistoryEntry:
    return HistoryEntry(
        action=action,
        step={"action": action.kind},
        ok=ok,
        error=error,
        url_before="about:blank",
        url_after="about:blank",
    )


def test_the_next_clause_follows_from_the_history() -> None:
    task = "Find the price of the first product on http://127.0.0.1:9/shop"
    observation = page("shop")
    first = decide(task, page("login"), [])
    decision = decide(task, observation, [_entry(a) for a in first.actions])
    assert decision.done and decision.answer == "$24.00"


def test_a_failed_action_stops_the_plan_with_its_error() -> None:
    task = "type ada in the username field"
    first = decide(task, page("login"), [])
    decision = decide(task, page("login"), [_entry(first.actions[0], ok=False, error="timeout")])
    assert decision.failed and "timeout" in (decision.reason or "")


@pytest.mark.parametrize(
    ("name", "task", "reason"),
    [
        pytest.param("register", "type SAVE10 into the coupon field", "coupon", id="no-field"),
        pytest.param("shop", "click Add to cart", "say which one", id="ambiguous"),
        pytest.param("login", "click the Frobnicate button", "Frobnicate", id="no-button"),
    ],
)
def test_ungroundable_clauses_wait_then_fail_with_a_reason(
    name: str, task: str, reason: str
) -> None:
    observation = page(name)
    history: list[HistoryEntry] = []
    for _ in range(5):
        decision = decide(task, observation, history)
        if decision.failed:
            break
        assert [a.kind for a in decision.actions] == ["wait"]
        history.append(_entry(decision.actions[0]))
    assert decision.failed
    assert reason in (decision.reason or "")


def test_a_clause_already_satisfied_needs_no_action() -> None:
    decision = decide("check Read the Pupi docs", page("todos"), [])
    assert decision.done


async def test_the_rules_planner_implements_the_protocol() -> None:
    planner = RulesPlanner()
    assert isinstance(planner, Planner)
    assert planner.name == "rules" and planner.usage.requests == 0
    decision = await planner.decide("How many products are there?", page("shop"), [])
    assert decision.answer == "12"


def test_a_page_with_150_more_links_gets_the_same_decision() -> None:
    # How long this decision takes is measured by bench/planner_decide.py ("wide page").
    observation = page("shop")
    many = observation.model_copy(
        update={
            "elements": [
                *observation.elements,
                *[
                    Element(index=100 + i, role="link", name=f"Link {i}", selector=f"#l{i}")
                    for i in range(150)
                ],
            ]
        }
    )
    task = "add the most expensive product to the cart"
    decision = decide(task, many, [])
    assert decision.actions == decide(task, observation, []).actions
    [action] = decision.actions
    assert action.kind == "click"
    assert many.element(action.element or 0).context == "Noise-Cancelling Headphones"
