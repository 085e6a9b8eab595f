"""Live step events: workers publish, event-stream readers subscribe.

Only events that happen after a reader subscribes travel through here; earlier
ones are replayed from the database. A reader subscribes *before* it reads the
database, so nothing falls in the gap, and drops duplicates by step number.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["EventHub", "SessionEvent"]


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """A step recorded (``kind == "step"``, ``n`` its number) or the session's end."""

    kind: Literal["step", "status", "end"]
    data: dict[str, Any]
    n: int = -1


class EventHub:
    """In-process publish/subscribe of :class:`SessionEvent`, per session."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[SessionEvent]]] = defaultdict(set)

    def publish(self, session_id: str, event: SessionEvent) -> None:
        """Hand the event to every current subscriber of the session; never blocks."""
        for queue in self._subscribers.get(session_id, ()):
            queue.put_nowait(event)

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue[SessionEvent]]:
        """A queue receiving the session's events while the ``with`` block lasts."""
        queue: asyncio.Queue[SessionEvent] = asyncio.Queue()
        self._subscribers[session_id].add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(session_id)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[session_id]

    def subscriber_count(self, session_id: str) -> int:
        """How many readers follow the session (for tests and metrics)."""
        return len(self._subscribers.get(session_id, ()))
