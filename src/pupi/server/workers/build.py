"""Building the session queue the settings ask for, and its executor."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from pupi.server.db.sessions import SessionStore
from pupi.server.db.webhooks import WebhookStore
from pupi.server.fetch_policy import make_request_filter
from pupi.server.metrics import Metrics
from pupi.server.settings import ServerSettings
from pupi.server.webhooks import WebhookSender
from pupi.server.workers.execute import SessionExecutor
from pupi.server.workers.queue import SessionQueue
from pupi.server.workers.runner import open_agent_browser

__all__ = ["build_executor", "build_queue", "build_webhooks"]


def build_webhooks(
    settings: ServerSettings, engine: AsyncEngine, *, egress_proxy: str | None
) -> WebhookSender:
    """What delivers webhooks from this process, through its egress proxy."""
    return WebhookSender(
        WebhookStore(engine),
        allow_hosts=settings.allow_hosts,
        proxy_url=egress_proxy,
        base_backoff_s=settings.webhook_backoff_s,
        max_attempts=settings.webhook_max_attempts,
    )


def build_executor(
    settings: ServerSettings, store: SessionStore, metrics: Metrics, *, egress_proxy: str | None
) -> SessionExecutor:
    """What runs a session in this process, from the settings."""
    return SessionExecutor(
        store=store,
        metrics=metrics,
        runner=settings.runner or open_agent_browser,
        request_filter=make_request_filter(settings.allow_hosts),
        screenshots=settings.screenshots,
        egress_proxy=egress_proxy,
        cdp_url=settings.cdp_url,
        sealer=settings.sealer,
        allow_hosts=settings.allow_hosts,
        max_file_bytes=settings.max_file_bytes,
        max_files=settings.max_files,
    )


def build_queue(
    settings: ServerSettings,
    store: SessionStore,
    metrics: Metrics,
    *,
    egress_proxy: str | None,
    webhooks: WebhookSender | None = None,
    concurrency: int | None = None,
) -> SessionQueue:
    """The in-process pool on SQLite, the distributed queue on PostgreSQL.

    ``settings.worker`` False makes the queue admit and cancel only (an API node).
    """
    executor = (
        build_executor(settings, store, metrics, egress_proxy=egress_proxy)
        if settings.worker
        else None
    )
    concurrency = settings.concurrency if concurrency is None else concurrency
    if not settings.distributed:
        if executor is None:
            raise ValueError(
                "an API-only node (--no-worker) needs PostgreSQL: with SQLite the "
                "sessions run in the pupi serve process"
            )
        from pupi.server.workers.pool import WorkerPool

        return WorkerPool(
            store=store,
            metrics=metrics,
            executor=executor,
            concurrency=concurrency,
            max_queued_per_token=settings.max_queued_per_token,
            webhooks=webhooks,
        )
    from pupi.server.workers.distributed import DistributedQueue, procrastinate_app

    return DistributedQueue(
        store=store,
        app=procrastinate_app(settings.database_url),
        metrics=metrics,
        max_queued_per_token=settings.max_queued_per_token,
        executor=executor,
        concurrency=concurrency,
        heartbeat_s=settings.worker_heartbeat_s,
        lost_after_s=settings.worker_lost_after_s,
        grace_s=settings.shutdown_grace_s,
        webhooks=webhooks,
    )
