"""A cache of rendered session views, so polling clients cost no database query.

Clients poll ``GET /v1/sessions/{id}`` in loops; most answers are the same
bytes as the last time. Every write to a session goes through this process's
:class:`SessionStore`, which bumps a generation number for it, so a cached view
is served only while its generation is current. The generation is read
*before* the database, so a write landing during a read leaves the result
uncached rather than stale.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

__all__ = ["ViewCache"]


class ViewCache:
    """Rendered views by session id, at most ``size`` of them (least recently used out)."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._views: OrderedDict[str, tuple[tuple[int, int], str, bytes]] = OrderedDict()

    async def get(
        self,
        session_id: str,
        token_id: str,
        generation: Callable[[], tuple[int, int]],
        render: Callable[[], Awaitable[tuple[str, bytes] | None]],
    ) -> bytes | None:
        """The view for the caller, from the cache or ``render()``; None when not theirs.

        ``render`` answers ``(owner token id, bytes)`` or None when there is no
        such session; ``generation`` is the session's current generation.
        """
        before = generation()
        hit = self._views.get(session_id)
        if hit is not None and hit[0] == before:
            self._views.move_to_end(session_id)
            return hit[2] if hit[1] == token_id else None
        rendered = await render()
        if rendered is None:
            return None
        owner, body = rendered
        if generation() == before:
            self._views[session_id] = (before, owner, body)
            if len(self._views) > self._size:
                self._views.popitem(last=False)
        return body if owner == token_id else None
