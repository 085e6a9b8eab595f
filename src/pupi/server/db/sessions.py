"""Every query about sessions, their steps and screenshots.

State changes are conditional updates (``WHERE status = 'running'``...), so a
worker finishing and a client cancelling at the same moment cannot overwrite
each other: whichever lands first wins, the other changes nothing.

Every write also says what changed, as a :class:`SessionEvent`: for the event
streams, and so that cached views know they are stale. In one process the
events go straight to the hub after the commit; on PostgreSQL they are sent with
``NOTIFY`` inside the write's transaction and come back to every node (this one
included) through its listener, so a node learns of a worker's write at commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pupi.errors import SessionNotOpen
from pupi.server.db.models import (
    LiveFrameRow,
    RunRow,
    ScreenshotRow,
    SessionRow,
    StepRow,
    TraceRow,
    WebhookDeliveryRow,
    utcnow,
)
from pupi.server.db.specs import RunKind, RunSpec, SessionSpec
from pupi.server.events import EventHub, SessionEvent, encode_event

__all__ = [
    "ACTIVE_STATUSES",
    "CHANGES_CHANNEL",
    "TERMINAL_STATUSES",
    "Enqueue",
    "RunKind",
    "RunSpec",
    "SessionSpec",
    "SessionStore",
    "Snapshot",
    "Started",
]

P = ParamSpec("P")
R = TypeVar("R")

ACTIVE_STATUSES = ("queued", "running")
TERMINAL_STATUSES = ("completed", "failed", "cancelled")

CHANGES_CHANNEL = "pupi_sessions"
"""The PostgreSQL notification channel of session events."""

Enqueue = Callable[[Any, str], Awaitable[int]]
"""Queue a stored session on the distributed queue, given the transaction's driver
connection; returns the job's id."""

_CHANGED = SessionEvent("changed", {})
_QUEUED = SessionEvent("status", {"status": "queued"})
_RUNNING = SessionEvent("status", {"status": "running"})

Started = tuple[SessionRow, RunRow]
"""A run that just moved to running, with its session."""


class Snapshot(NamedTuple):
    """A session as of one moment: what its view is made of."""

    session: SessionRow
    steps: list[StepRow]
    runs: list[RunRow]
    has_trace: bool
    """Whether its trace has been written (it is, once its browser is gone)."""


