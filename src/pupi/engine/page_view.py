"""What the agent reads of a page, and how it waits for one, without Playwright.

The agent observes pages and checks selectors, but it must not depend on
Playwright's API or on the texts of its errors: it goes through a
:class:`PageView`, and every Playwright error a view meets is translated by
:func:`~pupi.engine.translate.translate_page_error` into a
:class:`~pupi.engine.translate.PageQueryFailed`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from typing import Any

from playwright.async_api import BrowserContext, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from pupi.engine.runner import PageSource
from pupi.engine.translate import (
    PageClosed,
    PageNavigated,
    PageQueryFailed,
    translate_page_error,
)

__all__ = ["PageTarget", "PageView", "RequestWatch"]

logger = logging.getLogger("pupi.engine")

PageTarget = Page | PageSource
"""A page, or anything with a current ``page`` (an :class:`~pupi.browser.Instance`)."""

_SETTLE_JS = """([firstMs, quietMs, maxMs]) => new Promise((resolve) => {
  // Resolves firstMs from now if the DOM does not change meanwhile (an action's
  // synchronous effects are done before this runs), else once it has been quiet
  // for quietMs, or after maxMs at most: the next observation sees the page
  // after a click's effects, not during them.
  let timer = setTimeout(done, firstMs);
  const limit = setTimeout(done, maxMs);
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, quietMs);
  });
  const what = {subtree: true, childList: true, attributes: true, characterData: true};
  observer.observe(document, what);
  function done() {
    observer.disconnect();
    clearTimeout(timer);
    clearTimeout(limit);
    resolve(true);
  }
})"""


_SCREENSHOT_TIMEOUT_MS = 5_000

# Decodes a JPEG (base64), draws it smaller and encodes it again, without the DOM
# and without a URL, so neither the document nor a content security policy sees it.
_SHRINK_JS = """async ([data, width, height, quality]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }), {
    resizeWidth: width, resizeHeight: height, resizeQuality: "high",
  });
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  const out = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < out.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, out.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}"""


class PageView:
    """A view of one page, or of an instance's current page, for reading and waiting.

    A view of an instance follows it: when a click opens a new tab, the view
    reads that tab from then on. Failed reads raise
    :class:`~pupi.engine.translate.PageQueryFailed` (or its subclasses
    ``PageNavigated`` and ``PageClosed``), never a Playwright error::

        view = PageView(instance)
        await view.settle(timeout_s=5)
        if await view.count("#username") == 1:
            data = await view.snapshot("() => document.title")
    """

    def __init__(self, target: PageTarget) -> None:
        self._target = target

    @classmethod
    def of(cls, target: PageView | PageTarget) -> PageView:
        """``target`` itself when it is a view already, else a new view of it."""
        return target if isinstance(target, PageView) else cls(target)

    def __repr__(self) -> str:
        return f"<PageView {self.url!r}>"

    @property
    def _page(self) -> Page:
        target = self._target
        return target if isinstance(target, Page) else target.page

    @property
    def url(self) -> str:
        """The page's current URL."""
        return self._page.url

    async def count(self, selector: str) -> int:
        """How many elements ``selector`` matches now (no waiting)."""
        try:
            return await self._page.locator(selector).count()
        except PlaywrightError as exc:
            raise translate_page_error(exc) from exc

    async def snapshot(self, script: str, arg: Any = None, *, attempts: int = 3) -> Any:
        """The value of ``script`` (a JavaScript function of ``arg``) run in the page.

        A navigation that starts while the script runs destroys its document;
        the view then waits for the new document and runs the script again, up
        to ``attempts`` times in all.
        """
        attempt = 1
        while True:
            page = self._page
            try:
                return await page.evaluate(script, arg)
            except PlaywrightError as exc:
                error = translate_page_error(exc)
                # "Target closed" also comes from a frame swapped out during a
                # navigation; only a page that is itself closed is gone for good.
                retry = isinstance(error, PageNavigated) or (
                    isinstance(error, PageClosed) and not page.is_closed()
                )
                if attempt >= attempts or not retry:
                    raise error from exc
            attempt += 1
            await self._wait_for_document(page)

    async def screenshot_jpeg(
        self, *, quality: int, max_width: int, max_height: int
    ) -> tuple[bytes, int, int]:
        """A JPEG of what the viewport shows, shrunk to fit ``max_width`` x ``max_height``.

        Returns the image and its width and height in pixels: CSS pixels (a
        device's pixel ratio does not multiply them), never enlarged. The
        shrinking runs in the page's own canvas; a page that prevents it gets
        its picture at the viewport's size.
        """
        page = self._page
        try:
            # Playwright's capture keeps the context's emulation as it is; a capture
            # through a CDP session of our own resets the device metrics (the pixel
            # ratio, the screen size) that the context emulates.
            image = await page.screenshot(
                type="jpeg", quality=quality, scale="css", timeout=_SCREENSHOT_TIMEOUT_MS
            )
        except PlaywrightError as exc:
            raise translate_page_error(exc) from exc
        width, height = _jpeg_size(image)
        scale = min(1.0, max_width / width, max_height / height)
        if scale == 1.0:
            return image, width, height
        size = [max(1, round(width * scale)), max(1, round(height * scale))]
        try:
            shrunk = await page.evaluate(
                _SHRINK_JS, [base64.b64encode(image).decode("ascii"), *size, quality / 100]
            )
        except PlaywrightError as exc:
            logger.debug("could not shrink the screenshot in the page: %s", exc)
            return image, width, height
        return base64.b64decode(shrunk), size[0], size[1]

    def watch_requests(self) -> RequestWatch:
        """Follow the requests the page's context sends from now on, for :meth:`settle`."""
        return RequestWatch(self._page.context)

    async def settle(
        self,
        *,
        timeout_s: float,
        requests: RequestWatch | None = None,
        first_ms: int = 50,
        quiet_ms: int = 150,
        request_wait_s: float = 2.0,
    ) -> None:
        """Wait until the page has loaded and stopped changing.

        Stopped changing: no DOM change for ``first_ms``, or, once one came,
        for ``quiet_ms`` after the last; and none of the ``requests`` (a watch
        started before the action) still waiting for an answer, a response
        being what usually changes the page next (``request_wait_s`` at most
        for them). At most about ``timeout_s`` seconds; a page that never
        settles (or closed) is not an error: the caller reads it as it is.
        """
        # A click may start a navigation or a fetch that re-renders the page; a
        # navigation destroys the settle script's document, so wait again then.
        deadline = time.monotonic() + timeout_s
        for _ in range(3):
            budget_ms = min(5_000.0, (deadline - time.monotonic()) * 1000)
            if budget_ms <= 0:
                return
            page = self._page
            try:
                await page.wait_for_load_state("load", timeout=budget_ms)
                await page.evaluate(_SETTLE_JS, [first_ms, quiet_ms, min(1_500, int(budget_ms))])
            except PlaywrightError as exc:
                error = translate_page_error(exc)
                logger.debug("page still settling: %s", error)
                if isinstance(error, PageClosed) and page.is_closed():
                    return
                continue
            wait_s = min(request_wait_s, budget_ms / 1000)
            if requests is None or not await requests.answered(wait_s):
                return

    async def _wait_for_document(self, page: Page) -> None:
        try:
            await page.wait_for_load_state("domcontentloaded", timeout=5_000)
        except PlaywrightError:
            await asyncio.sleep(0.2)


