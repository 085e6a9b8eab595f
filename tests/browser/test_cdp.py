"""Connecting to a running Chromium over CDP instead of launching one."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pupi import BrowserLaunchError, PupiPuppeteerSDK
from pupi.browser.discovery import find_browser
from pupi.browser.launch import CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture
def remote_chromium(tmp_path: Path) -> Iterator[str]:
    """A Chromium started by hand with a debugging port, as a remote service would run."""
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [
            find_browser().path,
            "--headless",
            "--no-sandbox",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            *CHROMIUM_ARGS,
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60  # generous: a start on a loaded machine
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, "Chromium exited before it listened"
            assert time.monotonic() < deadline, "Chromium wrote no DevToolsActivePort"
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait()


async def test_steps_run_on_a_browser_reached_over_cdp(remote_chromium: str, demo_url: str) -> None:
    sdk = PupiPuppeteerSDK(cdp_url=remote_chromium)
    run = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{demo_url}/shop"},
            {"action": "extract", "selector": "h1", "as": "heading"},
        ]
    )
    assert run.raise_for_status().outputs["heading"] == "Shop"
    info = {i.id: i for i in sdk.list_instances()}[run.instance_id]
    assert info.pid is None  # not ours to know: the browser runs elsewhere
    await sdk.close_instance(run.instance_id)


async def test_an_unreachable_cdp_endpoint_says_how_to_fix_it() -> None:
    sdk = PupiPuppeteerSDK(cdp_url="http://127.0.0.1:9")
    with pytest.raises(BrowserLaunchError, match="remote-debugging-port"):
        await sdk.execute_steps_locally([{"action": "go", "url": "about:blank"}])


def test_no_browser_found_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUPI_BROWSER_PATH", "/nonexistent/chrome")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BrowserLaunchError) as caught:
        find_browser()
    message = str(caught.value)
    assert "PUPI_BROWSER_PATH=/nonexistent/chrome is not an executable file" in message
    assert "Fix:" in message
