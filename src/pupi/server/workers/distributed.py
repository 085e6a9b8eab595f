"""The distributed queue (PostgreSQL): sessions as procrastinate jobs, run by any worker.

An API node stores a session and defers its job in one transaction, after
counting the token's queued sessions under an advisory lock, so every node
keeps the same bound. Any process with an embedded :class:`procrastinate.worker.Worker`
(``pupi worker``, or ``pupi serve`` without ``--no-worker``) takes jobs and runs
them with the shared :class:`~.execute.SessionExecutor`.

Faults, and who handles them:

- **Close.** The closing node marks the session cancelled and asks procrastinate
  to abort the job; the worker hears it on its LISTEN connection at once and
  cancels the run, whose ``finally`` closes the browser.
- **A worker killed.** Its heartbeat stops. Every node checks now and then for
  jobs held by workers silent for ``worker_lost_after_s``: a session that was
  running fails as ``worker_lost`` (a step may have had effects outside, a
  purchase say, before it was recorded, so it is never run twice); one still
  ``queued`` (fetched, not started: no browser ever opened) goes back to the queue.
- **SIGTERM.** The worker takes no more jobs (they stay ``todo`` for the others),
  lets its running sessions finish within the grace, then interrupts them.
- **The database away.** Writes of a running session retry with backoff; the
  worker misses heartbeats and fetches nothing until the database answers,
  and its listener reconnects with backoff (:class:`_PatientJobManager`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import ConnectorException, ProcrastinateException
from procrastinate.job_context import AbortReason, JobContext
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.worker import Worker

from pupi.server.db.engine import libpq_url
from pupi.server.db.models import SessionRow
from pupi.server.db.sessions import SessionSpec, SessionStore
from pupi.server.metrics import Metrics
from pupi.server.webhooks import WebhookSender
from pupi.server.workers.estimate import RECENT_SESSIONS, retry_after_s
from pupi.server.workers.execute import SessionExecutor, worker_name
from pupi.server.workers.queue import queue_full

__all__ = [
    "QUEUE",
    "TASK",
    "DistributedQueue",
    "WorkerLoop",
    "procrastinate_app",
    "recover_lost",
]

logger = logging.getLogger("pupi.server.distributed")

TASK = "pupi.run_session"
QUEUE = "pupi"
WEBHOOK_TASK = "pupi.deliver_webhook"
WEBHOOK_QUEUE = "pupi-webhooks"
WEBHOOK_CONCURRENCY = 4
CANCEL_GRACE_S = 1.8
"""How long closing a session waits for its worker to let go of it (the contract says 2 s)."""

JOB_CLEANUP_S = 24 * 3600.0
"""Ended jobs are deleted this long after they ended (succeeded ones at once)."""

WORKER_LOST = {
    "type": "worker_lost",
    "message": "the worker running this session stopped answering (killed, or its machine "
    "went away); send the prompt again",
}


class _PatientConnector(PsycopgConnector):
    """Listens again, with backoff, when the database goes away.

    procrastinate's own listener reconnects after a dropped connection but
    gives up (and stops its worker) when the reconnect itself fails.
    """

    async def listen_notify(self, on_notification: Any, channels: Any) -> None:
        delay = 0.2
        while True:
            try:
                await super().listen_notify(on_notification=on_notification, channels=channels)
            except ConnectorException:
                logger.warning("the queue's listener lost the database; again in %.1f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


class _PatientJobManager(JobManager):
    """A worker's periodic queries that ride out a database blip instead of stopping it.

    procrastinate stops a worker whose heartbeat or job fetch fails (its pool
    waits up to 30 s for a connection first); with these, a worker whose
    database is away fetches nothing and misses heartbeats, and its running
    sessions go on. A long outage still makes it look lost
    (``worker_lost_after_s``), which is what the heartbeat is for.
    """

    async def update_heartbeat(self, worker_id: int) -> None:
        try:
            await super().update_heartbeat(worker_id)
        except ConnectorException:
            logger.warning("missed a heartbeat: the database is unreachable")

    async def fetch_job(self, queues: Any, worker_id: int) -> Job | None:
        try:
            return await super().fetch_job(queues, worker_id)
        except ConnectorException:
            logger.warning("cannot fetch jobs: the database is unreachable")
            await asyncio.sleep(1.0)
            return None


def procrastinate_app(database_url: str, *, pool_size: int = 4) -> App:
    """The procrastinate app on Pupi's database; opened by :class:`DistributedQueue`."""
    connector = _PatientConnector(conninfo=libpq_url(database_url), min_size=1, max_size=pool_size)
    app = App(connector=connector)
    # Before any task is registered: tasks keep the manager they were made with.
    app.job_manager = _PatientJobManager(connector)
    return app


