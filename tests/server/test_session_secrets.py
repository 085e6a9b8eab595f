"""Secrets and guard rails of sessions, the server's side: a real ``pupi serve`` with the
fake runner, on SQLite and PostgreSQL.

What is checked: the request fields are validated, secrets are sealed in the
run's row while it runs and gone when it ends (however it ends), the runner gets
them opened, and whatever a careless runner quotes of them is written down as
placeholders. ``test_session_secrets_browser.py`` does the same with Chromium.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest
from tests.server.pupi_fake_runner import gate_path
from tests.server.pupi_service_harness import ApiServer, eventually, run_ended

pytestmark = pytest.mark.service

VALUE = "s3cr3t-Vq81-fake"
SECRETS = {"password": VALUE}


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    return await api.post(path, json=body)


def sqlite_path(server: ApiServer) -> str | None:
    url = server.database_url
    return url.removeprefix("sqlite:///") if url.startswith("sqlite") else None


def sealed_secrets(server: ApiServer, session_id: str) -> list[bytes | None]:
    """Each run's ``secrets`` column, in order (SQLite only)."""
    path = sqlite_path(server)
    assert path is not None
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT secrets FROM session_runs WHERE session_id = ? ORDER BY n", (session_id,)
        ).fetchall()
    return [row[0] for row in rows]


def database_bytes(path: str) -> bytes:
    """Every value of every row of every table of a SQLite file, as bytes."""
    parts: list[bytes] = []
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    parts.append(value if isinstance(value, bytes) else str(value).encode())
    return b"\n".join(parts)


