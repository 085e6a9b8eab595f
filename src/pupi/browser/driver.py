"""Starting Playwright's driver (a Node.js process) with Node's compile cache.

Most of the driver's start is Node compiling Playwright's JavaScript, the same
code every time; with ``NODE_COMPILE_CACHE`` Node keeps the compiled code on
disk and the next start skips that (about a quarter of the start on the
development machine; docs/benchmarks.md). The cache lives in
``$PUPI_CACHE_DIR/node``, else ``$XDG_CACHE_HOME/pupi/node``, else
``~/.cache/pupi/node``; Node keys it by file content and its own version, so an
upgrade of Playwright or Node only makes it miss. A ``NODE_COMPILE_CACHE`` or
``NODE_DISABLE_COMPILE_CACHE`` already set is left as it is.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from playwright.async_api import Playwright, async_playwright

__all__ = ["compile_cache_dir", "start_driver"]


def compile_cache_dir() -> Path:
    """Where the driver's compiled JavaScript is kept (see the module's docstring)."""
    configured = os.environ.get("PUPI_CACHE_DIR")
    if configured:
        return Path(configured).expanduser() / "node"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pupi" / "node"


async def start_driver() -> Playwright:
    """``async_playwright().start()``, with the compile cache when it can be had."""
    if "NODE_COMPILE_CACHE" in os.environ or "NODE_DISABLE_COMPILE_CACHE" in os.environ:
        return await async_playwright().start()
    directory = compile_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: start as Playwright would
        return await async_playwright().start()
    # Playwright gives the driver a copy of os.environ when it spawns it, and no
    # way to pass an environment: set while the driver starts, removed after.
    os.environ["NODE_COMPILE_CACHE"] = str(directory)
    try:
        return await async_playwright().start()
    finally:
        with contextlib.suppress(KeyError):
            del os.environ["NODE_COMPILE_CACHE"]
