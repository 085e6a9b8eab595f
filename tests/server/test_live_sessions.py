"""Sessions that stay open: follow-up prompts and steps in one browser, idle expiry, isolation.

A real server process with the fake runner, on SQLite and PostgreSQL; the fake
"browser" keeps what a prompt told it to remember, so a later run can show that
it ran in the same one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from tests.server.pupi_service_harness import TERMINAL, ApiServer, eventually, poll, run_ended

from pupi.client import AsyncApiClient
from pupi.errors import InvalidSteps, SessionNotOpen

pytestmark = pytest.mark.service


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(path, json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_an_open_session_takes_prompts_and_steps_in_the_same_browser(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    started = await post(
        api, "/v1/sessions", {"prompt": "steps=1 remember=ada", "idle_timeout_s": 60}
    )
    session_id = started["session_id"]
    assert started["run"] == 0
    first = await run_ended(api, session_id, 0)
    assert (first["status"], first["open"]) == ("completed", True)

    again = await post(api, f"/v1/sessions/{session_id}/prompts", {"prompt": "steps=2 recall=1"})
    assert (again["run"], again["status"]) == (1, "queued")
    second = await run_ended(api, session_id, 1)
    assert second["answer"] == "ada"  # what the first run left in the browser

    steps = [{"action": "wait", "ms": 1}, {"action": "extract", "selector": "h1", "as": "kept"}]
    third = await post(api, f"/v1/sessions/{session_id}/steps", {"steps": steps})
    assert third["run"] == 2
    done = await run_ended(api, session_id, 2)
    assert done["status"] == "completed"
    assert done["outputs"] == {"kept": "ada"}
    assert [(run["n"], run["kind"], run["status"]) for run in done["runs"]] == [
        (0, "prompt", "completed"),
        (1, "prompt", "completed"),
        (2, "steps", "completed"),
    ]
    # Step numbers run on across the runs; each step says which run made it.
    assert [(step["n"], step["run"]) for step in done["step_results"]] == [
        (0, 0),
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 2),
    ]
    assert len(done["steps"]) == 5  # the whole session, replayable
    assert "released" not in _log_of(shared_server, session_id)

    closed = (await api.delete(f"/v1/sessions/{session_id}")).json()
    assert (closed["open"], closed["close_reason"]) == (False, "client")
    await eventually(
        lambda: _async(f"released {session_id}" in _log_of(shared_server, session_id)),
        "the browser released on close",
    )
    refused = await api.post(f"/v1/sessions/{session_id}/prompts", json={"prompt": "x"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "session_not_open"


def _log_of(server: ApiServer, session_id: str) -> str:
    lines = server.runner_log.read_text().splitlines() if server.runner_log.exists() else []
    return "\n".join(line for line in lines if session_id in line)


async def _async(value: bool) -> bool:
    return value


async def test_by_default_the_browser_goes_when_the_run_ends(api: httpx.AsyncClient) -> None:
    session_id = (await post(api, "/v1/sessions", {"prompt": "steps=1"}))["session_id"]
    done = await poll(api, session_id, *TERMINAL)
    assert (done["status"], done["open"], done["idle_timeout_s"]) == ("completed", False, 0)
    assert done["active"] is True  # the record stays until closed or expired
    refused = await api.post(
        f"/v1/sessions/{session_id}/steps", json={"steps": [{"action": "wait", "ms": 1}]}
    )
    assert refused.status_code == 409
    assert "idle_timeout_s" in refused.json()["error"]["message"]


async def test_a_follow_up_sent_while_a_run_works_runs_after_it(api: httpx.AsyncClient) -> None:
    session_id = (
        await post(api, "/v1/sessions", {"prompt": "steps=5 delay=0.1", "idle_timeout_s": 30})
    )["session_id"]
    await poll(api, session_id, "running")
    await post(api, f"/v1/sessions/{session_id}/prompts", {"prompt": "steps=1 answer=second"})
    done = await run_ended(api, session_id, 1)
    assert [run["status"] for run in done["runs"]] == ["completed", "completed"]
    assert done["runs"][1]["started_at"] >= done["runs"][0]["finished_at"]
    assert done["answer"] == "second"


async def test_an_idle_session_is_closed_and_its_browser_released(
    server_factory: Any,
) -> None:
    server: ApiServer = await server_factory()
    token = await server.token()
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}
    ) as api:
        session_id = (
            await post(api, "/v1/sessions", {"prompt": "steps=1", "idle_timeout_s": 0.5})
        )["session_id"]

        async def expired() -> dict[str, Any] | None:
            body: dict[str, Any] = (await api.get(f"/v1/sessions/{session_id}")).json()
            return body if body["closed_at"] else None

        body = await eventually(expired, "the idle session closed")
        assert (body["status"], body["close_reason"], body["open"]) == ("completed", "idle", False)
        assert body["active"] is False
        await eventually(
            lambda: _async(f"released {session_id}" in _log_of(server, session_id)),
            "the browser released at expiry",
        )


async def test_a_session_can_start_with_steps_and_no_prompt(api: httpx.AsyncClient) -> None:
    steps = [{"action": "extract", "selector": "title", "as": "title"}]
    session_id = (await post(api, "/v1/sessions", {"steps": steps}))["session_id"]
    done = await poll(api, session_id, *TERMINAL)
    assert done["status"] == "completed"
    assert done["runs"][0]["kind"] == "steps"
    assert done["outputs"] == {"title": None}  # the fake browser had nothing kept
    assert done["steps"] == steps


async def test_invalid_steps_are_refused_naming_each_before_anything_runs(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    bad = [{"action": "go"}, {"action": "click", "selector": "#ok"}, {"action": "fly"}]
    answer = await api.post("/v1/sessions", json={"steps": bad})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_steps"
    assert [item["index"] for item in error["details"]["errors"]] == [0, 2]
    # Through the client, the same answer comes back as the local exception.
    token = api.headers["Authorization"].removeprefix("Bearer ")
    async with AsyncApiClient(shared_server.url, access_token=token) as client:
        with pytest.raises(InvalidSteps) as raised:
            await client.execute_steps_remotely(bad)
        assert [problem.index for problem in raised.value.errors] == [0, 2]
        assert raised.value.errors[0].field == "url"
        open_one = await client.send_prompt_to_ai("steps=1", idle_timeout_s=30)
        await poll(api, open_one.session_id, *TERMINAL)
        with pytest.raises(InvalidSteps):
            await client.execute_steps_remotely(bad, session_id=open_one.session_id)
        session = await client.get_session_result(open_one.session_id)
        assert len(session.runs) == 1  # the bad steps were never queued
        await client.close_session(open_one.session_id)
        with pytest.raises(SessionNotOpen):
            await client.send_prompt_to_session(open_one.session_id, "steps=1")


async def test_no_token_can_continue_another_tokens_session(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    session_id = (await post(api, "/v1/sessions", {"prompt": "steps=1", "idle_timeout_s": 30}))[
        "session_id"
    ]
    await poll(api, session_id, *TERMINAL)
    other = await shared_server.token("other")
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {other}"}
    ) as intruder:
        for path, body in [
            (f"/v1/sessions/{session_id}/prompts", {"prompt": "steps=1"}),
            (f"/v1/sessions/{session_id}/steps", {"steps": [{"action": "wait", "ms": 1}]}),
        ]:
            refused = await intruder.post(path, json=body)
            assert refused.status_code == 404, path
            assert refused.json()["error"]["code"] == "session_not_found"
    body = (await api.get(f"/v1/sessions/{session_id}")).json()
    assert len(body["runs"]) == 1
    await api.delete(f"/v1/sessions/{session_id}")


async def test_a_traced_session_serves_its_trace_once_its_browser_is_released(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    traced = (await post(api, "/v1/sessions", {"prompt": "steps=1", "trace": True}))["session_id"]
    await poll(api, traced, *TERMINAL)

    async def written() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(f"/v1/sessions/{traced}")).json()
        return body if body["trace_url"] else None

    # The view names the trace once it is written (the browser gone), not before.
    done = await eventually(written, "the trace written")
    assert done["trace_url"] == f"/v1/sessions/{traced}/trace"
    assert done["open"] is False
    trace = await api.get(done["trace_url"])
    assert trace.headers["content-type"] == "application/zip"
    assert trace.content.startswith(b"PK")

    plain = (await post(api, "/v1/sessions", {"prompt": "steps=1"}))["session_id"]
    await poll(api, plain, *TERMINAL)
    missing = await api.get(f"/v1/sessions/{plain}/trace")
    assert missing.status_code == 404
    assert "trace: true" in missing.json()["error"]["message"]

    other = await shared_server.token("other")
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {other}"}
    ) as intruder:
        refused = await intruder.get(f"/v1/sessions/{traced}/trace")
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "session_not_found"


async def test_the_live_view_streams_frames_while_the_browser_is_held(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    session_id = (await post(api, "/v1/sessions", {"prompt": "steps=1", "idle_timeout_s": 60}))[
        "session_id"
    ]
    await poll(api, session_id, *TERMINAL)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    async with AsyncApiClient(shared_server.url, access_token=token) as client:
        frames = []
        async for frame in client.watch_session(session_id):
            frames.append(frame)
            if len(frames) == 2:
                break
        assert [frame.content_type for frame in frames] == ["image/png", "image/png"]
        assert frames[0].data.startswith(b"\x89PNG")
        assert frames[1].seq > frames[0].seq

        # Closing the session ends the stream: the browser it showed is gone.
        first_frame = asyncio.Event()

        async def watch_to_the_end() -> int:
            seen = 0
            async for _frame in client.watch_session(session_id):
                seen += 1
                first_frame.set()
            return seen

        watcher = asyncio.create_task(watch_to_the_end())
        await asyncio.wait_for(first_frame.wait(), 60)
        await api.delete(f"/v1/sessions/{session_id}")
        assert await asyncio.wait_for(watcher, 60) >= 1
        with pytest.raises(SessionNotOpen):
            async for _ in client.watch_session(session_id):
                pass

    other = await shared_server.token("other")
    async with httpx.AsyncClient(
        base_url=shared_server.url, headers={"Authorization": f"Bearer {other}"}
    ) as intruder:
        refused = await intruder.get(f"/v1/sessions/{session_id}/live")
        assert refused.status_code == 404


async def test_open_browsers_hold_worker_places_and_the_429_says_so(
    server_factory: Any,
) -> None:
    server: ApiServer = await server_factory(
        env={"PUPI_CONCURRENCY": "1", "PUPI_MAX_QUEUED_PER_TOKEN": "1"}
    )
    token = await server.token()
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}
    ) as api:
        held = (await post(api, "/v1/sessions", {"prompt": "steps=1", "idle_timeout_s": 120}))[
            "session_id"
        ]
        done = await poll(api, held, *TERMINAL)
        assert done["open"] is True
        # Its browser, idle, keeps the only worker's place: the next one waits.
        waiting = (await post(api, "/v1/sessions", {"prompt": "steps=1"}))["session_id"]
        refused = await api.post("/v1/sessions", json={"prompt": "steps=1"})
        assert refused.status_code == 429
        assert "1 of its sessions hold a browser" in refused.json()["error"]["message"]
        assert (await api.get(f"/v1/sessions/{waiting}")).json()["status"] == "queued"
        # Closing the open session frees the place, and the queued one runs.
        await api.delete(f"/v1/sessions/{held}")
        assert (await poll(api, waiting, *TERMINAL))["status"] == "completed"
