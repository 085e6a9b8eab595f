"""What the running server holds: settings, database, queue, events, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from pupi.server.db.sessions import SessionStore
from pupi.server.db.webhooks import WebhookStore
from pupi.server.events import EventHub
from pupi.server.metrics import Metrics
from pupi.server.settings import ServerSettings
from pupi.server.views import ViewCache
from pupi.server.workers.queue import SessionQueue

__all__ = ["ServerState"]


@dataclass
class ServerState:
    """One per app, built by the lifespan and reached from routes through ``deps``."""

    settings: ServerSettings
    engine: AsyncEngine
    store: SessionStore
    hub: EventHub
    queue: SessionQueue
    metrics: Metrics
    webhooks: WebhookStore
    views: ViewCache = field(default_factory=ViewCache)
    token_cache: dict[str, tuple[float, str]] = field(default_factory=dict)
    """token hash -> (trusted until, token id)."""
