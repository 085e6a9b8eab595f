"""Checkers round five adds: one action and nothing else, numbers, and the one link followed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pupi.agent import PromptResult

from ..checks import Check, _norm, _text, submitted
from ..server import SiteState

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


def only(kind: str, ignoring: Mapping[str, str] | None = None, **fields: Any) -> Check:
    """Completed, and the site recorded exactly one action, a ``kind`` with ``fields``.

    A stray click records an action of its own, so a run that tries targets until one
    works fails. ``ignoring`` names actions that lead to the one asked for (opening a
    section, selecting a file first): submissions with all of its items are not counted.
    """
    expected = submitted(kind, **fields)
    skip = dict(ignoring or {})

    def kept(data: dict[str, Any]) -> bool:
        return not skip or any(data.get(k) != v for k, v in skip.items())

    def check(result: PromptResult, state: SiteState) -> bool:
        rest = [(k, data) for k, data in state.submissions if kept(data)]
        if len(rest) != 1 or rest[0][0] != kind:
            return False
        return expected(result, SiteState(state.visited, rest))

    return check


def number(value: str, besides: tuple[str, ...] = ()) -> Check:
    """Completed, and the only number in the answer is ``value`` ("25 days", "€45", 2).

    ``besides`` are numbers the question itself names, which an answer may repeat
    ("2 files in 2025").
    """

    def check(result: PromptResult, state: SiteState) -> bool:
        found = _NUMBER.findall(_norm(_text(result.answer)))
        rest = [n for n in found if n not in besides]
        return result.status == "completed" and rest == [value]

    return check


def one_of(*checks: Check) -> Check:
    """Any one of ``checks`` holds (a post may fairly be named by its author or handle)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return any(c(result, state) for c in checks)

    return check


def visited_only(path: str, prefix: str) -> Check:
    """Completed, ``path`` was served, and no other path under ``prefix`` was."""

    def check(result: PromptResult, state: SiteState) -> bool:
        others = {p for p in state.visited if p.startswith(prefix)} - {path}
        return result.status == "completed" and path in state.visited and not others

    return check


def refused_any(*words: str) -> Check:
    """Failed with a reason that names at least one of ``words``, and nothing submitted.

    For an instruction whose verb and object are both missing from the page: naming
    either says which instruction could not be done.
    """

    def check(result: PromptResult, state: SiteState) -> bool:
        message = str((result.error or {}).get("message", "")).lower()
        return (
            result.status == "failed"
            and any(w.lower() in message for w in words)
            and not state.submissions
        )

    return check
