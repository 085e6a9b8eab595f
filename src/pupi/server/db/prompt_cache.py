"""Each token's prompt cache: the steps a prompt took, shared by every worker.

The worker reads an entry before a prompt run that asks for the cache and writes
back what the run kept (:func:`pupi.agent.cached.run_prompt_cached`). Writes are
upserts, so two workers keeping the same prompt at once both succeed: the later
one's steps stay.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from pupi.server.db.changes import StoreBase
from pupi.server.db.models import PromptCacheRow, utcnow

__all__ = ["PromptCacheStore"]


class PromptCacheStore(StoreBase):
    """The prompt cache part of the session store."""

    async def cached_steps(self, token_id: str, key: str) -> list[dict[str, Any]] | None:
        """The steps the token's cache keeps under ``key`` (a ``CacheKey.digest``), or None."""
        async with self._maker() as db:
            row = await db.get(PromptCacheRow, (token_id, key))
        steps = None if row is None else row.steps
        return steps if isinstance(steps, list) and steps else None

    async def keep_steps(self, token_id: str, key: str, steps: list[dict[str, Any]]) -> None:
        """Keep ``steps`` under ``key`` in the token's cache, replacing what was there."""
        row = {"token_id": token_id, "key": key, "steps": steps, "updated_at": utcnow()}
        insert = postgresql.insert if self.broadcast else sqlite.insert  # broadcast: PostgreSQL
        statement = insert(PromptCacheRow).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=["token_id", "key"],
            set_={"steps": statement.excluded.steps, "updated_at": statement.excluded.updated_at},
        )
        async with self._maker() as db, db.begin():
            await db.execute(statement)
