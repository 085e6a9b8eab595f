"""Step intents and re-grounding them on a changed page, on small hand-made observations."""

from __future__ import annotations

import pytest

from pupi.agent.intent import intent_for
from pupi.agent.observe.model import Element, Observation
from pupi.agent.reground import reground
from pupi.steps import StepIntent, parse_steps

URL = "http://example.test/page"


def _element(index: int, role: str, name: str, selector: str, **facts: object) -> Element:
    return Element(index=index, role=role, name=name, selector=selector, **facts)


def _page(*elements: Element) -> Observation:
    return Observation(url=URL, elements=list(elements))


FIELD = {"tag": "input", "type": "text", "region": "main"}


def test_the_intent_records_what_a_person_sees_and_the_clause_it_served() -> None:
    element = _element(
        3, "textbox", "Email", "#email", label="Email", placeholder="you@example.com", **FIELD
    )
    intent = intent_for(element, " type ada@example.com into email ")
    assert intent == StepIntent(
        role="textbox",
        name="Email",
        label="Email",
        placeholder="you@example.com",
        region="main",
        tag="input",
        type="text",
        instruction="type ada@example.com into email",
    )
    assert intent_for(element, None).instruction is None


def test_an_element_whose_id_changed_is_found_by_its_name_and_label() -> None:
    intent = StepIntent(role="textbox", name="Username", label="Username", **FIELD)
    page = _page(
        _element(1, "textbox", "Password", "#v1-password", label="Password", **FIELD),
        _element(2, "textbox", "Username", "#v1-username", label="Username", **FIELD),
        _element(3, "button", "Log in", 'role=button[name="Log in"s]', tag="button"),
    )
    found = reground(page, intent, "type")
    assert found.element is not None and found.element.selector == "#v1-username"
    assert "textbox 'Username'" in found.reason


def test_a_password_field_is_not_taken_for_a_text_field_of_the_same_name() -> None:
    intent = StepIntent(role="textbox", name="Secret", tag="input", type="text")
    page = _page(
        _element(1, "textbox", "Secret", "#secret", tag="input", type="password"),
        _element(2, "textbox", "Secret", "#secret-2", tag="input", type="text"),
    )
    found = reground(page, intent, "type")
    assert found.element is not None and found.element.index == 2


def test_weak_evidence_is_refused_with_the_closest_candidate_named() -> None:
    intent = StepIntent(role="button", name="Place order", tag="button")
    page = _page(
        _element(1, "button", "Cancel", "#cancel", tag="button"),
        _element(2, "link", "Order history", "#history", tag="a"),
    )
    found = reground(page, intent, "click")
    assert found.element is None
    assert "no element matches button 'Place order'" in found.reason
    assert "closest" in found.reason


def test_alike_elements_are_refused_unless_their_context_tells_them_apart() -> None:
    intent = StepIntent(role="button", name="Add to cart", context="Trail Mug", tag="button")
    alike = _page(
        _element(1, "button", "Add to cart", "#a1", tag="button", context="Desk Lamp"),
        _element(2, "button", "Add to cart", "#a2", tag="button", context="Trail Mug"),
        _element(3, "button", "Add to cart", "#a3", tag="button", context="Notebook"),
    )
    found = reground(alike, intent, "click")
    assert found.element is not None and found.element.selector == "#a2"

    without_context = intent.model_copy(update={"context": None})
    refused = reground(alike, without_context, "click")
    assert refused.element is None
    assert "3 elements match" in refused.reason


def test_only_elements_that_can_take_the_action_are_candidates() -> None:
    intent = StepIntent(role="combobox", name="Country", tag="select")
    page = _page(
        _element(1, "link", "Country", "#country-help", tag="a"),
        _element(2, "combobox", "Country", "#v2-country", tag="select", options=["France"]),
    )
    found = reground(page, intent, "select")
    assert found.element is not None and found.element.index == 2
    assert reground(_page(page.elements[0]), intent, "select").element is None


@pytest.mark.parametrize(
    "intent",
    [
        pytest.param(StepIntent(), id="empty"),
        pytest.param(StepIntent(role="button", tag="button"), id="a-role-alone"),
    ],
)
def test_an_intent_that_names_nothing_is_refused(intent: StepIntent) -> None:
    page = _page(_element(1, "button", "Go", "#go", tag="button"))
    found = reground(page, intent, "click")
    assert found.element is None
    assert "names nothing" in found.reason


def test_an_intent_is_never_templated() -> None:
    # The instruction quotes the prompt, placeholders and all; they have no value here.
    steps = parse_steps(
        [
            {
                "action": "type",
                "selector": "#q",
                "text": "tea",
                "intent": {"name": "Search", "instruction": "type {{term}} into search"},
            }
        ]
    )
    assert steps[0].intent == StepIntent(name="Search", instruction="type {{term}} into search")
