"""A session's steps as server-sent events, its live view, its screenshots and its trace."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import Response, StreamingResponse

from pupi.errors import NotFound, SessionNotOpen
from pupi.server.db.sessions import TERMINAL_STATUSES
from pupi.server.deps import CallerToken, State
from pupi.server.routes.sessions import not_found
from pupi.server.schemas import ErrorBody
from pupi.server.state import ServerState

__all__ = ["router"]

KEEPALIVE_S = 15.0
WATCH_LEASE_S = 10.0
"""A live viewer's lease on frames; renewed at a third of it while the stream lasts."""
LIVE_BOUNDARY = "pupi-frame"

router = APIRouter(
    prefix="/v1/sessions",
    tags=["sessions"],
    responses={
        401: {"model": ErrorBody, "description": "No token, or an unknown or revoked one."},
        404: {"model": ErrorBody, "description": "No such session (or screenshot) for this token."},
    },
)


def _sse(kind: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


def _step_data(session_id: str, n: int, step: Any, result: Any, screenshot: bool) -> dict[str, Any]:
    url = f"/v1/sessions/{session_id}/screenshots/{n}" if screenshot else None
    return {"n": n, "step": step, "result": result, "screenshot_url": url}


async def _stream(state: ServerState, session_id: str) -> AsyncIterator[str]:
    # Subscribe first, then read what is stored: a step recorded in between comes
    # both ways and is dropped the second time by its number.
    with state.hub.subscribe(session_id) as queue:
        row = await state.store.get(session_id)
        if row is None:
            return
        status = row.status
        yield _sse("status", {"status": status})
        chunks, last = await _stored_steps(state, session_id, -1)
        for chunk in chunks:
            yield chunk
        if status in TERMINAL_STATUSES:
            yield _sse("end", {"status": status})
            return
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event.kind in ("watch", "frame"):
                continue  # the live view's, not this stream's
            if event.kind == "step" and "step" in event.data:
                # In one process the event carries the step: no query needed.
                if event.n > last:
                    last = event.n
                    data = event.data
                    yield _sse(
                        "step",
                        _step_data(
                            session_id, event.n, data["step"], data["result"], data["screenshot"]
                        ),
                        event.n,
                    )
                continue
            # From another node (or after the listener's reconnect) an event only
            # says what changed: the database has the rest.
            chunks, last = await _stored_steps(state, session_id, last)
            for chunk in chunks:
                yield chunk
            if event.kind == "step":
                continue
            row = await state.store.get(session_id)
            if row is None:
                return
            if row.status != status:
                status = row.status
                if status not in TERMINAL_STATUSES:
                    yield _sse("status", {"status": status})
            if status in TERMINAL_STATUSES:
                yield _sse("end", {"status": status})
                return


async def _stored_steps(state: ServerState, session_id: str, last: int) -> tuple[list[str], int]:
    """The stored steps after number ``last`` as events, and the number of the newest."""
    chunks = []
    for step in await state.store.steps(session_id, after=last):
        data = _step_data(session_id, step.n, step.step, step.result, step.has_screenshot)
        chunks.append(_sse("step", data, step.n))
        last = step.n
    return chunks, last


@router.get(
    "/{session_id}/events",
    summary="Server-sent events, one per step as it happens",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "status, step (replayed, then live) and end events.",
        }
    },
)
async def session_events(session_id: str, state: State, token_id: CallerToken) -> StreamingResponse:
    """Replays the steps so far, then streams new ones; ends with an ``end`` event."""
    if await state.store.get(session_id, token_id) is None:
        raise not_found(session_id)
    return StreamingResponse(
        _stream(state, session_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/{session_id}/screenshots/{n}",
    summary="The page after step n",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
async def session_screenshot(
    session_id: str,
    state: State,
    token_id: CallerToken,
    n: int = Path(ge=0, le=1_000_000),
) -> Response:
    """The screenshot taken after step ``n`` (from 0)."""
    if await state.store.get(session_id, token_id) is None:
        raise not_found(session_id)
    shot = await state.store.screenshot(session_id, n)
    if shot is None:
        raise NotFound(f"no screenshot {n} for session {session_id!r}")
    return Response(
        shot.data, media_type=shot.content_type, headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get(
    "/{session_id}/trace",
    summary="The session's Playwright trace",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
async def session_trace(session_id: str, state: State, token_id: CallerToken) -> Response:
    """The trace zip (``playwright show-trace trace.zip``), once the browser is released."""
    row = await state.store.get(session_id, token_id)
    if row is None:
        raise not_found(session_id)
    trace = await state.store.trace(session_id)
    if trace is None:
        why = (
            "it is written when the session's browser is released"
            if row.trace
            else "start the session with trace: true to record one"
        )
        raise NotFound(f"no trace for session {session_id!r} yet: {why}")
    return Response(
        trace.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="pupi-{session_id}.zip"',
            "Cache-Control": "private, max-age=86400",
        },
    )


@router.get(
    "/{session_id}/live",
    summary="Watch the session's page live (a stream of images)",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {f"multipart/x-mixed-replace; boundary={LIVE_BOUNDARY}": {}},
            "description": "One image part per frame, about 2 a second, while the browser "
            "is held; it ends when the browser is released.",
        },
        409: {"model": ErrorBody, "description": "The session's browser was already released."},
    },
)
async def session_live(session_id: str, state: State, token_id: CallerToken) -> StreamingResponse:
    """The page as the agent works on it, wherever its worker is, frame after frame."""
    row = await state.store.get(session_id, token_id)
    if row is None:
        raise not_found(session_id)
    if row.closed_at is not None or row.released_at is not None:
        raise SessionNotOpen(f"session {session_id!r} has no browser to watch any more")
    return StreamingResponse(
        _frames(state, session_id),
        media_type=f"multipart/x-mixed-replace; boundary={LIVE_BOUNDARY}",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _frames(state: ServerState, session_id: str) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    with state.hub.subscribe(session_id) as events:
        await state.store.watch(session_id, for_s=WATCH_LEASE_S)
        leased = loop.time()
        shown = 0
        while True:
            frame = await state.store.frame(session_id)
            if frame is not None and frame.seq > shown:
                shown = frame.seq
                head = (
                    f"--{LIVE_BOUNDARY}\r\nContent-Type: {frame.content_type}\r\n"
                    f"Content-Length: {len(frame.data)}\r\nX-Frame: {frame.seq}\r\n\r\n"
                )
                yield head.encode() + frame.data + b"\r\n"
            if loop.time() - leased > WATCH_LEASE_S / 3:
                await state.store.watch(session_id, for_s=WATCH_LEASE_S)
                leased = loop.time()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await events.get()
            row = await state.store.get(session_id)
            if row is None or row.closed_at is not None or row.released_at is not None:
                yield f"--{LIVE_BOUNDARY}--\r\n".encode()
                return
