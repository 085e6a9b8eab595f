"""The tab steps: open a tab, switch to one, close one.

Which tab is current and the order tabs were current in are the instance's
(:class:`pupi.browser.Tabs`); these handlers only choose among its open tabs,
counted oldest first, a negative index from the newest.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from pupi.engine.context import StepContext, TabSet
from pupi.engine.locate import poll_until
from pupi.engine.pages import url_pattern
from pupi.engine.translate import ConditionTimedOut, TabStepRefused
from pupi.steps import models as m

__all__ = ["close_tab", "new_tab", "switch_tab"]

_TITLE_READ_S = 1.0
"""A page between two documents answers a title read once the new one exists;
one slow read must not hold up the polling of the others."""


async def new_tab(step: m.NewTabStep, ctx: StepContext) -> dict[str, Any]:
    """Open a tab, make it current and navigate it to ``url`` if given."""
    tabs = _tabs(ctx)
    if step.url is not None:
        # Before the tab opens, so that a refused URL leaves no blank tab behind.
        await ctx.check_url(step.url)
    page = await tabs.open()
    status = None
    if step.url is not None:
        response = await page.goto(step.url, wait_until=step.wait_until, timeout=ctx.timeout_ms)
        status = response.status if response else None
    return {**await _describe(tabs, page), "status": status}


async def switch_tab(step: m.SwitchTabStep, ctx: StepContext) -> dict[str, Any]:
    """Make the wanted tab current, waiting for it until the step's timeout."""
    tabs = _tabs(ctx)

    async def find() -> Page | None:
        pages = tabs.pages
        if step.index is not None:
            return _at(pages, step.index)
        for page in pages:
            if step.url is not None and _matches(step.url, page.url):
                return page
            if step.title is not None and _matches(step.title, await _title(page)):
                return page
        return None

    try:
        page = await poll_until(find, ctx.timeout_ms, f"no {_wanted(step)}")
    except ConditionTimedOut as exc:
        raise ConditionTimedOut(f"{exc}; {await _listing(tabs)}") from exc
    tabs.focus(page)
    await page.bring_to_front()  # what a person watching a headed browser expects
    return await _describe(tabs, page)


async def close_tab(step: m.CloseTabStep, ctx: StepContext) -> dict[str, Any]:
    """Close the tab at ``index`` (default: the step's page, the current tab)."""
    tabs = _tabs(ctx)
    pages = tabs.pages
    page = ctx.page if step.index is None else _at(pages, step.index)
    if page is None:
        raise TabStepRefused(f"no tab at index {step.index}; {await _listing(tabs)}")
    if not [other for other in pages if other is not page]:
        raise TabStepRefused(
            "close_tab refused to close the instance's last tab; close the instance instead"
        )
    await page.close()
    current = tabs.current
    await current.bring_to_front()
    return await _describe(tabs, current)


def _tabs(ctx: StepContext) -> TabSet:
    if ctx.tabs is None:
        raise TabStepRefused("tab steps need an instance; these steps run on a bare page")
    return ctx.tabs


def _at(pages: list[Page], index: int) -> Page | None:
    return pages[index] if -len(pages) <= index < len(pages) else None


def _matches(pattern: str, text: str) -> bool:
    # The rule of ``wait``'s url: a glob is held against the whole text.
    compiled = url_pattern(pattern)
    return bool(compiled.fullmatch(text) if "*" in pattern else compiled.search(text))


def _wanted(step: m.SwitchTabStep) -> str:
    if step.index is not None:
        return f"tab at index {step.index}"
    if step.url is not None:
        return f"tab whose URL matches {step.url!r}"
    return f"tab whose title matches {step.title!r}"


async def _title(page: Page) -> str:
    try:
        return await asyncio.wait_for(page.title(), _TITLE_READ_S)
    except (PlaywrightError, TimeoutError):  # closed, or between two documents
        return ""


async def _describe(tabs: TabSet, page: Page) -> dict[str, Any]:
    pages = tabs.pages
    index = pages.index(page) if page in pages else None
    return {"index": index, "url": page.url, "title": await _title(page)}


async def _listing(tabs: TabSet) -> str:
    """The open tabs, for an error message: index, URL, title, which is current."""
    current = tabs.current
    entries = [
        f"[{index}] {page.url} {await _title(page)!r}" + (" (current)" if page is current else "")
        for index, page in enumerate(tabs.pages)
    ]
    return "open tabs: " + (", ".join(entries) if entries else "none")
