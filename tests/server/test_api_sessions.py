"""The sessions API against a real server process (fake runner), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.server.pupi_fake_runner import gate_path
from tests.server.pupi_service_harness import ApiServer

pytestmark = pytest.mark.service


async def start(api: httpx.AsyncClient, prompt: str, **fields: Any) -> str:
    response = await api.post("/v1/sessions", json={"prompt": prompt, **fields})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "queued"
    return str(body["session_id"])


# Generous: these bound a wait for a state the server reaches, they time nothing.
WAIT_S = 60


async def wait_until(
    api: httpx.AsyncClient, session_id: str, condition: Callable[[Any], bool], what: str
) -> Any:
    """Poll the session until ``condition(body)`` holds; return that body."""
    deadline = time.monotonic() + WAIT_S
    while True:
        body = (await api.get(f"/v1/sessions/{session_id}")).json()
        if condition(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"session {session_id} never {what} in {WAIT_S} s: {body}")
        await asyncio.sleep(0.05)


async def wait_done(api: httpx.AsyncClient, session_id: str) -> Any:
    return await wait_until(
        api,
        session_id,
        lambda body: body["status"] in {"completed", "failed", "cancelled"},
        "ended",
    )


async def wait_status(api: httpx.AsyncClient, session_id: str, status: str) -> None:
    await wait_until(api, session_id, lambda body: body["status"] == status, f"became {status}")


async def wait_log_line(server: ApiServer, line: str) -> None:
    """Wait until the fake runner has written ``line`` to its log."""
    deadline = time.monotonic() + WAIT_S
    while line not in server.runner_log.read_text():
        assert time.monotonic() < deadline, f"the runner never logged {line!r}"
        await asyncio.sleep(0.05)


async def test_healthz_and_openapi_answer_without_a_token(shared_server: ApiServer) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url) as plain:
        assert (await plain.get("/healthz")).json()["status"] == "ok"
        spec = (await plain.get("/openapi.json")).json()
    assert {
        "/v1/sessions",
        "/v1/sessions/{session_id}",
        "/v1/sessions/{session_id}/events",
        "/v1/sessions/{session_id}/screenshots/{n}",
        "/healthz",
        "/metrics",
    } <= set(spec["paths"])


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer pupi_not-a-real-token"}, id="unknown-token"),
        pytest.param({"Authorization": "Bearer something-else"}, id="not-a-pupi-token"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="basic-auth"),
    ],
)
async def test_requests_without_a_valid_token_get_401(
    shared_server: ApiServer, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=shared_server.url, headers=headers) as plain:
        for method, path in [
            ("GET", "/v1/sessions"),
            ("POST", "/v1/sessions"),
            ("GET", "/v1/sessions/x"),
            ("DELETE", "/v1/sessions"),
        ]:
            response = await plain.request(method, path, json={"prompt": "x"})
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"


async def test_a_session_runs_to_completion_and_keeps_its_record(api: httpx.AsyncClient) -> None:
    session_id = await start(api, "steps=3 answer=42", start_url="https://93.184.215.14/")
    body = await wait_done(api, session_id)
    assert body["status"] == "completed"
    assert body["answer"] == "42"
    assert body["start_url"] == "https://93.184.215.14/"
    assert body["planner"] == "rules"
    assert body["steps"] == [{"action": "wait", "ms": n} for n in range(3)]
    assert [record["n"] for record in body["step_results"]] == [0, 1, 2]
    assert body["error"] is None
    assert body["active"] is True
    assert body["created_at"] <= body["started_at"] <= body["finished_at"]
    shot = await api.get(body["step_results"][2]["screenshot_url"])
    assert shot.status_code == 200
    assert shot.headers["content-type"] == "image/png"
    assert shot.content.startswith(b"\x89PNG")
    assert (await api.get(f"/v1/sessions/{session_id}/screenshots/3")).status_code == 404


async def test_a_failing_or_crashing_runner_fails_the_session_with_its_reason(
    api: httpx.AsyncClient,
) -> None:
    failed = await wait_done(api, await start(api, "fail=no-price-found"))
    assert failed["status"] == "failed"
    assert failed["error"]["message"] == "no-price-found"
    crashed = await wait_done(api, await start(api, "crash=1"))
    assert crashed["status"] == "failed"
    assert "crashed on purpose" in crashed["error"]["message"]


async def test_a_session_over_its_timeout_fails(api: httpx.AsyncClient) -> None:
    body = await wait_done(api, await start(api, "steps=20 delay=0.2", timeout_s=0.5))
    assert body["status"] == "failed"
    assert body["error"]["type"] == "timeout"


async def test_listing_shows_active_sessions_and_closed_ones_on_request(
    api: httpx.AsyncClient,
) -> None:
    first = await start(api, "steps=1")
    second = await start(api, "steps=1")
    await wait_done(api, first)
    closed = await api.delete(f"/v1/sessions/{first}")
    assert closed.status_code == 200
    assert closed.json()["active"] is False
    active = [s["session_id"] for s in (await api.get("/v1/sessions")).json()["sessions"]]
    assert active == [second]
    everything = (await api.get("/v1/sessions", params={"include_closed": "true"})).json()
    assert {s["session_id"] for s in everything["sessions"]} == {first, second}
    # A closed session's record, answer and steps stay readable; closing again is harmless.
    assert (await api.get(f"/v1/sessions/{first}")).json()["status"] == "completed"
    assert (await api.delete(f"/v1/sessions/{first}")).status_code == 200


async def test_closing_a_running_session_cancels_it_and_releases_its_browser(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    # How long the DELETE takes is measured by bench/api_load.py ("close a running session").
    session_id = await start(api, "steps=1000 delay=0.5")
    await wait_status(api, session_id, "running")
    response = await api.delete(f"/v1/sessions/{session_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["error"]["type"] == "cancelled"
    # The run unwinds: the fake runner's "browser" is released ...
    await wait_log_line(shared_server, f"released {session_id}")
    # ... and, the run over, nothing it did on the way out changed the record.
    after = (await api.get(f"/v1/sessions/{session_id}")).json()
    assert (after["status"], after["error"]["type"]) == ("cancelled", "cancelled")


async def test_close_all_cancels_queued_and_running_sessions_of_the_caller_only(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    ids = [await start(api, "steps=100 delay=0.5") for _ in range(6)]
    other_token = await shared_server.token("other")
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {other_token}"}
    ) as other:
        theirs = await start(other, "steps=1")
        response = await api.delete("/v1/sessions")
        assert response.json() == {"closed": 6}
        statuses = {(await api.get(f"/v1/sessions/{i}")).json()["status"] for i in ids}
        assert statuses == {"cancelled"}
        assert (await api.get("/v1/sessions")).json()["sessions"] == []
        assert (await wait_done(other, theirs))["status"] == "completed"
        assert [s["session_id"] for s in (await other.get("/v1/sessions")).json()["sessions"]] == [
            theirs
        ]


async def test_another_token_cannot_see_or_touch_a_session(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    session_id = await start(api, "steps=1")
    await wait_done(api, session_id)
    intruder_token = await shared_server.token("intruder")
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {intruder_token}"}
    ) as intruder:
        for method, path in [
            ("GET", f"/v1/sessions/{session_id}"),
            ("DELETE", f"/v1/sessions/{session_id}"),
            ("GET", f"/v1/sessions/{session_id}/events"),
            ("GET", f"/v1/sessions/{session_id}/screenshots/0"),
        ]:
            response = await intruder.request(method, path)
            assert response.status_code == 404, (method, path)
            assert response.json()["error"]["code"] in {"session_not_found"}
        assert (await intruder.get("/v1/sessions")).json()["sessions"] == []
        assert (await intruder.delete("/v1/sessions")).json() == {"closed": 0}
    assert (await api.get(f"/v1/sessions/{session_id}")).json()["active"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"prompt": ""}, "prompt", id="empty-prompt"),
        pytest.param({"prompt": "x" * 8001}, "prompt", id="prompt-too-long"),
        pytest.param({}, "prompt", id="missing-prompt"),
        pytest.param({"prompt": "x", "max_steps": 0}, "max_steps", id="zero-steps"),
        pytest.param({"prompt": "x", "max_steps": 500}, "max_steps", id="too-many-steps"),
        pytest.param({"prompt": "x", "timeout_s": -1}, "timeout_s", id="negative-timeout"),
        pytest.param({"prompt": "x", "planner": "gpt9"}, "planner", id="unknown-planner"),
        pytest.param({"prompt": "x", "colour": "red"}, "colour", id="unknown-field"),
    ],
)
async def test_invalid_prompts_get_422_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await api.post("/v1/sessions", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["message"]


async def test_malformed_json_gets_400(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/sessions", content=b'{"prompt": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


async def test_a_body_over_the_limit_gets_413(api: httpx.AsyncClient) -> None:
    # A follow-up prompt carries no files: the plain limit (64 KiB) applies.
    response = await api.post("/v1/sessions/any/prompts", json={"prompt": "x" * 70_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    async def chunks() -> Any:
        for _ in range(20):
            yield b"x" * 8192

    streamed = await api.post(
        "/v1/sessions/any/prompts", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_unknown_sessions_and_routes_get_json_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/sessions/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    response = await api.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_events_replay_earlier_steps_then_stream_new_ones(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    # The fake runner stops after 3 steps until the test opens its gate, so the
    # subscriber is late for exactly steps 0-2 and early for steps 3-5.
    session_id = await start(api, "steps=6 hold=3")
    await wait_until(api, session_id, lambda body: len(body["step_results"]) == 3, "made 3 steps")
    gate = gate_path(shared_server.runner_log, session_id)
    events: list[tuple[str, str, bool]] = []  # (kind, data, sent after the gate opened)
    async with api.stream("GET", f"/v1/sessions/{session_id}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((kind, line.removeprefix("data: "), gate.exists()))
                if [k for k, _, _ in events].count("step") == 3:
                    gate.touch()
    kinds = [kind for kind, _, _ in events]
    assert kinds == ["status", *["step"] * 6, "end"]
    assert '"running"' in events[0][1]
    assert '"completed"' in events[-1][1]
    steps = [(int(data.split('"n": ')[1].split(",")[0]), late) for k, data, late in events[1:-1]]
    assert steps == [(0, False), (1, False), (2, False), (3, True), (4, True), (5, True)]


async def test_metrics_are_prometheus_text(api: httpx.AsyncClient) -> None:
    await wait_done(api, await start(api, "steps=2"))
    response = await api.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'pupi_sessions{status="completed"}' in text
    assert "pupi_queue_depth " in text
    assert "pupi_step_duration_seconds_bucket" in text
    assert "pupi_session_duration_seconds_count" in text
    assert text.endswith("\n")
