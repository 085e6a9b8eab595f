"""The files an instance's pages download, saved into a directory of the instance's own.

Chromium hands every download to Playwright, which keeps it in a temporary
file that disappears with the context. Each instance therefore copies every
download, as it finishes, into its own directory: created on the first
download under :func:`downloads_root`, removed when the instance closes.

A click returns once the navigation it started has committed or failed, and
a navigation that becomes a download fails (Chromium aborts it) a moment
*before* the browser reports the download: a run ending with that click would
return without the file. So each navigation that fails after a 2xx response
is noted as an announced download, and :meth:`Downloads.collect` waits briefly
for the browser's report of it; that response also gives the file's content type.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Download, Error, Page, Request
from pydantic import BaseModel, ConfigDict

__all__ = ["DownloadedFile", "Downloads", "downloads_root"]

logger = logging.getLogger("pupi.browser")

ANNOUNCED_GRACE_S = 2.0
"""How long a navigation that ended like a download waits for the browser to report it.

The report comes milliseconds after; the bound only matters for the rare
navigation that ends that way without being a download (one superseded after
its response), which must not hold a run for its whole timeout."""

_FALLBACK_TYPE = "application/octet-stream"
_NOT_DOWNLOADS = {204, 205}  # 2xx statuses that end a navigation without a body to save


class DownloadedFile(BaseModel):
    """A file an instance's page downloaded, saved on this machine.

    ``name`` is its name in the instance's downloads directory: the name the
    site suggested (or the ``download`` step's ``save_as``), with `` (1)``,
    `` (2)``... added before the extension when an earlier download took it.
    ``content_type`` is the response's ``Content-Type`` when the download came
    from a navigation, else guessed from the name (``application/octet-stream``
    when nothing fits). ``path`` is where the file is, until the instance
    closes; a download that failed has ``error`` set, ``path`` None and size 0.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    url: str
    content_type: str
    size: int = 0
    path: str | None = None
    error: str | None = None

    def __repr__(self) -> str:
        if self.error is not None:
            return f"<DownloadedFile {self.name} failed: {self.error}>"
        return f"<DownloadedFile {self.name} {self.size} bytes {self.content_type}>"


def downloads_root() -> Path:
    """Where instances make their downloads directories: ``$PUPI_DOWNLOADS_DIR``
    when set, else ``pupi-downloads`` in the system's temporary directory."""
    configured = os.environ.get("PUPI_DOWNLOADS_DIR")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "pupi-downloads"


@dataclass(eq=False)
class _Announced:
    """A navigation that ended as downloads do, waiting for its download's report."""

    url: str
    deadline: float
    content_type: asyncio.Task[str | None]
    """The response's content type; None when the response was no download's."""


@dataclass(eq=False)
class _Entry:
    """One download, from the browser's report until its file is saved (or failed)."""

    download: Download
    name: str
    reported_at: float
    announced: _Announced | None = None
    file: DownloadedFile | None = None
    """Set once the download finished, saved or failed."""
    saving: asyncio.Task[DownloadedFile] | None = None
    cancelled_after_ms: float | None = None


class Downloads:
    """The downloads of one instance, in the order the browser reported them.

    :class:`~pupi.browser.Instance` feeds it every page's ``download`` event and
    the context's failed navigations. A run notes :attr:`started` before its
    steps and calls :meth:`collect` after them (anything else driving the
    instance can do the same); a ``download`` step calls :meth:`settle`, clicks,
    then :meth:`next_file`.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        """A prefix for the directory's name (the instance's id), to tell them apart."""
        self._directory: Path | None = None
        self._entries: list[_Entry] = []
        self._announced: list[_Announced] = []
        """Announced downloads not reported yet."""
        self._names: set[str] = set()
        self._changed = asyncio.Event()
        self._closed = False

    def __repr__(self) -> str:
        return f"<Downloads {self.label[:8]} started={self.started}>"

    @property
    def directory(self) -> Path | None:
        """The instance's downloads directory; None until the first download."""
        return self._directory

    @property
    def started(self) -> int:
        """How many downloads the browser has reported so far."""
        return len(self._entries)

    @property
    def files(self) -> list[DownloadedFile]:
        """Every download that has finished (saved or failed), in the order they started."""
        return [entry.file for entry in self._entries if entry.file is not None]

    def watch(self, page: Page) -> None:
        """Record the downloads ``page`` starts."""
        page.on("download", self._on_download)

    def on_request_failed(self, request: Request) -> None:
        """Note a navigation that failed after its response: it may have become a download."""
        if self._closed or not request.is_navigation_request():
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._announced = [a for a in self._announced if a.deadline > now]
        announced = _Announced(
            request.url, now + ANNOUNCED_GRACE_S, loop.create_task(_download_content_type(request))
        )
        announced.content_type.add_done_callback(lambda _: self._resolved(announced))
        # The browser may have reported the download a moment before.
        recent = (
            entry
            for entry in self._entries
            if entry.announced is None
            and entry.download.url == request.url
            and now - entry.reported_at <= ANNOUNCED_GRACE_S
        )
        entry = next(recent, None)
        if entry is not None:
            entry.announced = announced
        else:
            self._announced.append(announced)

    async def settle(self, *, timeout_ms: float) -> int:
        """Wait for the downloads that failed navigations announced to be reported
        (at most :data:`ANNOUNCED_GRACE_S`, and ``timeout_ms``); return :attr:`started`.

        Before a ``download`` step's click, so that a download an earlier click
        started is not taken for the step's own.
        """
        loop = asyncio.get_running_loop()
        last = max((a.deadline for a in self._announced), default=0.0)
        await self._until(
            lambda: all(a.deadline <= loop.time() for a in self._announced),
            min(loop.time() + timeout_ms / 1000, last),
        )
        return self.started

    async def collect(self, since: int, *, timeout_ms: float) -> list[DownloadedFile]:
        """The files of the downloads started since ``since`` (a past :attr:`started`).

        Waits first as :meth:`settle` does, then for every download since
        ``since`` to finish; one still running at ``timeout_ms`` is cancelled
        and reported as failed.
        """
        deadline = asyncio.get_running_loop().time() + timeout_ms / 1000
        await self.settle(timeout_ms=timeout_ms)
        entries = self._entries[since:]
        if not await self._until(lambda: all(e.file is not None for e in entries), deadline):
            for entry in entries:
                if entry.file is None:
                    await self._cancel(entry, timeout_ms)
        return [entry.file for entry in entries if entry.file is not None]

    async def next_file(
        self, since: int, *, timeout_ms: float, name: str | None = None
    ) -> DownloadedFile | None:
        """The file of the first download started since ``since``, once finished.

        None when none started within ``timeout_ms``; one that did not finish in
        that time is cancelled and comes back with ``error`` set. ``name``
        renames the saved file (made unique like the others).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000
        if not await self._until(lambda: len(self._entries) > since, deadline):
            return None
        entry = self._entries[since]
        if not await self._until(lambda: entry.file is not None, deadline):
            await self._cancel(entry, timeout_ms)
        assert entry.file is not None
        if name is not None and entry.file.path is not None:
            self._rename(entry, name)
        return entry.file

    async def aclose(self) -> None:
        """Stop saving and remove the directory with its files."""
        self._closed = True
        pending: list[asyncio.Task[Any]] = [
            entry.saving for entry in self._entries if entry.saving is not None
        ]
        announced = self._announced + [e.announced for e in self._entries if e.announced]
        pending += [each.content_type for each in announced]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        if self._directory is not None:
            directory, self._directory = self._directory, None
            await asyncio.to_thread(shutil.rmtree, directory, ignore_errors=True)

    def discard(self) -> None:
        """Remove the directory without the event loop (its loop was closed)."""
        self._closed = True
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    # -- the events --------------------------------------------------------

    def _on_download(self, download: Download) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        name = self._reserve(download.suggested_filename)
        entry = _Entry(download, name, loop.time())
        announced = next((a for a in self._announced if a.url == download.url), None)
        if announced is not None:
            self._announced.remove(announced)
            entry.announced = announced
        self._entries.append(entry)
        entry.saving = loop.create_task(self._save(entry))
        entry.saving.add_done_callback(lambda task: self._saved(entry, task))
        self._pulse()

    def _resolved(self, announced: _Announced) -> None:
        if _dropped(announced) and announced in self._announced:
            self._announced.remove(announced)
            self._pulse()

    def _saved(self, entry: _Entry, task: asyncio.Task[DownloadedFile]) -> None:
        if task.cancelled() or task.exception() is not None:
            # Cancelled (by a timeout or the instance closing) or a bug: still a result.
            reason = "cancelled" if task.cancelled() else repr(task.exception())
            entry.file = self._failed(entry, _guess_type(entry.name), reason)
        else:
            entry.file = task.result()
        self._pulse()

    async def _save(self, entry: _Entry) -> DownloadedFile:
        download = entry.download
        try:
            failure = await download.failure()
            if failure is None:
                path = self._folder() / entry.name
                await download.save_as(path)
                size = path.stat().st_size
                # Playwright's own copy lives until the context closes: free it now.
                with contextlib.suppress(Error):
                    await download.delete()
        except (Error, OSError) as exc:
            failure = _first_line(exc)
        content_type = await _announced_type(entry.announced) or _guess_type(entry.name)
        if failure is not None:
            return self._failed(entry, content_type, failure)
        return DownloadedFile(
            name=entry.name,
            url=download.url,
            content_type=content_type,
            size=size,
            path=str(path),
        )

    def _failed(self, entry: _Entry, content_type: str, reason: str) -> DownloadedFile:
        if entry.cancelled_after_ms is not None:
            reason = f"did not finish within {entry.cancelled_after_ms:.0f} ms; cancelled"
        logger.warning("the download of %s failed: %s", entry.download.url, reason)
        return DownloadedFile(
            name=entry.name, url=entry.download.url, content_type=content_type, error=reason
        )

    # -- helpers -----------------------------------------------------------

    def _folder(self) -> Path:
        if self._directory is None:
            root = downloads_root()
            root.mkdir(parents=True, exist_ok=True)
            self._directory = Path(tempfile.mkdtemp(prefix=f"{self.label[:8]}-", dir=root))
        return self._directory

    def _reserve(self, suggested: str) -> str:
        # Names are taken when the browser reports a download, not when it ends,
        # so two downloads of one name are numbered in the order they started.
        name = Path(suggested.replace("\\", "/")).name.strip()
        if name in {"", ".", ".."}:
            name = "download"
        stem, suffix = os.path.splitext(name)
        candidate, number = name, 0
        # Case-folded: on macOS and Windows report.csv and Report.csv are one file.
        while candidate.casefold() in self._names:
            number += 1
            candidate = f"{stem} ({number}){suffix}"
        self._names.add(candidate.casefold())
        return candidate

    def _rename(self, entry: _Entry, name: str) -> None:
        assert entry.file is not None and entry.file.path is not None
        if name == entry.name:
            return
        self._names.discard(entry.name.casefold())
        entry.name = self._reserve(name)
        path = Path(entry.file.path).with_name(entry.name)
        os.replace(entry.file.path, path)
        entry.file = entry.file.model_copy(update={"name": entry.name, "path": str(path)})

    async def _cancel(self, entry: _Entry, timeout_ms: float) -> None:
        entry.cancelled_after_ms = timeout_ms
        with contextlib.suppress(Error):
            await entry.download.cancel()
        if entry.saving is not None and not entry.saving.done():
            entry.saving.cancel()
            await asyncio.wait([entry.saving])

    def _pulse(self) -> None:
        # Wakes every waiter of _until; each checks its own condition again.
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _until(self, condition: Callable[[], bool], deadline: float) -> bool:
        loop = asyncio.get_running_loop()
        while not condition():
            left = deadline - loop.time()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return True


async def _download_content_type(request: Request) -> str | None:
    """The content type of ``request``'s response when it ended as downloads do, else None."""
    try:
        response = await request.response()
    except Error:
        return None
    if response is None or not 200 <= response.status < 300 or response.status in _NOT_DOWNLOADS:
        return None
    return response.headers.get("content-type") or _FALLBACK_TYPE


def _dropped(announced: _Announced) -> bool:
    """Whether the failed navigation turned out not to be a download."""
    task = announced.content_type
    if not task.done():
        return False
    return task.cancelled() or task.exception() is not None or task.result() is None


async def _announced_type(announced: _Announced | None) -> str | None:
    if announced is None:
        return None
    # wait(), not await: awaiting a cancelled task raises CancelledError here,
    # which would read as this save being cancelled.
    await asyncio.wait([announced.content_type])
    return None if _dropped(announced) else announced.content_type.result()


def _guess_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or _FALLBACK_TYPE


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
