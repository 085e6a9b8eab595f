"""Checkers for held-out prompts: they read the run's result and what the site recorded."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pupi.agent import PromptResult

from .server import SiteState

Check = Callable[[PromptResult, SiteState], bool]


def _text(answer: Any) -> str:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    if isinstance(answer, str):
        return answer
    return json.dumps(answer, ensure_ascii=False)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".").strip().lower()


def says(*parts: str) -> Check:
    """Completed, and the answer contains every one of ``parts`` (case-insensitive)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        text = _norm(_text(result.answer))
        return result.status == "completed" and all(p.lower() in text for p in parts)

    return check


def equals(value: str) -> Check:
    """Completed, and the answer is ``value`` (case, spaces and a final dot aside)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return result.status == "completed" and _norm(_text(result.answer)) == _norm(value)

    return check


def yes_no(value: bool) -> Check:
    """Completed, and the answer starts with yes or no as expected."""
    word = "yes" if value else "no"

    def check(result: PromptResult, state: SiteState) -> bool:
        text = _norm(_text(result.answer))
        return result.status == "completed" and re.match(rf"{word}\b", text) is not None

    return check


def items(*values: str) -> Check:
    """Completed, and the answer is a list holding exactly ``values`` in order."""

    def check(result: PromptResult, state: SiteState) -> bool:
        answer = result.answer
        if isinstance(answer, str):
            try:
                answer = json.loads(answer)
            except ValueError:
                return False
        if not isinstance(answer, list):
            return False
        return [_norm(_text(a)) for a in answer] == [_norm(v) for v in values]

    return check


def submitted(kind: str, **fields: Any) -> Check:
    """Completed, and the site's last ``kind`` submission has ``fields`` (None: absent)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        data = state.last(kind)
        if result.status != "completed" or data is None:
            return False
        for key, value in fields.items():
            got = data.get(key)
            if value is None:
                if got not in (None, "", []):
                    return False
            elif isinstance(value, list):
                if sorted(got if isinstance(got, list) else [got]) != sorted(value):
                    return False
            elif str(got).strip() != str(value):
                return False
        return True

    return check


def visited(path: str) -> Check:
    """Completed, and the site served ``path``."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return result.status == "completed" and path in state.visited

    return check


def refused(*words: str) -> Check:
    """Failed with a reason that names every one of ``words``, and nothing submitted."""

    def check(result: PromptResult, state: SiteState) -> bool:
        message = str((result.error or {}).get("message", "")).lower()
        return (
            result.status == "failed"
            and all(w.lower() in message for w in words)
            and not state.submissions
        )

    return check
