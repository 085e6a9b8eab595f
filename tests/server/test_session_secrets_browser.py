"""Secrets and guard rails of sessions with real Chromium behind a real ``pupi serve``.

The planner of prompt runs is an OpenAI-compatible protocol stub in this
process, which the server's planner reaches over HTTP: what it was sent is
recorded, so the model's side of a run is looked through for secrets too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.agent.observed import element_numbers
from tests.agent.planners.stubs import OpenAIStub
from tests.server.pupi_service_harness import ApiServer, ServerFactory, eventually
from tests.server.test_session_secrets import database_bytes, sealed_secrets, sqlite_path

from pupi.client import AsyncApiClient, SessionResult
from pupi.demo.routes.reviews import EVIL_URL

pytestmark = [pytest.mark.service, pytest.mark.browser]

WAIT_S = 90
PASSWORD = "lovelace"  # ada's: the login page prints it, so the page itself would leak it


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    with OpenAIStub() as server:
        yield server


@pytest.fixture
async def server(server_factory: ServerFactory, stub: OpenAIStub) -> ApiServer:
    # 127.0.0.1 and localhost: the demo site, by two names the fetch policy both allows.
    return await server_factory(
        fake_runner=False,
        allow_hosts=("127.0.0.1", "localhost"),
        env={"PUPI_LLM_BASE_URL": stub.base_url, "PUPI_LLM_MODEL": "stub-model"},
    )


async def run_ended(api: AsyncApiClient, session_id: str, n: int) -> SessionResult:
    async def ended() -> SessionResult | None:
        result = await api.get_session_result(session_id)
        done = len(result.runs) > n and result.runs[n].status in ("completed", "failed")
        return result if done else None

    found: SessionResult = await eventually(ended, f"run {n} of {session_id}")
    return found


async def test_a_secret_reaches_the_page_and_no_channel_of_the_server(
    server: ApiServer, stub: OpenAIStub, demo_url: str
) -> None:
    numbers = await element_numbers(f"{demo_url}/login")
    stub.reply_tool_call(
        {
            "actions": [
                {"kind": "type", "element": numbers["Username"], "text": "ada"},
                {"kind": "type", "element": numbers["Password"], "text": "{{secret.password}}"},
                {"kind": "click", "element": numbers["Log in"]},
            ]
        }
    )
    stub.reply_tool_call({"done": True, "answer": "logged in"})
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            "Log in as ada with the password {{secret.password}}",
            planner="openai",
            start_url=f"{demo_url}/login",
            secrets={"password": PASSWORD},
            idle_timeout_s=60,
        )
        session_id = started.session_id
        first = await run_ended(api, session_id, 0)
        assert first.runs[0].status == "completed", (first.error, server.log()[-3000:])

        # The same browser, and the steps' own secrets: the login held, and the
        # value a step reads back, or an error quotes, is a placeholder.
        await api.execute_steps_remotely(
            [
                {"action": "go", "url": f"{demo_url}/account"},
                {"action": "extract", "selector": "#account-username", "as": "user"},
                {"action": "go", "url": f"{demo_url}/login"},
                {"action": "type", "selector": "#password", "text": "{{secret.password}}"},
                {
                    "action": "evaluate",
                    "script": "() => document.querySelector('#password').value",
                    "as": "typed",
                },
                {
                    "action": "evaluate",
                    "script": "() => { throw new Error('no: ' + "
                    "document.querySelector('#password').value) }",
                },
            ],
            session_id=session_id,
            secrets={"password": PASSWORD},
        )
        second = await run_ended(api, session_id, 1)
        run = second.runs[1]
        assert run.outputs == {"user": "ada", "typed": "{{secret.password}}"}
        assert run.error is not None and "no: {{secret.password}}" in run.error["message"]
        assert first.runs[0].steps[2]["text"] == "{{secret.password}}"

        await api.close_session(session_id)
        body = (await api._request("GET", f"/v1/sessions/{session_id}")).text
        events = [event.model_dump_json() async for event in api.iter_session_events(session_id)]

    bodies = [json.dumps(request.body) for request in stub.requests]
    assert len(bodies) == 2 and "ada / {{secret.password}}" in bodies[0]
    for text in (body, *events, server.log(), *bodies):
        assert PASSWORD not in text
    if path := sqlite_path(server):
        assert sealed_secrets(server, session_id) == [None, None]
        assert PASSWORD.encode() not in database_bytes(path)


async def test_a_session_is_held_to_its_allowed_domains(server: ApiServer, demo_url: str) -> None:
    port = urlsplit(demo_url).port
    fetch_elsewhere = (
        f"() => fetch('http://localhost:{port}/api/state', {{mode: 'no-cors'}})"
        ".then(() => 'fetched', () => 'refused')"
    )
    steps: list[dict[str, Any]] = [
        {"action": "go", "url": f"{demo_url}/reviews"},
        {"action": "evaluate", "script": fetch_elsewhere, "as": "fetch"},
        {"action": "go", "url": f"http://localhost:{port}/shop"},
    ]
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        held = await api.execute_steps_remotely(steps, allowed_domains=["127.0.0.1"])
        result = await api.wait_for_session(held.session_id, timeout_s=WAIT_S)
        # The same steps without the rule: the fetch policy alone lets localhost through.
        free = await api.execute_steps_remotely(steps)
        other = await api.wait_for_session(free.session_id, timeout_s=WAIT_S)

    assert result.allowed_domains == ["127.0.0.1"]
    assert result.status == "failed" and result.error is not None
    assert result.outputs == {"fetch": "refused"}
    assert result.error["message"] == (
        f"refused 'http://localhost:{port}/shop': localhost is not in allowed_domains (127.0.0.1)"
    )
    assert other.status == "completed", (other.error, server.log()[-3000:])
    assert other.outputs == {"fetch": "fetched"}


async def test_an_injection_followed_by_the_model_is_refused_and_its_budget_holds(
    server: ApiServer, stub: OpenAIStub, demo_url: str
) -> None:
    stub.reply_tool_call({"actions": [{"kind": "go", "url": EVIL_URL}]})
    stub.reply_tool_call({"actions": [{"kind": "go", "url": EVIL_URL}]})
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            "What is the price of the mouse?",
            planner="openai",
            start_url=f"{demo_url}/reviews",
            allowed_domains=["127.0.0.1"],
            token_budget=200,
        )
        result = await api.wait_for_session(started.session_id, timeout_s=WAIT_S)

    refusal = f"refused '{EVIL_URL}': evil.test is not in allowed_domains (127.0.0.1)"
    assert result.status == "failed"
    assert result.error == {
        "type": "budget_exhausted",
        "message": "the planner spent 240 tokens of its budget of 200 (token_budget)",
    }
    assert [record.result["error"] for record in result.step_results[1:]] == [
        f"blocked: {refusal}"
    ] * 2
    assert len(stub.requests) == 2
    assert result.usage == {"input_tokens": 200, "output_tokens": 40, "requests": 2}
