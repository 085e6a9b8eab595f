"""The seed's local examples, as Python, run as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pupi.demo import DemoServer

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str, site: DemoServer) -> str:
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env={**os.environ, "PUPI_DEMO_URL": site.url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_local_instances_example_opens_two_and_closes_all(demo_site: DemoServer) -> None:
    out = run_example("local_instances.py", demo_site)
    assert "is also running" in out
    assert "2 instances open." in out
    assert out.strip().endswith("0 instances open.")


def test_puppeteer_class_example_uses_one_instance(demo_site: DemoServer) -> None:
    out = run_example("puppeteer_class.py", demo_site)
    assert ": True" in out
    assert "0 instances open." in out


def test_cleanup_example_logs_in_and_closes_everything(demo_site: DemoServer) -> None:
    demo_site.reset()
    out = run_example("cleanup.py", demo_site)
    assert "Welcome, Ada" in out
    assert "0 instances open." in out
    assert demo_site.state()["logins"] == ["ada"]
