"""The prompt cache through the server: sessions with ``cache: true``, in real Chromium.

The cache is the token's, in the database: one session plans and keeps a login,
the next replays it without the planner, another token's does not see it, and an
entry whose steps fail is planned again and replaced. The demo site's own state
says each login happened.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from tests.server.pupi_service_harness import ApiServer, ServerFactory

from pupi.agent.cache import CacheKey
from pupi.client import AsyncApiClient, SessionResult
from pupi.demo import DemoServer
from pupi.server.db.engine import create_engine
from pupi.server.db.models import PromptCacheRow

pytestmark = [pytest.mark.service, pytest.mark.browser]

WAIT_S = 90
PASSWORD = "lovelace"
LOGIN = (
    "Type ada into the username field, type {{secret.password}} into the password field "
    "and click Log in"
)
SECRETS = {"password": PASSWORD}


@pytest.fixture
async def server(server_factory: ServerFactory) -> ApiServer:
    # 127.0.0.1: the demo site is on loopback.
    return await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))


async def log_in(server: ApiServer, token: str, demo_url: str) -> SessionResult:
    async with AsyncApiClient(server.url, access_token=token) as api:
        started = await api.send_prompt_to_ai(
            LOGIN, start_url=f"{demo_url}/login", secrets=SECRETS, cache=True
        )
        result = await api.wait_for_session(started.session_id, timeout_s=WAIT_S)
    assert result.status == "completed", (result.error, server.log()[-3000:])
    return result


async def entries(server: ApiServer) -> list[PromptCacheRow]:
    engine = create_engine(server.database_url)
    try:
        async with AsyncSession(engine) as db:
            return list(await db.scalars(select(PromptCacheRow)))
    finally:
        await engine.dispose()


async def set_steps(server: ApiServer, steps: list[dict[str, Any]]) -> None:
    engine = create_engine(server.database_url)
    try:
        async with engine.begin() as db:
            await db.execute(update(PromptCacheRow).values(steps=steps))
    finally:
        await engine.dispose()


async def test_a_token_s_second_session_replays_the_first_one_s_steps(
    server: ApiServer, demo_url: str, demo_site: DemoServer
) -> None:
    token = await server.token()
    planned = await log_in(server, token, demo_url)
    assert not planned.runs[0].cached
    [entry] = await entries(server)
    key = CacheKey.of(LOGIN, site=f"{demo_url}/login", planner="rules")
    assert entry.key == key.digest
    assert entry.steps == planned.runs[0].steps
    # The cache holds the placeholder, never the value typed.
    assert PASSWORD not in json.dumps(entry.steps)
    assert "{{secret.password}}" in json.dumps(entry.steps)

    replayed = await log_in(server, token, demo_url)
    run = replayed.runs[0]
    assert run.cached
    assert run.usage is not None and run.usage["requests"] == 0
    assert run.steps == planned.runs[0].steps
    assert demo_site.state()["logins"] == ["ada", "ada"]

    # Another token's identical prompt is planned, and kept in its own cache.
    other = await log_in(server, await server.token("other"), demo_url)
    assert not other.runs[0].cached
    assert len(await entries(server)) == 2
    assert demo_site.state()["logins"] == ["ada", "ada", "ada"]


async def test_a_cached_entry_that_fails_is_planned_again_and_replaced(
    server: ApiServer, demo_url: str, demo_site: DemoServer
) -> None:
    token = await server.token()
    await log_in(server, token, demo_url)
    stale = [{"action": "evaluate", "script": "() => { throw new Error('gone') }"}]
    await set_steps(server, stale)

    result = await log_in(server, token, demo_url)
    assert not result.runs[0].cached
    [entry] = await entries(server)
    assert entry.steps == result.runs[0].steps != stale
    assert demo_site.state()["logins"] == ["ada", "ada"]

    again = await log_in(server, token, demo_url)
    assert again.runs[0].cached
    assert demo_site.state()["logins"] == ["ada", "ada", "ada"]


async def test_a_prompt_with_an_output_schema_is_neither_served_nor_kept(
    server: ApiServer, demo_url: str
) -> None:
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        for _ in range(2):
            started = await api.send_prompt_to_ai(
                f"What is the price of the Desk Lamp on {demo_url}/shop?",
                output_schema={"type": "string"},
                cache=True,
            )
            result = await api.wait_for_session(started.session_id, timeout_s=WAIT_S)
            assert result.status == "completed", (result.error, server.log()[-3000:])
            assert not result.runs[0].cached
    assert await entries(server) == []
