"""The in-process worker pool: a FIFO of queued sessions and N workers taking from it.

The database is the record; the pool holds only what it needs to schedule:
which sessions wait (and for which token, to bound each token's queue) and
which run (to cancel them). After a restart the queue is rebuilt from the
database by :meth:`WorkerPool.start`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from typing import Any

from pupi.errors import RateLimited
from pupi.server.db.sessions import SessionStore
from pupi.server.events import EventHub, SessionEvent
from pupi.server.fetch_policy import RequestFilter
from pupi.server.metrics import Metrics
from pupi.server.workers.estimate import RECENT_SESSIONS, retry_after_s
from pupi.server.workers.guard import refusal_for
from pupi.server.workers.runner import (
    SessionJob,
    SessionOutcome,
    SessionRunner,
    StepReport,
)

__all__ = ["WorkerPool"]

logger = logging.getLogger("pupi.server.pool")

CANCEL_GRACE_S = 1.8
"""How long closing a session waits for its run to unwind (the contract says 2 s)."""


class WorkerPool:
    """Runs queued sessions, ``concurrency`` at a time, with a bounded queue per token."""

    def __init__(
        self,
        *,
        store: SessionStore,
        hub: EventHub,
        metrics: Metrics,
        runner: SessionRunner,
        request_filter: RequestFilter,
        concurrency: int,
        max_queued_per_token: int,
        screenshots: bool = True,
        egress_proxy: str | None = None,
    ) -> None:
        self._store = store
        self._hub = hub
        self._metrics = metrics
        self._runner = runner
        self._filter = request_filter
        self.concurrency = concurrency
        self._max_queued = max_queued_per_token
        self._screenshots = screenshots
        self._egress_proxy = egress_proxy
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._waiting: dict[str, str] = {}  # session id -> token id, in queue order
        self._per_token: Counter[str] = Counter()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._draining_since: float | None = None
        """When the pool stopped starting queued sessions (monotonic), if it has."""
        self._recent_s: deque[float] = deque(maxlen=RECENT_SESSIONS)
        """Run times of the latest sessions that ended by themselves, for Retry-After."""

    @property
    def queue_depth(self) -> int:
        """Sessions waiting for a worker."""
        return len(self._waiting)

    @property
    def running_count(self) -> int:
        """Sessions running now."""
        return len(self._running)

    async def start(self) -> None:
        """Fail the sessions a crash left running, queue the queued ones, start the workers."""
        self._loop = asyncio.get_running_loop()
        for session_id, token_id in await self._store.recover():
            self._per_token[token_id] += 1
            self._enqueue(session_id, token_id)
        self._workers = [
            asyncio.create_task(self._work(), name=f"pupi-worker-{index}")
            for index in range(self.concurrency)
        ]

    def stop_taking_work(self) -> None:
        """Start no more queued sessions; they stay queued in the database for the next start.

        Running sessions go on. It only sets a flag, so a signal handler may call
        it (``pupi serve`` does on SIGTERM, before uvicorn's shutdown waits for
        its connections); calling it again changes nothing.
        """
        if self._draining_since is None:
            self._draining_since = time.monotonic()

    def end_grace(self) -> None:
        """Interrupt the running sessions now rather than at the end of the grace.

        For a second SIGTERM; like :meth:`stop_taking_work`, safe in a signal handler.
        """
        self.stop_taking_work()
        self._stopping = True  # the cancelled runs are recorded as interrupted
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._cancel_running)

    def _cancel_running(self) -> None:
        for task in self._running.values():
            task.cancel()

    async def stop(self, *, grace_s: float = 0.0) -> None:
        """Stop: running sessions get ``grace_s`` to finish, then fail as interrupted.

        The grace counts from :meth:`stop_taking_work` when that came first (the
        signal), so the time spent closing connections is part of it. Queued
        sessions stay queued.
        """
        if self._draining_since is None:
            self._draining_since = time.monotonic()
        left_s = self._draining_since + grace_s - time.monotonic()
        if self._running and left_s > 0:
            await asyncio.wait(list(self._running.values()), timeout=left_s)
        self._stopping = True
        for worker in self._workers:
            worker.cancel()
        running = list(self._running.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*self._workers, *running, return_exceptions=True)
        self._workers.clear()

    def reserve(self, token_id: str) -> None:
        """Hold a queue place for the token, or raise :class:`RateLimited`."""
        if self._per_token[token_id] >= self._max_queued:
            self._metrics.rejected += 1
            raise RateLimited(
                f"too many queued sessions for this token ({self._max_queued}); "
                "wait for some to finish or close them",
                retry_after=self._retry_after(token_id),
            )
        self._per_token[token_id] += 1

    def release(self, token_id: str) -> None:
        """Give back a place held by :meth:`reserve` that was not used."""
        self._per_token[token_id] -= 1
        if self._per_token[token_id] <= 0:
            del self._per_token[token_id]

    def submit(self, session_id: str, token_id: str) -> None:
        """Queue a stored session whose place was reserved."""
        self._enqueue(session_id, token_id)

    async def cancel(self, session_id: str) -> None:
        """Stop a queued or running session; waits briefly for its browser to close."""
        token_id = self._waiting.pop(session_id, None)
        if token_id is not None:
            self.release(token_id)
        task = self._running.get(session_id)
        if task is not None:
            task.cancel()
            await asyncio.wait({task}, timeout=CANCEL_GRACE_S)
        self._hub.publish(session_id, SessionEvent("end", {"status": "cancelled"}))

    def _enqueue(self, session_id: str, token_id: str) -> None:
        self._waiting[session_id] = token_id
        self._queue.put_nowait(session_id)

    def _retry_after(self, token_id: str) -> int:
        # The token gets a place back when its oldest queued session starts, so
        # count the sessions up to that one (the whole queue if it has none yet).
        ahead = len(self._waiting) + 1
        for position, waiting_token in enumerate(self._waiting.values()):
            if waiting_token == token_id:
                ahead = position + 1
                break
        return retry_after_s(self._recent_s, ahead=ahead, concurrency=self.concurrency)

    async def _work(self) -> None:
        while True:
            session_id = await self._queue.get()
            if self._draining_since is not None:
                return  # shutting down: it stays in _waiting, and queued in the database
            token_id = self._waiting.pop(session_id, None)
            if token_id is None:
                continue  # cancelled while it waited
            self.release(token_id)
            task = asyncio.create_task(self._run(session_id), name=f"pupi-session-{session_id}")
            self._running[session_id] = task
            try:
                await asyncio.wait({task})
            finally:
                self._running.pop(session_id, None)
            if not task.cancelled() and task.exception() is not None:
                logger.error("session %s crashed the worker", session_id, exc_info=task.exception())

    async def _run(self, session_id: str) -> None:
        row = await self._store.mark_running(session_id)
        if row is None:
            return  # closed between the queue and here
        self._hub.publish(session_id, SessionEvent("status", {"status": "running"}))
        job = SessionJob(
            session_id=session_id,
            prompt=row.prompt,
            start_url=row.start_url,
            planner=row.planner,
            max_steps=row.max_steps,
            timeout_s=row.timeout_s,
            request_filter=self._filter,
            screenshots=self._screenshots,
            egress_proxy=self._egress_proxy,
        )
        recorded: list[dict[str, Any]] = []
        started = time.monotonic()

        async def record(report: StepReport) -> None:
            n = len(recorded)
            recorded.append(report.step)
            await self._store.add_step(
                session_id, n, step=report.step, result=report.result, screenshot=report.screenshot
            )
            duration = report.result.get("duration_ms")
            if isinstance(duration, int | float):
                self._metrics.step_seconds.observe(duration / 1000)
            self._hub.publish(
                session_id,
                SessionEvent(
                    "step",
                    {
                        "n": n,
                        "step": report.step,
                        "result": report.result,
                        "screenshot": report.screenshot is not None,
                    },
                    n,
                ),
            )

        try:
            outcome = await self._outcome(job, record)
        except asyncio.CancelledError:
            if self._stopping:
                await self._store.finish(
                    session_id,
                    status="failed",
                    steps=recorded,
                    error={
                        "type": "interrupted",
                        "message": "interrupted: the server stopped while this session was running",
                    },
                )
            raise
        run_s = time.monotonic() - started
        self._metrics.session_seconds.observe(run_s)
        self._recent_s.append(run_s)
        steps = outcome.steps or recorded
        await self._store.finish(
            session_id,
            status=outcome.status,
            answer=outcome.answer,
            steps=steps,
            error=outcome.error,
            usage=outcome.usage,
        )
        self._hub.publish(session_id, SessionEvent("end", {"status": outcome.status}))

    async def _outcome(self, job: SessionJob, record: Any) -> SessionOutcome:
        # In a thread: the policy may resolve a name, and a slow DNS server must
        # not stall every other request this process serves.
        refusal = await asyncio.to_thread(refusal_for, job.prompt, job.start_url, self._filter)
        if refusal is not None:
            return SessionOutcome("failed", error={"type": "fetch_refused", "message": refusal})
        try:
            async with asyncio.timeout(job.timeout_s):
                return await self._runner(job, record)
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
