"""Running one queued session to its end: the part the in-process pool and the
distributed workers share.

:class:`SessionExecutor` moves the session to ``running``, calls the session
runner with the fetch policy's refusal checked first and the run timeout around
it, records each step as it comes, and records the end. Who calls it decides
only when: the pool from its queue, a procrastinate worker from its job.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from pupi.server.db.engine import is_unreachable
from pupi.server.db.sessions import SessionStore
from pupi.server.fetch_policy import RequestFilter, is_loopback_url
from pupi.server.metrics import Metrics
from pupi.server.workers.estimate import RECENT_SESSIONS
from pupi.server.workers.guard import refusal_for
from pupi.server.workers.runner import SessionJob, SessionOutcome, SessionRunner, StepReport

__all__ = ["INTERRUPTED", "SessionExecutor", "retrying", "worker_name"]

logger = logging.getLogger("pupi.server.worker")

T = TypeVar("T")

INTERRUPTED = {
    "type": "interrupted",
    "message": "interrupted: the worker stopped while this session was running; "
    "send the prompt again",
}

WRITE_RETRY_S = 30.0
"""How long a session's writes keep trying while the database is away."""


def worker_name() -> str:
    """``host:pid``: which process ran a session."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def retrying(write: Callable[[], Awaitable[T]], *, for_s: float = WRITE_RETRY_S) -> T:
    """``write()``, tried again with backoff while the database cannot be reached.

    A step done is worth recording even if the database blinked; an error that
    is not about the connection (a constraint, a bug) is raised at once.
    """
    deadline = time.monotonic() + for_s
    delay = 0.1
    while True:
        try:
            return await write()
        except DBAPIError as exc:
            if not is_unreachable(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("database unreachable; retrying in %.1f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


@dataclass
class SessionExecutor:
    """Runs sessions by id; one per process, whatever schedules them."""

    store: SessionStore
    metrics: Metrics
    runner: SessionRunner
    request_filter: RequestFilter
    screenshots: bool = True
    egress_proxy: str | None = None
    cdp_url: str | None = None
    name: str = field(default_factory=worker_name)
    recent_s: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_SESSIONS))
    """Run times of the latest sessions that ended by themselves, for Retry-After."""
    running: dict[str, asyncio.Task[Any]] = field(default_factory=dict)
    """The task running each session, to cancel it."""

    async def run(self, session_id: str, *, stopping: Callable[[], bool]) -> None:
        """Run the session if it is still queued; returns when it has ended.

        Cancelled, the run records ``interrupted`` when ``stopping()`` says the
        process is shutting down; otherwise the canceller (a close) recorded the end.
        """
        row = await retrying(lambda: self.store.mark_running(session_id, self.name))
        if row is None:
            return  # closed, or run by someone else, between the queue and here
        task = asyncio.current_task()
        if task is not None:
            self.running[session_id] = task
        job = SessionJob(
            session_id=session_id,
            prompt=row.prompt,
            start_url=row.start_url,
            planner=row.planner,
            max_steps=row.max_steps,
            timeout_s=row.timeout_s,
            request_filter=self.request_filter,
            screenshots=self.screenshots,
            egress_proxy=self._proxy_for_browser(),
            cdp_url=self.cdp_url,
        )
        recorded: list[dict[str, Any]] = []
        started = time.monotonic()

        async def record(report: StepReport) -> None:
            n = len(recorded)
            recorded.append(report.step)
            await retrying(
                lambda: self.store.add_step(
                    session_id,
                    n,
                    step=report.step,
                    result=report.result,
                    screenshot=report.screenshot,
                )
            )
            duration = report.result.get("duration_ms")
            if isinstance(duration, int | float):
                self.metrics.step_seconds.observe(duration / 1000)

        try:
            outcome = await self._outcome(job, record)
        except asyncio.CancelledError:
            if stopping():
                await asyncio.shield(
                    retrying(
                        lambda: self.store.finish(
                            session_id, status="failed", steps=recorded, error=INTERRUPTED
                        )
                    )
                )
            raise
        finally:
            self.running.pop(session_id, None)
        run_s = time.monotonic() - started
        self.metrics.session_seconds.observe(run_s)
        self.recent_s.append(run_s)
        steps = outcome.steps or recorded
        await retrying(
            lambda: self.store.finish(
                session_id,
                status=outcome.status,
                answer=outcome.answer,
                steps=steps,
                error=outcome.error,
                usage=outcome.usage,
            )
        )

    def _proxy_for_browser(self) -> str | None:
        # The egress proxy listens on this machine's loopback: a remote browser
        # cannot reach it, and then the request filter judges its requests instead.
        if self.cdp_url is None or is_loopback_url(self.cdp_url):
            return self.egress_proxy
        return None

    def cancel_all(self) -> None:
        """Cancel every running session (the end of a shutdown's grace)."""
        for task in self.running.values():
            task.cancel()

    async def _outcome(
        self, job: SessionJob, record: Callable[[StepReport], Awaitable[None]]
    ) -> SessionOutcome:
        # In a thread: the policy may resolve a name, and a slow DNS server must
        # not stall every other request this process serves.
        refusal = await asyncio.to_thread(
            refusal_for, job.prompt, job.start_url, job.request_filter
        )
        if refusal is not None:
            return SessionOutcome("failed", error={"type": "fetch_refused", "message": refusal})
        try:
            async with asyncio.timeout(job.timeout_s):
                return await self.runner(job, record)
        except TimeoutError:
            return SessionOutcome(
                "failed",
                error={
                    "type": "timeout",
                    "message": f"the session ran past its {job.timeout_s:g} s limit",
                },
            )
        except Exception as exc:  # the runner's bug must not take the worker down
            logger.exception("session %s failed in its runner", job.session_id)
            return SessionOutcome(
                "failed",
                error={
                    "type": getattr(exc, "code", type(exc).__name__),
                    "message": str(exc) or repr(exc),
                },
            )
