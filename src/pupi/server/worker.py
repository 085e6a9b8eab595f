"""``pupi worker``: a process that runs sessions from the distributed queue, and nothing else.

It needs the PostgreSQL database the API nodes use, and takes the same settings
(``PUPI_*`` variables and flags). On SIGTERM (or Ctrl+C) it takes no more
sessions (the queued ones wait for another worker), gives the running ones
``PUPI_SHUTDOWN_GRACE_S`` to finish, fails the rest as ``interrupted``, then
closes its browsers; a second signal ends the grace at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import replace

from pupi.server.db.engine import create_engine, migrate
from pupi.server.db.sessions import SessionStore
from pupi.server.egress import EgressProxy
from pupi.server.listener import ChangeListener
from pupi.server.metrics import Metrics
from pupi.server.serve import load_runner
from pupi.server.settings import ServerSettings
from pupi.server.shutdown import close_browsers
from pupi.server.workers.build import build_queue, build_webhooks

__all__ = ["run_worker"]

logger = logging.getLogger("pupi.server.worker")


async def _work(settings: ServerSettings) -> None:
    engine = create_engine(settings.database_url)
    await migrate(engine)
    store = SessionStore(engine)
    # Open sessions wait for follow-ups; this is how they hear of one at once.
    listener = ChangeListener(settings.database_url, store)
    await listener.start()
    proxy = EgressProxy(allow_hosts=settings.allow_hosts)
    await proxy.start()
    webhooks = build_webhooks(settings, engine, egress_proxy=proxy.url)
    queue = build_queue(settings, store, Metrics(), egress_proxy=proxy.url, webhooks=webhooks)
    stop = asyncio.Event()
    signals = 0

    def on_signal() -> None:
        nonlocal signals
        signals += 1
        if signals == 1:
            grace = settings.shutdown_grace_s
            logger.info("stopping: no new sessions; running ones have %g s to end", grace)
            queue.stop_taking_work()
            stop.set()
        else:
            logger.info("stopping now: running sessions are interrupted")
            queue.end_grace()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal)
    try:
        await queue.start()
        logger.info(
            "worker running %d sessions at once on %s", settings.concurrency, engine.url.host
        )
        await stop.wait()
        await queue.stop(grace_s=settings.shutdown_grace_s)
    finally:
        await close_browsers()
        await webhooks.aclose()
        await proxy.aclose()
        await listener.stop()
        await engine.dispose()


def run_worker(settings: ServerSettings, *, runner_spec: str | None = None) -> None:
    """Run sessions from the queue in this process until a signal stops it."""
    if not settings.distributed:
        raise ValueError(
            "pupi worker takes sessions from the distributed queue, which lives in "
            "PostgreSQL: set --database-url postgresql://... (with SQLite, pupi serve "
            "runs the sessions itself)"
        )
    if runner_spec:
        settings = replace(settings, runner=load_runner(runner_spec))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # The reaper still kills every browser at exit; its signal handlers would
    # kill them at the first SIGTERM, before the grace.
    from pupi.browser import reaper

    reaper.defer_signals_to_host()
    asyncio.run(_work(settings))
