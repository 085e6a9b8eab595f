"""Filling a form from a phrase of prepositions: "flights from Lisbon to Oslo on May 3 for 2".

A search form without a single search box ("Leaving from", "Going to", a
date, "Passengers") is filled from the phrase the user wrote: each
"from X", "to Y", "on DATE", "for N passengers" goes to the field whose
name holds that preposition or noun, or whose kind takes that value. A
piece that no field takes fails the whole phrase: no guessing.
"""

from __future__ import annotations

import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import is_selectable, is_typeable
from pupi.agent.planners.rules.text import normalize, similarity
from pupi.agent.planners.rules.values import parse_date

__all__ = ["prepositional_fill"]

_PIECE = re.compile(r"\b(from|to|on|for|at|in|with|between|departing|returning)\s+", re.I)
# Words a field may use for the two ends of a trip or a range instead of the preposition.
_ENDS = {
    "from": ("from", "origin", "departure", "departing", "leaving", "start"),
    "to": ("to", "destination", "arrival", "arriving", "going", "end"),
}


def _words(element: Element) -> str:
    return normalize(f"{element.name} {element.label or ''} {element.placeholder or ''}")


def _field_for(
    prep: str, phrase: str, fields: list[Element], used: set[int]
) -> tuple[Element, str] | None:
    free = [e for e in fields if e.index not in used]
    if found := re.fullmatch(r"(\d+)\s+([a-z][\w -]*)", phrase, re.I):
        number, noun = found[1], found[2]
        named = [(similarity(noun, _words(e)), e) for e in free]
        good = [p for p in named if p[0] >= 0.6]
        if good:
            return max(good, key=lambda p: p[0])[1], number
    if parse_date(phrase) is not None:
        dated = [e for e in free if (e.type or "") in ("date", "datetime-local")]
        if dated:
            return dated[0], phrase
    ends = _ENDS.get(prep.lower(), (prep.lower(),))
    named_end = [e for e in free if set(_words(e).split()) & set(ends) and is_typeable(e)]
    if named_end:
        return named_end[0], phrase
    return None


def prepositional_fill(observation: Observation, phrase: str) -> list[tuple[Element, str]] | None:
    """The fields and values "from X to Y on D for N guests" fills, or None."""
    pieces = _PIECE.split(" " + phrase.strip())
    if len(pieces) < 5:  # at least two prepositional pieces
        return None
    fields = [
        e
        for e in observation.elements
        if (is_typeable(e) or is_selectable(e)) and e.visible and not e.disabled
    ]
    out: list[tuple[Element, str]] = []
    used: set[int] = set()
    for prep, value in zip(pieces[1::2], pieces[2::2], strict=True):
        value = value.strip(" ,.")
        if not value:
            return None
        found = _field_for(prep, value, fields, used)
        if found is None:
            return None
        out.append(found)
        used.add(found[0].index)
    forms = {e.form for e, _ in out}
    return out if len(forms) == 1 else None
