"""Sessions: start one, read it, list them, close one or all.

Every query is scoped to the caller's token, so another token's session is
indistinguishable from one that does not exist (404).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from pupi.agent.schema import OutputSchema
from pupi.browser.domains import AllowedDomains
from pupi.browser.options import BrowserOptions
from pupi.errors import SessionNotFound
from pupi.server.db.models import RunRow, SessionRow
from pupi.server.db.sessions import ACTIVE_STATUSES, Snapshot
from pupi.server.db.specs import FileSpec, RunKind, RunSpec, SessionSpec
from pupi.server.deps import CallerToken, State
from pupi.server.files import check_remote_steps, file_record, uploads
from pupi.server.schemas import (
    ClosedCount,
    ErrorBody,
    FollowUpPrompt,
    PromptRequest,
    RunRecord,
    SessionDetail,
    SessionList,
    SessionStarted,
    SessionSummary,
    StepRecord,
    StepsRequest,
)
from pupi.server.settings import ServerSettings
from pupi.steps import Secrets, parse_steps

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
        "open": row.closed_at is None and row.released_at is None,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "closed_at": row.closed_at,
    }


def session_detail(snapshot: Snapshot) -> SessionDetail:
    """The full view of a session from its row, its recorded steps and its runs."""
    row, steps, runs, has_trace, files = snapshot
    records = [
        StepRecord(
            n=step.n,
            run=step.run,
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
        data=next((run.data for run in reversed(runs) if run.finished_at is not None), None),
        steps=row.steps if row.steps is not None else [step.step for step in steps],
        step_results=records,
        error=row.error,
        usage=row.usage,
        outputs=runs[-1].outputs if runs else None,
        runs=[_run_record(run) for run in runs],
        idle_timeout_s=row.idle_timeout_s,
        close_reason=row.close_reason,
        trace_url=f"/v1/sessions/{row.id}/trace" if has_trace else None,
        webhook_url=row.webhook_url,
        options=row.options,
        profile=row.profile,
        files=[file_record(row.id, file) for file in files],
        storage_state_url=f"/v1/sessions/{row.id}/storage_state"
        if row.saved_state is not None
        else None,
        allowed_domains=row.allowed_domains,
    )


def _run_record(run: RunRow) -> RunRecord:
    return RunRecord(
        n=run.n,
        kind=run.kind,
        status=run.status,
        prompt=run.prompt,
        answer=run.answer,
        data=run.data,
        outputs=run.outputs,
        steps=run.steps or run.request_steps or [],
        error=run.error,
        usage=run.usage,
        cached=run.cached,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
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
    """Queue the prompt (or steps); a worker runs it as soon as one is free."""
    settings = state.settings
    planner = _planner(body.planner, settings)
    max_steps = _max_steps(body.max_steps, settings)
    idle_timeout_s = body.idle_timeout_s or 0.0
    if idle_timeout_s > settings.max_idle_timeout_s:
        raise _invalid("idle_timeout_s", f"at most {settings.max_idle_timeout_s:g}")
    files = uploads(body.files, settings)
    domains = AllowedDomains.of(body.allowed_domains)  # a bad rule: 422 naming it
    if body.steps is not None:
        first = _steps_run(
            body.steps,
            body.timeout_s,
            settings,
            files=files,
            secrets=body.secrets,
            heal=body.heal,
        )
    else:
        assert body.prompt is not None  # one of the two, said the model
        first = replace(_prompt_run(body.prompt, body, settings), files=files)
    _check_trace(body.trace, body.secrets)
    spec = SessionSpec(
        first=first,
        planner=planner,
        max_steps=max_steps,
        idle_timeout_s=idle_timeout_s,
        trace=body.trace,
        webhook_url=body.webhook_url or await state.webhooks.default_url(token_id),
        save_state=body.save_state,
        allowed_domains=list(domains.rules) if domains is not None else None,
        **_browser_fields(body.local(), settings),
    )
    row = await state.queue.admit(token_id, spec)
    return SessionStarted(session_id=row.id, status="queued")


def _browser_fields(options: BrowserOptions, settings: ServerSettings) -> dict[str, Any]:
    """A new session's browser options as the store keeps them: shown, sealed, by name.

    A remote profile is the token's, kept in the database: the worker starts the
    browser from its saved state, so the name itself is not sealed.
    """
    if options.plain:
        return {}
    secret = options.model_copy(update={"profile": None})
    return {
        "options": options.public(),
        "sealed": None if secret.plain else settings.sealer.seal(secret.revealed()),
        "profile": options.profile,
    }


def _sealed_secrets(
    secrets: dict[str, str] | None, settings: ServerSettings
) -> tuple[Secrets, bytes | None]:
    """A run's secrets, checked, and sealed for the database (None when there are none)."""
    hidden = Secrets.of(secrets)
    return hidden, settings.sealer.seal(secrets) if hidden else None


def _check_trace(trace: bool, secrets: dict[str, str] | None) -> None:
    """A 422 for secrets in a traced session."""
    # A Playwright trace records every action's arguments and the page's DOM: what
    # was typed. Kept in the database and served, it would outlive the run's secrets.
    if trace and secrets:
        raise _invalid("secrets", "a session with trace: true records what is typed; no secrets")


def _planner(planner: str | None, settings: ServerSettings) -> str:
    planner = planner or settings.default_planner
    if planner not in KNOWN_PLANNERS:
        raise _invalid(
            "planner", f"unknown planner; use one of {', '.join(sorted(KNOWN_PLANNERS))}"
        )
    return planner


