"""Sending webhook deliveries: one signed POST per attempt, retried with backoff.

:class:`WebhookSender` makes one attempt at a delivery and records it. Who
schedules the attempts depends on the queue, as for sessions: in one process
(SQLite) :class:`WebhookLoop` picks up what is due; on PostgreSQL each attempt
is a procrastinate job, retried by procrastinate at the time the sender
recorded (:mod:`pupi.server.workers.distributed`), so pending deliveries
survive any restart. The target is checked against the fetch policy and
reached through the egress proxy, as the browsers are: a webhook cannot be
pointed at the server's own network.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx

from pupi.server.db.models import utcnow
from pupi.server.db.webhooks import Attempt, WebhookStore
from pupi.server.fetch_policy import check_url, system_resolver
from pupi.webhooks import SIGNATURE_HEADER, sign_webhook

__all__ = ["WebhookLoop", "WebhookSender", "backoff_s"]

logger = logging.getLogger("pupi.server.webhooks")

TIMEOUT_S = 10.0
"""How long a receiver has to answer an attempt."""
MAX_BACKOFF_S = 600.0


def backoff_s(attempts: int, *, base_s: float) -> float:
    """How long to wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base..."""
    return float(min(base_s * 2 ** (attempts - 1), MAX_BACKOFF_S))


def _origin(url: str) -> str:
    # Errors and logs name the origin only: a URL's path or query may carry a secret.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


class WebhookSender:
    """Makes one attempt at a delivery and records it, with what comes next."""

    def __init__(
        self,
        store: WebhookStore,
        *,
        allow_hosts: Iterable[str],
        proxy_url: str | None,
        base_backoff_s: float,
        max_attempts: int,
    ) -> None:
        self.store = store
        self._allow_hosts = tuple(allow_hosts)
        self._base_backoff_s = base_backoff_s
        self._max_attempts = max_attempts
        # Redirects are not followed: each hop would need the policy's check.
        self._http = httpx.AsyncClient(
            proxy=proxy_url, timeout=TIMEOUT_S, follow_redirects=False, trust_env=False
        )

    async def attempt(self, delivery_id: str) -> datetime | None:
        """One attempt at the delivery; when to try again, or None (delivered or given up)."""
        due = await self.store.load(delivery_id)
        if due is None:
            return None  # delivered, given up, or deleted with its session
        refusal = await asyncio.to_thread(
            check_url, due.url, allow_hosts=self._allow_hosts, resolve=system_resolver
        )
        if refusal is not None:
            await self.store.record(
                delivery_id, Attempt(None, f"fetch_refused: {refusal}", 0.0), retry_at=None
            )
            logger.warning("webhook to %s refused by the fetch policy", _origin(due.url))
            return None
        body = json.dumps(due.payload, separators=(",", ":"), default=str).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "pupi-webhooks",
            SIGNATURE_HEADER: sign_webhook(due.secret, body),
            "Pupi-Delivery": due.id,
            "Pupi-Attempt": str(due.attempts + 1),
        }
        started = time.perf_counter()
        try:
            response = await self._http.post(due.url, content=body, headers=headers)
            attempt = Attempt(response.status_code, None, _ms_since(started))
        except httpx.HTTPError as exc:
            attempt = Attempt(None, f"{type(exc).__name__} reaching {_origin(due.url)}", 0.0)
        tried = due.attempts + 1
        retry_at = None
        if not attempt.accepted and tried < self._max_attempts:
            retry_at = utcnow() + timedelta(seconds=backoff_s(tried, base_s=self._base_backoff_s))
        await self.store.record(delivery_id, attempt, retry_at=retry_at)
        if not attempt.accepted:
            logger.info(
                "webhook to %s: attempt %d got %s",
                _origin(due.url),
                tried,
                attempt.status_code or attempt.error,
            )
        return retry_at

    async def aclose(self) -> None:
        await self._http.aclose()


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class WebhookLoop:
    """One process's deliveries (SQLite): what is due is attempted, until stopped."""

    def __init__(self, sender: WebhookSender, *, poll_s: float = 0.5) -> None:
        self._sender = sender
        self._poll_s = poll_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pupi-webhooks")

    async def _run(self) -> None:
        while True:
            try:
                for delivery_id in await self._sender.store.due():
                    await self._sender.attempt(delivery_id)
            except Exception:  # the database busy now is no reason to stop delivering later
                logger.warning("delivering webhooks failed", exc_info=True)
            await asyncio.sleep(self._poll_s)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
