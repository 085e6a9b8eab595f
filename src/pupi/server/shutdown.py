"""How ``pupi serve`` stops on SIGTERM (or Ctrl+C) without spoiling the sessions it runs.

The order:

1. The signal: the pool starts no more queued sessions (they stay queued in the
   database and run after the restart), and uvicorn stops accepting requests.
2. uvicorn waits a little for open connections (event streams) to end.
3. The app's lifespan ends: running sessions get what is left of
   ``PUPI_SHUTDOWN_GRACE_S`` (counted from the signal) to finish; those still
   running then are failed as ``interrupted``.
4. The browsers and the Playwright driver are closed; the process exits.

A second signal ends the grace: the running sessions are failed as
``interrupted`` at once. A second Ctrl+C before step 3 is also uvicorn's force
exit, which skips the lifespan's end: the reaper then kills the browsers at
exit, and the next start records the sessions left running as ``interrupted``,
as after a crash.

The browser reaper must not act on the first signal, as it does in a plain
script, or step 3 would find every session's browser gone; ``pupi serve``
defers it (:func:`pupi.browser.reaper.defer_signals_to_host`), and its handlers
still run when uvicorn re-raises the signal on its way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

__all__ = ["close_browsers", "serve_app"]

logger = logging.getLogger("pupi.server")

BROWSER_CLOSE_TIMEOUT_S = 10.0
"""Past this, closing is left to the reaper (it kills the processes at exit)."""


class _Server(uvicorn.Server):
    """uvicorn's server; exit signals also reach the pool (steps 1 and the second signal).

    The pool is told at once, not when the lifespan ends: uvicorn first waits
    for connections to close, and a worker would start queued sessions meanwhile.
    """

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        state = getattr(self._app.state, "pupi", None)  # None until the lifespan has started
        if state is not None:
            # Both only set flags or schedule a callback: safe in a signal handler.
            if self.should_exit:
                state.queue.end_grace()
            else:
                state.queue.stop_taking_work()
        super().handle_exit(sig, frame)


def serve_app(app: FastAPI, **options: Any) -> None:
    """``uvicorn.run(app, **options)`` with the shutdown order above (one process only)."""
    # Imported here, not at the top: app.py imports this module, and an app built
    # with create_app should load Playwright only once a session needs it.
    from pupi.browser import reaper

    # Before uvicorn takes SIGTERM over: these are the handlers it restores at the end.
    reaper.defer_signals_to_host()
    server = _Server(uvicorn.Config(app, **options), app)
    # uvicorn re-raises a Ctrl+C once it is done; it has been handled by then.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # as uvicorn.run does


async def close_browsers() -> None:
    """Close this loop's browsers and Playwright driver, if anything started them."""
    if "pupi.browser.instances" not in sys.modules:
        return  # nothing opened a browser (a runner without one, as in the tests)
    from pupi.browser.instances import get_manager

    try:
        async with asyncio.timeout(BROWSER_CLOSE_TIMEOUT_S):
            await get_manager().shutdown()
    except TimeoutError:
        logger.warning("closing the browsers took over %g s", BROWSER_CLOSE_TIMEOUT_S)
