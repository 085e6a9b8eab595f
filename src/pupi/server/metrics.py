"""The server's own measurements, written out in the Prometheus text format.

Small enough to write by hand: a few gauges read at scrape time and two
histograms fed by the workers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["Histogram", "Metrics", "render"]

_STEP_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_SESSION_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


class Histogram:
    """A cumulative Prometheus histogram."""

    def __init__(self, name: str, help_text: str, buckets: Sequence[float]) -> None:
        self.name = name
        self.help = help_text
        self.buckets = tuple(buckets)
        self.counts = [0] * len(self.buckets)
        self.count = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        """Add one observation, in seconds."""
        self.count += 1
        self.sum += value
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1

    def lines(self) -> Iterable[str]:
        """The exposition lines of this histogram."""
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for bound, count in zip(self.buckets, self.counts, strict=True):
            yield f'{self.name}_bucket{{le="{_number(bound)}"}} {count}'
        yield f'{self.name}_bucket{{le="+Inf"}} {self.count}'
        yield f"{self.name}_sum {_number(self.sum)}"
        yield f"{self.name}_count {self.count}"


class Metrics:
    """Counters the workers update while sessions run."""

    def __init__(self) -> None:
        self.step_seconds = Histogram(
            "pupi_step_duration_seconds", "Duration of one agent step.", _STEP_BUCKETS
        )
        self.session_seconds = Histogram(
            "pupi_session_duration_seconds",
            "Run time of sessions that finished, from running to their end.",
            _SESSION_BUCKETS,
        )
        self.rejected = 0


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def render(
    metrics: Metrics,
    *,
    sessions_by_status: Mapping[str, int],
    queue_depth: int,
    running: int,
    concurrency: int,
) -> str:
    """The whole exposition, ending with a newline as the format requires."""
    lines = [
        "# HELP pupi_sessions Stored sessions by status.",
        "# TYPE pupi_sessions gauge",
    ]
    for status in ("queued", "running", "completed", "failed", "cancelled"):
        lines.append(f'pupi_sessions{{status="{status}"}} {sessions_by_status.get(status, 0)}')
    lines += [
        "# HELP pupi_queue_depth Sessions waiting for a worker.",
        "# TYPE pupi_queue_depth gauge",
        f"pupi_queue_depth {queue_depth}",
        "# HELP pupi_sessions_running Sessions running in this process now.",
        "# TYPE pupi_sessions_running gauge",
        f"pupi_sessions_running {running}",
        "# HELP pupi_worker_concurrency Sessions this server runs at once at most.",
        "# TYPE pupi_worker_concurrency gauge",
        f"pupi_worker_concurrency {concurrency}",
        "# HELP pupi_sessions_rejected_total Sessions refused with 429 since start.",
        "# TYPE pupi_sessions_rejected_total counter",
        f"pupi_sessions_rejected_total {metrics.rejected}",
    ]
    lines += metrics.step_seconds.lines()
    lines += metrics.session_seconds.lines()
    return "\n".join(lines) + "\n"
