"""The tabs of one instance: which one is current, the order they were current in,
and their titles for ``list_instances``.

Steps act on the current tab. A tab the page opens (a popup, a target=_blank
link) becomes current as it opens, unless the page was told to keep its popups
in the background (a click with ``popup: stay``). When the current tab closes,
the one that was current before it takes over: the focus history is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable

from playwright.async_api import BrowserContext, Error, Frame, Page
from pydantic import BaseModel

__all__ = ["TabInfo", "Tabs"]


class TabInfo(BaseModel):
    """One open tab of an instance, as ``list_instances`` shows it."""

    index: int
    """Its place among the instance's open tabs, oldest first: what ``switch_tab`` takes."""
    url: str
    title: str
    """The title as of the tab's last load or navigation. A title a script sets later
    shows after the next one, so it can lag by a moment; a step reads it afresh."""
    current: bool
    """Whether this is the tab steps act on."""

    def __repr__(self) -> str:
        mark = " current" if self.current else ""
        return f"<TabInfo {self.index}{mark} {self.title!r} {self.url!r}>"


class Tabs:
    """The open pages of one instance's context, and which one steps act on.

    Made by :class:`~pupi.browser.instances.Instance` (``instance.tabs``); the
    engine's tab steps work through it::

        page = await instance.tabs.open()
        instance.tabs.focus(instance.tabs.pages[0])
        [tab.url for tab in instance.tabs.info()]
    """

    def __init__(self, context: BrowserContext, first: Page) -> None:
        self._context = context
        self._pages: list[Page] = []
        """Every page seen, oldest first; closed ones leave, but the last is kept so
        that steps after it closed fail as closed instead of finding no page."""
        self._history: list[Page] = []
        """Open pages in the order they were current, the current one last."""
        self._titles: dict[Page, str] = {}
        self._title_reads: dict[Page, int] = {}
        self._staying: set[Page] = set()
        """Pages whose new tabs open in the background (``popup: stay``)."""
        self._background: set[Page] = set()
        for page in [*context.pages, first]:
            self._add(page)
        self.focus(first)
        context.on("page", self._on_page)

    @property
    def pages(self) -> list[Page]:
        """The open tabs, oldest first."""
        return [page for page in self._pages if not page.is_closed()]

    @property
    def current(self) -> Page:
        """The tab steps act on: the most recently current tab still open.

        Once every tab is closed, the last one closed, so that a step on it fails
        as closed.
        """
        for page in reversed(self._history):
            if not page.is_closed():
                return page
        open_pages = self.pages
        return open_pages[-1] if open_pages else self._pages[-1]

    def focus(self, page: Page) -> None:
        """Make ``page`` (one of the context's pages) the current tab."""
        self._add(page)
        if page in self._history:
            self._history.remove(page)
        self._history.append(page)

    def follow_popups(self, opener: Page, follow: bool) -> None:
        """Whether tabs ``opener`` opens from now on become current (the default) or
        open in the background.

        Set before a click or press, and kept until the next one: the popup a
        click opens may be reported only after the click has returned.
        """
        if follow:
            self._staying.discard(opener)
        else:
            self._staying.add(opener)

    async def open(self) -> Page:
        """Open a new, blank tab and make it current."""
        page = await self._context.new_page()
        self.focus(page)
        return page

    def info(self) -> list[TabInfo]:
        """The open tabs, oldest first, without waiting on the browser."""
        current = self.current
        return [
            TabInfo(
                index=index,
                url=page.url,
                title=self._titles.get(page, ""),
                current=page is current,
            )
            for index, page in enumerate(self.pages)
        ]

    def _add(self, page: Page) -> None:
        if page in self._pages:
            return
        self._pages.append(page)
        page.on("popup", lambda popup: self._on_popup(page, popup))
        page.on("close", self._on_close)
        page.on("domcontentloaded", self._read_title)
        page.on("load", self._read_title)
        page.on("framenavigated", lambda frame: self._on_navigated(page, frame))

    def _on_page(self, page: Page) -> None:
        # Playwright reports a popup to the context ("page") and to its opener
        # ("popup"), today in that order. Should "popup" come first, it has marked
        # a background tab already, which is left alone here.
        self._add(page)
        if page not in self._background:
            self.focus(page)

    def _on_popup(self, opener: Page, popup: Page) -> None:
        self._add(popup)
        if opener not in self._staying:
            return
        self._background.add(popup)
        if popup in self._history:
            self._history.remove(popup)

    def _on_close(self, page: Page) -> None:
        if page in self._history:
            self._history.remove(page)
        if page in self._pages and len(self._pages) > 1:
            self._pages.remove(page)
        self._titles.pop(page, None)
        self._title_reads.pop(page, None)
        self._staying.discard(page)
        self._background.discard(page)

    def _on_navigated(self, page: Page, frame: Frame) -> Awaitable[None] | None:
        # A history.pushState navigation fires no load event, and single-page
        # apps set their title with it.
        return self._read_title(page) if frame == page.main_frame else None

    async def _read_title(self, page: Page) -> None:
        # Reads may finish out of order (a slow one from before a navigation):
        # only the latest one started is kept.
        if page.is_closed():
            return
        turn = self._title_reads[page] = self._title_reads.get(page, 0) + 1
        try:
            title = await page.title()
        except Error:  # the page closed or navigated meanwhile; a later read follows
            return
        if self._title_reads.get(page) == turn and not page.is_closed():
            self._titles[page] = title
