"""Spare contexts, made ahead so that a new instance is ready at once.

A context's first page is a renderer process to start: about 150 ms of a CPU
core, which no instance should wait for. So each shared browser keeps a pool
of spares, each a context with its page.

How many: as many as the largest burst of opens seen in the last
``DEMAND_WINDOW_S`` (opens that came with no quiet moment between them to make
a spare), at least one, at most ``max_spares``, and no more than a small share
of the memory available. Spares beyond that are closed as the bursts age.

When: only once the browser has been quiet for ``SPARE_DELAY_S``, no instance
opened and no steps running in this process, and one at a time, so that a
spare never takes the CPU from the steps it is meant to speed up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import psutil
from playwright.async_api import BrowserContext, Error, Page

__all__ = ["Activity", "SparePool", "activity", "counts_as_activity"]

SPARE_DELAY_S = 0.25
DEMAND_WINDOW_S = 60.0
DEFAULT_MAX_SPARES = 4
SPARE_MB = 40
"""What a spare is counted as: its renderer measured 32 MB PSS, with a margin."""
MEMORY_SHARE = 0.05
"""Spares together take at most this share of the memory available."""

Spare = tuple[BrowserContext, Page]
P = ParamSpec("P")
R = TypeVar("R")


class Activity:
    """Runs of steps in progress in this process, and when the last one ended.

    Counted across event loops and threads: a run on any of them uses the same
    CPU a spare would.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._running = 0
        self._ended = float("-inf")
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self) -> Any:
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._ended = self._clock()

    def quiet_for(self) -> float:
        """Seconds since the last run ended; 0 while one runs."""
        with self._lock:
            return 0.0 if self._running else self._clock() - self._ended


activity = Activity()


def counts_as_activity(
    function: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Mark a coroutine function's calls as steps running (see :data:`activity`)."""

    @functools.wraps(function)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with activity.running():
            return await function(*args, **kwargs)

    return wrapper


class SparePool:
    """The spares of one browser; ``make`` opens one, the pool closes them.

    ``opened`` is told of every new instance; ``take`` hands out a spare, or
    the one being made, or None.
    """

    def __init__(
        self,
        make: Callable[[], Awaitable[Spare]],
        *,
        max_spares: int = DEFAULT_MAX_SPARES,
        clock: Callable[[], float] = time.monotonic,
        activity: Activity = activity,
    ) -> None:
        self.max_spares = max_spares
        self._make = make
        self._clock = clock
        self._activity = activity
        self.ready: deque[Spare] = deque()
        self._making: asyncio.Future[Spare] | None = None
        self._filler: asyncio.Task[None] | None = None
        self._woken = asyncio.Event()
        self._burst = 0
        self._bursts: deque[tuple[float, int]] = deque()
        self._last_open = float("-inf")

    def opened(self) -> None:
        """A new instance was opened: it counts towards the burst, and the pool refills."""
        self._note_open()
        if self.max_spares <= 0:
            return
        if self._filler is None or self._filler.done():
            self._filler = asyncio.ensure_future(self._fill())
        else:  # it may be holding spares until a burst ages out: look again now
            self._woken.set()

    def _note_open(self) -> None:
        self._burst += 1
        self._last_open = self._clock()

    async def take(self) -> Spare | None:
        while self.ready:
            context, page = self.ready.popleft()
            if not page.is_closed():
                return context, page
        making, self._making = self._making, None
        if making is None:
            return None
        try:
            context, page = await asyncio.shield(making)
        except (Error, asyncio.CancelledError):
            return None
        return None if page.is_closed() else (context, page)

    def wanted(self) -> int:
        """How many spares to hold now: the largest recent burst, within the bounds."""
        now = self._clock()
        while self._bursts and now - self._bursts[0][0] > DEMAND_WINDOW_S:
            self._bursts.popleft()
        demand = max([self._burst, 1, *(size for _, size in self._bursts)])
        return min(demand, self.max_spares, _memory_allows())

    def until_quiet(self) -> float:
        """Seconds until a spare may be made: none while opens or steps are recent."""
        since_open = self._clock() - self._last_open
        return max(0.0, SPARE_DELAY_S - min(since_open, self._activity.quiet_for()))

    async def _fill(self) -> None:
        while True:
            wait = self.until_quiet()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self._burst:
                self._bursts.append((self._clock(), self._burst))
                self._burst = 0
            wanted = self.wanted()
            while len(self.ready) > wanted:
                await _close(self.ready.pop()[0])
            if len(self.ready) < wanted:
                try:
                    await self._make_one()
                except Error:  # the browser went away: its manager drops this pool
                    return
                continue
            if not self._bursts or wanted <= 1:
                return
            # Hold them until the burst that asked for them ages out or an open
            # takes one, then look again.
            self._woken.clear()
            with contextlib.suppress(TimeoutError):
                aged = self._bursts[0][0] + DEMAND_WINDOW_S - self._clock() + 0.01
                await asyncio.wait_for(self._woken.wait(), aged)

    async def _make_one(self) -> None:
        making = self._making = asyncio.ensure_future(self._make())
        try:
            spare = await asyncio.shield(making)
        except Error:
            self._making = None
            raise
        if self._making is making:  # not taken by an open meanwhile
            self._making = None
            self.ready.append(spare)

    async def aclose(self) -> None:
        """Stop refilling and close every spare."""
        if self._filler is not None:
            self._filler.cancel()
            with contextlib.suppress(BaseException):
                await self._filler
        making, self._making = self._making, None
        if making is not None:
            with contextlib.suppress(BaseException):
                await _close((await making)[0])
        while self.ready:
            await _close(self.ready.pop()[0])

    def discard(self) -> None:
        """Forget every spare without closing it: its browser is gone."""
        if self._filler is not None:
            self._filler.cancel()
        if self._making is not None:
            self._making.cancel()
        self._making = None
        self.ready.clear()


def _memory_allows() -> int:
    return int(psutil.virtual_memory().available * MEMORY_SHARE / (SPARE_MB * 2**20))


async def _close(context: BrowserContext) -> None:
    with contextlib.suppress(Error):
        await context.close()