async def test_secrets_are_sealed_while_the_run_runs_and_gone_when_it_ends(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    response = await post(
        api,
        "/v1/sessions",
        {
            "prompt": "steps=2 hold=1 leak=1 log in with {{secret.password}}",
            "secrets": SECRETS,
            "idle_timeout_s": 60,
        },
    )
    assert response.status_code == 201, response.text
    session_id = response.json()["session_id"]

    async def first_step() -> bool:
        body = (await api.get(f"/v1/sessions/{session_id}")).json()
        return bool(body["step_results"])

    await eventually(first_step, "the first step")
    if sqlite_path(shared_server):
        (sealed,) = sealed_secrets(shared_server, session_id)
        assert sealed and VALUE.encode() not in sealed
    gate_path(shared_server.runner_log, session_id).touch()
    body = await run_ended(api, session_id)

    # The runner got the value; what it quoted of it is stored as the placeholder.
    assert body["status"] == "completed"
    assert body["answer"] == "password={{secret.password}}"
    outputs = [record["result"]["output"] for record in body["step_results"]]
    assert outputs == ["password={{secret.password}}"] * 2
    assert body["prompt"] == "steps=2 hold=1 leak=1 log in with {{secret.password}}"

    # A follow-up sends its own secrets, for its run only; failing changes nothing.
    response = await post(
        api,
        f"/v1/sessions/{session_id}/prompts",
        {"prompt": "steps=1 leak=1 fail=refused", "secrets": {"pin": "4921-pin"}},
    )
    assert response.status_code == 201, response.text
    body = await run_ended(api, session_id, 1)
    assert body["runs"][1]["error"]["message"] == "refused (pin={{secret.pin}})"
    await api.delete(f"/v1/sessions/{session_id}")

    channels = [
        (await api.get(f"/v1/sessions/{session_id}")).text,
        (await api.get(f"/v1/sessions/{session_id}/events")).text,
        shared_server.log(),
    ]
    for text in channels:
        assert VALUE not in text and "4921-pin" not in text
    if path := sqlite_path(shared_server):
        assert sealed_secrets(shared_server, session_id) == [None, None]
        dump = database_bytes(path)
        assert VALUE.encode() not in dump and b"4921-pin" not in dump


async def test_a_runner_that_crashes_quoting_a_secret_leaves_no_trace_of_it(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    response = await post(
        api,
        "/v1/sessions",
        {"prompt": "steps=1 crash=1 leak=1 {{secret.password}}", "secrets": SECRETS},
    )
    session_id = response.json()["session_id"]
    body = await run_ended(api, session_id)
    assert body["error"]["message"] == (
        "the fake runner crashed on purpose (password={{secret.password}})"
    )
    assert "failed in its runner (run 0): RuntimeError: the fake runner crashed" in (
        shared_server.log()
    )
    assert VALUE not in shared_server.log()


async def test_closing_a_running_session_drops_its_secrets(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    response = await post(
        api, "/v1/sessions", {"prompt": "steps=2 hold=0 {{secret.password}}", "secrets": SECRETS}
    )
    session_id = response.json()["session_id"]

    async def running() -> bool:
        body = (await api.get(f"/v1/sessions/{session_id}")).json()
        return bool(body["status"] == "running")

    await eventually(running, "the session running")
    await api.delete(f"/v1/sessions/{session_id}")
    body = await run_ended(api, session_id)
    assert body["status"] == "cancelled"
    if sqlite_path(shared_server):
        assert sealed_secrets(shared_server, session_id) == [None]


@pytest.mark.parametrize(
    ("body", "code", "text"),
    [
        pytest.param(
            {"prompt": "type {{secret.pin}}", "secrets": SECRETS},
            "invalid_steps",
            "unknown secret {{secret.pin}}",
            id="prompt-names-another-secret",
        ),
        pytest.param(
            {"prompt": "type {{secret.password}}"},
            "invalid_steps",
            "pass it in secrets",
            id="prompt-without-secrets",
        ),
        pytest.param(
            {
                "steps": [{"action": "type", "selector": "#p", "text": "{{secret.pin}}"}],
                "secrets": SECRETS,
            },
            "invalid_steps",
            "step 0 (type), field 'text': unknown secret {{secret.pin}}",
            id="steps-name-another-secret",
        ),
        pytest.param(
            {"prompt": "steps=1", "secrets": SECRETS, "trace": True},
            "validation_error",
            "records what is typed",
            id="with-a-trace",
        ),
        pytest.param(
            {"prompt": "steps=1", "secrets": {"pass word": VALUE}},
            "validation_error",
            "secrets.pass word",
            id="bad-name",
        ),
        pytest.param(
            {"prompt": "steps=1", "secrets": {"password": ""}},
            "validation_error",
            "secrets.password",
            id="empty-value",
        ),
        pytest.param(
            {"prompt": "steps=1", "allowed_domains": ["https://example.com/"]},
            "invalid_browser_options",
            "allowed_domains.0: a host name, without a scheme or a path",
            id="bad-domain",
        ),
        pytest.param(
            {"prompt": "steps=1", "token_budget": 0},
            "validation_error",
            "token_budget",
            id="no-budget",
        ),
    ],
)
async def test_bad_guard_rails_are_422_naming_the_field_and_never_the_value(
    api: httpx.AsyncClient, body: dict[str, Any], code: str, text: str
) -> None:
    response = await post(api, "/v1/sessions", body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert text in error["message"]
    assert VALUE not in response.text


async def test_a_follow_up_with_secrets_in_a_traced_session_is_refused(
    api: httpx.AsyncClient,
) -> None:
    response = await post(
        api, "/v1/sessions", {"prompt": "steps=1", "trace": True, "idle_timeout_s": 60}
    )
    session_id = response.json()["session_id"]
    await run_ended(api, session_id)
    for route, body in (
        ("prompts", {"prompt": "steps=1 {{secret.password}}", "secrets": SECRETS}),
        ("steps", {"steps": [{"action": "wait", "ms": 1}], "secrets": SECRETS}),
    ):
        response = await post(api, f"/v1/sessions/{session_id}/{route}", body)
        assert response.status_code == 422, response.text
        assert "records what is typed" in response.json()["error"]["message"]
    await api.delete(f"/v1/sessions/{session_id}")


async def test_a_start_url_outside_the_allowed_domains_is_refused_before_any_browser(
    api: httpx.AsyncClient,
) -> None:
    response = await post(
        api,
        "/v1/sessions",
        {
            "prompt": "steps=1",
            "start_url": "http://elsewhere.test/",
            "allowed_domains": ["127.0.0.1", "*.shop.test"],
        },
    )
    body = await run_ended(api, response.json()["session_id"])
    assert body["allowed_domains"] == ["127.0.0.1", "*.shop.test"]
    assert body["status"] == "failed"
    assert body["error"] == {
        "type": "fetch_refused",
        "message": "refused 'http://elsewhere.test/': elsewhere.test is not in "
        "allowed_domains (127.0.0.1, *.shop.test)",
    }
    assert body["step_results"] == []
