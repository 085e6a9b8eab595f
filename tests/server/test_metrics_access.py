"""Who may read /metrics: nobody by default, any token, or anyone (``PUPI_METRICS``)."""

from __future__ import annotations

import re

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer, ServerFactory

pytestmark = pytest.mark.service


async def test_metrics_are_not_exposed_by_default_even_to_a_token(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory()
    token = await server.token()
    async with httpx.AsyncClient(base_url=server.url) as plain:
        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            response = await plain.get("/metrics", headers=headers)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
            assert "pupi_" not in response.text


async def test_metrics_for_tokens_need_a_valid_token(shared_server: ApiServer) -> None:
    # The shared server runs with PUPI_METRICS=token.
    async with httpx.AsyncClient(base_url=shared_server.url) as plain:
        for headers in ({}, {"Authorization": "Bearer pupi_not-a-real-token"}):
            response = await plain.get("/metrics", headers=headers)
            assert response.status_code == 401
            assert "pupi_sessions" not in response.text
        token = await shared_server.token()
        response = await plain.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "pupi_queue_depth " in response.text


async def test_public_metrics_need_no_token_and_say_nothing_about_one(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_METRICS": "public"})
    token = await server.token("alice-private-name")
    async with httpx.AsyncClient(base_url=server.url) as plain:
        created = await plain.post(
            "/v1/sessions", json={"prompt": "steps=1"}, headers={"Authorization": f"Bearer {token}"}
        )
        session_id = created.json()["session_id"]
        response = await plain.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert "pupi_sessions{status=" in text
    for secret in (token, token[:12], "alice-private-name", session_id):
        assert secret not in text
    # Only server-wide series: no label could carry a token or a session.
    labels = set(re.findall(r"\{(\w+)=", text))
    assert labels <= {"status", "le"}
