"""`pupi sessions list|show|prompt|run|close|close-all` against a real server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer
from typer.testing import CliRunner

from pupi.cli import app

pytestmark = pytest.mark.service
runner = CliRunner()


def test_sessions_commands_list_show_and_close(shared_server: ApiServer) -> None:
    token = (
        runner.invoke(
            app, ["token", "create", "--name", "cli", "--database-url", shared_server.database_url]
        )
        .output.strip()
        .splitlines()[-1]
    )
    env = {"PUPI_API_URL": shared_server.url, "PUPI_TOKEN": token}
    headers = {"Authorization": f"Bearer {token}"}
    ids = [
        httpx.post(f"{shared_server.url}/v1/sessions", json={"prompt": p}, headers=headers).json()[
            "session_id"
        ]
        for p in ("steps=1 answer=cli", "steps=1000 delay=0.2", "steps=1000 delay=0.2")
    ]
    deadline = time.monotonic() + 60  # the first one must have its answer for `show`
    while httpx.get(f"{shared_server.url}/v1/sessions/{ids[0]}", headers=headers).json()[
        "status"
    ] in {"queued", "running"}:
        assert time.monotonic() < deadline, "the first session never ended"
        time.sleep(0.05)
    listing = runner.invoke(app, ["sessions", "list"], env=env)
    assert listing.exit_code == 0, listing.output
    for session_id in ids:
        assert session_id in listing.output
    shown = runner.invoke(app, ["sessions", "show", ids[0]], env=env)
    assert json.loads(shown.output)["answer"] == "cli"
    closed = runner.invoke(app, ["sessions", "close", ids[1]], env=env)
    assert "cancelled" in closed.output
    assert runner.invoke(app, ["sessions", "close-all"], env=env).output.strip() == (
        "Closed 2 sessions."
    )
    assert "No sessions." in runner.invoke(app, ["sessions", "list"], env=env).output
    assert ids[0] in runner.invoke(app, ["sessions", "list", "--all"], env=env).output
    missing = runner.invoke(app, ["sessions", "show", "nope"], env=env)
    assert missing.exit_code == 1
    assert "404" in missing.output


def test_sessions_commands_need_a_token() -> None:
    result = runner.invoke(app, ["sessions", "list"], env={"PUPI_TOKEN": ""})
    assert result.exit_code == 2
    assert "PUPI_TOKEN" in result.output


def test_prompt_with_api_runs_as_a_remote_session(shared_server: ApiServer) -> None:
    token = (
        runner.invoke(
            app,
            ["token", "create", "--name", "prompt", "--database-url", shared_server.database_url],
        )
        .output.strip()
        .splitlines()[-1]
    )
    env = {"PUPI_API_URL": shared_server.url, "PUPI_TOKEN": token}
    shown = runner.invoke(app, ["prompt", "steps=2 answer=remote"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "remote" in shown.output
    as_json = runner.invoke(app, ["prompt", "steps=1 answer=again", "--json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["status"] == "completed"
    assert data["answer"] == "again"


def test_sessions_prompt_and_run_continue_an_open_session(
    shared_server: ApiServer, tmp_path: Path
) -> None:
    token = (
        runner.invoke(
            app, ["token", "create", "--name", "cli", "--database-url", shared_server.database_url]
        )
        .output.strip()
        .splitlines()[-1]
    )
    env = {"PUPI_API_URL": shared_server.url, "PUPI_TOKEN": token}
    headers = {"Authorization": f"Bearer {token}"}
    session_id = httpx.post(
        f"{shared_server.url}/v1/sessions",
        json={"prompt": "steps=1 remember=from-the-first", "idle_timeout_s": 120},
        headers=headers,
    ).json()["session_id"]
    followed = runner.invoke(app, ["sessions", "prompt", session_id, "steps=1 recall=1"], env=env)
    assert followed.exit_code == 0, followed.output
    assert json.loads(followed.output)["answer"] == "from-the-first"
    steps_file = tmp_path / "steps.yaml"
    steps_file.write_text("- action: extract\n  selector: h1\n  as: kept\n")
    ran = runner.invoke(app, ["sessions", "run", session_id, str(steps_file)], env=env)
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output)["outputs"] == {"kept": "from-the-first"}
    steps_file.write_text("- action: click\n")  # no selector: refused before it is sent on
    bad = runner.invoke(app, ["sessions", "run", session_id, str(steps_file)], env=env)
    assert bad.exit_code == 2
    assert "selector" in bad.output
    assert runner.invoke(app, ["sessions", "close", session_id], env=env).exit_code == 0
    closed = runner.invoke(app, ["sessions", "prompt", session_id, "steps=1"], env=env)
    assert closed.exit_code == 1
    assert "409" in closed.output
