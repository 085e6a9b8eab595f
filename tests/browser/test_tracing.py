"""Playwright traces of local runs: the SDK, the chainable Puppeteer and ``pupi run --trace``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pupi import PupiPuppeteerSDK, Puppeteer
from pupi.demo import DemoServer

pytestmark = pytest.mark.browser


def trace_entries(path: Path) -> set[str]:
    """The files of a trace zip (playwright show-trace reads trace.trace and trace.network)."""
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def snapshots_of(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("trace.trace").decode("utf-8", "replace")


async def test_a_steps_run_writes_its_trace_failures_included(
    tmp_path: Path, demo_url: str
) -> None:
    sdk = PupiPuppeteerSDK()
    try:
        ok = tmp_path / "runs" / "ok.zip"
        result = await sdk.execute_steps_locally(
            [
                {"action": "go", "url": f"{demo_url}/shop"},
                {"action": "extract", "selector": ".product-card .price", "as": "price"},
            ],
            trace=ok,
        )
        assert result.ok
        assert {"trace.trace", "trace.network"} <= trace_entries(ok)
        assert "/shop" in snapshots_of(ok)

        failed = tmp_path / "failed.zip"
        broken = await sdk.execute_steps_locally(
            [{"action": "click", "selector": "#no-such-thing", "timeout_ms": 300}],
            instance_id=result.instance_id,
            trace=failed,
        )
        assert not broken.ok
        assert "trace.trace" in trace_entries(failed)
        # The same instance traced twice: each file has its own run only.
        assert "no-such-thing" in snapshots_of(failed)
        assert "no-such-thing" not in snapshots_of(ok)
    finally:
        await sdk.close_all_instances()


async def test_puppeteer_run_writes_a_trace(tmp_path: Path, demo_url: str) -> None:
    browser = Puppeteer()
    try:
        path = tmp_path / "chain.zip"
        result = await browser.go(f"{demo_url}/shop").extract("h1", as_="title").run(trace=path)
        assert result.ok
        assert "trace.trace" in trace_entries(path)
    finally:
        await browser.close()


def test_pupi_run_trace_writes_the_file(tmp_path: Path, demo_site: DemoServer) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text("- {action: go, url: '{{base}}/shop'}\n")
    path = tmp_path / "cli.zip"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pupi",
            "run",
            str(flow),
            "--var",
            f"base={demo_site.url}",
            "--trace",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"playwright show-trace {path}" in done.stdout
    assert "trace.trace" in trace_entries(path)
