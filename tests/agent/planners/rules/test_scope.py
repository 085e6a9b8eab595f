"""Naming a list item by what it holds: reading the scope, then grounding inside the item."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, ItemList, Observation
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.intents import Scope, Target
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.scoped import scoped_element


@pytest.mark.parametrize(
    ("phrase", "control", "noun", "words", "ordinal"),
    [
        ("the trash icon of the email from Ana Lind", "trash", "email", ("Ana Lind",), None),
        ("the email from Ana Lind", None, "email", ("Ana Lind",), None),
        ("Share on @ovid's post", "Share", "post", ("@ovid",), None),
        ("Ana Lind's email about the boat trip", None, "email", ("Ana Lind", "boat trip"), None),
        ("the third comment by Bo", None, "comment", ("Bo",), 3),
        ("the review titled Great value", None, "review", ("Great value",), None),
        ("the Reply button on the message from Kim", "Reply", "message", ("Kim",), None),
    ],
)
def test_a_scope_is_read_from_the_words(
    phrase: str, control: str | None, noun: str, words: tuple[str, ...], ordinal: int | None
) -> None:
    scope = parse_target(phrase).scope
    assert scope is not None
    assert (scope.noun, scope.words, scope.ordinal) == (noun, words, ordinal)
    assert (scope.control.text if scope.control else None) == control


@pytest.mark.parametrize(
    "phrase",
    ["the text from the textarea", "the value of Country", "Add to cart for the Blue Mug", "Save"],
)
def test_descriptions_of_one_element_have_no_scope(phrase: str) -> None:
    assert parse_target(phrase).scope is None


def _inbox() -> Observation:
    """Three rows of one list, each with its own Open link and an icon button titled Archive."""
    rows = [("Ana Lind", "Boat trip"), ("Bo Sand", "Invoice"), ("Ana Lind", "Budget")]
    elements = []
    for position, (_sender, subject) in enumerate(rows):
        base = position * 2
        elements.append(
            Element(
                index=base + 1,
                role="button",
                name=subject,
                selector=f"#s{position}",
                item=(0, position),
            )
        )
        elements.append(
            Element.model_validate(
                {
                    "index": base + 2,
                    "role": "button",
                    "name": "\u2709",
                    "selector": f"#a{position}",
                    "item": (0, position),
                    "fingerprint": {"title": "Archive"},
                }
            )
        )
    items = [{"from": s, "subject": t, "text": f"{s} {t}"} for s, t in rows]
    return Observation(
        url="http://x.test/",
        elements=elements,
        lists=[ItemList(selector="#list > div", items=items)],
    )


def test_the_control_is_grounded_inside_the_one_item_that_holds_every_phrase() -> None:
    scope = Scope("email", ("Ana Lind", "budget"), control=Target(text="archive"))
    element = scoped_element(_inbox(), scope)
    assert element is not None and element.selector == "#a2"


def test_the_verbs_words_or_the_items_own_link_stand_for_a_missing_control() -> None:
    observation = _inbox()
    by_verb = scoped_element(observation, Scope("email", ("Bo Sand",)), names=("archive",))
    assert by_verb is not None and by_verb.selector == "#a1"
    opened = scoped_element(observation, Scope("email", ("Bo Sand",)))
    assert opened is not None and opened.selector == "#s1"


def test_several_fitting_items_are_refused_unless_an_ordinal_picks_one() -> None:
    observation = _inbox()
    with pytest.raises(GroundingError, match="2 items match") as caught:
        scoped_element(observation, Scope("email", ("Ana Lind",)), names=("archive",))
    assert caught.value.ambiguous
    second = scoped_element(
        observation, Scope("email", ("Ana Lind",), ordinal=2), names=("archive",)
    )
    assert second is not None and second.selector == "#a2"


def test_an_item_without_the_control_is_refused_and_no_item_defers_to_the_page() -> None:
    observation = _inbox()
    with pytest.raises(GroundingError, match="no 'star' control"):
        scoped_element(observation, Scope("email", ("Bo Sand",)), names=("star",))
    assert scoped_element(observation, Scope("email", ("Cy Moor",)), names=("archive",)) is None
