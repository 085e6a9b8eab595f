"""An instance's download recorder, fed by stand-ins for Playwright's downloads (no browser)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pupi import DownloadedFile
from pupi.browser.downloads import Downloads


class FakePage:
    """Just enough of a Page for ``Downloads.watch``: it keeps the download listener."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[Any], None]] = []

    def on(self, event: str, listener: Callable[[Any], None]) -> None:
        assert event == "download"
        self.listeners.append(listener)

    def start(self, download: FakeDownload) -> None:
        for listener in self.listeners:
            listener(download)


class FakeDownload:
    """A download that finishes when told to, with a failure or a body."""

    def __init__(
        self, name: str, *, body: bytes = b"data", failure: str | None = None, done: bool = True
    ) -> None:
        self.suggested_filename = name
        self.url = f"http://127.0.0.1:9/{name}"
        self.body = body
        self._failure = failure
        self.finished = asyncio.Event()
        self.cancelled = False
        if done:
            self.finished.set()

    async def failure(self) -> str | None:
        await self.finished.wait()
        return self._failure

    async def save_as(self, path: str | Path) -> None:
        Path(path).write_bytes(self.body)

    async def delete(self) -> None:
        pass

    async def cancel(self) -> None:
        self.cancelled = True
        self._failure = "canceled"
        self.finished.set()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUPI_DOWNLOADS_DIR", str(tmp_path / "downloads"))
    return tmp_path / "downloads"


async def test_a_failed_download_is_reported_with_its_reason(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    downloads, page = Downloads("instance"), FakePage()
    downloads.watch(page)  # type: ignore[arg-type]
    page.start(FakeDownload("report.csv", failure="network failed"))
    with caplog.at_level(logging.WARNING, logger="pupi.browser"):
        (file,) = await downloads.collect(0, timeout_ms=10_000)
    assert file == DownloadedFile(
        name="report.csv",
        url="http://127.0.0.1:9/report.csv",
        content_type="text/csv",
        error="network failed",
    )
    assert repr(file) == "<DownloadedFile report.csv failed: network failed>"
    assert "network failed" in caplog.text
    await downloads.aclose()


async def test_a_download_still_running_at_the_timeout_is_cancelled_and_reported(
    root: Path,
) -> None:
    downloads, page = Downloads("instance"), FakePage()
    downloads.watch(page)  # type: ignore[arg-type]
    stuck = FakeDownload("big.zip", done=False)
    page.start(stuck)
    (file,) = await downloads.collect(0, timeout_ms=50)
    assert stuck.cancelled
    assert file.error == "did not finish within 50 ms; cancelled"
    assert file.path is None and file.size == 0
    assert file.content_type == "application/zip"
    await downloads.aclose()


async def test_names_are_plain_and_unique_whatever_the_site_suggests(root: Path) -> None:
    downloads, page = Downloads("instance"), FakePage()
    downloads.watch(page)  # type: ignore[arg-type]
    for name in ["report.csv", "Report.csv", "../../etc/passwd", "a\\b.txt", "", "..", "x.weird"]:
        page.start(FakeDownload(name))
    files = await downloads.collect(0, timeout_ms=10_000)
    assert [file.name for file in files] == [
        "report.csv",
        "Report (1).csv",
        "passwd",
        "b.txt",
        "download",
        "download (1)",
        "x.weird",
    ]
    assert files[-1].content_type == "application/octet-stream"
    directory = downloads.directory
    assert directory is not None and directory.parent == root
    assert all(Path(file.path or "").parent == directory for file in files)
    assert downloads.files == files
    await downloads.aclose()
    assert not directory.exists()


async def test_next_file_renames_and_collect_sees_only_the_runs_own(root: Path) -> None:
    downloads, page = Downloads("instance"), FakePage()
    downloads.watch(page)  # type: ignore[arg-type]
    page.start(FakeDownload("old.csv"))
    since = await downloads.settle(timeout_ms=1_000)
    page.start(FakeDownload("report.csv", body=b"a,b\n"))
    file = await downloads.next_file(since, timeout_ms=10_000, name="mine.csv")
    assert file is not None and file.name == "mine.csv"
    assert Path(file.path or "").read_bytes() == b"a,b\n"
    assert repr(file) == "<DownloadedFile mine.csv 4 bytes text/csv>"
    assert await downloads.collect(since, timeout_ms=10_000) == [file]
    assert await downloads.next_file(downloads.started, timeout_ms=10) is None
    await downloads.aclose()


async def test_nothing_is_created_without_a_download_and_discard_removes_the_folder(
    root: Path,
) -> None:
    quiet = Downloads("quiet")
    assert await quiet.collect(0, timeout_ms=10) == []
    await quiet.aclose()
    assert quiet.directory is None and not root.exists()

    downloads, page = Downloads("instance"), FakePage()
    downloads.watch(page)  # type: ignore[arg-type]
    page.start(FakeDownload("a.txt"))
    (file,) = await downloads.collect(0, timeout_ms=10_000)
    directory = Path(file.path or "").parent
    downloads.discard()
    assert not directory.exists()
    page.start(FakeDownload("late.txt"))  # after closing: ignored
    assert downloads.started == 1
