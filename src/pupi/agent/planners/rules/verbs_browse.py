"""Readers for clauses that move around rather than change the page.

Going back and forward, reloading, opening a URL, questions, keys, waits,
scrolling and hovering. Each reader returns an :class:`Intent` when the
clause is of its kind, else ``None`` (see :mod:`.clause` for their order).
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.intents import Intent
from pupi.agent.planners.rules.phrases import Clause
from pupi.agent.planners.rules.values import KEYS
from pupi.agent.planners.rules.vocab import NAV_VERBS, PRESS_KEY, QUESTION_START, SLOT

__all__ = ["history", "hover", "navigate", "press", "question", "scroll", "solve", "wait"]

_MODIFIERS = {"ctrl": "Control", "control": "Control", "cmd": "Meta"}


def history(c: Clause) -> Intent | None:
    """History moves: "go back", "forward", "reload the page"."""
    if re.match(rf"^(?:{NAV_VERBS})\s+back\b|^back\b|^return to the previous", c.low):
        return c.intent("back")
    # Not "forward it to kai@x.test": that forwards a message.
    if re.match(r"^(?:go|navigate|move)\s+forward\b|^forward(?:\s+(?:a|one)\s+page)?$", c.low):
        return c.intent("forward")
    if re.match(r"^(?:reload|refresh)\b", c.low):
        return c.intent("reload")
    return None


def question(c: Clause) -> Intent | None:
    """Questions: "What is the price?", "find the cheapest product", "verify that ..."."""
    if QUESTION_START.match(c.low) or c.low.endswith("?"):
        urls = c.urls
        return c.intent("ask", url=urls[0] if urls else None, value=c.restore(c.text))
    return None


def navigate(c: Clause) -> Intent | None:
    """Opening a URL: "go to https://...", a bare URL, or "open /shop"."""
    urls = c.urls
    if urls and (re.match(rf"^(?:{NAV_VERBS})\b", c.low) or SLOT.fullmatch(c.text)):
        return c.intent("go", url=urls[0])
    if found := re.match(rf"^(?:{NAV_VERBS})\s+(?:the\s+)?(/\S*)", c.text, re.IGNORECASE):
        return c.intent("go", url=found[1])
    return None


def press(c: Clause) -> Intent | None:
    """Keys: "press Enter", "hit ctrl+a in the search box"."""
    found = PRESS_KEY.match(c.text)
    if found is None:
        return None
    key = KEYS[found[1].lower()] if found[1] else None
    if key is None:
        mod = _MODIFIERS.get(found[2].lower(), found[2].capitalize())
        key = f"{mod}+{found[3] if len(found[3]) == 1 else found[3].capitalize()}"
    field_target = c.target(found[4]) if found[4] else None
    return c.intent("press", key=key, field=field_target)


def _duration(text: str) -> int | None:
    """Milliseconds in "2 seconds", "500 ms", "a moment"; ``None`` when no time is named."""
    if found := re.search(
        r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|minutes?)\b", text
    ):
        amount = float(found[1])
        unit = found[2]
        factor = 1 if unit.startswith("m") and unit != "minute" and "minute" not in unit else 1000
        if "minute" in unit:
            factor = 60_000
        return int(amount * factor)
    if re.search(r"\b(a|one) (second|moment|bit|sec)\b", text):
        return 1000
    return None


def wait(c: Clause) -> Intent | None:
    """Waits: "wait 2 seconds" or "wait until 'Saved' appears"."""
    found = re.match(r"^(?:wait|pause|sleep)\b\s*(for|until|till)?\s*", c.text, re.I)
    if found is None:
        return None
    rest = c.text[found.end() :]
    ms = _duration(rest.lower())
    if ms is not None:
        return c.intent("wait", ms=ms)
    if rest and not found[1]:
        return None  # "pause the playlist": the verb has an object; no waiting
    rest = re.sub(r"\s+(?:to appear|appears?|is shown|shows up|to load|loads?)$", "", rest)
    value, exact = c.value(re.sub(r"^(?:the\s+)?(?:text\s+)?", "", rest))
    return c.intent("wait", value=value, exact_value=exact)


def scroll(c: Clause) -> Intent | None:
    """Scrolling: "scroll down", "scroll to the top", "scroll to the reviews"."""
    found = re.match(r"^scroll\s*(?:down|up)?\s*(?:to\s+)?(?:the\s+)?(.*)$", c.text, re.I)
    if found is None:
        return None
    where = found[1].lower()
    if where in ("", "bottom", "end", "bottom of the page", "end of the page") or (
        c.low.startswith("scroll down") and not where
    ):
        return c.intent("scroll", value="top" if "up" in c.low.split()[:2] else "bottom")
    if where in ("top", "top of the page", "start"):
        return c.intent("scroll", value="top")
    return c.intent("scroll", target=c.target(found[1]))


def hover(c: Clause) -> Intent | None:
    """Hovering: "hover over the menu"."""
    if found := re.match(r"^(?:hover|mouse)\s+(?:over|on)?\s*(.+)$", c.text, re.I):
        return c.intent("hover", target=c.target(found[1]))
    return None


def solve(c: Clause) -> Intent | None:
    """Working out a shown problem: "solve the math problem" (its answer is typed later)."""
    if re.match(
        r"^(?:solve|work out|calculate|compute|figure out)\s+(?:the\s+|this\s+)?"
        r"(?:math|maths|arithmetic|sum|problem|equation|calculation)\b",
        c.text,
        re.I,
    ):
        return c.intent("solve")
    return None
