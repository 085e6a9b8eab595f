"""The in-process worker pool (SQLite): a FIFO of queued sessions and N workers taking from it.

The database is the record; the pool holds only what it needs to schedule:
which sessions wait (and for which token, to bound each token's queue) and
which run (to cancel them). After a restart the queue is rebuilt from the
database by :meth:`WorkerPool.start`. One process owns the database, so the
bound and the queue can live in memory; on PostgreSQL the distributed queue
(:mod:`.distributed`) takes this place.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter

from pupi.server.db.models import SessionRow
from pupi.server.db.sessions import SessionSpec, SessionStore
from pupi.server.metrics import Metrics
from pupi.server.webhooks import WebhookLoop, WebhookSender
from pupi.server.workers.estimate import retry_after_s
from pupi.server.workers.execute import SessionExecutor
from pupi.server.workers.queue import queue_full

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
        metrics: Metrics,
        executor: SessionExecutor,
        concurrency: int,
        max_queued_per_token: int,
        webhooks: WebhookSender | None = None,
    ) -> None:
        self._store = store
        self._webhooks = WebhookLoop(webhooks) if webhooks is not None else None
        self._metrics = metrics
        self._executor = executor
        self.concurrency = concurrency
        self._max_queued = max_queued_per_token
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._waiting: dict[str, str] = {}  # session id -> token id, in queue order
        self._per_token: Counter[str] = Counter()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._draining_since: float | None = None
        """When the pool stopped starting queued sessions (monotonic), if it has."""

    async def queue_depth(self) -> int:
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
        if self._webhooks is not None:
            self._webhooks.start()  # pending deliveries too: they survived the restart

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
        if self._webhooks is not None:
            await self._webhooks.stop()

    async def admit(self, token_id: str, spec: SessionSpec) -> SessionRow:
        """Hold a queue place, store the session and queue it (or raise :class:`RateLimited`)."""
        if self._per_token[token_id] >= self._max_queued:
            self._metrics.rejected += 1
            raise queue_full(
                self._max_queued,
                open_sessions=await self._store.open_count(token_id),
                retry_after=self._retry_after(token_id),
            )
        self.reserve(token_id)
        try:
            row = await self._store.create(token_id, spec)
        except BaseException:
            self.release(token_id)
            raise
        assert row is not None  # unbounded in the store: the bound is held here
        self.submit(row.id, token_id)
        return row

    def reserve(self, token_id: str) -> None:
        """Hold a queue place for the token (:meth:`admit` checked the bound)."""
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
        return retry_after_s(self._executor.recent_s, ahead=ahead, concurrency=self.concurrency)

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
        await self._executor.run(session_id, stopping=lambda: self._stopping)
