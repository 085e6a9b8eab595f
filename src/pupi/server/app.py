"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the database (creating and migrating it), recovers what a
crash left behind, starts the session queue (with this process's workers,
unless it is an API-only node) and the sweeper, and undoes all of it on the
way out. On PostgreSQL it also listens for other nodes' writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

from fastapi import FastAPI

from pupi.server.db.engine import create_engine, migrate
from pupi.server.db.sessions import SessionStore
from pupi.server.egress import EgressProxy
from pupi.server.errors import install_error_handlers
from pupi.server.events import EventHub
from pupi.server.limits import BodyLimitMiddleware
from pupi.server.listener import ChangeListener
from pupi.server.metrics import Metrics
from pupi.server.routes import dashboard, events, files, health, metrics, sessions, webhooks
from pupi.server.settings import ServerSettings
from pupi.server.shutdown import close_browsers
from pupi.server.state import ServerState
from pupi.server.workers.build import build_queue, build_webhooks
from pupi.server.workers.sweeper import sweep_forever

__all__ = ["create_app"]

API_DESCRIPTION = """\
Send a prompt, get a session; a worker drives a headless browser with the agent
until the task is done. Authenticate with `Authorization: Bearer pupi_...`.
Errors are `{"error": {"code", "message"}}`.
"""


CARRIES_FILES = re.compile(r"/v1/sessions(/[^/]+/steps)?")
"""The routes whose bodies may carry files and storage states."""


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
        hub = EventHub()
        store = SessionStore(engine, hub)
        counters = Metrics()
        listener = ChangeListener(settings.database_url, store) if settings.distributed else None
        if listener is not None:
            await listener.start()
        # Started before the workers, stopped after them: no session browses, and no
        # webhook is sent, without it.
        proxy = EgressProxy(allow_hosts=settings.allow_hosts)
        await proxy.start()
        webhooks = build_webhooks(settings, engine, egress_proxy=proxy.url)
        queue = build_queue(settings, store, counters, egress_proxy=proxy.url, webhooks=webhooks)
        app.state.pupi = ServerState(settings, engine, store, hub, queue, counters, webhooks.store)
        await queue.start()
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
            await queue.stop(grace_s=settings.shutdown_grace_s)
            await close_browsers()
            await webhooks.aclose()
            await proxy.aclose()
            if listener is not None:
                await listener.stop()
            await engine.dispose()

    app = FastAPI(
        title="Pupi AI API",
        version="1",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        # Files and storage states travel base64-encoded: 4 bytes for every 3.
        extra_bytes=settings.max_upload_bytes * 4 // 3 + 4096,
        extra_paths=CARRIES_FILES,
    )
    app.include_router(sessions.router)
    app.include_router(events.router)
    app.include_router(files.router)
    app.include_router(webhooks.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(dashboard.router)
    return app
