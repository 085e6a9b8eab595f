"""Pupi's one selector part of its own, ``aria-name=``, and splitting chains at ``>>``.

Playwright queries an accessible name only together with a role
(``role=button[name="Buy"]``). ``aria-name="Buy"`` matches any element whose
accessible name, as the browser's accessibility tree computes it, is exactly
``Buy``: Puppeteer's ARIA query, which Chrome's Recorder records as ``aria/Buy``.
The engine resolves these parts itself (``pupi.engine.names``); every other part
of a chain is Playwright's.
"""

from __future__ import annotations

import json
import re

__all__ = [
    "ARIA_NAME",
    "aria_name",
    "aria_name_part",
    "check_aria_names",
    "has_aria_name",
    "split_chain",
]

ARIA_NAME = "aria-name="
"""The prefix of the part; the name follows, double-quoted (JSON) or bare."""

_QUOTES = frozenset("\"'`")
_ENTERS_FRAME = "internal:control=enter-frame"
_TEXT_BODY = re.compile(r"\s*text\s*=.+$", re.DOTALL)


def split_chain(selector: str) -> list[str]:
    """The parts of a selector chain, each stripped, split at ``>>`` as Playwright's
    parser splits them: not inside quotes, not escaped, and quotes inside a
    ``text=`` body are text."""
    parts: list[str] = []
    start, quote, index = 0, "", 0
    while index < len(selector):
        char = selector[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in _QUOTES and not _TEXT_BODY.match(selector, start, index):
            quote = char
        elif selector.startswith(">>", index):
            parts.append(selector[start:index].strip())
            index += 1
            start = index + 1
        index += 1
    parts.append(selector[start:].strip())
    return parts


def aria_name(part: str) -> str | None:
    """The accessible name an ``aria-name=`` part asks for; None for any other part.

    Raises ValueError for a quoted name that is not valid JSON, and for an empty name.
    """
    if not part.startswith(ARIA_NAME):
        return None
    value = part[len(ARIA_NAME) :].strip()
    name: object = value
    if value.startswith('"'):
        try:
            name = json.loads(value)
        except json.JSONDecodeError:
            name = None
        if not isinstance(name, str):
            raise ValueError(f"{part!r}: expected the name as one double-quoted (JSON) string")
    if not name:
        raise ValueError(f"{part!r}: an aria-name= part needs an accessible name")
    return str(name)


def aria_name_part(name: str) -> str:
    """The ``aria-name=`` part for ``name``, quoted so that no ``>>`` in it splits the chain."""
    return ARIA_NAME + json.dumps(name, ensure_ascii=False)


def has_aria_name(selector: str) -> bool:
    """Whether any part of the chain ``selector`` is an ``aria-name=`` part."""
    return ARIA_NAME in selector and any(
        part.startswith(ARIA_NAME) for part in split_chain(selector)
    )


def check_aria_names(selector: str) -> None:
    """Raise ValueError for an ``aria-name=`` part the engine cannot resolve.

    Its names must be well formed, and no earlier part may enter an iframe: the
    engine searches the accessibility tree of the step's own frame (give the
    step a ``frame`` instead).
    """
    if not has_aria_name(selector):
        return
    entered = False
    for part in split_chain(selector):
        entered = entered or part.startswith(_ENTERS_FRAME)
        if aria_name(part) is not None and entered:
            raise ValueError(
                f"{part!r} cannot follow a part that enters a frame; give the step a frame"
            )
