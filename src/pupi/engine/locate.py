"""From a step's selector (one, or alternatives tried in order) to a Playwright locator."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import Frame, Locator, Page

from pupi.engine.names import named_now
from pupi.engine.polling import POLL_S, poll_until
from pupi.engine.translate import SelectorNotFound
from pupi.steps.selectors import aria_name, has_aria_name, split_chain

__all__ = ["has_names", "locate", "matches_now", "poll_until", "wait_until_gone"]


def has_names(selector: str | list[str]) -> bool:
    """Whether ``selector`` (or any alternative) has an ``aria-name=`` part, which
    the engine resolves itself rather than Playwright as it acts."""
    alternatives = [selector] if isinstance(selector, str) else selector
    return any(has_aria_name(alternative) for alternative in alternatives)


async def locate(
    scope: Page | Frame, selector: str | list[str], timeout_ms: float, *, every: bool = False
) -> Locator:
    """The locator for ``selector`` in ``scope`` (a page, or one of its frames).

    A single Playwright selector is returned as is, so Playwright's own
    auto-waiting and actionability checks apply unchanged. For a list, the first
    alternative that matches anything wins; while none does, they are polled
    until the timeout, and then ``SelectorNotFound`` names them all.

    ``aria-name=`` parts are polled for the same way; the locator is then for the
    first element so named (Puppeteer's choice), or every one with ``every``.
    """
    if has_names(selector):
        return await _locate_names(scope, selector, timeout_ms, every=every)
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
        await asyncio.sleep(POLL_S)


async def _locate_names(
    scope: Page | Frame, selector: str | list[str], timeout_ms: float, *, every: bool
) -> Locator:
    alternatives = [selector] if isinstance(selector, str) else selector

    async def found() -> Locator | None:
        for alternative in alternatives:
            locator = await named_now(scope, alternative, first=not every)
            if await locator.count():
                return locator
        return None

    return await poll_until(found, timeout_ms, _nothing_named(alternatives))


async def matches_now(scope: Page | Frame, selector: str | list[str]) -> tuple[Locator, int]:
    """Every element that the first alternative matching anything matches now,
    and how many; for a Recorder ``waitForElement``, which counts the first
    alternative that matches, as the replayer does."""
    alternatives = [selector] if isinstance(selector, str) else selector
    for alternative in alternatives:
        locator = await named_now(scope, alternative, first=False)
        found = await locator.count()
        if found:
            return locator, found
    return locator, 0


async def wait_until_gone(
    scope: Page | Frame, selector: str | list[str], timeout_ms: float, *, hidden: bool
) -> None:
    """Wait until no alternative of ``selector`` (with ``aria-name=`` parts) matches
    an element, or with ``hidden`` until none matches a visible one."""
    alternatives = [selector] if isinstance(selector, str) else selector

    async def gone() -> bool:
        for alternative in alternatives:
            named = await (await named_now(scope, alternative, first=False)).all()
            if named and not hidden:
                return False
            for element in named:
                if not await element.is_hidden():
                    return False
        return True

    still = "a visible element" if hidden else "an element"
    await poll_until(gone, timeout_ms, f"{_selectors(alternatives)} still matched {still}")


def _nothing_named(alternatives: list[str]) -> str:
    parts = split_chain(alternatives[0])
    if len(alternatives) == 1 and len(parts) == 1:
        return f"no element has the accessible name {aria_name(parts[0])!r}"
    return f"nothing matched {_selectors(alternatives)}"


def _selectors(alternatives: list[str]) -> str:
    return " or ".join(repr(alternative) for alternative in alternatives)
