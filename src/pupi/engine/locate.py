"""From a step's selector (one, or alternatives tried in order) to a Playwright locator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from playwright.async_api import Frame, Locator, Page

from pupi.engine.translate import ConditionTimedOut, SelectorNotFound

__all__ = ["locate", "poll_until"]

_POLL_S = 0.05

T = TypeVar("T")


async def locate(scope: Page | Frame, selector: str | list[str], timeout_ms: float) -> Locator:
    """The locator for ``selector`` in ``scope`` (a page, or one of its frames).

    A single selector is returned as is, so Playwright's own auto-waiting and
    actionability checks apply unchanged. For a list, the first alternative that
    matches anything wins; while none does, they are polled until the timeout,
    and then ``SelectorNotFound`` names them all.
    """
    if isinstance(selector, str):
        return scope.locator(selector)
    if len(selector) == 1:
        return scope.locator(selector[0])
    locators = [scope.locator(alternative) for alternative in selector]
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        for locator in locators:
            if await locator.count():
                return locator
        if time.monotonic() >= deadline:
            raise SelectorNotFound(
                f"none of the selectors matched within {timeout_ms:.0f} ms: "
                + ", ".join(repr(alternative) for alternative in selector)
            )
        await asyncio.sleep(_POLL_S)


async def poll_until(
    check: Callable[[], Awaitable[T | None]], timeout_ms: float, failure: str
) -> T:
    """Call ``check`` until it returns something other than None or False, and return that.

    Used for conditions Playwright has no waiter for; the last check runs after
    the deadline, so a condition that holds in time is never reported late.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        expired = time.monotonic() >= deadline
        result = await check()
        if result is not None and result is not False:
            return result
        if expired:
            raise ConditionTimedOut(f"{failure} within {timeout_ms:.0f} ms")
        await asyncio.sleep(_POLL_S)
