"""Playwright traces of what an instance did, for ``playwright show-trace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from playwright.async_api import BrowserContext

__all__ = ["TracePath", "read_trace", "start_trace", "tracing"]

TracePath = str | os.PathLike[str]


async def start_trace(context: BrowserContext, *, title: str | None = None) -> None:
    """Start recording: screenshots and DOM snapshots of every action, and the network."""
    await context.tracing.start(screenshots=True, snapshots=True, sources=False, title=title)


@contextlib.asynccontextmanager
async def tracing(
    context: BrowserContext, path: TracePath | None, *, title: str | None = None
) -> AsyncIterator[None]:
    """Record a trace of what happens inside the block into ``path`` (a zip); None: nothing.

    The file is written however the block ends, so a failed run has its trace too.
    """
    if path is None:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    await start_trace(context, title=title)
    try:
        yield
    finally:
        await context.tracing.stop(path=os.fspath(path))


async def read_trace(context: BrowserContext) -> bytes:
    """Stop the recording :func:`start_trace` began and return the zip's bytes."""
    with tempfile.TemporaryDirectory(prefix="pupi-trace-") as folder:
        path = Path(folder) / "trace.zip"
        await context.tracing.stop(path=path)
        return path.read_bytes()