class DistributedQueue:
    """The :class:`~.queue.SessionQueue` over procrastinate; an embedded worker when asked.

    ``executor`` None (or ``concurrency`` 0) makes an API-only node: it admits,
    cancels and recovers, and runs nothing.
    """

    def __init__(
        self,
        *,
        store: SessionStore,
        app: App,
        metrics: Metrics,
        max_queued_per_token: int,
        executor: SessionExecutor | None,
        concurrency: int,
        heartbeat_s: float,
        lost_after_s: float,
        grace_s: float,
        webhooks: WebhookSender | None = None,
    ) -> None:
        self._store = store
        self._app = app
        self._webhooks = webhooks
        self._metrics = metrics
        self._max_queued = max_queued_per_token
        self._executor = executor
        self.concurrency = concurrency if executor is not None else 0
        self._heartbeat_s = heartbeat_s
        self._lost_after_s = lost_after_s
        self._grace_s = grace_s
        self._worker: WorkerLoop | None = None
        self._webhook_worker: WorkerLoop | None = None
        self._interrupting = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._recovery: asyncio.Task[None] | None = None
        if webhooks is not None:
            store.webhook_enqueue = self._enqueue_webhook

    @property
    def running_count(self) -> int:
        return len(self._executor.running) if self._executor is not None else 0

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._app.open_async()
        self._recovery = asyncio.create_task(self._recover_forever(), name="pupi-recovery")
        options = {
            "heartbeat_s": self._heartbeat_s,
            "lost_after_s": self._lost_after_s,
            "grace_s": self._grace_s,
        }
        executor = self._executor
        if executor is not None and self.concurrency > 0:

            @self._app.task(name=TASK, queue=QUEUE, pass_context=True)
            async def run_session(context: JobContext, session_id: str) -> None:
                def stopping() -> bool:
                    shutdown = context.abort_reason() is AbortReason.SHUTDOWN
                    return self._interrupting or shutdown

                await executor.run(session_id, stopping=stopping)

            self._worker = WorkerLoop(
                self._app,
                queues=[QUEUE],
                name=executor.name,
                concurrency=self.concurrency,
                **options,
            )
            self._worker.start()
        webhooks = self._webhooks
        if webhooks is not None:
            # Every node delivers: a POST is light, and no session waits for a place.

            @self._app.task(name=WEBHOOK_TASK, queue=WEBHOOK_QUEUE, retry=_AsRecorded())
            async def deliver_webhook(delivery_id: str) -> None:
                retry_at = await webhooks.attempt(delivery_id)
                if retry_at is not None:
                    raise _NotAccepted(retry_at)

            self._webhook_worker = WorkerLoop(
                self._app,
                queues=[WEBHOOK_QUEUE],
                name=f"{worker_name()}-webhooks",
                concurrency=WEBHOOK_CONCURRENCY,
                **options,
            )
            self._webhook_worker.start()

    async def admit(self, token_id: str, spec: SessionSpec) -> SessionRow:
        row = await self._store.create(
            token_id, spec, max_queued=self._max_queued, enqueue=self._enqueue
        )
        if row is None:
            self._metrics.rejected += 1
            raise queue_full(
                self._max_queued,
                open_sessions=await self._store.open_count(token_id),
                retry_after=await self._retry_after(token_id),
            )
        return row

    async def _enqueue(self, connection: Any, session_id: str) -> int:
        # The lock keeps two jobs of one session (a retried one, say) from running
        # at once; the queueing lock keeps two from waiting.
        return await self._defer(
            connection, TASK, QUEUE, lock=session_id, key=session_id, session_id=session_id
        )

    async def _enqueue_webhook(self, connection: Any, delivery_id: str) -> int:
        return await self._defer(
            connection, WEBHOOK_TASK, WEBHOOK_QUEUE, key=delivery_id, delivery_id=delivery_id
        )

    async def _defer(
        self,
        connection: Any,
        task: str,
        queue: str,
        *,
        key: str,
        lock: str | None = None,
        **kwargs: str,
    ) -> int:
        """Queue a job in the caller's transaction (``connection``); its id."""
        job = Job(
            id=None,
            queue=queue,
            lock=lock,
            queueing_lock=key,
            task_name=task,
            task_kwargs=dict(kwargs),
        )
        deferred = await self._app.job_manager.defer_job_async(job, connection=connection)
        assert deferred.id is not None
        return deferred.id

    async def _retry_after(self, token_id: str) -> int:
        counts = await self._store.count_by_status()
        return retry_after_s(
            await self._store.recent_run_seconds(RECENT_SESSIONS),
            ahead=await self._store.queued_ahead(token_id),
            # With a queue waiting, the sessions running are about all the workers can take.
            concurrency=max(1, counts.get("running", 0)),
        )

    async def cancel(self, session_id: str) -> None:
        row = await self._store.get(session_id)
        if row is None or row.job_id is None:
            return
        manager = self._app.job_manager
        await manager.cancel_job_by_id_async(row.job_id, abort=True)
        # Wait, briefly, for the worker to let go: the browser is closed by then.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CANCEL_GRACE_S
        while loop.time() < deadline:
            try:
                status = await manager.get_job_status_async(row.job_id)
            except Exception:  # deleted as it succeeded a moment ago: nothing runs it
                return
            if status is not Status.DOING:
                return
            await asyncio.sleep(0.05)

    async def queue_depth(self) -> int:
        return (await self._store.count_by_status()).get("queued", 0)

    def stop_taking_work(self) -> None:
        for worker in (self._worker, self._webhook_worker):
            if worker is not None:
                worker.stop_taking_work()

    def end_grace(self) -> None:
        self.stop_taking_work()
        self._interrupting = True  # the cancelled runs are recorded as interrupted
        executor, loop = self._executor, self._loop
        if executor is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(executor.cancel_all)

    async def stop(self, *, grace_s: float) -> None:
        for worker in (self._worker, self._webhook_worker):
            if worker is not None:
                await worker.stop()
        if self._recovery is not None:
            self._recovery.cancel()
            await asyncio.gather(self._recovery, return_exceptions=True)
        await self._app.close_async()

    async def _recover_forever(self) -> None:
        last_cleanup = -JOB_CLEANUP_S
        loop = asyncio.get_running_loop()
        while True:
            try:
                await recover_lost(self._app, self._store, lost_after_s=self._lost_after_s)
                if loop.time() - last_cleanup >= JOB_CLEANUP_S:
                    # A job's record is only the queue's; the session keeps the outcome.
                    await self._app.job_manager.delete_old_jobs(
                        nb_hours=int(JOB_CLEANUP_S // 3600),
                        queue=QUEUE,
                        include_failed=True,
                        include_cancelled=True,
                        include_aborted=True,
                    )
                    last_cleanup = loop.time()
            except Exception:  # the database away now is no reason to stop checking later
                logger.warning("checking for lost workers failed", exc_info=True)
            await asyncio.sleep(self._heartbeat_s)


async def recover_lost(app: App, store: SessionStore, *, lost_after_s: float) -> int:
    """End or requeue the sessions of workers silent for ``lost_after_s``; returns how many.

    Every node runs it; each change is conditional, so two nodes at once do it once.
    """
    manager = app.job_manager
    handled = 0
    for job in await manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=lost_after_s):
        session_id = str(job.task_kwargs.get("session_id"))
        row = await store.get(session_id)
        try:
            if row is not None and row.started_at is None:
                await manager.retry_job(job)  # it never started: nothing ran, run it again
                logger.warning("session %s requeued: its worker was lost first", session_id)
            else:
                if await store.end_session(session_id, error=WORKER_LOST):
                    logger.warning("session %s failed: its worker was lost", session_id)
                assert job.id is not None
                await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
        except ProcrastinateException:
            logger.debug("job %s was recovered by another node", job.id, exc_info=True)
            continue
        handled += 1
    # A webhook attempt cut off with its process is simply made again (deliveries
    # are at least once; the receiver tells repeats by Pupi-Delivery).
    for job in await manager.get_stalled_jobs(
        task_name=WEBHOOK_TASK, seconds_since_heartbeat=lost_after_s
    ):
        try:
            await manager.retry_job(job)
        except ProcrastinateException:
            continue
        handled += 1
    return handled


