"""Sessions' browser options, saved states, profiles, uploads and downloads, through the API.

A real server process with the fake runner (on SQLite and PostgreSQL): what is
checked here is the server's side, what it validates, seals, stores, serves and
hands its runner; ``test_session_browser.py`` runs the same with real Chromium.
"""

from __future__ import annotations

import base64
import sqlite3
from typing import Any

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer, eventually, run_ended

from pupi.client import AsyncApiClient
from pupi.errors import InvalidSteps, NotFound, ProfileInUse

pytestmark = pytest.mark.service

PASSWORD = "pr0xy-s3cret-Zq9"
COOKIE = "login-cookie-V4lue"


def state_with(value: str) -> dict[str, Any]:
    cookie = {"name": "sid", "value": value, "domain": "127.0.0.1", "path": "/"}
    return {"cookies": [cookie], "origins": []}


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    return await api.post(path, json=body)


async def test_options_are_shown_without_their_secrets_and_sealed_at_rest(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    response = await post(
        api,
        "/v1/sessions",
        {
            "prompt": "steps=1",
            "device": "iPhone 15",
            "locale": "de-DE",
            "storage_state": state_with(COOKIE),
            "proxy": {"server": "http://127.0.0.1:9", "username": "u", "password": PASSWORD},
            "extra_http_headers": {"Authorization": f"Bearer {PASSWORD}"},
        },
    )
    assert response.status_code == 201, response.text
    session_id = response.json()["session_id"]
    body = await run_ended(api, session_id)
    assert body["status"] == "completed"
    assert body["options"] == {
        "device": "iPhone 15",
        "locale": "de-DE",
        "proxy": {"server": "http://127.0.0.1:9"},
        "storage_state": "(given)",
        "extra_http_headers": ["Authorization"],
    }
    everything = (await api.get(f"/v1/sessions/{session_id}")).text
    events = (await api.get(f"/v1/sessions/{session_id}/events")).text
    for channel in (everything, events, shared_server.log()):
        assert PASSWORD not in channel
        assert COOKIE not in channel
    if shared_server.database_url.startswith("sqlite"):
        path = shared_server.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            (sealed,) = db.execute(
                "SELECT sealed FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        assert sealed and PASSWORD.encode() not in sealed and COOKIE.encode() not in sealed

    # The runner got the storage state: the fake answers the cookie it started with.
    response = await post(
        api, "/v1/sessions", {"prompt": "steps=1 recall=1", "storage_state": state_with("seen")}
    )
    assert (await run_ended(api, response.json()["session_id"]))["answer"] == "seen"


async def test_bad_options_are_422_naming_the_field(api: httpx.AsyncClient) -> None:
    cases = {
        "device": {"device": "Nokia 3310"},
        "storage_state": {"storage_state": "/etc/passwd"},
        "proxy.server": {"proxy": {"server": "ftp://127.0.0.1:21"}},
        "timezone_id": {"timezone_id": "Mars/Olympus"},
    }
    for field, options in cases.items():
        response = await post(api, "/v1/sessions", {"prompt": "steps=1", **options})
        assert response.status_code == 422, (field, response.text)
        message = response.json()["error"]["message"]
        assert field in message
        if field == "device":
            assert "iPhone 15" in message  # the known devices are listed


async def test_save_state_returns_the_state_after_each_run(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    started = await post(
        api,
        "/v1/sessions",
        {"prompt": "steps=1 remember=first", "save_state": True, "idle_timeout_s": 60},
    )
    session_id = started.json()["session_id"]
    body = await run_ended(api, session_id)
    assert body["storage_state_url"] == f"/v1/sessions/{session_id}/storage_state"
    token = api.headers["Authorization"][7:]
    async with AsyncApiClient(shared_server.url, access_token=token) as c:
        assert (await c.get_storage_state(session_id))["cookies"][0]["value"] == "first"
        await c.send_prompt_to_session(session_id, "steps=1 remember=second")
        await run_ended(api, session_id, 1)
        assert (await c.get_storage_state(session_id))["cookies"][0]["value"] == "second"
        await c.close_session(session_id)

        plain = await c.send_prompt_to_ai("steps=1")
        await run_ended(api, plain.session_id)
        with pytest.raises(NotFound, match="save_state"):
            await c.get_storage_state(plain.session_id)


async def test_a_profile_carries_a_login_to_the_next_session_and_is_held_by_one(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    token = api.headers["Authorization"][7:]
    async with AsyncApiClient(shared_server.url, access_token=token) as client:
        first = await client.send_prompt_to_ai(
            "steps=1 remember=logged-in", profile="work", idle_timeout_s=60
        )
        await run_ended(api, first.session_id)
        # Held while the first session's browser is open.
        with pytest.raises(ProfileInUse) as caught:
            await client.send_prompt_to_ai("steps=1", profile="work")
        assert caught.value.profile == "work"
        other = await client.send_prompt_to_ai("steps=1 recall=1", profile="home")
        assert (await run_ended(api, other.session_id))["answer"] in (None, "")

        await client.close_session(first.session_id)

        async def free() -> Any:
            try:
                return await client.send_prompt_to_ai("steps=1 recall=1", profile="work")
            except ProfileInUse:
                return None  # the first browser is still being let go

        second = await eventually(free, "the profile being let go")
        assert (await run_ended(api, second.session_id))["answer"] == "logged-in"

    # Another token's profile of the same name is another profile.
    async with AsyncApiClient(shared_server.url, access_token=await shared_server.token()) as c:
        theirs = await c.send_prompt_to_ai("steps=1 recall=1", profile="work")
        assert (await c.wait_for_session(theirs.session_id, timeout_s=60)).answer in (None, "")


async def test_files_sent_with_steps_reach_their_upload_steps_and_are_listed(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    token = api.headers["Authorization"][7:]
    async with AsyncApiClient(shared_server.url, access_token=token) as client:
        started = await client.execute_steps_remotely(
            [{"action": "upload", "selector": "#file", "files": "notes.txt"}],
            files={"notes.txt": b"hello from the client"},
            idle_timeout_s=60,
        )
        result = await client.wait_for_session(started.session_id, timeout_s=60)
        assert result.outputs == {"uploaded": {"notes.txt": "hello from the client"}}
        (listed,) = result.files
        assert (listed.kind, listed.name, listed.size) == ("upload", "notes.txt", 21)
        assert listed.content_type == "text/plain"
        data = await client.download_session_file(started.session_id, "notes.txt")
        assert data == b"hello from the client"

        # A follow-up may name what an earlier run sent, and send more.
        again = await client.execute_steps_remotely(
            [{"action": "upload", "selector": "#file", "files": ["notes.txt", "more.txt"]}],
            session_id=started.session_id,
            files={"more.txt": b"more"},
        )
        assert again.run == 1
        await run_ended(api, started.session_id, 1)
        final = await client.get_session_result(started.session_id)
        uploaded = {"notes.txt": "hello from the client", "more.txt": "more"}
        assert final.outputs == {"uploaded": uploaded}

        # A step naming a file nobody sent, or a path on the server, is refused.
        with pytest.raises(InvalidSteps) as caught:
            await client.execute_steps_remotely(
                [
                    {"action": "go", "url": "http://127.0.0.1:9/"},
                    {"action": "upload", "selector": "#file", "files": "/etc/passwd"},
                ]
            )
        (problem,) = caught.value.errors
        assert (problem.index, problem.action, problem.field) == (1, "upload", "files")
        assert "/etc/passwd" in problem.message


async def test_uploads_are_bounded_and_must_be_base64(api: httpx.AsyncClient) -> None:
    steps = [{"action": "upload", "selector": "#file", "files": "big.bin"}]
    big = base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()
    response = await post(
        api, "/v1/sessions", {"steps": steps, "files": [{"name": "big.bin", "content": big}]}
    )
    assert response.status_code == 413
    assert "PUPI_MAX_UPLOAD_BYTES" in response.json()["error"]["message"]
    response = await post(
        api, "/v1/sessions", {"steps": steps, "files": [{"name": "big.bin", "content": "%%"}]}
    )
    assert response.status_code == 422
    for name in ("../etc/passwd", "a/b", ".."):
        response = await post(
            api, "/v1/sessions", {"steps": steps, "files": [{"name": name, "content": ""}]}
        )
        assert response.status_code == 422, name


async def test_downloads_are_kept_within_the_bounds_and_served(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    token = api.headers["Authorization"][7:]
    async with AsyncApiClient(shared_server.url, access_token=token) as client:
        started = await client.send_prompt_to_ai(
            "steps=1 remember=abc download=report.csv size=3", idle_timeout_s=60
        )
        await run_ended(api, started.session_id)
        await client.send_prompt_to_session(started.session_id, "steps=1 download=report.csv")
        await run_ended(api, started.session_id, 1)
        result = await client.get_session_result(started.session_id)
        names = [(file.kind, file.name, file.size, file.run) for file in result.files]
        assert names == [("download", "report.csv", 9, 0), ("download", "report (1).csv", 3, 1)]
        assert await client.download_session_file(started.session_id, "report.csv") == b"abc" * 3
        assert await client.download_session_file(started.session_id, "report (1).csv") == b"abc"
        with pytest.raises(NotFound, match="no file"):
            await client.download_session_file(started.session_id, "nothing.csv")
        await client.close_session(started.session_id)


async def test_remote_steps_may_not_write_the_servers_files(api: httpx.AsyncClient) -> None:
    steps = [
        {"action": "go", "url": "http://127.0.0.1:9/"},
        {"action": "screenshot", "path": "/tmp/pupi-owned.png"},
        {"action": "save_state", "path": "/tmp/pupi-state.json"},
        {"action": "screenshot"},
    ]
    response = await post(api, "/v1/sessions", {"steps": steps})
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    assert body["code"] == "invalid_steps"
    refused = [(e["index"], e["action"], e["field"]) for e in body["details"]["errors"]]
    assert refused == [(1, "screenshot", "path"), (2, "save_state", None)]


async def test_vision_reaches_the_runner_and_needs_an_llm_planner(api: httpx.AsyncClient) -> None:
    for given, reached in ((True, "screen"), ("marks", "marks"), (None, "None")):
        body = {"prompt": "steps=1 show=vision", "planner": "openai", "vision": given}
        response = await post(api, "/v1/sessions", body)
        assert response.status_code == 201, response.text
        assert (await run_ended(api, response.json()["session_id"]))["answer"] == reached
    response = await post(api, "/v1/sessions", {"prompt": "steps=1", "vision": True})
    assert response.status_code == 422
    assert "vision" in response.json()["error"]["message"]
