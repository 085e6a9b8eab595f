"""Prometheus metrics, exposed only as far as ``PUPI_METRICS`` says (off by default)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException

from pupi.server.deps import BearerCredentials, State, caller_token
from pupi.server.metrics import render
from pupi.server.settings import MetricsExposure

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics",
    responses={
        401: {"description": "`PUPI_METRICS=token` and no valid token"},
        404: {"description": "`PUPI_METRICS=off` (the default)"},
    },
)
async def metrics(state: State, credentials: BearerCredentials) -> PlainTextResponse:
    """Sessions by status, queue depth, step and session durations, server-wide.

    The figures add up every token's sessions, so they are hidden unless the
    operator opens them: ``PUPI_METRICS=token`` (any valid token) or ``public``.
    Nothing in them names or counts one token.
    """
    exposure = state.settings.metrics
    if exposure is MetricsExposure.OFF:
        # Off means no such route: the same answer as an unknown path.
        raise HTTPException(404, "Not Found")
    if exposure is MetricsExposure.TOKEN:
        await caller_token(state, credentials)
    body = render(
        state.metrics,
        sessions_by_status=await state.store.count_by_status(),
        queue_depth=await state.queue.queue_depth(),
        running=state.queue.running_count,
        concurrency=state.queue.concurrency,
    )
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
