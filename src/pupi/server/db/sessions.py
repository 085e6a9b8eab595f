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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pupi.server.db.models import ScreenshotRow, SessionRow, StepRow, utcnow
from pupi.server.events import EventHub, SessionEvent, encode_event

__all__ = [
    "ACTIVE_STATUSES",
    "CHANGES_CHANNEL",
    "TERMINAL_STATUSES",
    "Enqueue",
    "SessionSpec",
    "SessionStore",
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


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """What a new session should do, as checked and defaulted by the route."""

    prompt: str
    start_url: str | None
    planner: str
    max_steps: int
    timeout_s: float


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
        row = SessionRow(
            id=uuid.uuid4().hex,
            token_id=token_id,
            status="queued",
            prompt=spec.prompt,
            start_url=spec.start_url,
            planner=spec.planner,
            max_steps=spec.max_steps,
            timeout_s=spec.timeout_s,
            created_at=utcnow(),
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
    async def mark_running(self, session_id: str, worker: str | None = None) -> SessionRow | None:
        """Move a queued session to running; None when it is no longer queued."""
        event = SessionEvent("status", {"status": "running"})
        async with self._maker() as db, db.begin():
            result = await db.execute(
                update(SessionRow)
                .where(SessionRow.id == session_id, SessionRow.status == "queued")
                .values(status="running", started_at=utcnow(), worker=worker)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                return None
            await self._announce(db, session_id, event)
            row = await db.get(SessionRow, session_id)
        self._deliver(session_id, event)
        return row

    @_writes_one
    async def finish(
        self,
        session_id: str,
        *,
        status: str,
        answer: Any = None,
        steps: list[dict[str, Any]] | None = None,
        error: dict[str, Any] | None = None,
        usage: dict[str, Any] | None = None,
        from_statuses: tuple[str, ...] = ("running",),
    ) -> bool:
        """Record a session's end; False when it had already ended (say, cancelled)."""
        event = SessionEvent("end", {"status": status})
        async with self._maker() as db, db.begin():
            result = await db.execute(
                update(SessionRow)
                .where(SessionRow.id == session_id, SessionRow.status.in_(from_statuses))
                .values(
                    status=status,
                    answer=answer,
                    steps=steps,
                    error=error,
                    usage=usage,
                    finished_at=utcnow(),
                )
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                return False
            await self._announce(db, session_id, event)
        self._deliver(session_id, event)
        return True

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
                row.status = "cancelled"
                row.finished_at = now
                row.error = {"type": "cancelled", "message": "the session was closed by the client"}
                row.steps = await self._step_list(db, session_id)
                event = SessionEvent("end", {"status": "cancelled"})
            if row.closed_at is None:
                row.closed_at = now
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
        screenshot: tuple[str, bytes] | None = None,
    ) -> StepRow:
        """Record step ``n`` and, when given, the screenshot taken after it."""
        row = StepRow(
            session_id=session_id,
            n=n,
            step=step,
            result=result,
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

    async def screenshot(self, session_id: str, n: int) -> ScreenshotRow | None:
        """The screenshot taken after step ``n``, or None."""
        async with self._maker() as db:
            return await db.get(ScreenshotRow, (session_id, n))

    @_writes_all
    async def recover(self) -> list[tuple[str, str]]:
        """After a crash: fail the sessions left running; return the queued ones.

        The queued ones come back as ``(session id, token id)``, oldest first.
        """
        async with self._maker() as db, db.begin():
            await db.execute(
                update(SessionRow)
                .where(SessionRow.status == "running")
                .values(
                    status="failed",
                    finished_at=utcnow(),
                    error={
                        "type": "interrupted",
                        "message": "interrupted: the server stopped while this session was "
                        "running; send the prompt again",
                    },
                )
            )
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
                    SessionRow.finished_at < finished_before,
                )
                .values(closed_at=utcnow())
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


def _copy(row: SessionRow) -> SessionRow:
    return SessionRow(**{c.key: getattr(row, c.key) for c in SessionRow.__table__.columns})
