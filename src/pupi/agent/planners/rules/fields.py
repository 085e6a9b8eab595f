"""Finding a form's controls by name and putting a value into one.

A value goes into whatever kind of control the page has: typed into a text
field (in the field's format, see :func:`.values.format_for_field`), chosen
among a drop-down's options, or ticked as a checkbox or radio button.
"""

from __future__ import annotations

import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.ground import (
    GroundingError,
    ground,
    is_checkable,
    is_selectable,
    text_score,
)
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.text import normalize, similarity, tokens
from pupi.agent.planners.rules.values import fits_field, format_for_field

__all__ = ["fill_action", "find_control", "option_for", "radio_choice", "split_pair"]


def option_for(element: Element, value: str) -> str | None:
    """The option label of ``element`` that ``value`` names."""
    options = element.options or []
    scored = [(similarity(value, option), option) for option in options]
    scored += [
        (0.9, o) for o in options if normalize(o).startswith(normalize(value)) and len(value) >= 2
    ]
    if not scored:
        return None
    score, option = max(scored, key=lambda s: s[0])
    return option if score >= 0.6 else None


def fill_action(element: Element, value: str, why: str, *, exact: bool = False) -> Action:
    """The action that puts ``value`` into ``element``, whatever kind of control it is."""
    if is_selectable(element):
        option = option_for(element, value)
        if option is None:
            raise GroundingError(
                f"'{element.label or element.name}' has no option '{value}' "
                f"(options: {', '.join((element.options or [])[:12])})"
            )
        return Action(kind="select", element=element.index, value=option, why=why)
    if is_checkable(element):
        off = normalize(value) in ("no", "off", "false", "unchecked", "unticked", "0")
        return Action(kind="uncheck" if off else "check", element=element.index, why=why)
    text = value if exact else format_for_field(value, element.type, element.placeholder)
    return Action(kind="type", element=element.index, text=text, why=why)


def radio_choice(observation: Observation, group: str | None, value: str) -> Element | None:
    """A radio button or checkbox labelled ``value``, inside ``group`` when one is named."""
    choices = [e for e in observation.elements if is_checkable(e)]
    best: tuple[float, Element] | None = None
    for element in choices:
        score = text_score(element, value)
        if group:
            score *= 0.6 + 0.5 * max(
                similarity(group, element.context or ""), similarity(group, element.name)
            )
        if best is None or score > best[0]:
            best = (score, element)
    return best[1] if best and best[0] >= 0.55 else None


def find_control(
    observation: Observation, name: str, used: set[int]
) -> tuple[Element | None, float]:
    """The field, drop-down or radio group called ``name``; its score."""

    def usable(element: Element) -> float:
        return 0.0 if element.index in used else 1.0

    password = "password" in tokens(name) or normalize(name) in ("pass", "pw")

    def password_bias(element: Element) -> float:
        # A password field is only ever meant when the name says so.
        is_password = (element.type or "") == "password"
        if password:
            return 1.2 if is_password else 0.5
        return 0.6 if is_password else 1.0

    best: tuple[Element | None, float] = (None, 0.0)
    for kind in ("value", "select"):
        try:
            element = ground(
                observation,
                parse_target(name),
                kind=kind,
                what="field",
                extra=lambda e: usable(e) * password_bias(e),
                threshold=0.45,
            )
        except GroundingError:
            continue
        score = text_score(element, name)
        if score > best[1]:
            best = (element, score)
    return best


def split_pair(observation: Observation, chunk: str, used: set[int]) -> tuple[Element, str] | None:
    """Read "name Ada Lovelace" as field "name" and value "Ada Lovelace", guided by the page."""
    words = chunk.split()
    best: tuple[float, Element, str] | None = None
    for size in range(1, min(7, len(words))):
        element, score = find_control(observation, " ".join(words[:size]), used)
        value = " ".join(words[size:])
        if element is None or not fits_field(value, element.type):
            continue  # "guest name Ada": "guest" names a number field that cannot take "name Ada"
        if best is None or score > best[0] + 0.05:
            best = (score, element, value)
    if best and best[0] >= 0.5:
        return best[1], best[2]
    # "3 nights": a number first, then the field it goes in.
    if len(words) > 1 and re.fullmatch(r"\d[\d.,]*", words[0]):
        element, score = find_control(observation, " ".join(words[1:]), used)
        if element is not None and score >= 0.6 and fits_field(words[0], element.type):
            return element, words[0]
    # "plan Pro": a radio group has no field of its own, only its choices.
    for size in range(1, min(4, len(words))):
        radio = radio_choice(observation, " ".join(words[:size]), " ".join(words[size:]))
        if radio is not None and radio.index not in used:
            return radio, "on"
    return None
