"""Each node's ear on PostgreSQL: session events written anywhere reach this node's readers.

The store sends every change with ``NOTIFY`` inside its transaction
(:mod:`pupi.server.db.sessions`); this listener hands each one to the local
:class:`~pupi.server.events.EventHub` (event streams) and marks the session's
cached view stale. While its connection is down the node may miss changes, so
it caches nothing, and once back it tells every open stream to read the
database again: a stream never waits for an event that was lost.
"""

from __future__ import annotations

import asyncio
import logging

import psycopg

from pupi.server.db.engine import libpq_url
from pupi.server.db.sessions import CHANGES_CHANNEL, SessionStore
from pupi.server.events import SessionEvent, decode_event

__all__ = ["ChangeListener"]

logger = logging.getLogger("pupi.server.listener")

_RESYNC = SessionEvent("changed", {})


class ChangeListener:
    """LISTENs on the changes channel until stopped, reconnecting with backoff."""

    def __init__(self, database_url: str, store: SessionStore) -> None:
        self._url = libpq_url(database_url)
        self._store = store
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        """Set while listening (tests wait on it before writing elsewhere)."""

    async def start(self) -> None:
        """Start listening; returns once the first LISTEN is in place (or failed once)."""
        self._store.cache_trusted = False
        self._task = asyncio.create_task(self._listen_forever(), name="pupi-listener")
        first = asyncio.create_task(self.connected.wait())
        await asyncio.wait({first, self._task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        first.cancel()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _listen_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._resume()
                    delay = 0.2
                    async for notify in connection.notifies():
                        self._dispatch(notify.payload)
            except (psycopg.Error, OSError) as exc:
                logger.warning("lost the notifications (%s); again in %.1f s", exc, delay)
            finally:
                self.connected.clear()
                self._store.cache_trusted = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _resume(self) -> None:
        # Whatever happened while deaf is in the database: drop every cached view
        # and send every open stream back to it.
        self._store.touch(None)
        self._store.cache_trusted = True
        self.connected.set()
        for session_id in self._store.hub.session_ids():
            self._store.hub.publish(session_id, _RESYNC)

    def _dispatch(self, payload: str) -> None:
        try:
            session_id, event = decode_event(payload)
        except ValueError:
            logger.warning("ignored a notification that is not a session event")
            return
        self._store.touch(session_id)
        if session_id is None:
            for subscribed in self._store.hub.session_ids():
                self._store.hub.publish(subscribed, event)
        else:
            self._store.hub.publish(session_id, event)
