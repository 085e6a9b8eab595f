"""Webhooks against a local receiver that fails the first attempts, on SQLite and PostgreSQL.

The receiver is a real HTTP server in the test process; the server under test
reaches it through its egress proxy, so it must be allowed (``--allow-host``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tests.server.pupi_service_harness import ServerFactory, client_for, eventually, poll

from pupi import verify_webhook

pytestmark = pytest.mark.service

TERMINAL = ("completed", "failed", "cancelled")
FAST_RETRIES = {"PUPI_WEBHOOK_BACKOFF_S": "0.2", "PUPI_WEBHOOK_MAX_ATTEMPTS": "6"}


@dataclass
class Receiver:
    """Answers 500 to the first ``failures`` requests, then 200; keeps each one."""

    failures: int
    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/pupi"

    def accepted(self) -> list[tuple[dict[str, str], bytes, int]]:
        return [request for request in self.requests if request[2] == 200]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head[1:] if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = 500 if len(self.requests) < self.failures else 200
        self.requests.append((headers, body, status))
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver(failures=2)
    server = await asyncio.start_server(hook.handle, "127.0.0.1", 0)
    hook.port = server.sockets[0].getsockname()[1]
    async with server:
        yield hook


async def deliveries(api: httpx.AsyncClient, session_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get(f"/v1/sessions/{session_id}/webhooks")).json()[
        "deliveries"
    ]
    return found


async def test_a_failing_receiver_gets_one_signed_accepted_delivery_per_run(
    server_factory: ServerFactory, receiver: Receiver
) -> None:
    server = await server_factory(allow_hosts=(f"127.0.0.1:{receiver.port}",), env=FAST_RETRIES)
    token = await server.token()
    async with client_for(server.url, token) as api:
        secret = (await api.get("/v1/webhook")).json()["secret"]
        body = {"prompt": "steps=1 answer=hooked", "webhook_url": receiver.url}
        session_id = (await api.post("/v1/sessions", json=body)).json()["session_id"]
        assert (await poll(api, session_id, *TERMINAL))["webhook_url"] == receiver.url

        async def delivered() -> list[dict[str, Any]] | None:
            found = await deliveries(api, session_id)
            return found if found and found[0]["status"] == "delivered" else None

        [delivery] = await eventually(delivered, "the delivery accepted")
        assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 500, 200]
        assert len(receiver.accepted()) == 1
        assert len(receiver.requests) == 3
        headers, raw, _ = receiver.accepted()[0]
        assert verify_webhook(raw, headers["pupi-signature"], secret)
        assert not verify_webhook(raw, headers["pupi-signature"], "whsec_someone_else")
        assert headers["pupi-delivery"] == delivery["id"]
        assert headers["pupi-attempt"] == "3"
        payload = json.loads(raw)
        assert payload["session_id"] == session_id
        assert (payload["run"], payload["status"], payload["answer"]) == (0, "completed", "hooked")
    assert secret not in server.log()  # secrets stay out of the logs


async def test_a_delivery_survives_a_server_restart_between_attempts(
    server_factory: ServerFactory, receiver: Receiver
) -> None:
    # Slow retries: the server is killed while the second attempt waits.
    env = {"PUPI_WEBHOOK_BACKOFF_S": "3", "PUPI_WEBHOOK_MAX_ATTEMPTS": "6"}
    receiver.failures = 1
    server = await server_factory(allow_hosts=(f"127.0.0.1:{receiver.port}",), env=env)
    token = await server.token()
    async with client_for(server.url, token) as api:
        body = {"prompt": "steps=1", "webhook_url": receiver.url}
        session_id = (await api.post("/v1/sessions", json=body)).json()["session_id"]

        async def first_attempt_recorded() -> bool:
            found = await deliveries(api, session_id)
            return bool(found and found[0]["attempts"])

        await eventually(first_attempt_recorded, "the first attempt recorded")
    server.kill()  # SIGKILL: nothing is written on the way out
    await asyncio.to_thread(server.start)
    async with client_for(server.url, token) as api:

        async def delivered() -> list[dict[str, Any]] | None:
            found = await deliveries(api, session_id)
            return found if found and found[0]["status"] == "delivered" else None

        [delivery] = await eventually(delivered, "the delivery accepted after the restart")
    assert len(receiver.accepted()) == 1
    assert [attempt["status_code"] for attempt in delivery["attempts"]][-1] == 200
    assert delivery["attempts"][0]["status_code"] == 500


async def test_the_token_default_applies_and_the_fetch_policy_holds(
    server_factory: ServerFactory, receiver: Receiver
) -> None:
    receiver.failures = 0
    # Not allowed: the receiver is on loopback, which the policy keeps agents and hooks off.
    server = await server_factory(env=FAST_RETRIES)
    token = await server.token()
    async with client_for(server.url, token) as api:
        settings = (await api.put("/v1/webhook", json={"url": receiver.url})).json()
        assert settings["url"] == receiver.url
        session_id = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()[
            "session_id"
        ]
        assert (await poll(api, session_id, *TERMINAL))["webhook_url"] == receiver.url

        async def given_up() -> list[dict[str, Any]] | None:
            found = await deliveries(api, session_id)
            return found if found and found[0]["status"] == "failed" else None

        [delivery] = await eventually(given_up, "the delivery refused")
        assert len(delivery["attempts"]) == 1
        assert delivery["attempts"][0]["error"].startswith("fetch_refused")
        assert "loopback" in delivery["attempts"][0]["error"]
        assert receiver.requests == []
        cleared = (await api.put("/v1/webhook", json={"url": None})).json()
        assert cleared["url"] is None
        assert cleared["secret"] == settings["secret"]

    other = await server.token("other")
    async with client_for(server.url, other) as intruder:
        refused = await intruder.get(f"/v1/sessions/{session_id}/webhooks")
        assert refused.status_code == 404
        assert (await intruder.get("/v1/webhook")).json()["secret"] != settings["secret"]
