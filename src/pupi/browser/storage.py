"""Saving an instance's storage state: its cookies and local storage, as Playwright has them.

A storage state holds the session cookies of every site the instance is logged
in to, so whoever reads it is logged in too. It is handed back to the caller or
written to a file only its owner can read; it never goes into a step's output,
a result, an event or a log line.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path

from playwright.async_api import BrowserContext

from pupi.browser.options import StorageState

__all__ = ["StatePath", "save_storage_state", "write_storage_state"]

StatePath = str | os.PathLike[str]
"""Where a storage state is written, or read from by ``storage_state=``."""


async def save_storage_state(
    context: BrowserContext, path: StatePath | None = None
) -> StorageState:
    """``context``'s storage state; also written to ``path`` (see :func:`write_storage_state`)."""
    # Not Playwright's storage_state(path=): it writes the file with the umask's
    # mode, readable by every user of the machine on most systems.
    state: StorageState = dict(await context.storage_state())
    if path is not None:
        await asyncio.to_thread(write_storage_state, path, state)
    return state


def write_storage_state(path: StatePath, state: StorageState) -> Path:
    """Write ``state`` as JSON to ``path``, mode 0o600, replacing any file there at once.

    The file is created with its final mode, in the same folder, then renamed over
    ``path``: no other user can read it in between, and a reader never sees half a
    file. Returns the path written.
    """
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)  # a umask may take bits off; put them back
            json.dump(state, file, indent=1)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
