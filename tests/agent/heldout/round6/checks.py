"""Checkers round six adds: several conditions at once, answers that name one thing and
no other, sums of money, and the whole set of actions a run left behind."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import permutations
from typing import Any

from pupi.agent import PromptResult

from ..checks import Check, _norm, _text
from ..server import SiteState

_AMOUNT = re.compile(r"\d+(?:[.,]\d+)*")


def _matches(data: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """``data`` has ``fields``, as :func:`..checks.submitted` compares them (None: absent)."""
    for key, value in fields.items():
        got = data.get(key)
        if value is None:
            if got not in (None, "", []):
                return False
        elif isinstance(value, list):
            if sorted(str(g) for g in (got if isinstance(got, list) else [got])) != sorted(
                str(v) for v in value
            ):
                return False
        elif str(got).strip() != str(value):
            return False
    return True


def both(*checks: Check) -> Check:
    """Every one of ``checks`` holds (an action done, then a question answered)."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return all(c(result, state) for c in checks)

    return check


def quiet(inner: Check) -> Check:
    """``inner`` holds and the site recorded nothing: a question changes nothing."""

    def check(result: PromptResult, state: SiteState) -> bool:
        return not state.submissions and inner(result, state)

    return check


def _has(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", text) is not None


def names(
    any_of: Iterable[str] = (), *, all_of: Iterable[str] = (), none_of: Iterable[str] = ()
) -> Check:
    """Completed, and the answer names one of ``any_of``, all of ``all_of``, none of ``none_of``.

    Terms are matched as whole words, case aside, so an answer that dumps the page
    (naming the other items too) fails, and "1 hour" is not "1 hours".
    """
    some, every, never = tuple(any_of), tuple(all_of), tuple(none_of)
    assert some or every, "a names() check needs something to look for"

    def check(result: PromptResult, state: SiteState) -> bool:
        if result.status != "completed" or result.answer is None:
            return False
        text = _norm(_text(result.answer))
        return (
            (not some or any(_has(text, t) for t in some))
            and all(_has(text, t) for t in every)
            and not any(_has(text, t) for t in never)
        )

    return check


def _amount(token: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", token):
        token = token.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        token = token.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", token):
        token = token.replace(",", ".")
    try:
        return float(token)
    except ValueError:
        return float("nan")


def money(value: str, besides: tuple[str, ...] = ()) -> Check:
    """Completed, and every amount in the answer is ``value`` ("€10,250.00" is 10250).

    ``besides`` are amounts the question names, which the answer may repeat.
    """
    target = float(value)
    skip = [float(b) for b in besides]

    def check(result: PromptResult, state: SiteState) -> bool:
        if result.status != "completed" or result.answer is None:
            return False
        found = [_amount(t) for t in _AMOUNT.findall(_text(result.answer))]
        rest = [v for v in found if not any(abs(v - s) < 0.005 for s in skip)]
        return bool(rest) and all(abs(v - target) < 0.005 for v in rest)

    return check


def exactly(kind: str, *records: Mapping[str, Any]) -> Check:
    """Completed, and the site recorded exactly ``records`` (each a ``kind``), in any order."""

    def check(result: PromptResult, state: SiteState) -> bool:
        subs = state.submissions
        if result.status != "completed" or len(subs) != len(records):
            return False
        if any(k != kind for k, _ in subs):
            return False
        return any(
            all(_matches(data, rec) for (_, data), rec in zip(order, records, strict=True))
            for order in permutations(subs)
        )

    return check


def final(kind: str, action: str, allowed: tuple[str, ...] = (), **fields: Any) -> Check:
    """Completed; one ``kind`` record has this ``action``, and it has ``fields``.

    Every other record is a ``kind`` whose action is in ``allowed`` (the cart updates
    on the way to an order); anything else recorded fails.
    """

    def check(result: PromptResult, state: SiteState) -> bool:
        if result.status != "completed":
            return False
        mine = [d for k, d in state.submissions if k == kind and d.get("action") == action]
        rest = [
            (k, d) for k, d in state.submissions if not (k == kind and d.get("action") == action)
        ]
        if len(mine) != 1 or any(k != kind or d.get("action") not in allowed for k, d in rest):
            return False
        return _matches(mine[0], fields)

    return check


def latest(kind: str, forbid: tuple[str, ...] = (), **fields: Any) -> Check:
    """Completed, the last ``kind`` record has ``fields``, none has an action in ``forbid``,
    and nothing of another kind was recorded."""

    def check(result: PromptResult, state: SiteState) -> bool:
        if result.status != "completed" or not state.submissions:
            return False
        if any(k != kind or d.get("action") in forbid for k, d in state.submissions):
            return False
        return _matches(state.submissions[-1][1], fields)

    return check