class WorkerLoop:
    """A procrastinate worker on some queues, started again whenever it falls over.

    procrastinate stops a worker whose heartbeat or listener fails (the database
    went away); this loop waits, with backoff, and starts a new one, while the
    jobs already running go on and retry their writes.
    """

    def __init__(
        self,
        app: App,
        *,
        queues: list[str],
        name: str,
        concurrency: int,
        heartbeat_s: float,
        lost_after_s: float,
        grace_s: float,
    ) -> None:
        self._app = app
        self._queues = queues
        self._name = name
        self._concurrency = concurrency
        self._heartbeat_s = heartbeat_s
        self._lost_after_s = lost_after_s
        self._grace_s = grace_s
        self._stopping = False
        self._worker: Worker | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run_forever(), name=f"pupi-{self._name}")

    async def _run_forever(self) -> None:
        delay = 0.5
        while not self._stopping:
            self._worker = Worker(
                self._app,
                queues=self._queues,
                name=self._name,
                concurrency=self._concurrency,
                install_signal_handlers=False,
                shutdown_graceful_timeout=self._grace_s,
                update_heartbeat_interval=self._heartbeat_s,
                stalled_worker_timeout=self._lost_after_s,
                abort_job_polling_interval=max(0.5, self._heartbeat_s),
                delete_jobs="successful",
            )
            try:
                await self._worker.run()  # type: ignore[no-untyped-call]
                delay = 0.5
            except Exception:
                logger.warning("the worker stopped on an error", exc_info=True)
            if self._stopping:
                return
            logger.warning("the worker stopped; starting again in %.1f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    def stop_taking_work(self) -> None:
        """Take no more jobs; running ones get the grace. Safe in a signal handler."""
        self._stopping = True
        worker, loop = self._worker, self._loop
        if worker is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(worker.stop)

    async def stop(self) -> None:
        """Stop as :meth:`stop_taking_work` does and wait for the worker to be gone."""
        self.stop_taking_work()
        if self._worker is not None:
            self._worker.stop()  # type: ignore[no-untyped-call]
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class _NotAccepted(Exception):
    """A webhook attempt that failed and is to be tried again at ``retry_at``."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"not accepted; again at {retry_at.isoformat()}")
        self.retry_at = retry_at


class _AsRecorded(BaseRetryStrategy):
    """Retry a webhook job when the sender said, as it recorded on the delivery."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, _NotAccepted):
            return RetryDecision(retry_at=exception.retry_at)
        return None
