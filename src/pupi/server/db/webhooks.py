"""Webhook deliveries: what is due, what each attempt did, and each token's settings.

A delivery is stored in the transaction that ended its run (see
:meth:`pupi.server.db.sessions.SessionStore._queue_webhook`); from there it is
attempted until a 2xx comes back or it is given up, each attempt recorded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from pupi.server.db.models import (
    SessionRow,
    TokenRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    utcnow,
)

__all__ = ["Attempt", "DueDelivery", "WebhookStore"]

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery to attempt now, with the secret to sign it with."""

    id: str
    url: str
    payload: dict[str, object]
    attempts: int
    secret: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST came to."""

    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookStore:
    """Every query about webhooks."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._maker = async_sessionmaker(engine, expire_on_commit=False)

    async def settings(self, token_id: str) -> tuple[str | None, str]:
        """The token's default webhook URL and its signing secret (made on first ask)."""
        async with self._maker() as db, db.begin():
            token = await db.get(TokenRow, token_id, with_for_update=True)
            assert token is not None  # the caller's token exists: it was just checked
            if token.webhook_secret is None:
                token.webhook_secret = SECRET_PREFIX + secrets.token_hex(24)
            return token.webhook_url, token.webhook_secret

    async def set_default_url(self, token_id: str, url: str | None) -> tuple[str | None, str]:
        """Set (or clear) the token's default webhook URL; its settings afterwards."""
        async with self._maker() as db, db.begin():
            await db.execute(
                update(TokenRow).where(TokenRow.id == token_id).values(webhook_url=url)
            )
        return await self.settings(token_id)

    async def default_url(self, token_id: str) -> str | None:
        async with self._maker() as db:
            return await db.scalar(select(TokenRow.webhook_url).where(TokenRow.id == token_id))

    async def due(self, limit: int = 20) -> list[str]:
        """Pending deliveries whose next attempt is due, oldest first (the in-process loop)."""
        async with self._maker() as db:
            rows = await db.scalars(
                select(WebhookDeliveryRow.id)
                .where(
                    WebhookDeliveryRow.status == "pending",
                    WebhookDeliveryRow.next_attempt_at <= utcnow(),
                )
                .order_by(WebhookDeliveryRow.next_attempt_at)
                .limit(limit)
            )
            return list(rows)

    async def load(self, delivery_id: str) -> DueDelivery | None:
        """The delivery, if still pending, with its token's secret."""
        async with self._maker() as db:
            row = (
                await db.execute(
                    select(WebhookDeliveryRow, TokenRow.webhook_secret)
                    .join(SessionRow, SessionRow.id == WebhookDeliveryRow.session_id)
                    .join(TokenRow, TokenRow.id == SessionRow.token_id)
                    .where(WebhookDeliveryRow.id == delivery_id)
                )
            ).first()
        if row is None or row[0].status != "pending":
            return None
        delivery, secret = row
        if secret is None:
            token_id = await self._token_of(delivery.session_id)
            secret = (await self.settings(token_id))[1]
        return DueDelivery(delivery.id, delivery.url, delivery.payload, delivery.attempts, secret)

    async def _token_of(self, session_id: str) -> str:
        async with self._maker() as db:
            token_id = await db.scalar(
                select(SessionRow.token_id).where(SessionRow.id == session_id)
            )
        assert token_id is not None
        return token_id

    async def record(
        self, delivery_id: str, attempt: Attempt, *, retry_at: datetime | None
    ) -> None:
        """Record an attempt; the delivery is delivered, waits for ``retry_at``, or failed."""
        now = utcnow()
        async with self._maker() as db, db.begin():
            delivery = await db.get(WebhookDeliveryRow, delivery_id, with_for_update=True)
            if delivery is None or delivery.status != "pending":
                return
            delivery.attempts += 1
            db.add(
                WebhookAttemptRow(
                    delivery_id=delivery_id,
                    n=delivery.attempts,
                    at=now,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    duration_ms=attempt.duration_ms,
                )
            )
            if attempt.accepted:
                delivery.status, delivery.finished_at = "delivered", now
                delivery.next_attempt_at = None
            elif retry_at is None:
                delivery.status, delivery.finished_at = "failed", now
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = retry_at

    async def of_session(
        self, session_id: str
    ) -> list[tuple[WebhookDeliveryRow, list[WebhookAttemptRow]]]:
        """The session's deliveries, oldest first, each with its attempts."""
        async with self._maker() as db:
            deliveries = list(
                await db.scalars(
                    select(WebhookDeliveryRow)
                    .where(WebhookDeliveryRow.session_id == session_id)
                    .order_by(WebhookDeliveryRow.created_at, WebhookDeliveryRow.run)
                )
            )
            attempts = list(
                await db.scalars(
                    select(WebhookAttemptRow)
                    .where(WebhookAttemptRow.delivery_id.in_([d.id for d in deliveries]))
                    .order_by(WebhookAttemptRow.n)
                )
            )
        return [(d, [a for a in attempts if a.delivery_id == d.id]) for d in deliveries]
