"""Waiting for conditions Playwright has no waiter for, until a step's timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pupi.engine.translate import ConditionTimedOut

__all__ = ["POLL_S", "poll_until"]

POLL_S = 0.05
"""Seconds between two checks."""

T = TypeVar("T")


async def poll_until(
    check: Callable[[], Awaitable[T | None]], timeout_ms: float, failure: str
) -> T:
    """Call ``check`` until it returns something other than None or False, and return that.

    Used for conditions Playwright has no waiter for; the last check runs after
    the deadline, so a condition that holds in time is never reported late.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        expired = time.monotonic() >= deadline
        result = await check()
        if result is not None and result is not False:
            return result
        if expired:
            raise ConditionTimedOut(f"{failure} within {timeout_ms:.0f} ms")
        await asyncio.sleep(POLL_S)
