"""Helpers shared by the benchmarks: timing and a short machine description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime


def now_ms() -> float:
    return time.perf_counter() * 1000


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    """CPU count, memory and Python, for the figures' header."""
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:  # pragma: no cover
        memory = "?"
    return (
        f"{os.cpu_count()} cores, {memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    )
