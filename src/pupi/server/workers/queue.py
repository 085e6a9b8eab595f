"""The one interface the routes see, whoever runs the sessions.

Two implementations, chosen by the database URL: :class:`~.pool.WorkerPool`
(SQLite: the queue and the workers live in the ``pupi serve`` process) and
:class:`~.distributed.DistributedQueue` (PostgreSQL: jobs in procrastinate's
tables, run by ``pupi worker`` processes on any machine, or by ``pupi serve``'s
own embedded worker). Both run a session with the same
:class:`~.execute.SessionExecutor`.
"""

from __future__ import annotations

from typing import Protocol

from pupi.errors import RateLimited
from pupi.server.db.models import SessionRow
from pupi.server.db.sessions import SessionSpec

__all__ = ["SessionQueue", "SessionSpec", "queue_full"]


def queue_full(max_queued: int, *, open_sessions: int, retry_after: float) -> RateLimited:
    """The 429 for a token whose queue is full, saying what holds the workers."""
    held = (
        f"; {open_sessions} of its sessions hold a browser, and an open browser keeps "
        "its worker's place until it is closed or idle past its timeout"
        if open_sessions
        else ""
    )
    return RateLimited(
        f"too many queued sessions for this token ({max_queued}){held}; "
        "wait for some to finish or close them",
        retry_after=retry_after,
    )


class SessionQueue(Protocol):
    """Admits sessions, runs them somewhere, cancels them wherever they run."""

    concurrency: int
    """Sessions this process runs at once (0 on an API-only node)."""

    @property
    def running_count(self) -> int:
        """Sessions running in this process now."""
        ...

    async def start(self) -> None:
        """Recover what a crash left, start this process's workers (if any)."""

    async def admit(self, token_id: str, spec: SessionSpec) -> SessionRow:
        """Store the session and queue it; :class:`~pupi.errors.RateLimited` past the bound."""
        ...

    async def cancel(self, session_id: str) -> None:
        """Stop a session the store just closed; waits briefly for its browser to close."""

    async def queue_depth(self) -> int:
        """Sessions waiting for a worker, wherever the workers are."""
        ...

    def stop_taking_work(self) -> None:
        """Start no more sessions here (safe in a signal handler)."""

    def end_grace(self) -> None:
        """Interrupt this process's running sessions now (safe in a signal handler)."""

    async def stop(self, *, grace_s: float) -> None:
        """Let running sessions finish within ``grace_s`` of the signal, then interrupt them."""
