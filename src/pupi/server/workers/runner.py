"""Running one session: the interface the pool calls, and the real implementation.

The pool does not care how a session runs. It calls a :data:`SessionRunner` with
a :class:`SessionJob` and a callback for each step, and takes back a
:class:`SessionOutcome`; timeouts and cancellation are the pool's business. The
real runner opens a headless browser instance with the fetch policy as its
request filter and its traffic through the egress proxy, and hands it to the
agent; tests put a fake in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pupi.server.fetch_policy import RequestFilter

__all__ = [
    "SessionJob",
    "SessionOutcome",
    "SessionRunner",
    "StepReport",
    "StepSink",
    "run_agent_session",
]

logger = logging.getLogger("pupi.server.runner")


@dataclass(frozen=True, slots=True)
class SessionJob:
    """What one session should do."""

    session_id: str
    prompt: str
    start_url: str | None
    planner: str
    max_steps: int
    timeout_s: float
    request_filter: RequestFilter
    screenshots: bool = True
    egress_proxy: str | None = None
    """The proxy (``http://127.0.0.1:PORT``) all of the session's browser traffic goes through."""
    cdp_url: str | None = None
    """A remote Chromium's DevTools endpoint (``ws://``, ``http://``); None: launch one."""


@dataclass(frozen=True, slots=True)
class StepReport:
    """One step done: the concrete step, its outcome and the page afterwards."""

    step: dict[str, Any]
    result: dict[str, Any]
    screenshot: tuple[str, bytes] | None = None
    """(content type, bytes) of the page after the step."""


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """How a session ended, when it ended by itself."""

    status: Literal["completed", "failed"]
    answer: Any = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None


StepSink = Callable[[StepReport], Awaitable[None]]
SessionRunner = Callable[[SessionJob, StepSink], Awaitable[SessionOutcome]]


def _dump(value: Any) -> dict[str, Any]:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dict(dump(mode="json", by_alias=True, exclude_none=True))
    return dict(value) if isinstance(value, dict) else {"value": repr(value)}


def _error(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return {
            "type": str(value.get("type", "agent_error")),
            **value,
            "message": str(value.get("message", value)),
        }
    return {"type": "agent_error", "message": str(value)}


async def run_agent_session(job: SessionJob, report: StepSink) -> SessionOutcome:
    """Run the prompt with the real agent in a fresh headless browser instance.

    The instance is closed however the run ends, cancellation included, so a
    closed session never leaves a Chromium behind.
    """
    # Imported here: the browser and agent packages are heavy and the server's
    # tests that use a fake runner should not need them.
    from pupi.agent import run_agent
    from pupi.agent.planners import get_planner
    from pupi.browser.instances import get_manager

    planner = get_planner(job.planner)
    manager = get_manager()
    instance = await manager.open(
        headless=True,
        cdp_url=job.cdp_url,
        request_filter=job.request_filter,
        egress_proxy=job.egress_proxy,
    )
    try:

        async def on_step(step_result: Any, step: Any) -> None:
            shot = None
            if job.screenshots:
                try:
                    shot = ("image/jpeg", await instance.page.screenshot(type="jpeg", quality=70))
                except Exception:  # a screenshot is a nicety; a closed page must not fail the run
                    logger.debug("no screenshot after a step", exc_info=True)
            await report(StepReport(step=_dump(step), result=_dump(step_result), screenshot=shot))

        result = await run_agent(
            instance,
            job.prompt,
            planner=planner,
            start_url=job.start_url,
            max_steps=job.max_steps,
            timeout_s=job.timeout_s,
            on_step=on_step,
        )
    finally:
        await manager.close(instance.id)
        closer = getattr(planner, "aclose", None)
        if closer is not None:  # LLM planners hold an HTTP client
            await closer()
    usage = getattr(result, "usage", None)
    return SessionOutcome(
        status="completed" if result.status == "completed" else "failed",
        answer=result.answer,
        steps=[_dump(step) for step in result.steps],
        error=_error(result.error),
        usage=_dump(usage) if usage is not None else None,
    )
