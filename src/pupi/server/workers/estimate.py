"""The ``Retry-After`` of a 429: when the refused token is likely to have a place again.

Pure arithmetic on what the pool knows (recent run times, the queue, the
concurrency), so that it is tested without a clock or a server.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

__all__ = ["DEFAULT_SESSION_S", "MAX_RETRY_AFTER_S", "RECENT_SESSIONS", "retry_after_s"]

RECENT_SESSIONS = 20
"""How many of the latest run times the estimate looks at: enough for a stable
median, few enough to follow a change of workload within a batch."""

DEFAULT_SESSION_S = 5.0
"""The typical run time assumed before any session has finished."""

MAX_RETRY_AFTER_S = 300


def retry_after_s(recent_s: Sequence[float], *, ahead: int, concurrency: int) -> int:
    """Whole seconds until ``ahead`` more sessions have started, at least 1.

    ``recent_s`` are the run times of the sessions that finished last, oldest
    first; only the latest :data:`RECENT_SESSIONS` count. Their median is the
    typical run time: a mean would be dragged up by the first sessions of a
    server, which wait seconds for a browser to launch. With every worker busy,
    one frees up every ``typical / concurrency`` seconds on average, so
    ``ahead`` starts take ``typical * ahead / concurrency``.

    >>> retry_after_s([30.0, 2.0, 2.0, 2.0], ahead=4, concurrency=2)
    4
    """
    latest = list(recent_s)[-RECENT_SESSIONS:]
    typical = statistics.median(latest) if latest else DEFAULT_SESSION_S
    seconds = typical * max(1, ahead) / max(1, concurrency)
    return max(1, min(MAX_RETRY_AFTER_S, math.ceil(seconds)))