def _jpeg_size(image: bytes) -> tuple[int, int]:
    # Width and height from the first start-of-frame segment (SOF0..SOF15 but the
    # DHT, JPG and DAC markers C4, C8, CC). Segments before it carry their length.
    position = 2
    while position + 9 <= len(image):
        marker, length = image[position + 1], int.from_bytes(image[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(image[position + 5 : position + 7])
            width = int.from_bytes(image[position + 7 : position + 9])
            return width, height
        position += 2 + length
    raise PageQueryFailed("the browser's screenshot is not a JPEG with a frame header")


class RequestWatch:
    """The requests of a browser context sent since the watch began and not answered yet.

    Streams that are never meant to end (event sources, web sockets, media) are
    not followed; nor is a request older than ``STALE_S``, which a page may
    leave open for good (a long poll) without the page being busy.
    """

    STALE_S = 2.0
    _ENDLESS = frozenset({"eventsource", "websocket", "media"})

    def __init__(self, context: BrowserContext) -> None:
        self._context = context
        self._pending: dict[Request, float] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        context.on("request", self._sent)
        # The response's head is the answer: a fetch whose body the page never
        # reads gets no "requestfinished".
        context.on("response", self._answered)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def _sent(self, request: Request) -> None:
        if request.resource_type not in self._ENDLESS:
            self._pending[request] = time.monotonic()
            self._idle.clear()

    def _answered(self, response: Response) -> None:
        self._ended(response.request)

    def _ended(self, request: Request) -> None:
        if self._pending.pop(request, None) is not None and not self._pending:
            self._idle.set()

    @property
    def pending(self) -> list[Request]:
        """The requests followed and not answered yet, oldest first."""
        return list(self._pending)

    def _fresh(self) -> bool:
        oldest = time.monotonic() - self.STALE_S
        return any(sent > oldest for sent in self._pending.values())

    async def answered(self, timeout_s: float) -> bool:
        """Wait (``timeout_s`` at most) for the fresh requests; True when some were pending."""
        if not self._fresh():
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        return True

    def stop(self) -> None:
        """Stop following the context's requests."""
        self._context.remove_listener("request", self._sent)
        self._context.remove_listener("response", self._answered)
        self._context.remove_listener("requestfinished", self._ended)
        self._context.remove_listener("requestfailed", self._ended)
