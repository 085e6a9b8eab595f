"""Live step events: the session store publishes, event-stream readers subscribe.

Only events that happen after a reader subscribes travel through here; earlier
ones are replayed from the database. A reader subscribes *before* it reads the
database, so nothing falls in the gap, and drops duplicates by step number.

In one process the store hands events to the hub directly, a step with its data.
On PostgreSQL the store sends them with ``NOTIFY`` in the transaction of the write,
so they reach every node's hub through its listener (:mod:`pupi.server.listener`)
at commit, carrying only what fits a notification: a step event there has no data,
and the reader fetches the step from the database.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["EventHub", "SessionEvent", "decode_event", "encode_event"]


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """A step recorded (``kind == "step"``, ``n`` its number) or the session's end."""

    kind: Literal["step", "status", "end", "changed", "watch", "frame"]
    """``changed``: the stored session changed in a way no reader follows (closed, say);
    ``watch``: someone opened its live view; ``frame``: a new live frame (``n`` its number)."""
    data: dict[str, Any]
    n: int = -1


def encode_event(session_id: str | None, event: SessionEvent) -> str:
    """The event as a notification payload; a step's data stays behind (8000 bytes at most).

    ``session_id`` None stands for every session (a bulk write).
    """
    status = event.data.get("status")
    return json.dumps({"id": session_id, "kind": event.kind, "n": event.n, "status": status})


def decode_event(payload: str) -> tuple[str | None, SessionEvent]:
    """The other way round; raises ValueError on a payload that is not one of ours."""
    try:
        data = json.loads(payload)
        kind = data["kind"]
        if kind not in ("step", "status", "end", "changed", "watch", "frame"):
            raise ValueError(kind)
        status = data.get("status")
        return data["id"], SessionEvent(
            kind, {"status": status} if status is not None else {}, int(data.get("n", -1))
        )
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a session event: {payload[:80]!r}") from exc


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

    def session_ids(self) -> list[str]:
        """The sessions somebody follows now."""
        return list(self._subscribers)

    def subscriber_count(self, session_id: str) -> int:
        """How many readers follow the session (for tests and metrics)."""
        return len(self._subscribers.get(session_id, ()))
