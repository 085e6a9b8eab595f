"""Choices inside named groups: "the Dark theme", "which theme is selected?".

Radio buttons and checkboxes are often named by their option alone ("Dark")
inside a group named elsewhere (a fieldset's legend, "Theme", which the
observation gives as the element's ``context``). These helpers read the
option and the group together.
"""

from __future__ import annotations

import json
import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import is_checkable, is_selectable
from pupi.agent.planners.rules.text import STOPWORDS, normalize, similarity

__all__ = ["collapsed_match", "grouped_choice", "state_answer"]


def _leads(text: str, element: Element) -> bool:
    """ "Fast shipping" for the option "Fast 2 days $9" of the group "Shipping speed"."""
    group = set(normalize(element.context or "").split())
    words = normalize(text).split()
    rest = [w for w in words if w not in group and w not in STOPWORDS]
    return (
        bool(rest)
        and len(rest) < len(words)
        and normalize(element.name).startswith(" ".join(rest) + " ")
    )


def grouped_choice(observation: Observation, text: str) -> Element | None:
    """The radio button or checkbox that ``text`` names with its group ("Dark theme")."""
    best: tuple[float, Element] | None = None
    for element in observation.elements:
        if not is_checkable(element) or not element.context or not element.visible:
            continue
        score = max(
            similarity(text, f"{element.name} {element.context}"),
            similarity(text, f"{element.context} {element.name}"),
        )
        leads = _leads(text, element)
        if normalize(element.name) not in normalize(text) and not leads:
            continue  # the option itself must be named
        if leads:
            score = max(score, 0.8)
        if best is None or score > best[0]:
            best = (score, element)
    return best[1] if best and best[0] >= 0.75 else None


_STATE_WORDS = re.compile(
    r"\b(?:selected|chosen|checked|ticked|picked|active|current(?:ly)?|set to|enabled|default)\b"
)


# Words for "a group of choices" that the group's own name leaves out.
_GROUP_NOUNS = frozenset({"option", "options", "choice", "setting", "value", "one", "currently"})


# Controls whose value is their state ("What is the temperature set to?").
_VALUED = frozenset({"spinbutton", "slider", "progressbar", "meter"})


def state_answer(question: str, observation: Observation) -> str | None:
    """Which option of a named group or drop-down is chosen ("Which theme is selected?")."""
    low = question.lower()
    if not _STATE_WORDS.search(low) or not re.match(r"^(?:what|which)\b", low):
        return None
    words = " ".join(
        w
        for w in normalize(_STATE_WORDS.sub(" ", low)).split()
        if w not in STOPWORDS and w not in _GROUP_NOUNS
    )
    if not words:
        return None
    groups: dict[str, list[Element]] = {}
    for element in observation.elements:
        if element.role == "radio" and element.context:
            groups.setdefault(element.context, []).append(element)
    scored: list[tuple[float, str]] = []
    for group, members in groups.items():
        chosen = [_lead(e.name) for e in members if e.checked]
        if chosen:
            scored.append((similarity(words, group), ", ".join(chosen)))
    for element in observation.elements:
        if (is_selectable(element) or element.role in _VALUED) and element.value:
            name = element.label or element.name
            scored.append((similarity(words, name), element.value))
    good = [pair for pair in scored if pair[0] >= 0.6]
    return max(good, key=lambda p: p[0])[1] if good else None


_OPTIONS = re.compile(
    r"\b(?:options|choices)\b|\b(?:can|could|may) (?:i|we|you) (?:choose|pick|select)"
    r"(?: from| between| among)?\b"
)
_NOT_GROUP = frozenset({"list", "json", "show", "give", "answer", "available", "possible", "all"})


def _lead(name: str) -> str:
    """ "Basic 5 days $3.50" -> "Basic": an option card's own name.

    Only a long label that goes on to a price is cut, before its first figure.
    """
    words = name.split()
    if len(words) <= 3 or not re.search(r"[$€£¥]\s?\d|\d\s?[$€£¥]", name):
        return name
    head = next((n for n, w in enumerate(words) if re.search(r"\d|[$€£¥]", w)), 0)
    return " ".join(words[:head]) if head else name


_TERMS = re.compile(r"^(?:list|name|show|give|what are|which are)\b.*\bterms\b")


def options_answer(question: str, observation: Observation) -> str | None:
    """The choices of a named radio group or drop-down, as a JSON list ("size options").

    "List the glossary terms" lists the terms of the page's definition list.
    """
    low = question.lower()
    if _TERMS.search(low):
        terms = [row[0] for t in observation.tables if t.selector.endswith("dl") for row in t.rows]
        if terms:
            return json.dumps(terms, ensure_ascii=False)
    if not _OPTIONS.search(low):
        return None
    words = " ".join(
        w
        for w in normalize(_OPTIONS.sub(" ", low)).split()
        if w not in STOPWORDS and w not in _GROUP_NOUNS and w not in _NOT_GROUP
    )
    if not words:
        return None
    groups: dict[str, list[str]] = {}
    for element in observation.elements:
        if is_checkable(element) and element.context and element.context != element.name:
            groups.setdefault(element.context, []).append(element.name)
        elif is_selectable(element) and element.options:
            groups.setdefault(element.label or element.name, []).extend(element.options)
    scored = [(similarity(words, group), names) for group, names in groups.items()]
    good = [pair for pair in scored if pair[0] >= 0.6]
    return json.dumps(max(good, key=lambda p: p[0])[1]) if good else None


def collapsed_match(question: str, observation: Observation) -> Element | None:
    """A closed disclosure ("How long does a refund take?") that the question repeats.

    Its answer is hidden until it is opened, as in an FAQ of ``<details>``.
    """
    best: tuple[float, Element] | None = None
    for element in observation.elements:
        if element.expanded is not False or not element.visible or not element.name:
            continue
        score = similarity(question, element.name)
        if best is None or score > best[0]:
            best = (score, element)
    return best[1] if best and best[0] >= 0.85 else None


_HOW_MANY = re.compile(
    r"\bhow many ([a-z][\w\s]*?)(?:\s+(?:will|would|do|does|did|is|are|am|can)\b|$)"
)


def field_number(question: str, observation: Observation) -> str | None:
    """A number field's own value ("How many emails per month will I get?": its "4")."""
    found = _HOW_MANY.search(question.lower().strip(" ?.!"))
    if not found:
        return None
    scored = [
        (similarity(found[1], element.label or element.name), element.value or "")
        for element in observation.elements
        if element.type in ("number", "range") and element.visible
    ]
    good = [pair for pair in scored if pair[0] >= 0.7 and re.fullmatch(r"-?\d+(?:\.\d+)?", pair[1])]
    return max(good, key=lambda p: p[0])[1] if good else None
