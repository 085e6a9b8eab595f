"""`pupi token create|list|revoke` on a real database, and the token at work on a server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer
from typer.testing import CliRunner

from pupi.cli import app
from pupi.server.db.tokens import hash_token

pytestmark = pytest.mark.service
runner = CliRunner()


def token_cli(*args: str) -> str:
    result = runner.invoke(app, ["token", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_create_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(
    tmp_path: Path,
) -> None:
    database = tmp_path / "tokens.db"
    url = f"sqlite:///{database}"
    output = token_cli("create", "--name", "ci", "--database-url", url)
    token = output.strip().splitlines()[-1]
    assert token.startswith("pupi_")
    assert len(token) > 40
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("tokens.db*"))
    assert token.encode() not in stored
    assert hash_token(token).encode() in stored


def test_list_shows_tokens_without_their_secret_and_revoke_marks_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    token = token_cli("create", "--name", "alice", "--database-url", url).strip().splitlines()[-1]
    listing = token_cli("list", "--database-url", url)
    assert "alice" in listing
    assert token not in listing
    token_id = listing.split("alice")[0].split("│")[-2].strip()
    assert token_cli("revoke", token_id, "--database-url", url).startswith("Revoked")
    assert runner.invoke(app, ["token", "revoke", token_id, "--database-url", url]).exit_code == 1


def test_the_database_url_comes_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUPI_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    token_cli("create", "--name", "from-env")
    assert (tmp_path / "env.db").exists()


def test_a_revoked_token_is_refused_by_the_server(shared_server: ApiServer) -> None:
    url = shared_server.database_url
    token = token_cli("create", "--name", "short-lived", "--database-url", url)
    token = token.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{shared_server.url}/v1/sessions", headers=headers).status_code == 200
    token_cli("revoke", "short-lived", "--database-url", url)
    # The server trusts a checked token for up to 2 s (token_cache_s); 60 s is generous.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if httpx.get(f"{shared_server.url}/v1/sessions", headers=headers).status_code == 401:
            return
        time.sleep(0.2)
    raise AssertionError("the revoked token was still accepted")


def test_worker_and_an_api_only_node_need_postgresql(tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'pupi.db'}"
    worker = runner.invoke(app, ["worker", "--database-url", sqlite])
    assert worker.exit_code == 2
    assert "needs a PostgreSQL database" in worker.output
    api_only = runner.invoke(app, ["serve", "--no-worker", "--database-url", sqlite])
    assert api_only.exit_code == 2
    assert "--no-worker needs a PostgreSQL database" in api_only.output
    assert not (tmp_path / "pupi.db").exists()  # refused before anything was opened


def test_serve_and_worker_document_their_options() -> None:
    serve_help = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    worker_help = runner.invoke(app, ["worker", "--help"], env={"COLUMNS": "200"}).output
    assert "--no-worker" in serve_help
    for option in ("--database-url", "--allow-host", "--concurrency", "--cdp-url"):
        assert option in serve_help
        assert option in worker_help
    assert "--no-worker" not in worker_help
