"""Sessions: start one, read it, list them, close one or all.

Every query is scoped to the caller's token, so another token's session is
indistinguishable from one that does not exist (404).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from pupi.errors import SessionNotFound
from pupi.server.db.models import SessionRow, StepRow
from pupi.server.db.sessions import ACTIVE_STATUSES, SessionSpec
from pupi.server.deps import CallerToken, State
from pupi.server.schemas import (
    ClosedCount,
    ErrorBody,
    PromptRequest,
    SessionDetail,
    SessionList,
    SessionStarted,
    SessionSummary,
    StepRecord,
)

__all__ = ["KNOWN_PLANNERS", "router", "session_detail"]

KNOWN_PLANNERS = frozenset({"rules", "openai", "anthropic"})

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "No token, or an unknown or revoked one.",
        404: "No such session for this token.",
        422: "A field is invalid; the message names it.",
    }.items()
}
router = APIRouter(prefix="/v1/sessions", tags=["sessions"], responses=_ERRORS)


def _invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


def not_found(session_id: str) -> SessionNotFound:
    """The 404 for a session the caller cannot see."""
    return SessionNotFound(f"no session {session_id!r} for this token")


def _summary_fields(row: SessionRow) -> dict[str, Any]:
    return {
        "session_id": row.id,
        "status": row.status,
        "prompt": row.prompt,
        "active": row.closed_at is None,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "closed_at": row.closed_at,
    }


def session_detail(row: SessionRow, steps: list[StepRow]) -> SessionDetail:
    """The full view of a session from its row and its recorded steps."""
    records = [
        StepRecord(
            n=step.n,
            step=step.step,
            result=step.result,
            created_at=step.created_at,
            screenshot_url=f"/v1/sessions/{row.id}/screenshots/{step.n}"
            if step.has_screenshot
            else None,
        )
        for step in steps
    ]
    return SessionDetail(
        **_summary_fields(row),
        start_url=row.start_url,
        planner=row.planner,
        max_steps=row.max_steps,
        timeout_s=row.timeout_s,
        answer=row.answer,
        steps=row.steps if row.steps is not None else [step.step for step in steps],
        step_results=records,
        error=row.error,
        usage=row.usage,
    )


@router.post(
    "",
    status_code=201,
    summary="Send a prompt: start a session",
    responses={
        413: {"model": ErrorBody, "description": "Body too large."},
        429: {"model": ErrorBody, "description": "Too many queued sessions; see Retry-After."},
    },
)
async def create_session(
    body: PromptRequest, state: State, token_id: CallerToken
) -> SessionStarted:
    """Queue the prompt; a worker runs it as soon as one is free."""
    settings = state.settings
    if len(body.prompt) > settings.max_prompt_chars:
        raise _invalid("prompt", f"at most {settings.max_prompt_chars} characters")
    planner = body.planner or settings.default_planner
    if planner not in KNOWN_PLANNERS:
        raise _invalid(
            "planner", f"unknown planner; use one of {', '.join(sorted(KNOWN_PLANNERS))}"
        )
    max_steps = body.max_steps or settings.max_steps
    if max_steps > settings.max_steps_limit:
        raise _invalid("max_steps", f"at most {settings.max_steps_limit}")
    # The server's run timeout is a ceiling: a request may ask for less, not more.
    timeout_s = min(body.timeout_s or settings.run_timeout_s, settings.run_timeout_s)
    spec = SessionSpec(
        prompt=body.prompt,
        start_url=body.start_url,
        planner=planner,
        max_steps=max_steps,
        timeout_s=timeout_s,
    )
    row = await state.queue.admit(token_id, spec)
    return SessionStarted(session_id=row.id, status="queued")


@router.get("", summary="The caller's sessions")
async def list_sessions(
    state: State,
    token_id: CallerToken,
    include_closed: Annotated[bool, Query(description="Closed sessions too.")] = False,
) -> SessionList:
    """The caller's active sessions, newest first (all of them with ``include_closed``)."""
    rows = await state.store.list_for(token_id, include_closed=include_closed)
    return SessionList(sessions=[SessionSummary(**_summary_fields(row)) for row in rows])


@router.get(
    "/{session_id}",
    summary="One session: status, answer, steps, error",
    response_model=SessionDetail,
)
async def get_session(session_id: str, state: State, token_id: CallerToken) -> Response:
    """Everything about the session, closed or not."""

    async def render() -> tuple[str, bytes] | None:
        row = await state.store.get(session_id)
        if row is None:
            return None
        detail = session_detail(row, await state.store.steps(session_id))
        return row.token_id, detail.model_dump_json().encode()

    body = await state.views.get(
        session_id, token_id, lambda: state.store.generation(session_id), render
    )
    if body is None:
        raise not_found(session_id)
    return Response(body, media_type="application/json")


@router.delete(
    "/{session_id}",
    summary="Close a session (cancels it if queued or running)",
    response_model=SessionDetail,
)
async def close_session(session_id: str, state: State, token_id: CallerToken) -> Response:
    """Close the session; its record stays readable. Closing twice is harmless."""
    before = await state.store.close(session_id, token_id)
    if before is None:
        raise not_found(session_id)
    if before.status in ACTIVE_STATUSES:
        await state.queue.cancel(session_id)
    return await get_session(session_id, state, token_id)


@router.delete("", summary="Close all the caller's sessions")
async def close_all_sessions(state: State, token_id: CallerToken) -> ClosedCount:
    """Close (and cancel where needed) every active session of the caller."""
    closed = 0
    cancelling = []
    for session_id in await state.store.active_ids(token_id):
        before = await state.store.close(session_id, token_id)
        if before is None or before.closed_at is not None:
            continue
        closed += 1
        if before.status in ACTIVE_STATUSES:
            cancelling.append(state.queue.cancel(session_id))
    await asyncio.gather(*cancelling)
    return ClosedCount(closed=closed)
