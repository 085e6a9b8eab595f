"""From an understood clause and the current page to concrete actions.

One handler per kind of intent: forms in :mod:`.forms`, clicks in
:mod:`.clicks`, lists of items in :mod:`.lists`, and the moves that need no
element here. Each either returns the actions (all for elements of this
observation; only the last one may leave the page) or raises
:class:`GroundingError` with a reason a user can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urljoin

from pupi.agent.observe.model import Element
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules import clicks, forms, lists
from pupi.agent.planners.rules.context import Context
from pupi.agent.planners.rules.ground import GroundingError, ground, named_by_number
from pupi.agent.planners.rules.intents import Intent, IntentKind, Target
from pupi.agent.planners.rules.references import arithmetic

__all__ = ["Context", "actions_for"]

Handler = Callable[[Intent, Context, str], list[Action]]


def _absolute(url: str, base: str) -> str:
    if re.match(r"^(?:localhost|127\.0\.0\.1)(?::\d+)?", url):
        return "http://" + url
    if url.startswith("www."):
        return "https://" + url
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return url
    return urljoin(base, url) if base.startswith(("http://", "https://")) else url


def _go(intent: Intent, ctx: Context, why: str) -> list[Action]:
    url = _absolute(intent.url or "", ctx.observation.url)
    return [Action(kind="go", url=url, why=why)]


def _press(intent: Intent, ctx: Context, why: str) -> list[Action]:
    element: Element | None = None
    if intent.field is not None:
        element = ground(ctx.observation, intent.field, what="field")
    else:
        element = ctx.last_element()
    return [
        Action(kind="press", key=intent.key, element=element.index if element else None, why=why)
    ]


def _scroll(intent: Intent, ctx: Context, why: str) -> list[Action]:
    if intent.target is not None:
        element = ground(ctx.observation, intent.target)
        return [Action(kind="scroll", element=element.index, why=why)]
    return [Action(kind="scroll", value=intent.value or "bottom", why=why)]


def _wait(intent: Intent, ctx: Context, why: str) -> list[Action]:
    if intent.ms is not None:
        return [Action(kind="wait", ms=intent.ms, why=why)]
    return [Action(kind="wait", text=intent.value, why=why)]


def _solve(intent: Intent, ctx: Context, why: str) -> list[Action]:
    # Nothing to do on the page; the answer is read when a later clause types it.
    if arithmetic(ctx.observation) is None:
        raise GroundingError("no arithmetic problem on the page to solve")
    return []


def _simple(kind: str) -> Handler:
    def handler(intent: Intent, ctx: Context, why: str) -> list[Action]:
        return [Action(kind=kind, why=why)]

    return handler


_HANDLERS: dict[IntentKind, Handler] = {
    "go": _go,
    "back": _simple("back"),
    "forward": _simple("forward"),
    "reload": _simple("reload"),
    "click": clicks.click,
    "type": forms.type_text,
    "fill": forms.fill,
    "login": forms.login,
    "select": forms.select,
    "set": forms.set_field,
    "choose": clicks.choose,
    "check": forms.check,
    "uncheck": forms.check,
    "press": _press,
    "submit": forms.submit,
    "search": lists.search,
    "add": lists.add,
    "remove": lists.remove,
    "scroll": _scroll,
    "wait": _wait,
    "hover": clicks.hover,
    "sort": lists.sort,
    "solve": _solve,
}


def actions_for(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """The actions that carry out ``intent`` on ``ctx``'s page."""
    handler = _HANDLERS.get(intent.kind)
    if handler is None:
        raise GroundingError(f"do not know how to '{intent.clause}'")
    return handler(_numbers_read(intent, ctx), ctx, why)


def _numbers_read(intent: Intent, ctx: Context) -> Intent:
    """``intent`` with each "#5521" that the page shows as an identifier made part
    of its target's name (see :func:`named_by_number`), before any handler reads it."""

    def read(target: Target | None) -> Target | None:
        return None if target is None else named_by_number(ctx.observation, target)

    return replace(
        intent,
        target=read(intent.target),
        field=read(intent.field),
        targets=tuple(named_by_number(ctx.observation, t) for t in intent.targets),
    )