def _writes_one(
    method: Callable[Concatenate[SessionStore, str, P], Awaitable[R]],
) -> Callable[Concatenate[SessionStore, str, P], Awaitable[R]]:
    # Bumped before and after the write: a view read while the write is in
    # flight sees a different generation at its end and is not cached.
    async def wrapper(
        self: SessionStore, session_id: str, /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        self._touch(session_id)
        try:
            return await method(self, session_id, *args, **kwargs)
        finally:
            self._touch(session_id)

    wrapper.__doc__ = method.__doc__
    return wrapper


def _writes_all(
    method: Callable[Concatenate[SessionStore, P], Awaitable[R]],
) -> Callable[Concatenate[SessionStore, P], Awaitable[R]]:
    async def wrapper(self: SessionStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._bulk_generation += 1
        try:
            return await method(self, *args, **kwargs)
        finally:
            self._bulk_generation += 1

    wrapper.__doc__ = method.__doc__
    return wrapper


class SessionStore:
    """Sessions in the database; one per process, shared by routes and workers."""

    def __init__(self, engine: AsyncEngine, hub: EventHub | None = None) -> None:
        self.engine = engine
        self.hub = hub or EventHub()
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self.broadcast = engine.dialect.name == "postgresql"
        """Events go out with NOTIFY (PostgreSQL) rather than straight to :attr:`hub`."""
        self.webhook_enqueue: Enqueue | None = None
        """Queue a delivery's job in the transaction that stored it (the distributed queue)."""
        self.cache_trusted = True
        """False while this node may miss other nodes' writes (its listener is down)."""
        # Bumped on every write (per session, and for all on bulk writes) so that
        # cached views can tell they are stale; see pupi.server.views.
        self._generations: dict[str, int] = {}
        self._bulk_generation = 0

    def generation(self, session_id: str) -> tuple[int, int]:
        """Changes whenever the session's stored record or steps change."""
        if not self.cache_trusted:
            self._bulk_generation += 1  # never the same twice: nothing is cached
        return self._bulk_generation, self._generations.get(session_id, 0)

    def touch(self, session_id: str | None) -> None:
        """Another node wrote to the session (None: to any session); drop cached views."""
        if session_id is None:
            self._bulk_generation += 1
        else:
            self._touch(session_id)

    def _touch(self, session_id: str) -> None:
        self._generations[session_id] = self._generations.get(session_id, 0) + 1

    async def _announce(
        self, db: AsyncSession, session_id: str | None, event: SessionEvent
    ) -> None:
        """Inside the write's transaction: NOTIFY, delivered at commit (PostgreSQL only)."""
        if self.broadcast:
            await db.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANGES_CHANNEL, "payload": encode_event(session_id, event)},
            )

    def _deliver(self, session_id: str, event: SessionEvent) -> None:
        """After the commit: hand the event to this process's readers (one process only)."""
        if not self.broadcast and event.kind != "changed":
            self.hub.publish(session_id, event)

    async def create(
        self,
        token_id: str,
        spec: SessionSpec,
        *,
        max_queued: int | None = None,
        enqueue: Enqueue | None = None,
    ) -> SessionRow | None:
        """Store a new queued session; None when the token already has ``max_queued`` queued.

        On PostgreSQL the count and the insert hold the token's advisory lock, so
        API nodes side by side keep one bound; ``enqueue`` queues the session's job
        in the same transaction: a session is stored with its job or not at all.
        """
        first = spec.first
        now = utcnow()
        row = SessionRow(
            id=uuid.uuid4().hex,
            token_id=token_id,
            status="queued",
            prompt=first.prompt or "",
            start_url=first.start_url,
            planner=spec.planner,
            max_steps=spec.max_steps,
            timeout_s=first.timeout_s,
            idle_timeout_s=spec.idle_timeout_s,
            trace=spec.trace,
            webhook_url=spec.webhook_url,
            created_at=now,
        )
        async with self._maker() as db, db.begin():
            if max_queued is not None:
                if self.broadcast:
                    await db.execute(
                        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                        {"key": f"pupi-token:{token_id}"},
                    )
                if await self._queued_count(db, token_id) >= max_queued:
                    return None
            db.add(row)
            await db.flush()  # the run refers to the session: the session's row first
            db.add(_run_row(row.id, 0, first, now))
            if enqueue is not None:
                await db.flush()
                connection = await db.connection()
                raw = await connection.get_raw_connection()
                row.job_id = await enqueue(raw.driver_connection, row.id)
        return row

    @staticmethod
    async def _queued_count(db: AsyncSession, token_id: str) -> int:
        count = await db.scalar(
            select(func.count())
            .select_from(SessionRow)
            .where(SessionRow.token_id == token_id, SessionRow.status == "queued")
        )
        return int(count or 0)

    async def queued_ahead(self, token_id: str) -> int:
        """Queued sessions up to and including the token's oldest queued one (all if none)."""
        async with self._maker() as db:
            oldest = await db.scalar(
                select(func.min(SessionRow.created_at)).where(
                    SessionRow.token_id == token_id, SessionRow.status == "queued"
                )
            )
            query = (
                select(func.count()).select_from(SessionRow).where(SessionRow.status == "queued")
            )
            if oldest is not None:
                query = query.where(SessionRow.created_at <= oldest)
            return int(await db.scalar(query) or 0) + (0 if oldest is not None else 1)

    async def recent_run_seconds(self, limit: int) -> list[float]:
        """How long the latest ``limit`` sessions that ended by themselves ran."""
        async with self._maker() as db:
            rows = await db.execute(
                select(SessionRow.started_at, SessionRow.finished_at)
                .where(
                    SessionRow.status.in_(("completed", "failed")),
                    SessionRow.started_at.is_not(None),
                    SessionRow.finished_at.is_not(None),
                )
                .order_by(SessionRow.finished_at.desc())
                .limit(limit)
            )
            return [
                (finished - started).total_seconds()
                for started, finished in rows.tuples()
                if started is not None and finished is not None
            ]

    async def get(self, session_id: str, token_id: str | None = None) -> SessionRow | None:
        """The session, or None when it does not exist or belongs to another token."""
        query = select(SessionRow).where(SessionRow.id == session_id)
        if token_id is not None:
            query = query.where(SessionRow.token_id == token_id)
        async with self._maker() as db:
            return (await db.scalars(query)).first()

    async def list_for(self, token_id: str, *, include_closed: bool = False) -> list[SessionRow]:
        """The token's sessions, newest first; only the active ones unless asked."""
        query = select(SessionRow).where(SessionRow.token_id == token_id)
        if not include_closed:
            query = query.where(SessionRow.closed_at.is_(None))
        query = query.order_by(SessionRow.created_at.desc(), SessionRow.id)
        async with self._maker() as db:
            return list(await db.scalars(query))

    @_writes_one
    async def start_run(self, session_id: str, worker: str | None = None) -> Started | None:
        """Move the session's oldest queued run (and the session) to running.

        None when no run waits, or the session was closed meanwhile.
        """
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            if session is None or session.closed_at is not None:
                return None
            run = (
                await db.scalars(
                    select(RunRow)
                    .where(RunRow.session_id == session_id, RunRow.status == "queued")
                    .order_by(RunRow.n)
                    .limit(1)
                )
            ).first()
            if run is None:
                return None
            now = utcnow()
            run.status = "running"
            run.started_at = now
            session.status = "running"
            session.started_at = session.started_at or now
            session.finished_at = None
            session.worker = worker
            await self._announce(db, session_id, _RUNNING)
        self._deliver(session_id, _RUNNING)
        return session, run

    @staticmethod
    async def _locked(db: AsyncSession, session_id: str) -> SessionRow | None:
        # Every change of a session's runs holds its row: a follow-up arriving as
        # the browser is released lands before (and is run) or after (and is refused).
        query = select(SessionRow).where(SessionRow.id == session_id).with_for_update()
        return (await db.scalars(query)).first()

    @_writes_one
    async def finish_run(
        self,
        session_id: str,
        n: int,
        *,
        status: str,
        answer: Any = None,
        outputs: dict[str, Any] | None = None,
        steps: list[dict[str, Any]] | None = None,
        error: dict[str, Any] | None = None,
        usage: dict[str, Any] | None = None,
    ) -> bool:
        """Record how run ``n`` ended; the session shows it. False when it had ended already."""
        event = SessionEvent("end", {"status": status})
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            run = await db.get(RunRow, (session_id, n))
            if session is None or run is None or run.status != "running":
                return False
            now = utcnow()
            run.status, run.answer, run.outputs, run.steps = status, answer, outputs, steps
            run.error, run.usage, run.finished_at = error, usage, now
            await self._queue_webhook(db, session, run)
            queued_next = await self._has_queued_run(db, session_id)
            session.status = "queued" if queued_next else status
            session.answer, session.error, session.usage = answer, error, usage
            session.finished_at = None if queued_next else now
            if not queued_next and session.idle_timeout_s <= 0:
                # Not kept open: it takes no follow-up from now on, as its view says.
                session.released_at = now
            session.steps = await self._all_run_steps(db, session_id)
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return True

    @staticmethod
    async def _has_queued_run(db: AsyncSession, session_id: str) -> bool:
        found = await db.scalar(
            select(RunRow.n).where(RunRow.session_id == session_id, RunRow.status == "queued")
        )
        return found is not None

    @staticmethod
    async def _all_run_steps(db: AsyncSession, session_id: str) -> list[dict[str, Any]]:
        """Every run's concrete steps in order: the whole session, replayable."""
        runs = await db.scalars(
            select(RunRow.steps).where(RunRow.session_id == session_id).order_by(RunRow.n)
        )
        return [step for steps in runs if steps for step in steps]

    async def _end_runs(
        self,
        db: AsyncSession,
        session: SessionRow,
        status: str,
        error: dict[str, Any],
        now: datetime,
    ) -> None:
        """End every run of the session still queued or running, each reported."""
        runs = await db.scalars(
            select(RunRow).where(
                RunRow.session_id == session.id, RunRow.status.in_(ACTIVE_STATUSES)
            )
        )
        for run in runs:
            run.status, run.error, run.finished_at = status, error, now
            await self._queue_webhook(db, session, run)

    async def _queue_webhook(self, db: AsyncSession, session: SessionRow, run: RunRow) -> None:
        """In the transaction that ended the run: its delivery, when the session has a webhook.

        Stored with the run's end, so a crash can lose neither; on PostgreSQL
        its job is queued in the same transaction too.
        """
        if session.webhook_url is None:
            return
        delivery = WebhookDeliveryRow(
            id=uuid.uuid4().hex,
            session_id=session.id,
            run=run.n,
            url=session.webhook_url,
            payload=run_payload(session, run),
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
        )
        db.add(delivery)
        if self.webhook_enqueue is not None:
            await db.flush()
            connection = await db.connection()
            raw = await connection.get_raw_connection()
            await self.webhook_enqueue(raw.driver_connection, delivery.id)

    @_writes_one
    async def add_run(self, session_id: str, token_id: str, spec: RunSpec) -> RunRow | None:
        """Queue another run in the session's open browser.

        None when the token has no such session; :class:`SessionNotOpen` when the
        session is closed or its browser already released.
        """
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            if session is None or session.token_id != token_id:
                return None
            if session.closed_at is not None or session.released_at is not None:
                raise SessionNotOpen(
                    f"session {session_id!r} is closed or its browser was released "
                    + (
                        "when it was closed"
                        if session.closed_at is not None
                        else "when its run ended (start it with idle_timeout_s to keep it open)"
                    )
                )
            last = await db.scalar(
                select(func.max(RunRow.n)).where(RunRow.session_id == session_id)
            )
            run = _run_row(session_id, int(last or 0) + 1, spec, utcnow())
            db.add(run)
            event = _QUEUED
            if session.status != "running":
                session.status = "queued"
                session.finished_at = None
            else:
                event = _CHANGED
            await self._announce(db, session_id, event)
        # The run is new work for the session's holder, whatever the session shows.
        self._deliver(session_id, _QUEUED)
        return run

    @_writes_one
    async def release(self, session_id: str, *, idle: bool) -> bool:
        """The browser is let go: after its last run, or idle past its timeout (a close too).

        False when a run is waiting (it must run first). ``idle`` also closes
        the session, recorded as closed by expiry.
        """
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            if session is None:
                return True
            if session.closed_at is None and await self._has_queued_run(db, session_id):
                return False
            now = utcnow()
            session.released_at = session.released_at or now
            if idle and session.closed_at is None:
                session.closed_at = now
                session.close_reason = "idle"
            await self._announce(db, session_id, _CHANGED)
        return True

    @_writes_one
    async def end_session(self, session_id: str, *, error: dict[str, Any]) -> bool:
        """Fail the session and every run not ended, its browser gone (worker lost, shutdown).

        False when it had nothing running, queued or open.
        """
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            if session is None or session.released_at is not None:
                return False
            now = utcnow()
            await self._end_runs(db, session, "failed", error, now)
            session.released_at = now
            if session.closed_at is None:
                session.status = "failed"
                session.error = error
                session.finished_at = now
                session.steps = await self._all_run_steps(db, session_id)
            event = SessionEvent("end", {"status": session.status})
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return True

    async def snapshot(self, session_id: str) -> Snapshot | None:
        """The session, its steps and its runs as of one moment (None: no such session).

        Read apart, a run could end between the reads and the view would show the
        session still running with its run completed. PostgreSQL reads all three
        in one REPEATABLE READ transaction; SQLite, where every write goes
        through this store, reads again when a write to the session landed meanwhile.
        """
        for _attempt in range(5):
            before = self.generation(session_id)
            async with self._maker() as db:
                if self.broadcast:
                    await db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                row = await db.get(SessionRow, session_id)
                if row is None:
                    return None
                steps = await db.scalars(
                    select(StepRow).where(StepRow.session_id == session_id).order_by(StepRow.n)
                )
                runs = await db.scalars(
                    select(RunRow).where(RunRow.session_id == session_id).order_by(RunRow.n)
                )
                traced = row.trace and (
                    await db.scalar(
                        select(TraceRow.session_id).where(TraceRow.session_id == session_id)
                    )
                    is not None
                )
                found = Snapshot(row, list(steps), list(runs), traced)
            if self.broadcast or self.generation(session_id) == before:
                break
        return found

    async def runs(self, session_id: str) -> list[RunRow]:
        """The session's runs, in order."""
        async with self._maker() as db:
            rows = await db.scalars(
                select(RunRow).where(RunRow.session_id == session_id).order_by(RunRow.n)
            )
            return list(rows)

    async def open_count(self, token_id: str) -> int:
        """The token's sessions holding a browser now (open, started, not released)."""
        async with self._maker() as db:
            count = await db.scalar(
                select(func.count())
                .select_from(SessionRow)
                .where(
                    SessionRow.token_id == token_id,
                    SessionRow.started_at.is_not(None),
                    SessionRow.released_at.is_(None),
                )
            )
            return int(count or 0)

    @_writes_one
    async def close(self, session_id: str, token_id: str) -> SessionRow | None:
        """Close the session, cancelling it if queued or running.

        Returns the session as it was before, or None when the token has no such
        session. Closing a closed session changes nothing.
        """
        async with self._maker() as db, db.begin():
            row = (
                await db.scalars(
                    select(SessionRow)
                    .where(SessionRow.id == session_id, SessionRow.token_id == token_id)
                    .with_for_update()
                )
            ).first()
            if row is None:
                return None
            before = _copy(row)
            now = utcnow()
            event = _CHANGED
            if row.status in ACTIVE_STATUSES:
                error = {"type": "cancelled", "message": "the session was closed by the client"}
                await self._end_runs(db, row, "cancelled", error, now)
                row.status = "cancelled"
                row.finished_at = now
                row.error = error
                row.steps = await self._step_list(db, session_id)
                event = SessionEvent("end", {"status": "cancelled"})
            if row.closed_at is None:
                row.closed_at = now
                row.close_reason = "client"
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return before

    async def active_ids(self, token_id: str) -> list[str]:
        """The ids of the token's sessions not yet closed."""
        async with self._maker() as db:
            rows = await db.scalars(
                select(SessionRow.id).where(
                    SessionRow.token_id == token_id, SessionRow.closed_at.is_(None)
                )
            )
            return list(rows)

    @_writes_one
    async def add_step(
        self,
        session_id: str,
        n: int,
        *,
        step: dict[str, Any],
        result: dict[str, Any],
        run: int = 0,
        screenshot: tuple[str, bytes] | None = None,
    ) -> StepRow:
        """Record step ``n`` (numbered across the runs) of run ``run``, and its screenshot."""
        row = StepRow(
            session_id=session_id,
            n=n,
            step=step,
            result=result,
            run=run,
            has_screenshot=screenshot is not None,
            created_at=utcnow(),
        )
        data = {"n": n, "step": step, "result": result, "screenshot": screenshot is not None}
        event = SessionEvent("step", data, n)
        async with self._maker() as db, db.begin():
            db.add(row)
            if screenshot is not None:
                db.add(
                    ScreenshotRow(
                        session_id=session_id, n=n, content_type=screenshot[0], data=screenshot[1]
                    )
                )
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return row

    async def step_count(self, session_id: str) -> int:
        """How many steps the session has recorded (the next step's number)."""
        async with self._maker() as db:
            last = await db.scalar(
                select(func.max(StepRow.n)).where(StepRow.session_id == session_id)
            )
            return 0 if last is None else int(last) + 1

    async def steps(self, session_id: str, *, after: int = -1) -> list[StepRow]:
        """The session's recorded steps, in order, those after ``after`` only."""
        async with self._maker() as db:
            rows = await db.scalars(
                select(StepRow)
                .where(StepRow.session_id == session_id, StepRow.n > after)
                .order_by(StepRow.n)
            )
            return list(rows)

    async def _step_list(self, db: Any, session_id: str) -> list[dict[str, Any]]:
        rows = await db.scalars(
            select(StepRow.step).where(StepRow.session_id == session_id).order_by(StepRow.n)
        )
        return list(rows)

    async def watch(self, session_id: str, *, for_s: float) -> None:
        """Someone watches the session's live view for the next ``for_s`` seconds.

        The worker holding its browser hears it (a ``watch`` event) and sends frames
        until the lease runs out; a viewer renews it while it watches.
        """
        until = utcnow() + timedelta(seconds=for_s)
        event = SessionEvent("watch", {})
        async with self._maker() as db, db.begin():
            row = await db.get(LiveFrameRow, session_id)
            if row is None:
                db.add(
                    LiveFrameRow(
                        session_id=session_id,
                        seq=0,
                        content_type="",
                        data=b"",
                        watched_until=until,
                    )
                )
            else:
                row.watched_until = max(row.watched_until, until)
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)

    async def watched(self, session_id: str) -> bool:
        """Whether someone's lease on the live view is current."""
        async with self._maker() as db:
            until = await db.scalar(
                select(LiveFrameRow.watched_until).where(LiveFrameRow.session_id == session_id)
            )
        return until is not None and until > utcnow()

    async def put_frame(self, session_id: str, content_type: str, data: bytes) -> int:
        """Store the live view's next frame (replacing the last); its number."""
        async with self._maker() as db, db.begin():
            row = await db.get(LiveFrameRow, session_id, with_for_update=True)
            if row is None:
                return 0  # nobody ever watched: nothing to show
            row.seq += 1
            row.content_type, row.data = content_type, data
            event = SessionEvent("frame", {}, row.seq)
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return event.n

    async def frame(self, session_id: str) -> LiveFrameRow | None:
        """The live view's latest frame (``seq`` 0: none yet)."""
        async with self._maker() as db:
            return await db.get(LiveFrameRow, session_id)

    @_writes_one
    async def save_trace(self, session_id: str, data: bytes) -> None:
        """Keep the session's Playwright trace (written once, when its browser goes)."""
        async with self._maker() as db, db.begin():
            await db.merge(TraceRow(session_id=session_id, data=data, created_at=utcnow()))
            await self._announce(db, session_id, _CHANGED)  # its view gains a trace_url

    async def trace(self, session_id: str) -> TraceRow | None:
        """The session's trace, or None (not asked for, or its browser still open)."""
        async with self._maker() as db:
            return await db.get(TraceRow, session_id)

    async def screenshot(self, session_id: str, n: int) -> ScreenshotRow | None:
        """The screenshot taken after step ``n``, or None."""
        async with self._maker() as db:
            return await db.get(ScreenshotRow, (session_id, n))

    @_writes_all
    async def recover(self) -> list[tuple[str, str]]:
        """After a crash (one process): end what the dead browsers held; return the queued.

        Sessions that had a browser lose it: those running (or with a follow-up
        waiting) fail as interrupted, idle open ones are released. Sessions
        never started come back as ``(session id, token id)``, oldest first.
        """
        error = {
            "type": "interrupted",
            "message": "interrupted: the server stopped while this session was running; "
            "send the prompt again",
        }
        now = utcnow()
        had_browser = (SessionRow.started_at.is_not(None), SessionRow.released_at.is_(None))
        async with self._maker() as db, db.begin():
            for session in await db.scalars(select(SessionRow).where(*had_browser)):
                await self._end_runs(db, session, "failed", error, now)
            await db.execute(
                update(SessionRow)
                .where(*had_browser, SessionRow.status.in_(ACTIVE_STATUSES))
                .values(status="failed", error=error, finished_at=now)
            )
            await db.execute(update(SessionRow).where(*had_browser).values(released_at=now))
            rows = await db.execute(
                select(SessionRow.id, SessionRow.token_id)
                .where(SessionRow.status == "queued")
                .order_by(SessionRow.created_at, SessionRow.id)
            )
            return [(row.id, row.token_id) for row in rows]

    @_writes_all
    async def expire_idle(self, finished_before: datetime) -> int:
        """Close finished sessions nobody closed; returns how many."""
        async with self._maker() as db, db.begin():
            result = await db.execute(
                update(SessionRow)
                .where(
                    SessionRow.closed_at.is_(None),
                    SessionRow.status.in_(TERMINAL_STATUSES),
                    # An open session's browser has its own idle timeout.
                    SessionRow.released_at.is_not(None),
                    SessionRow.finished_at < finished_before,
                )
                .values(closed_at=utcnow(), close_reason="expired")
            )
            if result.rowcount:  # type: ignore[attr-defined]
                await self._announce(db, None, _CHANGED)
            return int(result.rowcount)  # type: ignore[attr-defined]

    @_writes_all
    async def purge(self, closed_before: datetime) -> int:
        """Delete sessions closed before then, with their steps and screenshots."""
        async with self._maker() as db, db.begin():
            old = select(SessionRow.id).where(SessionRow.closed_at < closed_before)
            # Children first: SQLite only cascades when foreign keys are on.
            await db.execute(delete(ScreenshotRow).where(ScreenshotRow.session_id.in_(old)))
            await db.execute(delete(TraceRow).where(TraceRow.session_id.in_(old)))
            await db.execute(delete(LiveFrameRow).where(LiveFrameRow.session_id.in_(old)))
            await db.execute(delete(RunRow).where(RunRow.session_id.in_(old)))
            await db.execute(delete(StepRow).where(StepRow.session_id.in_(old)))
            result = await db.execute(
                delete(SessionRow).where(SessionRow.closed_at < closed_before)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                await self._announce(db, None, _CHANGED)
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def count_by_status(self) -> dict[str, int]:
        """How many sessions there are in each status, active or not."""
        async with self._maker() as db:
            rows = await db.execute(
                select(SessionRow.status, func.count()).group_by(SessionRow.status)
            )
            return {str(status): int(count) for status, count in rows.tuples()}


def run_payload(session: SessionRow, run: RunRow) -> dict[str, Any]:
    """What a webhook receives when a run ends."""
    return {
        "event": "run.ended",
        "session_id": session.id,
        "run": run.n,
        "kind": run.kind,
        "status": run.status,
        "prompt": run.prompt,
        "answer": run.answer,
        "outputs": run.outputs,
        "steps": run.steps or run.request_steps or [],
        "error": run.error,
        "usage": run.usage,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def _run_row(session_id: str, n: int, spec: RunSpec, now: datetime) -> RunRow:
    return RunRow(
        session_id=session_id,
        n=n,
        kind=spec.kind.value,
        status="queued",
        prompt=spec.prompt,
        start_url=spec.start_url,
        planner=spec.planner,
        max_steps=spec.max_steps,
        timeout_s=spec.timeout_s,
        request_steps=spec.steps,
        created_at=now,
    )


def _copy(row: SessionRow) -> SessionRow:
    return SessionRow(**{c.key: getattr(row, c.key) for c in SessionRow.__table__.columns})
