"""A session's runs: started, ended, followed up, and its browser let go.

Every change to a session's runs holds the session's row (``FOR UPDATE``), so a
follow-up arriving as the browser is released lands before (and is run) or
after (and is refused). A run's end stores its webhook delivery in the same
transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pupi.errors import SessionNotOpen
from pupi.server.db.changes import ACTIVE_STATUSES, CHANGED, StoreBase, writes_one
from pupi.server.db.files import upload_rows
from pupi.server.db.models import (
    RunRow,
    ScreenshotRow,
    SessionRow,
    StepRow,
    WebhookDeliveryRow,
    utcnow,
)
from pupi.server.db.specs import RunSpec
from pupi.server.events import SessionEvent

__all__ = ["SessionRuns", "Started", "new_run_row", "run_payload"]

_QUEUED = SessionEvent("status", {"status": "queued"})
_RUNNING = SessionEvent("status", {"status": "running"})

Started = tuple[SessionRow, RunRow]
"""A run that just moved to running, with its session."""


class SessionRuns(StoreBase):
    """The run lifecycle of the session store, and the steps the runs record."""

    @writes_one
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

    @writes_one
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
        data: Any = None,
        cached: bool = False,
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
            run.secrets = None  # they lived for the run
            run.data, run.cached = data, cached
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
            run.secrets = None
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

    @writes_one
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
            run = new_run_row(session_id, int(last or 0) + 1, spec, utcnow())
            db.add(run)
            for file in upload_rows(session_id, run.n, spec.files):
                await db.merge(file)  # a follow-up's file replaces one of its name
            event = _QUEUED
            if session.status != "running":
                session.status = "queued"
                session.finished_at = None
            else:
                event = CHANGED
            await self._announce(db, session_id, event)
        # The run is new work for the session's holder, whatever the session shows.
        self._deliver(session_id, _QUEUED)
        return run

    @writes_one
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
            await self._announce(db, session_id, CHANGED)
        return True

    @writes_one
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

    async def runs(self, session_id: str) -> list[RunRow]:
        """The session's runs, in order."""
        async with self._maker() as db:
            rows = await db.scalars(
                select(RunRow).where(RunRow.session_id == session_id).order_by(RunRow.n)
            )
            return list(rows)

    @writes_one
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
        "data": run.data,
        "outputs": run.outputs,
        "steps": run.steps or run.request_steps or [],
        "error": run.error,
        "usage": run.usage,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def new_run_row(session_id: str, n: int, spec: RunSpec, now: datetime) -> RunRow:
    """A queued run of a session."""
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
        secrets=spec.secrets,
        token_budget=spec.token_budget,
        vision=spec.vision,
        heal=spec.heal,
        output_schema=spec.output_schema,
        cache=spec.cache,
    )
