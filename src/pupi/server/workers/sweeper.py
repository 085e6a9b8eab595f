"""Housekeeping on a timer: idle expiry of finished sessions, then retention."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from pupi.server.db.models import utcnow
from pupi.server.db.sessions import SessionStore

__all__ = ["sweep", "sweep_forever"]

logger = logging.getLogger("pupi.server.sweeper")


async def sweep(
    store: SessionStore, *, idle_expiry_s: float, retention_s: float
) -> tuple[int, int]:
    """Close finished sessions idle past expiry; delete closed ones past retention."""
    now = utcnow()
    expired = await store.expire_idle(now - timedelta(seconds=idle_expiry_s))
    purged = await store.purge(now - timedelta(seconds=retention_s))
    if expired or purged:
        logger.info("closed %d idle sessions, deleted %d old ones", expired, purged)
    return expired, purged


async def sweep_forever(
    store: SessionStore, *, interval_s: float, idle_expiry_s: float, retention_s: float
) -> None:
    """Run :func:`sweep` every ``interval_s`` seconds until cancelled."""
    while True:
        try:
            await sweep(store, idle_expiry_s=idle_expiry_s, retention_s=retention_s)
        except Exception:  # a locked database now is no reason to stop sweeping later
            logger.exception("sweep failed")
        await asyncio.sleep(interval_s)
