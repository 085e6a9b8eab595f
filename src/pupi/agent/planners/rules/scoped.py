"""Grounding inside one list item: the control of the item a :class:`Scope` names.

The item is found by evidence (every phrase of the scope in its text), never by
position alone; the control is then grounded among the item's own elements
with the same scoring as anywhere else. When no item holds the phrases, the
caller grounds as if there were no scope; when several do, or the item has no
such control, it refuses with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import GroundingError, ground, overlap
from pupi.agent.planners.rules.intents import Scope, Target
from pupi.agent.planners.rules.records import Dataset, Record, datasets
from pupi.agent.planners.rules.text import STOPWORDS, phrase_in, tokens

__all__ = ["item_elements", "scoped_element"]


def scoped_element(
    observation: Observation, scope: Scope, *, names: Sequence[str] = ()
) -> Element | None:
    """The control of the item ``scope`` names, or None when no item of the page fits.

    The control is ``scope.control``, else the first of ``names`` (the verb's
    words: "delete", "trash") the item has, else the item's own link.
    """
    found = _item(observation, scope)
    if found is None:
        return None
    members = item_elements(observation, *found)
    inside = observation.model_copy(update={"elements": members})
    where = scope.describe()
    if scope.control is not None:
        return ground(inside, scope.control, kind="click", what=f"control of {where}")
    for name in names:
        try:
            return ground(inside, Target(text=name), kind="click")
        except GroundingError:
            continue
    if names:
        raise GroundingError(f"{where} has no {' or '.join(repr(n) for n in names)} control")
    main = _main(members, found[1])
    if main is None:
        raise GroundingError(f"{where} has no link or button of its own to open it")
    return main


def item_elements(observation: Observation, dataset: Dataset, record: Record) -> list[Element]:
    """The elements that sit inside ``record``, one item of ``dataset``'s list."""
    return [e for e in observation.elements if e.item == (dataset.source, record.position)]


def _item(observation: Observation, scope: Scope) -> tuple[Dataset, Record] | None:
    fitting = [
        (dataset, record)
        for dataset in datasets(observation)
        if dataset.source is not None
        for record in dataset.records
        if all(_holds(record, words) for words in scope.words)
    ]
    if not fitting:
        return None
    if scope.ordinal is not None:
        position = scope.ordinal - 1 if scope.ordinal > 0 else len(fitting) + scope.ordinal
        if not 0 <= position < len(fitting):
            raise GroundingError(f"there is no {scope.describe()}: {len(fitting)} fit")
        return fitting[position]
    if len(fitting) > 1:
        raise GroundingError(
            f"{len(fitting)} items match {scope.describe()}; say which one "
            "(for example 'the first', or what else it says)",
            ambiguous=True,
        )
    return fitting[0]


def _holds(record: Record, words: str) -> bool:
    text = " ".join([record.text, *record.fields.values()])
    if phrase_in(words, text):
        return True
    wanted = set(tokens(words)) - STOPWORDS
    return bool(wanted) and wanted <= set(tokens(text))


def _main(members: list[Element], record: Record) -> Element | None:
    """The item's own link or button: one that shows the item's own words, else its first link."""
    clickable = [e for e in members if e.role in ("link", "button") and e.visible]
    shown = [record.title(), *record.fields.values()]
    for element in clickable:
        name = element.name or element.text or ""
        if name and any(overlap(name, value) >= 0.8 for value in shown if value):
            return element
    links = [e for e in clickable if e.role == "link"]
    return links[0] if links else None
