"""Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from pupi.server.deps import State
from pupi.server.metrics import render

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics(state: State) -> PlainTextResponse:
    """Sessions by status, queue depth, step and session durations."""
    body = render(
        state.metrics,
        sessions_by_status=await state.store.count_by_status(),
        queue_depth=state.pool.queue_depth,
        running=state.pool.running_count,
        concurrency=state.pool.concurrency,
    )
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
