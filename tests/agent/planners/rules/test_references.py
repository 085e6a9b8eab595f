"""Values the user points at: each reference resolved on the page, or refused, never typed."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, Observation, Table
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.act import Context, actions_for
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.parse import parse_task
from pupi.agent.planners.rules.references import (
    arithmetic,
    carries_literal,
    is_reference,
    reference_key,
    resolve_reference,
)


def _page(texts: list[str], *, elements: list[Element] | None = None) -> Observation:
    record = Table(
        selector="#record",
        rows=[["Country", "Chile"], ["Member ID", "M-7731"], ["Account owner", "Ravi Das"]],
    )
    return Observation(url="http://x.test/", texts=texts, tables=[record], elements=elements or [])


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("the value of Country", "Chile"),
        ("the member ID", "M-7731"),
        ("the account owner's name", "Ravi Das"),
        ("the 4th word in the paragraph", "fox"),
        ("the last word of the paragraph", "dog"),
        ("the text below", "Copy this line exactly"),
        ("your answer", "42"),
    ],
)
def test_a_reference_is_resolved_on_the_page(reference: str, expected: str) -> None:
    texts = [
        "The quick brown fox jumps over the lazy dog",
        "Type the text below into the box.",
        "Copy this line exactly",
        "What is 6 \u00d7 7?",
    ]
    assert is_reference(reference)
    assert resolve_reference(reference, _page(texts)) == expected


def test_the_text_of_the_one_textarea_is_its_value() -> None:
    note = Element(index=1, role="textbox", tag="textarea", value="Ships Monday", selector="#n")
    title = Element(index=2, role="textbox", tag="input", label="Title", selector="#t")
    page = _page([], elements=[note, title])
    assert resolve_reference("the text from the textarea", page) == "Ships Monday"


def test_what_the_page_does_not_hold_resolves_to_nothing() -> None:
    page = _page(["Nothing to see"])
    for reference in (
        "the value of Postcode",
        "the text below",
        "your answer",
        "the 9th word in it",
    ):
        assert resolve_reference(reference, page) is None


def test_two_problems_on_a_page_are_not_solved_by_picking_one() -> None:
    assert arithmetic(_page(["3 + 4 = ?", "10 - 2 = ?"])) is None
    assert arithmetic(_page(["What is 17 + 26?"])) == "43"
    assert arithmetic(_page(["Compute 7 / 2"])) == "3.5"


def test_literals_and_quoted_words_are_not_references() -> None:
    assert not is_reference("ada@example.test")
    assert not is_reference("Hello world")
    assert carries_literal("the date 12/14/2026")
    assert not carries_literal("the 5th word")


def _type(prompt: str, page: Observation) -> list[Action]:
    (intent,) = parse_task(prompt)
    return actions_for(intent, Context(page, None), "why")


def test_an_unresolvable_reference_is_refused_rather_than_typed() -> None:
    field = Element(index=1, role="textbox", tag="input", label="Answer", selector="#a")
    page = _page(["Confirm one detail."], elements=[field])
    with pytest.raises(GroundingError, match="could not find 'the value of Postcode'"):
        _type("Type the value of Postcode into the Answer field", page)
    typed = _type("Type the value of Country into the Answer field", page)
    assert [(a.kind, a.element, a.text) for a in typed] == [("type", 1, "Chile")]


def test_where_a_reference_is_shown_is_not_part_of_its_name() -> None:
    assert reference_key("the Member ID shown in the table") == "Member ID"
    assert reference_key("the value of Country listed above") == "Country"
    page = _page([])
    assert resolve_reference("the member ID listed above", page) == "M-7731"
    assert resolve_reference("the Country from the table", page) == "Chile"


def _support_form() -> Observation:
    member = Element(
        index=1,
        role="textbox",
        tag="input",
        label="Member ID",
        context="Contact support",
        form=0,
        selector="#m",
    )
    message = Element(
        index=2,
        role="textbox",
        tag="textarea",
        label="Message",
        context="Contact support",
        form=0,
        selector="#msg",
    )
    return _page([], elements=[member, message])


@pytest.mark.parametrize(
    "prompt",
    [
        "Enter the member ID listed above into the form field",
        "Copy the member ID from the table into the support form",
    ],
)
def test_a_value_for_a_form_goes_into_the_field_named_like_it(prompt: str) -> None:
    typed = _type(prompt, _support_form())
    assert [(a.kind, a.element, a.text) for a in typed] == [("type", 1, "M-7731")]


def test_a_form_with_no_field_for_the_value_is_refused() -> None:
    with pytest.raises(GroundingError, match="could not find 'the account number"):
        _type("Copy the account number from the table into the support form", _support_form())
