"""Running one queued session until its browser is let go: the part the in-process
pool and the distributed workers share.

:class:`SessionExecutor` opens the session's browser with the session runner
and runs the session's runs in it one after another: each moves to ``running``,
is checked against the fetch policy (prompts), runs within its timeout,
records each step as it comes, and records its end. Between runs the browser
waits for a follow-up up to the session's idle timeout. Who calls it decides
only when: the pool from its queue, a procrastinate worker from its job; the
job lasts as long as the browser, so an open browser holds a worker's place.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError

from pupi.browser.options import BrowserOptions
from pupi.server.db.engine import is_unreachable
from pupi.server.db.models import RunRow, SessionRow
from pupi.server.db.sessions import SessionStore, Started
from pupi.server.db.specs import FileSpec, RunKind
from pupi.server.events import SessionEvent
from pupi.server.fetch_policy import RequestFilter, is_loopback_url
from pupi.server.metrics import Metrics
from pupi.server.sealing import SealBroken, Sealer
from pupi.server.workers.estimate import RECENT_SESSIONS
from pupi.server.workers.guard import refusal_for, within_domains
from pupi.server.workers.runner import (
    CacheLookup,
    RunJob,
    SessionBrowser,
    SessionJob,
    SessionOutcome,
    SessionRunner,
    StepReport,
    StepSink,
)
from pupi.server.workers.secrecy import redact_outcome, redact_report
from pupi.steps import Secrets

if TYPE_CHECKING:
    from pupi.agent.cache import CacheKey

__all__ = ["INTERRUPTED", "SessionExecutor", "retrying", "worker_name"]

logger = logging.getLogger("pupi.server.worker")

T = TypeVar("T")

INTERRUPTED = {
    "type": "interrupted",
    "message": "interrupted: the worker stopped while this session was running; "
    "send the prompt again",
}

LIVE_FPS = 2.0
"""Live view frames a second: enough to follow the agent, cheap for the database."""

WAKE_POLL_S = 5.0
"""An idle open session looks for new runs this often even when no event woke it."""

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
    sealer: Sealer | None = None
    """Opens what sessions were started with (storage states, proxies) and seals what
    they leave (saved states, profiles); None: sessions with such options fail."""
    allow_hosts: tuple[str, ...] = ()
    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 50
    name: str = field(default_factory=worker_name)
    recent_s: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_SESSIONS))
    """Run times of the latest sessions that ended by themselves, for Retry-After."""
    running: dict[str, asyncio.Task[Any]] = field(default_factory=dict)
    """The task running each session, to cancel it."""

    async def run(self, session_id: str, *, stopping: Callable[[], bool]) -> None:
        """Run the session's runs one after another; returns once its browser is let go.

        The browser stays open between runs for the session's ``idle_timeout_s``
        (0: it goes when the queued runs are done), so a follow-up finds the
        page as the last run left it. Cancelled, the session records
        ``interrupted`` when ``stopping()`` says the process is shutting down;
        otherwise the canceller (a close) recorded the end.
        """
        started = await retrying(lambda: self.store.start_run(session_id, self.name))
        if started is None:
            return  # closed, or run by someone else, between the queue and here
        task = asyncio.current_task()
        if task is not None:
            self.running[session_id] = task
        job = SessionJob(
            session_id=session_id,
            trace=started[0].trace,
            request_filter=self.request_filter,
            screenshots=self.screenshots,
            egress_proxy=self._proxy_for_browser(),
            cdp_url=self.cdp_url,
            keep_state=started[0].save_state or started[0].profile is not None,
            allow_hosts=self.allow_hosts,
            allowed_domains=_domains(started[0]),
        )
        steps = _StepCounter(await self.store.step_count(session_id))
        browser: SessionBrowser | None = None
        released = False
        live: asyncio.Task[None] | None = None
        try:
            with self.store.hub.subscribe(session_id) as wakeups:
                while started is not None:
                    session, run = started
                    if browser is None:
                        browser = await self._open(job, session, run.n)
                        if browser is None:
                            return  # the run failed for it; released below
                        live = asyncio.create_task(self._live_view(browser, session_id))
                    await self._run_one(browser, session, run, steps)
                    started = await self._next_run(session, wakeups)
                released = True
        except asyncio.CancelledError:
            if stopping():
                released = True
                await _to_the_end(
                    retrying(lambda: self.store.end_session(session_id, error=INTERRUPTED))
                )
            raise
        finally:
            self.running.pop(session_id, None)
            # To its end, even when cancelled again meanwhile (an abort can be heard
            # twice): a browser left open would outlive its session.
            await _to_the_end(self._let_go(session_id, browser, live, released=released))

    async def _let_go(
        self,
        session_id: str,
        browser: SessionBrowser | None,
        live: asyncio.Task[None] | None,
        *,
        released: bool,
    ) -> None:
        if live is not None:
            live.cancel()
            await asyncio.gather(live, return_exceptions=True)
        if browser is not None:
            trace = await browser.aclose()
            if trace is not None:
                await retrying(lambda: self.store.save_trace(session_id, trace))
        if not released:
            await retrying(lambda: self.store.release(session_id, idle=False))

    async def _live_view(self, browser: SessionBrowser, session_id: str) -> None:
        """Send frames of the page while someone watches (a lease each viewer renews).

        Costs nothing unwatched: it waits for a ``watch`` event, then sends
        ``LIVE_FPS`` frames a second until the lease lapses.
        """
        with self.store.hub.subscribe(session_id) as events:
            while True:
                while not await retrying(lambda: self.store.watched(session_id)):
                    event = await events.get()
                    while event.kind != "watch":
                        event = await events.get()
                shot = await browser.frame()
                if shot is not None:
                    await retrying(functools.partial(self.store.put_frame, session_id, *shot))
                await asyncio.sleep(1 / LIVE_FPS)

    async def _open(self, job: SessionJob, session: SessionRow, n: int) -> SessionBrowser | None:
        session_id = session.id
        try:
            options = await self._browser_options(session)
            return await self.runner(dataclasses.replace(job, options=options))
        except Exception as exc:  # no browser: the run fails, saying why
            logger.exception("session %s could not open its browser", session_id)
            error = _error_of(exc)
        await retrying(lambda: self.store.finish_run(session_id, n, status="failed", error=error))
        return None

    async def _browser_options(self, session: SessionRow) -> BrowserOptions | None:
        """What the session's browser starts with: its options (sealed whole, since
        some are secrets) and, for a profile, the state its last session saved."""
        if session.sealed is None and session.profile is None:
            return None
        sealer = self._sealer()
        revealed: dict[str, Any] = {} if session.sealed is None else sealer.open(session.sealed)
        if session.profile is not None:
            # A token's profile is a saved state in the database, not a directory.
            saved = await retrying(
                lambda: self.store.profile(session.token_id, session.profile or "")
            )
            if saved is not None:
                revealed["storage_state"] = sealer.open(saved)
        return BrowserOptions.model_validate(revealed)

    def _sealer(self) -> Sealer:
        if self.sealer is None:
            raise SealBroken("this worker has no key to open sealed session options")
        return self.sealer

    async def _keep(self, session: SessionRow, run: int, outcome: SessionOutcome) -> None:
        """Store what the run left: downloads (within the bounds), the storage state."""
        kept = await retrying(lambda: self.store.count_downloads(session.id))
        for file in outcome.files:
            note = None
            if file.path is None:
                note = f"the download failed: {file.error or 'unknown reason'}"
            elif kept >= self.max_files:
                note = f"not kept: a session keeps at most {self.max_files} (PUPI_MAX_FILES)"
            elif file.size > self.max_file_bytes:
                note = (
                    f"not kept: {file.size} bytes, over {self.max_file_bytes} (PUPI_MAX_FILE_BYTES)"
                )
            data = None
            if note is None and file.path is not None:
                data = await asyncio.to_thread(file.path.read_bytes)
                kept += 1
            await retrying(
                functools.partial(
                    self.store.add_download,
                    session.id,
                    run,
                    name=file.name,
                    content_type=file.content_type,
                    size=file.size,
                    data=data,
                    note=note,
                )
            )
        if outcome.storage_state is not None:
            sealed = self._sealer().seal(outcome.storage_state)
            if session.save_state:
                await retrying(lambda: self.store.save_state(session.id, sealed))
            if session.profile is not None:
                await retrying(
                    lambda: self.store.save_profile(session.token_id, session.profile or "", sealed)
                )

    async def _run_one(
        self, browser: SessionBrowser, session: SessionRow, run: RunRow, steps: _StepCounter
    ) -> None:
        session_id = session.id
        try:
            secrets: dict[str, str] = (
                {} if run.secrets is None else self._sealer().open(run.secrets)
            )
        except SealBroken as exc:
            error = _error_of(exc)
            await retrying(
                lambda: self.store.finish_run(session_id, run.n, status="failed", error=error)
            )
            return
        hidden = Secrets.of(secrets)
        run_job = RunJob(
            n=run.n,
            kind=RunKind(run.kind),
            timeout_s=run.timeout_s,
            prompt=run.prompt or "",
            start_url=run.start_url,
            planner=run.planner or session.planner,
            max_steps=run.max_steps or session.max_steps,
            steps=list(run.request_steps or []),
            files=await self._uploads(session_id) if run.kind == RunKind.STEPS else (),
            secrets=secrets,
            token_budget=run.token_budget,
            vision=run.vision,
            heal=run.heal,
            output_schema=run.output_schema,
            cache=self._cache_lookup(session.token_id) if run.cache else None,
        )
        recorded: list[dict[str, Any]] = []

        async def record(report: StepReport) -> None:
            report = redact_report(report, hidden)
            n = steps.take()
            recorded.append(report.step)
            await retrying(
                lambda: self.store.add_step(
                    session_id,
                    n,
                    run=run.n,
                    step=report.step,
                    result=report.result,
                    screenshot=report.screenshot,
                )
            )
            duration = report.result.get("duration_ms")
            if isinstance(duration, int | float):
                self.metrics.step_seconds.observe(duration / 1000)

        started = time.monotonic()
        outcome = await self._outcome(browser, session, run_job, record)
        outcome = redact_outcome(outcome, hidden)
        await self._keep(session, run.n, outcome)
        for key, kept in outcome.kept.items():
            # Written before the run ends: the token's next prompt finds it.
            await retrying(
                functools.partial(self.store.keep_steps, session.token_id, key.digest, kept)
            )
        run_s = time.monotonic() - started
        self.metrics.session_seconds.observe(run_s)
        self.recent_s.append(run_s)
        await retrying(
            lambda: self.store.finish_run(
                session_id,
                run.n,
                status=outcome.status,
                answer=outcome.answer,
                outputs=outcome.outputs,
                steps=outcome.steps or recorded,
                error=outcome.error,
                usage=outcome.usage,
                data=outcome.data,
                cached=outcome.cached,
            )
        )

    def _cache_lookup(self, token_id: str) -> CacheLookup:
        """Reads ``token_id``'s prompt cache, shared by every worker through the database."""

        async def look_up(key: CacheKey) -> list[dict[str, Any]] | None:
            return await retrying(lambda: self.store.cached_steps(token_id, key.digest))

        return look_up

    async def _uploads(self, session_id: str) -> tuple[FileSpec, ...]:
        rows = await retrying(lambda: self.store.files(session_id, with_data=True))
        return tuple(
            FileSpec(name=row.name, content_type=row.content_type, data=row.data)
            for row in rows
            if row.kind == "upload" and row.data is not None
        )

    async def _next_run(
        self, session: SessionRow, wakeups: asyncio.Queue[SessionEvent]
    ) -> Started | None:
        """The session's next run once one is queued; None once the browser is let go.

        Waits up to the session's idle timeout, woken by the store's events (a
        run queued, the session closed) and, should one be missed, every few seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + session.idle_timeout_s
        while True:
            started = await retrying(lambda: self.store.start_run(session.id, self.name))
            if started is not None:
                return started
            left = deadline - loop.time()
            current = await retrying(lambda: self.store.get(session.id))
            if left <= 0 or current is None or current.closed_at is not None:
                idle = session.idle_timeout_s > 0 and left <= 0
                if await retrying(functools.partial(self.store.release, session.id, idle=idle)):
                    return None
                continue  # a run arrived as the browser was going: run it
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(left, WAKE_POLL_S)):
                    while (await wakeups.get()).kind in _LIVE_EVENTS:
                        pass  # the live view's traffic is no news about runs
            while not wakeups.empty():
                wakeups.get_nowait()

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
        self, browser: SessionBrowser, session: SessionRow, job: RunJob, record: StepSink
    ) -> SessionOutcome:
        session_id = session.id
        if job.kind is RunKind.PROMPT:
            # In a thread: the policy may resolve a name, and a slow DNS server must
            # not stall every other request this process serves.
            judge = within_domains(self.request_filter, _domains(session))
            refusal = await asyncio.to_thread(refusal_for, job.prompt, job.start_url, judge)
            if refusal is not None:
                return SessionOutcome("failed", error={"type": "fetch_refused", "message": refusal})
        try:
            async with asyncio.timeout(job.timeout_s):
                return await browser.run(job, record)
        except TimeoutError:
            return SessionOutcome(
                "failed",
                error={
                    "type": "timeout",
                    "message": f"the run went past its {job.timeout_s:g} s limit",
                },
            )
        except Exception as exc:  # the runner's bug must not take the worker down
            if job.secrets:
                # A traceback may quote what the run typed: the redacted message must do.
                secrets = Secrets(job.secrets)
                logger.error(
                    "session %s failed in its runner (run %d): %s",
                    session_id,
                    job.n,
                    secrets.redact(f"{type(exc).__name__}: {exc}"),
                )
            else:
                logger.exception("session %s failed in its runner (run %d)", session_id, job.n)
            return SessionOutcome("failed", error=_error_of(exc))


_LIVE_EVENTS = frozenset({"watch", "frame"})


class _StepCounter:
    """Step numbers go on across a session's runs."""

    def __init__(self, start: int) -> None:
        self._next = start

    def take(self) -> int:
        n = self._next
        self._next += 1
        return n


async def _to_the_end(work: Awaitable[object]) -> None:
    """Await ``work`` to its end whatever cancels the caller; then re-raise the cancel."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
    task.result()
    if cancelled:
        raise asyncio.CancelledError


def _domains(session: SessionRow) -> tuple[str, ...] | None:
    rules = session.allowed_domains
    return None if rules is None else tuple(rules)


def _error_of(exc: BaseException) -> dict[str, Any]:
    return {"type": getattr(exc, "code", type(exc).__name__), "message": str(exc) or repr(exc)}
