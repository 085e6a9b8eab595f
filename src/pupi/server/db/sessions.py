"""Every query about sessions: stored, read, listed, closed, recovered, expired.

State changes are conditional updates (``WHERE status = 'running'``...), so a
worker finishing and a client cancelling at the same moment cannot overwrite
each other: whichever lands first wins, the other changes nothing.

Every write says what changed (:mod:`pupi.server.db.changes`); a session's runs
and steps are :mod:`pupi.server.db.runs`, its screenshots, trace and live
frames :mod:`pupi.server.db.media`: :class:`SessionStore` is all three.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from pupi.errors import ProfileInUse
from pupi.server.db.changes import (
    ACTIVE_STATUSES,
    CHANGED,
    CHANGES_CHANNEL,
    TERMINAL_STATUSES,
    Enqueue,
    writes_all,
    writes_one,
)
from pupi.server.db.files import SessionFiles, upload_rows
from pupi.server.db.media import SessionMedia
from pupi.server.db.models import (
    FileRow,
    LiveFrameRow,
    RunRow,
    ScreenshotRow,
    SessionRow,
    StepRow,
    TraceRow,
    utcnow,
)
from pupi.server.db.prompt_cache import PromptCacheStore
from pupi.server.db.runs import SessionRuns, Started, new_run_row
from pupi.server.db.specs import RunKind, RunSpec, SessionSpec
from pupi.server.events import SessionEvent

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

SNAPSHOT_ATTEMPTS = 12
"""How often :meth:`SessionStore.snapshot` reads again on SQLite (about 0.3 s in all)."""


class Snapshot(NamedTuple):
    """A session as of one moment: what its view is made of."""

    session: SessionRow
    steps: list[StepRow]
    runs: list[RunRow]
    has_trace: bool
    """Whether its trace has been written (it is, once its browser is gone)."""
    files: list[FileRow]
    """Its files, without their bytes."""


class SessionStore(SessionRuns, SessionMedia, SessionFiles, PromptCacheStore):
    """Sessions in the database; one per process, shared by routes and workers."""

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
            options=spec.options,
            sealed=spec.sealed,
            profile=spec.profile,
            save_state=spec.save_state,
            allowed_domains=spec.allowed_domains,
            created_at=now,
        )
        async with self._maker() as db, db.begin():
            if self.broadcast and (max_queued is not None or spec.profile is not None):
                await db.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                    {"key": f"pupi-token:{token_id}"},
                )
            if max_queued is not None and await self._queued_count(db, token_id) >= max_queued:
                return None
            if spec.profile is not None and await self._profile_held(db, token_id, spec.profile):
                raise ProfileInUse(spec.profile)
            db.add(row)
            await db.flush()  # the run refers to the session: the session's row first
            db.add(new_run_row(row.id, 0, first, now))
            db.add_all(upload_rows(row.id, 0, first.files))
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

    async def snapshot(self, session_id: str) -> Snapshot | None:
        """The session, its steps and its runs as of one moment (None: no such session).

        Read apart, a run could end between the reads and the view would show the
        session still running with its run completed. PostgreSQL reads all three
        in one REPEATABLE READ transaction; SQLite, where every write goes
        through this store, reads again when a write to the session landed or was
        in flight meanwhile (giving a write that is still in flight a moment).
        """
        for attempt in range(SNAPSHOT_ATTEMPTS):
            if attempt:
                await asyncio.sleep(0.005 * attempt)
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
                files = await db.scalars(
                    select(FileRow)
                    .where(FileRow.session_id == session_id)
                    .options(defer(FileRow.data))
                    .order_by(FileRow.created_at, FileRow.name)
                )
                found = Snapshot(row, list(steps), list(runs), traced, list(files))
            if self.broadcast or self.generation(session_id) == before:
                break
        return found

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

    @writes_one
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
            event = CHANGED
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

    @writes_all
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

    @writes_all
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
                await self._announce(db, None, CHANGED)
            return int(result.rowcount)  # type: ignore[attr-defined]

    @writes_all
    async def purge(self, closed_before: datetime) -> int:
        """Delete sessions closed before then, with their steps and screenshots."""
        async with self._maker() as db, db.begin():
            old = select(SessionRow.id).where(SessionRow.closed_at < closed_before)
            # Children first: SQLite only cascades when foreign keys are on.
            await db.execute(delete(ScreenshotRow).where(ScreenshotRow.session_id.in_(old)))
            await db.execute(delete(TraceRow).where(TraceRow.session_id.in_(old)))
            await db.execute(delete(FileRow).where(FileRow.session_id.in_(old)))
            await db.execute(delete(LiveFrameRow).where(LiveFrameRow.session_id.in_(old)))
            await db.execute(delete(RunRow).where(RunRow.session_id.in_(old)))
            await db.execute(delete(StepRow).where(StepRow.session_id.in_(old)))
            result = await db.execute(
                delete(SessionRow).where(SessionRow.closed_at < closed_before)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                await self._announce(db, None, CHANGED)
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