def _max_steps(max_steps: int | None, settings: ServerSettings) -> int:
    max_steps = max_steps or settings.max_steps
    if max_steps > settings.max_steps_limit:
        raise _invalid("max_steps", f"at most {settings.max_steps_limit}")
    return max_steps


def _timeout(timeout_s: float | None, settings: ServerSettings) -> float:
    # The server's run timeout is a ceiling: a request may ask for less, not more.
    return min(timeout_s or settings.run_timeout_s, settings.run_timeout_s)


def _prompt_run(
    prompt: str, body: PromptRequest | FollowUpPrompt, settings: ServerSettings
) -> RunSpec:
    if len(prompt) > settings.max_prompt_chars:
        raise _invalid("prompt", f"at most {settings.max_prompt_chars} characters")
    hidden, sealed = _sealed_secrets(body.secrets, settings)
    hidden.check(prompt, "prompt")  # {{secret.x}} naming no secret given: 422
    if body.start_url:
        hidden.check(body.start_url, "start_url")
    return RunSpec(
        kind=RunKind.PROMPT,
        prompt=prompt,
        start_url=body.start_url,
        planner=_planner(body.planner, settings) if body.planner else None,
        max_steps=_max_steps(body.max_steps, settings) if body.max_steps else None,
        timeout_s=_timeout(body.timeout_s, settings),
        secrets=sealed,
        token_budget=body.token_budget,
        vision=_vision(body.vision, body.planner or settings.default_planner),
        output_schema=_output_schema(body.output_schema),
        cache=body.cache,
    )


def _vision(vision: bool | str | None, planner: str) -> str | None:
    if not vision:
        return None
    if planner == "rules":
        raise _invalid("vision", "the offline planner reads no screenshots; use an LLM planner")
    return "marks" if vision == "marks" else "screen"


def _output_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    # Checked now, so a schema the agent could not use is a 422 naming each
    # problem (invalid_output_schema) before anything runs.
    return None if schema is None else OutputSchema.of(schema).json_schema


def _steps_run(
    steps: list[dict[str, Any]],
    timeout_s: float | None,
    settings: ServerSettings,
    *,
    files: tuple[FileSpec, ...] = (),
    known_files: set[str] | None = None,
    secrets: dict[str, str] | None = None,
    heal: bool = False,
) -> RunSpec:
    # Validated now, all of them, so a bad step is a 422 naming it before anything runs.
    hidden, sealed = _sealed_secrets(secrets, settings)
    parsed = parse_steps(steps, secrets=hidden.names)
    check_remote_steps(parsed, {file.name for file in files} | (known_files or set()))
    return RunSpec(
        files=files,
        kind=RunKind.STEPS,
        steps=[
            # As written, without every default spelled out (the action is one).
            {
                "action": step.action,
                **step.model_dump(
                    mode="json", by_alias=True, exclude_none=True, exclude_defaults=True
                ),
            }
            for step in parsed
        ],
        timeout_s=_timeout(timeout_s, settings),
        secrets=sealed,
        heal=heal,
    )


async def _follow_up(state: State, session_id: str, token_id: str, spec: RunSpec) -> SessionStarted:
    run = await state.store.add_run(session_id, token_id, spec)
    if run is None:
        raise not_found(session_id)
    return SessionStarted(session_id=session_id, run=run.n, status="queued")


_FOLLOW_UP_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The session is closed or its browser released."},
}


@router.post(
    "/{session_id}/prompts",
    status_code=201,
    summary="Send a follow-up prompt to an open session",
    responses=_FOLLOW_UP_ERRORS,
)
async def send_prompt_to_session(
    session_id: str, body: FollowUpPrompt, state: State, token_id: CallerToken
) -> SessionStarted:
    """Queue the prompt in the session's browser, on the page the last run left."""
    spec = _prompt_run(body.prompt, body, state.settings)
    if body.secrets:
        session = await state.store.get(session_id, token_id)
        if session is None:
            raise not_found(session_id)
        _check_trace(session.trace, body.secrets)
    return await _follow_up(state, session_id, token_id, spec)


@router.post(
    "/{session_id}/steps",
    status_code=201,
    summary="Run steps in an open session",
    responses=_FOLLOW_UP_ERRORS,
)
async def run_steps_in_session(
    session_id: str, body: StepsRequest, state: State, token_id: CallerToken
) -> SessionStarted:
    """Queue the steps (validated first) in the session's browser.

    Their ``upload`` steps name files sent now or with an earlier run of the session.
    """
    session = await state.store.get(session_id, token_id)
    if session is None:
        raise not_found(session_id)
    known = {row.name for row in await state.store.files(session_id) if row.kind == "upload"}
    files = uploads(body.files, state.settings)
    spec = _steps_run(
        body.steps,
        body.timeout_s,
        state.settings,
        files=files,
        known_files=known,
        secrets=body.secrets,
        heal=body.heal,
    )
    _check_trace(session.trace, body.secrets)
    return await _follow_up(state, session_id, token_id, spec)


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
        found = await state.store.snapshot(session_id)
        if found is None:
            return None
        return found.session.token_id, session_detail(found).model_dump_json().encode()

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
    if _holds_work(before):
        await state.queue.cancel(session_id)
    return await get_session(session_id, state, token_id)


def _holds_work(before: SessionRow) -> bool:
    """Whether a session being closed has a run to stop or a browser to let go."""
    open_browser = before.started_at is not None and before.released_at is None
    return before.status in ACTIVE_STATUSES or open_browser


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
        if _holds_work(before):
            cancelling.append(state.queue.cancel(session_id))
    await asyncio.gather(*cancelling)
    return ClosedCount(closed=closed)
