"""Readers for clauses that press a button or follow a link.

These come last (see :mod:`.clause`): submitting ("save", "place order"),
clicking ("click the second link"), and the fallback that reads any other
clause as the name of something to click.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.phrases import Clause

__all__ = ["click", "click_guess", "create", "pager", "submit"]


def pager(c: Clause) -> Intent | None:
    """Paging: "next page", "go to the previous page" press the pager's link."""
    found = re.match(
        r"^(?:go\s+to\s+|open\s+|show\s+(?:me\s+)?|see\s+|view\s+|click\s+(?:on\s+)?)?"
        r"(?:the\s+)?(next|previous|prev)\s+page(?:\s+of\s+(?:the\s+)?results)?$",
        # "next" is also a filler word ("next, click Save"), so read the clause as written.
        re.sub(r"^(?:please|then|now|and)\s+", "", c.raw.lower().strip(" .!,")),
    )
    if found is None:
        return None
    word = "previous" if found[1] == "prev" else found[1]
    return c.intent("click", target=Target(text=word), alternative=f"{word} page")


def create(c: Clause) -> Intent | None:
    """Creating: "create a new project" presses the button that says so."""
    if re.match(r"^create\b", c.low):
        return c.intent("submit", target=c.target(c.text), value="create")
    return None


def submit(c: Clause) -> Intent | None:
    """Submitting or closing: "submit", "place order", "proceed to checkout", "dismiss"."""
    if re.match(
        r"^(?:submit|send|save|confirm|place|finish|complete|apply|book|buy|purchase|order"
        r"|proceed to|continue to|checkout|check out|pay|continue|proceed|next|done|cancel"
        r"|reject|close|dismiss)\b\s*(.*)$",
        c.text,
        re.I,
    ):
        return c.intent("submit", target=c.target(c.text), value=c.low.split()[0])
    return None


_SEARCH_PANES = re.compile(
    r"^(?:switch|flip|click|go|look|search|browse|move)\s+(?:between|through|across)\s+"
    r"(?:the\s+|all\s+(?:the\s+)?)?(?:tabs|sections|panels|panes|pages|folders|menus)\s+"
    r"(?:to|and)\s+(?:find|locate|look\s+for|get\s+to)\s+(.+)$",
    re.IGNORECASE,
)


def click(c: Clause) -> Intent | None:
    """Clicking: "click the second Add to cart button", "go to the Contact page"."""
    if found := _SEARCH_PANES.match(c.text):
        # "switch between the tabs to find X": X, wherever it is; closed panes are looked in.
        return c.intent("click", target=c.target(found[1]))
    found = re.match(
        r"^(?:click|press|tap|hit|follow|open|expand|collapse|toggle|show|view|activate"
        r"|switch to|go to|navigate to|visit|select|use|push|trigger|answer)"
        r"\s+(?:on\s+|the\s+link\s+to\s+)?(.+)$",
        c.text,
        re.I,
    )
    if found is None:
        return None
    target = c.target(found[1])
    verb = c.low.split()[0]
    if verb in ("go", "navigate", "visit", "switch") and target.role is None:
        # "go to Contact" most likely means a link (a tab for "switch"), but a button will do.
        target = replace(target, role="link" if verb != "switch" else "tab")
        return c.intent("click", target=target, role_guessed=True)
    return c.intent("click", target=target, verb=verb)


def click_guess(c: Clause) -> Intent:
    """Any other clause: the name of something to click ("the Shop link").

    A verb before an item ("star the message about the trip", "like @ada's
    post") names that item's own control: the scope is kept for pages that
    have such an item.
    """
    target = c.target(c.text)
    verb, _, rest = c.text.partition(" ")
    item = c.target(rest).scope if rest else None
    if item is not None and item.control is None:
        target = replace(target, scope=replace(item, control=Target(text=verb)))
    return c.intent("click", target=target, guessed=True)
