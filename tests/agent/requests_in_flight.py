"""Waiting for the requests a browser context has sent, so that a check sees their effect."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import BrowserContext, Request, Response


class RequestsInFlight:
    """The requests of one browser context that have not been answered yet.

    Pages record some actions with requests nobody waits for (a click's
    ``fetch``), and a site records such an action before it answers the request.
    So once every request sent so far has its answer, a checker reading the site's
    state sees all of them: no polling of the state, no guessing how long they take.
    Attach it before the run whose requests it should follow.
    """

    def __init__(self, context: BrowserContext) -> None:
        self._pending: set[Request] = set()
        context.on("request", self._sent)
        # The response's head is the answer: a fetch whose body the page never
        # reads gets no "requestfinished". A redirect's next hop is a request of its own.
        context.on("response", self._answered)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def _sent(self, request: Request) -> None:
        self._pending.add(request)

    def _ended(self, request: Request) -> None:
        self._pending.discard(request)

    def _answered(self, response: Response) -> None:
        self._pending.discard(response.request)

    async def settled(self, timeout_s: float = 60) -> None:
        """Return once every request sent so far has been answered or has failed.

        ``timeout_s`` is generous: it bounds the wait, it does not expect a speed.
        """
        deadline = time.monotonic() + timeout_s
        while self._pending:
            if time.monotonic() > deadline:
                urls = sorted(request.url for request in self._pending)
                raise AssertionError(f"requests still in flight after {timeout_s} s: {urls}")
            await asyncio.sleep(0.02)
