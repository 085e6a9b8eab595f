"""What every session write shares: the store's engine, and saying what changed.

Every write says what changed, as a :class:`SessionEvent`: for the event
streams, and so that cached views know they are stale. In one process the
events go straight to the hub after the commit; on PostgreSQL they are sent with
``NOTIFY`` inside the write's transaction and come back to every node (this one
included) through its listener, so a node learns of a worker's write at commit.
The session store (:mod:`pupi.server.db.sessions`) is built on this, with its
runs (:mod:`.runs`) and its media (:mod:`.media`) in modules of their own.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pupi.server.db.models import SessionRow
from pupi.server.events import EventHub, SessionEvent, encode_event

__all__ = [
    "ACTIVE_STATUSES",
    "CHANGED",
    "CHANGES_CHANNEL",
    "TERMINAL_STATUSES",
    "Enqueue",
    "StoreBase",
    "writes_all",
    "writes_one",
]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="StoreBase")

ACTIVE_STATUSES = ("queued", "running")
TERMINAL_STATUSES = ("completed", "failed", "cancelled")

CHANGES_CHANNEL = "pupi_sessions"
"""The PostgreSQL notification channel of session events."""

Enqueue = Callable[[Any, str], Awaitable[int]]
"""Queue a job on the distributed queue, given the transaction's driver connection;
returns the job's id."""

CHANGED = SessionEvent("changed", {})


def writes_one(
    method: Callable[Concatenate[S, str, P], Awaitable[R]],
) -> Callable[Concatenate[S, str, P], Awaitable[R]]:
    """Mark a write to one session: its cached view is stale from the start."""

    # While the write is in flight the session has no generation to match (see
    # StoreBase.generation); bumped after it, a view read before is stale.
    async def wrapper(self: S, session_id: str, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._writing[session_id] += 1
        try:
            return await method(self, session_id, *args, **kwargs)
        finally:
            self._writing[session_id] -= 1
            if not self._writing[session_id]:
                del self._writing[session_id]
            self._touch(session_id)

    wrapper.__doc__ = method.__doc__
    return wrapper


def writes_all(
    method: Callable[Concatenate[S, P], Awaitable[R]],
) -> Callable[Concatenate[S, P], Awaitable[R]]:
    """Mark a write to any number of sessions: every cached view is stale."""

    async def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self._bulk_writing += 1
        try:
            return await method(self, *args, **kwargs)
        finally:
            self._bulk_writing -= 1
            self._bulk_generation += 1

    wrapper.__doc__ = method.__doc__
    return wrapper


class StoreBase:
    """The engine, the hub, and the generations cached views are checked against."""

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
        # Writes in flight. A reader can see the commit of one before its writer
        # resumes to bump the generation (each SQLite connection has its own
        # thread), so while one is in flight no generation is ever repeated.
        self._writing: Counter[str] = Counter()
        self._bulk_writing = 0
        self._unrepeated = itertools.count()

    def generation(self, session_id: str) -> tuple[int, int]:
        """Changes whenever the session's stored record or steps change; never the
        same twice while a write to it is in flight (a view read then is not kept)."""
        if self._bulk_writing or session_id in self._writing:
            return -1, next(self._unrepeated)
        if not self.cache_trusted:
            self._bulk_generation += 1  # and every view cached before is stale
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

    @staticmethod
    async def _locked(db: AsyncSession, session_id: str) -> SessionRow | None:
        # Every change of a session's runs holds its row: a follow-up arriving as
        # the browser is released lands before (and is run) or after (and is refused).
        query = select(SessionRow).where(SessionRow.id == session_id).with_for_update()
        return (await db.scalars(query)).first()
