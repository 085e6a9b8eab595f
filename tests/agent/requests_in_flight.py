"""Waiting for the requests a browser context has sent, so that a check sees their effect."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import BrowserContext

from pupi.engine.page_view import RequestWatch


class RequestsInFlight:
    """The requests of one browser context that have not been answered yet.

    Pages record some actions with requests nobody waits for (a click's
    ``fetch``), and a site records such an action before it answers the request.
    So once every request sent so far has its answer, a checker reading the site's
    state sees all of them: no polling of the state, no guessing how long they take.
    Attach it before the run whose requests it should follow. The following is
    the agent's own (:class:`pupi.engine.page_view.RequestWatch`), old requests
    included.
    """

    def __init__(self, context: BrowserContext) -> None:
        self._watch = RequestWatch(context)

    async def settled(self, timeout_s: float = 60) -> None:
        """Return once every request sent so far has been answered or has failed.

        ``timeout_s`` is generous: it bounds the wait, it does not expect a speed.
        """
        deadline = time.monotonic() + timeout_s
        while self._watch.pending:
            if time.monotonic() > deadline:
                urls = sorted(request.url for request in self._watch.pending)
                raise AssertionError(f"requests still in flight after {timeout_s} s: {urls}")
            await asyncio.sleep(0.02)
