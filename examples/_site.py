"""Where the examples point their browser: $PUPI_DEMO_URL, or the bundled demo site."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from pupi.demo import DemoServer


@contextlib.contextmanager
def demo_site() -> Iterator[str]:
    """Yield a base URL: $PUPI_DEMO_URL when set, else a demo site served for the example."""
    if os.environ.get("PUPI_DEMO_URL"):
        yield os.environ["PUPI_DEMO_URL"].rstrip("/")
        return
    with DemoServer() as site:
        yield site.url
