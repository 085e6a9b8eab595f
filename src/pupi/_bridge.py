"""The bridge under the sync API: one private event loop on a daemon thread.

Every sync object sends its coroutines to this loop, so Playwright objects live
on one loop for the whole process and instances stay open between calls. It
also works where the calling thread already runs a loop (Jupyter), because the
work never runs on the caller's loop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["Bridge", "get_bridge"]

T = TypeVar("T")

_SHUTDOWN_TIMEOUT_S = 10


class Bridge:
    """Runs coroutines on a private loop and waits for their results."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="pupi-sync-loop", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, function: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
        """Run ``function(*args, **kwargs)`` on the bridge's loop and return its result."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("the sync API cannot be called from inside its own loop")
        future = asyncio.run_coroutine_threadsafe(function(*args, **kwargs), self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def call_plain(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a plain function on the loop's thread (it may read loop-bound state)."""

        async def run() -> T:
            return function(*args, **kwargs)

        return self.call(run)

    def iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        """Iterate ``iterator`` on the bridge's loop, one item per call into it."""

        async def next_item() -> T:
            return await anext(iterator)

        while True:
            try:
                yield self.call(next_item)
            except StopAsyncIteration:
                return

    def shutdown(self) -> None:
        """Close every instance and the browser gracefully, then stop the loop."""
        from pupi.browser.instances import get_manager

        async def close() -> None:
            await get_manager().shutdown()

        if self.loop.is_running():
            future = asyncio.run_coroutine_threadsafe(close(), self.loop)
            # Whatever does not close in time, the reaper kills.
            with contextlib.suppress(Exception):
                future.result(timeout=_SHUTDOWN_TIMEOUT_S)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=_SHUTDOWN_TIMEOUT_S)


_bridge: Bridge | None = None
_lock = threading.Lock()


def get_bridge() -> Bridge:
    """The process-wide bridge, started on first use and shut down at exit."""
    global _bridge
    with _lock:
        if _bridge is None:
            from pupi.browser import reaper

            # atexit runs hooks last-in first-out: the graceful shutdown registered
            # after the reaper runs before it, and the reaper kills what is left.
            reaper.install()
            _bridge = Bridge()
            atexit.register(_bridge.shutdown)
        return _bridge
