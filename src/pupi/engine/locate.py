"""From a step's selector (one, or alternatives tried in order) to a Playwright locator."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import Locator, Page

from pupi.engine.translate import SelectorNotFound

__all__ = ["locate"]

_POLL_S = 0.05


async def locate(page: Page, selector: str | list[str], timeout_ms: float) -> Locator:
    """The locator for ``selector``.

    A single selector is returned as is, so Playwright's own auto-waiting and
    actionability checks apply unchanged. For a list, the first alternative that
    matches anything wins; while none does, they are polled until the timeout,
    and then ``SelectorNotFound`` names them all.
    """
    if isinstance(selector, str):
        return page.locator(selector)
    if len(selector) == 1:
        return page.locator(selector[0])
    locators = [page.locator(alternative) for alternative in selector]
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
