"""Readers for clauses about a page's list of items: searching, adding, removing, sorting.

Each reader returns an :class:`Intent` when the clause is of its kind, else
``None`` (see :mod:`.clause` for their order).
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.intents import Intent
from pupi.agent.planners.rules.phrases import Clause
from pupi.agent.planners.rules.vocab import SLOT

__all__ = ["add", "filter_by", "remove", "search", "sort_by"]


def search(c: Clause) -> Intent | None:
    """Searching: "search for laptops", "look up Turing in the sidebar box"."""
    if found := re.match(
        r"^(?:search|look)\s+(?:for|up)\s+(.+?)(?:\s+(?:in|on|using)\s+(?:the\s+)?(.+))?$",
        c.text,
        re.I,
    ):
        value, exact = c.value(found[1])
        field = c.target(found[2]) if found[2] else None
        return c.intent("search", value=value, exact_value=exact, field=field)
    if found := re.match(
        r"^search\s+(?:in\s+|through\s+)?(?:the|this|our|my)\s+[\w -]+?\s+for\s+(.+)$", c.text, re.I
    ):  # "search the archive for Turing": the place searched, then the words
        value, exact = c.value(found[1])
        return c.intent("search", value=value, exact_value=exact)
    if found := re.match(r"^search\s+(.+)$", c.text, re.I):
        value, exact = c.value(found[1])
        return c.intent("search", value=value, exact_value=exact)
    return None


def add(c: Clause) -> Intent | None:
    """Adding: "add the mug to the cart" (a button), "add a todo called X" (a new entry)."""
    if found := re.match(r"^(?:add)\s+(.+?)\s+(?:to|into)\s+(?:the\s+|my\s+)?(.+)$", c.text, re.I):
        return c.intent(
            "add",
            target=c.target(found[1]),
            value=c.value(found[1])[0],
            field=c.target(found[2]),
            exact_value=bool(SLOT.fullmatch(found[1].strip())),
        )
    if found := re.match(
        r"^add\s+(?:a|an|the)?\s*(?:new\s+)?(?:\w+\s+)?"
        r"(?:called|named|titled|saying|with the (?:text|title))\s+(.+)$",
        c.text,
        re.I,
    ) or re.match(r"^add\s+(.+)$", c.text, re.I):
        value, exact = c.value(found[1])
        return c.intent("add", value=value, exact_value=exact, target=c.target(found[1]))
    return None


def remove(c: Clause) -> Intent | None:
    """Removing: "remove the lamp from the cart", "delete the second todo"."""
    found = re.match(
        r"^(?:remove|delete|discard|drop|get rid of|trash)\s+(.+?)"
        r"(?:\s+from\s+(?:the\s+|my\s+)?(.+))?$",
        c.text,
        re.I,
    )
    if found is None:
        return None
    target = c.target(found[1])
    if found[2]:
        # "delete the email from Jon": a list item named by its sender, not a place.
        whole = c.target(c.text.split(maxsplit=1)[1])
        if whole.scope is not None:
            target = whole
    # The verb is kept: the page's button may say "Delete" rather than "Remove".
    verb = "remove" if c.low.startswith("get rid") else c.low.split()[0]
    return c.intent("remove", target=target, value=verb)


def sort_by(c: Clause) -> Intent | None:
    """Sorting: "sort the products by price"."""
    found = re.match(r"^(?:sort|order)\s+(?:the\s+)?(?:[\w ]+?\s+)?by\s+(.+)$", c.text, re.I)
    if found is None:
        return None
    value, exact = c.value(found[1])
    return c.intent("sort", value=value, exact_value=exact)


def filter_by(c: Clause) -> Intent | None:
    """Filtering: "filter by category Books" picks that option or link."""
    found = re.match(
        r"^(?:filter|narrow)\s+(?:the\s+)?(?:[\w ]+?\s+)?(?:by|to|on)\s+(.+)$", c.text, re.I
    )
    if found is None:
        return None
    targets = c.targets(found[1])
    if len(targets) > 1:  # "filter by Contract and Remote": tick each of them
        return c.intent("check", targets=targets)
    return c.intent("choose", target=c.target(found[1]), value=c.value(found[1])[0])
