"""The remote examples (twins of the seed's API session examples) against a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer

pytestmark = pytest.mark.service

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str, server: ApiServer, token: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env={**os.environ, "PUPI_API_URL": server.url, "PUPI_TOKEN": token, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_remote_session_example_starts_polls_and_closes(shared_server: ApiServer) -> None:
    token = await shared_server.token("example")
    out = run_example(
        "remote_session.py", shared_server, token, PUPI_PROMPT="steps=2 answer=$24.00"
    )
    assert "API Session started with ID:" in out
    assert "Answer: $24.00" in out
    assert "closed." in out


async def test_remote_manage_sessions_example_lists_and_closes_all(
    shared_server: ApiServer,
) -> None:
    token = await shared_server.token("example-manage")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=shared_server.url, headers=headers) as api:
        for _ in range(2):
            await api.post("/v1/sessions", json={"prompt": "steps=100 delay=0.2"})
        out = run_example("remote_manage_sessions.py", shared_server, token)
        assert "There are 2 active sessions." in out
        assert "closed (2)" in out
        assert (await api.get("/v1/sessions")).json()["sessions"] == []
