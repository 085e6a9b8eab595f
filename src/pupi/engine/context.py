"""What a handler is given besides its step: the page and frame it acts on, its
timeout, and the instance's request filter and tabs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from playwright.async_api import Frame, Page

from pupi.browser.downloads import Downloads
from pupi.engine.translate import NavigationRefused

__all__ = ["Handler", "StepContext", "TabSet"]


class TabSet(Protocol):
    """An instance's tabs as the tab steps use them (:class:`pupi.browser.Tabs`)."""

    @property
    def pages(self) -> list[Page]: ...

    @property
    def current(self) -> Page: ...

    def focus(self, page: Page) -> None: ...

    def follow_popups(self, opener: Page, follow: bool) -> None: ...

    async def open(self) -> Page: ...


@dataclass(slots=True)
class StepContext:
    """What a handler needs besides its step."""

    page: Page
    timeout_ms: float
    index: int
    artifacts_dir: Path
    url_filter: Callable[[str], str | None] | None = None
    """The instance's request filter, checked before a ``go`` is sent."""
    frame: Frame | None = None
    """The step's ``frame``; None for the page's main frame."""
    tabs: TabSet | None = None
    """The instance's tabs; None when the steps run on a bare page."""
    downloads: Downloads | None = None
    """The instance's downloads; None when the steps run on a bare page."""

    @property
    def scope(self) -> Page | Frame:
        """Where the step's selectors and scripts apply: its frame, or the page."""
        return self.frame or self.page

    async def check_url(self, url: str) -> None:
        """Raise ``NavigationRefused`` when the request filter refuses ``url``.

        The filter also sees every request the pages make, but browser-internal
        URLs (chrome:, about:) never reach the network layer, so a step that
        navigates checks here too.
        """
        if self.url_filter is None:
            return
        # In a thread: a filter may resolve the host (the server's fetch policy does).
        reason = await asyncio.to_thread(self.url_filter, url)
        if reason:
            raise NavigationRefused(reason)


Handler = Callable[[Any, StepContext], Awaitable[Any]]
