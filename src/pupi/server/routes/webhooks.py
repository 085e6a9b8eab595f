"""Webhooks: the caller's default URL and signing secret, and a session's deliveries."""

from __future__ import annotations

from fastapi import APIRouter

from pupi.server.deps import CallerToken, State
from pupi.server.routes.sessions import not_found
from pupi.server.schemas import (
    ErrorBody,
    WebhookAttempt,
    WebhookDefault,
    WebhookDeliveries,
    WebhookDelivery,
    WebhookSettings,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/v1",
    tags=["webhooks"],
    responses={401: {"model": ErrorBody, "description": "No token, or an unknown one."}},
)


@router.get("/webhook", summary="The caller's webhook: default URL and signing secret")
async def get_webhook(state: State, token_id: CallerToken) -> WebhookSettings:
    """The secret every delivery of this token's sessions is signed with (made on first ask)."""
    url, secret = await state.webhooks.settings(token_id)
    return WebhookSettings(url=url, secret=secret)


@router.put("/webhook", summary="Set or clear the caller's default webhook URL")
async def put_webhook(body: WebhookDefault, state: State, token_id: CallerToken) -> WebhookSettings:
    """Sessions started from now on without a ``webhook_url`` report here (null: nowhere)."""
    url, secret = await state.webhooks.set_default_url(token_id, body.url)
    return WebhookSettings(url=url, secret=secret)


@router.get(
    "/sessions/{session_id}/webhooks",
    summary="A session's webhook deliveries and every attempt at them",
    responses={404: {"model": ErrorBody, "description": "No such session for this token."}},
)
async def session_webhooks(
    session_id: str, state: State, token_id: CallerToken
) -> WebhookDeliveries:
    """One delivery per run that ended, oldest first, with what each attempt got."""
    if await state.store.get(session_id, token_id) is None:
        raise not_found(session_id)
    return WebhookDeliveries(
        deliveries=[
            WebhookDelivery(
                id=delivery.id,
                run=delivery.run,
                url=delivery.url,
                status=delivery.status,
                next_attempt_at=delivery.next_attempt_at,
                created_at=delivery.created_at,
                finished_at=delivery.finished_at,
                attempts=[
                    WebhookAttempt(
                        n=attempt.n,
                        at=attempt.at,
                        status_code=attempt.status_code,
                        error=attempt.error,
                        duration_ms=attempt.duration_ms,
                    )
                    for attempt in attempts
                ],
            )
            for delivery, attempts in await state.webhooks.of_session(session_id)
        ]
    )
