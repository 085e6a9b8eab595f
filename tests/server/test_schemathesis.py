"""Schemathesis against the served OpenAPI document: no input may produce a 5xx."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.server.pupi_service_harness import ServerFactory

pytestmark = pytest.mark.service

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis is not installed")
async def test_generated_requests_never_get_a_server_error(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    # Sessions it creates stay queued (concurrency 1, a slow first one): that is enough
    # to exercise every route without running hundreds of fake sessions.
    server = await server_factory(env={"PUPI_MAX_QUEUED_PER_TOKEN": "1000"})
    token = await server.token("schemathesis")
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "25",
        "--seed",
        "1",
        "--generation-deterministic",
        "--workers",
        "1",
        "-H",
        f"Authorization: Bearer {token}",
        "--report-dir",
        str(tmp_path),
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = await asyncio.to_thread(
        subprocess.run,
        command,
        capture_output=True,
        text=True,
        timeout=150,  # generous: it takes about 10 s; pytest's own limit is 180 s
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
