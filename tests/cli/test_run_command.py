"""``pupi run``, ``doctor``, ``steps schema`` and ``python -m pupi``, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pupi.demo import DemoServer


def pupi(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pupi", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_steps_schema_prints_json_schema() -> None:
    done = pupi("steps", "schema")
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"] == "Pupi steps"


def test_run_rejects_invalid_steps_with_every_error_and_exit_2(tmp_path: Path) -> None:
    flow = tmp_path / "bad.json"
    flow.write_text(json.dumps([{"action": "go"}, {"action": "clik"}]))
    done = pupi("run", str(flow))
    assert done.returncode == 2
    assert "step 0 (go), field 'url'" in done.stderr
    assert "did you mean 'click'" in done.stderr


@pytest.mark.browser
def test_run_shows_each_step_and_the_outputs(tmp_path: Path, demo_site: DemoServer) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "- {action: go, url: '{{base}}/shop', name: open the shop}\n"
        "- {action: extract, selector: '.product-card .price', as: price}\n"
    )
    done = pupi("run", str(flow), "--var", f"base={demo_site.url}")
    assert done.returncode == 0, done.stderr
    assert "✓" in done.stdout and "open the shop" in done.stdout
    assert "price = '$24.00'" in done.stdout


@pytest.mark.browser
def test_run_json_and_failure_exit_code(tmp_path: Path, demo_site: DemoServer) -> None:
    flow = tmp_path / "flow.json"
    flow.write_text(
        json.dumps(
            [
                {"action": "go", "url": f"{demo_site.url}/"},
                {"action": "click", "selector": "#does-not-exist", "timeout_ms": 300},
            ]
        )
    )
    done = pupi("run", str(flow), "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["status"] == "failed"
    assert result["error"]["step_index"] == 1
    assert [step["status"] for step in result["steps"]] == ["ok", "failed"]


@pytest.mark.browser
def test_doctor_finds_and_starts_the_browser() -> None:
    done = pupi("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ browser from" in done.stdout
    assert "the browser starts" in done.stdout


@pytest.mark.browser
def test_demo_runs_a_step_session_and_offline_prompts() -> None:
    done = pupi("demo", timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "12 products, the first costs $24.00" in done.stdout
    assert "answer: $24.00" in done.stdout
    assert "answer: Welcome, Ada" in done.stdout
    assert "✗" not in done.stdout
