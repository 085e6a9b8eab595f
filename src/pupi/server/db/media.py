"""What a session leaves besides its records: screenshots, its trace, its live frames."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pupi.server.db.changes import CHANGED, StoreBase, writes_one
from pupi.server.db.models import LiveFrameRow, ScreenshotRow, TraceRow, utcnow
from pupi.server.events import SessionEvent

__all__ = ["SessionMedia"]


class SessionMedia(StoreBase):
    """Screenshots, traces and the live view's frames of the session store."""

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

    @writes_one
    async def save_trace(self, session_id: str, data: bytes) -> None:
        """Keep the session's Playwright trace (written once, when its browser goes)."""
        async with self._maker() as db, db.begin():
            await db.merge(TraceRow(session_id=session_id, data=data, created_at=utcnow()))
            await self._announce(db, session_id, CHANGED)  # its view gains a trace_url

    async def trace(self, session_id: str) -> TraceRow | None:
        """The session's trace, or None (not asked for, or its browser still open)."""
        async with self._maker() as db:
            return await db.get(TraceRow, session_id)

    async def screenshot(self, session_id: str, n: int) -> ScreenshotRow | None:
        """The screenshot taken after step ``n``, or None."""
        async with self._maker() as db:
            return await db.get(ScreenshotRow, (session_id, n))
