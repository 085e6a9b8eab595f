"""Readers for clauses that tick boxes or pick options.

Ticking and unticking ("mark Buy milk as done", "untick SMS"), choosing from a
drop-down ("select Canada from the country list") and picking an item
("choose Large"). Each reader returns an :class:`Intent` when the clause is of
its kind, else ``None`` (see :mod:`.clause` for their order).
"""

from __future__ import annotations

import re
from dataclasses import replace

from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.phrases import Clause
from pupi.agent.planners.rules.vocab import SOFT_SPLIT

__all__ = ["answer_with", "choose", "choose_as", "select_from", "tick"]


def tick(c: Clause) -> Intent | None:
    """Ticking or unticking: "mark X as done", "untick SMS", "agree to the terms"."""
    if found := re.match(
        r"^(?:mark|set)\s+(.+?)\s+as\s+(?:done|complete|completed|finished|read)$", c.text, re.I
    ):
        return c.intent("check", targets=(c.target(found[1]),))
    if found := re.match(
        r"^mark\s+(?:it|this|this order|the order)\s+as\s+(?:a\s+|an\s+)?(.+)$", c.text, re.I
    ):  # "mark it as urgent": the box that says so
        return c.intent("check", targets=(c.target(found[1]),))
    if found := re.match(
        r"^(?:mark|set)\s+(.+?)\s+as\s+(?:not done|incomplete|undone|unread|open|pending)$",
        c.text,
        re.I,
    ):
        return c.intent("uncheck", targets=(c.target(found[1]),))
    if found := re.match(
        r"^(?:turn|switch|toggle|set|flip)\s+(.+?)\s+(on|off)$|"
        r"^(?:switch|toggle|flip)\s+(on|off)\s+(.+)$",
        c.text,
        re.I,
    ):
        state = (found[2] or found[3]).lower()
        return c.intent(
            "check" if state == "on" else "uncheck", targets=c.targets(found[1] or found[4])
        )
    if found := re.match(
        r"^(?:uncheck|untick|unmark|deselect|unselect|disable|turn off|clear|unsubscribe from)"
        r"\s+(.+)$",
        c.text,
        re.I,
    ):
        return c.intent("uncheck", targets=c.targets(found[1]))
    if found := re.match(
        r"^(?:check|tick|mark|enable|turn on|agree to|accept|subscribe to|opt in to|opt into)"
        r"\s+(.+)$",
        c.text,
        re.I,
    ):
        return c.intent("check", targets=c.targets(found[1]))
    return None


_SCOPE = re.compile(
    r"^(?:under|in|within|for)\s+(?:the\s+)?(.+?)(?:\s+(?:section|group|list|area|panel))?"
    r"\s*,?\s+(choose|select|pick|tick|check|mark)\s+(.+)$",
    re.I,
)


def select_from(c: Clause) -> Intent | None:
    """An option of a named control: "select Canada from the country drop-down".

    The group may come first, too: "under Email frequency, pick Weekly".
    """
    if scoped := _SCOPE.match(c.text):
        value, exact = c.value(scoped[3])
        return c.intent("select", value=value, exact_value=exact, field=c.target(scoped[1]))
    found = re.match(
        r"^(?:choose|select|pick)\s+(.+?)\s+(?:from|in|for|on|under)\s+(?:the\s+)?(.+)$",
        c.text,
        re.I,
    )
    if found is None:
        return None
    value, exact = c.value(found[1])
    return c.intent("select", value=value, exact_value=exact, field=c.target(found[2]))


def choose_as(c: Clause) -> Intent | None:
    """Values given a role: "use Pro as the plan", "pick ada as user and admin as role"."""
    found = re.match(r"^(?:choose|select|pick|use|enter)\s+(.+)$", c.text, re.I)
    if found:
        chunks = SOFT_SPLIT.split(found[1])
        if len(chunks) > 1 and all(re.search(r"\sas\s", chunk) for chunk in chunks):
            return c.intent("fill", pairs=c.pairs(found[1]))
    found = re.match(
        r"^(?:choose|select|pick|use)\s+(.+?)\s+as\s+(?:the\s+|my\s+|your\s+)?(.+)$", c.text, re.I
    )
    if found is None:
        return None
    value, exact = c.value(found[1])
    return c.intent("set", value=value, exact_value=exact, field=c.target(found[2]))


def choose(c: Clause) -> Intent | None:
    """Picking one thing ("choose Large") or several ("select Email and SMS")."""
    if found := re.match(
        r"^(?:choose|select|pick)\s+(?:all|each|every|both)\s+(?:of\s+)?(.+)$", c.text, re.I
    ):
        return c.intent("check", targets=c.targets(found[1]))
    found = re.match(r"^(?:choose|select|pick)\s+(.+)$", c.text, re.I)
    if found is None:
        return None
    targets = c.targets(found[1])
    if len(targets) > 1:
        return c.intent("check", targets=targets)
    target = targets[0] if targets else Target()
    return c.intent("choose", target=target, value=c.value(found[1])[0])


def answer_with(c: Clause) -> Intent | None:
    """Answering a question of a form: "answer yes to question 3" picks Yes among its options."""
    found = re.match(
        r"^(?:answer|reply|respond)\s+(.+?)\s+(?:to|for|on)\s+(?:the\s+)?(question\s+.+|q\d+)$",
        c.text,
        re.I,
    )
    if found is None:
        return None
    value, _ = c.value(found[1])
    target = replace(c.target(found[1]), context=c.restore(found[2]))
    return c.intent("choose", target=target, value=value)
