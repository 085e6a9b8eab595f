"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the database (creating and migrating it), recovers what a
crash left behind, starts the worker pool and the sweeper, and undoes all of
it on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from pupi.server.db.engine import create_engine, migrate
from pupi.server.db.sessions import SessionStore
from pupi.server.egress import EgressProxy
from pupi.server.errors import install_error_handlers
from pupi.server.events import EventHub
from pupi.server.fetch_policy import make_request_filter
from pupi.server.limits import BodyLimitMiddleware
from pupi.server.metrics import Metrics
from pupi.server.routes import events, health, metrics, sessions
from pupi.server.settings import ServerSettings
from pupi.server.shutdown import close_browsers
from pupi.server.state import ServerState
from pupi.server.workers.pool import WorkerPool
from pupi.server.workers.runner import run_agent_session
from pupi.server.workers.sweeper import sweep_forever

__all__ = ["create_app"]

API_DESCRIPTION = """\
Send a prompt, get a session; a worker drives a headless browser with the agent
until the task is done. Authenticate with `Authorization: Bearer pupi_...`.
Errors are `{"error": {"code", "message"}}`.
"""


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the API app; nothing is opened until it starts (its lifespan).

    >>> app = create_app(ServerSettings.from_env(database_url="sqlite:///tmp/pupi.db"))
    >>> uvicorn.run(app, port=8400)
    """
    settings = settings or ServerSettings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        await migrate(engine)
        store = SessionStore(engine)
        hub = EventHub()
        counters = Metrics()
        # Started before the workers, stopped after them: no session browses without it.
        proxy = EgressProxy(allow_hosts=settings.allow_hosts)
        await proxy.start()
        pool = WorkerPool(
            store=store,
            hub=hub,
            metrics=counters,
            runner=settings.runner or run_agent_session,
            request_filter=make_request_filter(settings.allow_hosts),
            concurrency=settings.concurrency,
            max_queued_per_token=settings.max_queued_per_token,
            screenshots=settings.screenshots,
            egress_proxy=proxy.url,
        )
        app.state.pupi = ServerState(settings, engine, store, hub, pool, counters)
        await pool.start()
        sweeper = asyncio.create_task(
            sweep_forever(
                store,
                interval_s=settings.sweep_interval_s,
                idle_expiry_s=settings.idle_expiry_s,
                retention_s=settings.retention_s,
            )
        )
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)
            # Sessions first (their browsers still up), then the browsers: see shutdown.py.
            await pool.stop(grace_s=settings.shutdown_grace_s)
            await close_browsers()
            await proxy.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Pupi AI API",
        version="1",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.include_router(sessions.router)
    app.include_router(events.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    return app
