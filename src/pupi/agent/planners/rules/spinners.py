"""Custom spinners: a value shown in ARIA between a decrease and an increase button.

A ``role=spinbutton`` that is no ``<input>`` cannot be typed into; the way a
person sets it is to press its own buttons until it shows the value. The
buttons are found next to it, by what they say they do.
"""

from __future__ import annotations

import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.text import parse_number

__all__ = ["step_to"]

_UP = re.compile(r"\b(?:increase|increment|up|more|plus|raise|higher|add)\b|^\+$|^[\u25b2\u25b4]$")
_DOWN = re.compile(
    r"\b(?:decrease|decrement|down|less|minus|lower|reduce)\b|^[-\u2212\u2013]$|^[\u25bc\u25be]$"
)
_MOST_PRESSES = 100


def step_to(
    observation: Observation, element: Element, value: str, why: str
) -> list[Action] | None:
    """The clicks that bring a custom spinner to ``value``; None for any other control."""
    if element.tag == "input" or element.role != "spinbutton":
        return None
    now, wanted = parse_number(element.value or ""), parse_number(value)
    name = element.label or element.name or "the spinner"
    if now is None or wanted is None:
        raise GroundingError(f"cannot tell how far to move '{name}' to {value!r}")
    presses = wanted - now
    if presses != int(presses) or abs(presses) > _MOST_PRESSES:
        raise GroundingError(f"'{name}' cannot be stepped from {now:g} to {wanted:g}")
    if presses == 0:
        return []
    button = _neighbour(observation, element, _UP if presses > 0 else _DOWN)
    if button is None:
        way = "increase" if presses > 0 else "decrease"
        raise GroundingError(f"'{name}' has no {way} button next to it")
    return [Action(kind="click", element=button.index, why=why)] * int(abs(presses))


def _neighbour(observation: Observation, element: Element, says: re.Pattern[str]) -> Element | None:
    """The button within two places of ``element`` whose name or hint matches ``says``."""
    near = [
        e
        for e in observation.elements
        if e.role == "button" and abs(e.index - element.index) <= 2 and not e.disabled
    ]
    for candidate in sorted(near, key=lambda e: abs(e.index - element.index)):
        words = [candidate.name, candidate.fingerprint.aria_label, candidate.fingerprint.title]
        if any(w and says.search(w.strip().lower()) for w in words):
            return candidate
    return None
