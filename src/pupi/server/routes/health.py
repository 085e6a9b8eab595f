"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from pupi.server.deps import State

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database check")
async def healthz(state: State) -> dict[str, object]:
    """``{"status": "ok"}`` when the server answers and its database does too."""
    async with state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "queued": await state.queue.queue_depth(),
        "running": state.queue.running_count,
    }
