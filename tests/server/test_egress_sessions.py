"""The fetch policy end to end: a real server and agent, an allowed page, a loopback target.

The server allows only the attacker site's port. Each start URL below settles
its attempt on the target before the page's load event (a top-level redirect,
an image, an iframe), so by the time the agent has looked at the page the
attempt was made, and the target's socket says whether it got through.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from tests.server.egress_sites import SECRET, AttackerSite, CountingTarget, sites
from tests.server.pupi_service_harness import ApiServer

from pupi.client import AsyncApiClient

pytestmark = [pytest.mark.service, pytest.mark.browser]


@pytest.fixture(scope="module")
def target_and_site() -> Iterator[tuple[CountingTarget, AttackerSite]]:
    yield from sites()


@pytest.fixture(scope="module")
async def server(
    target_and_site: tuple[CountingTarget, AttackerSite], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiServer]:
    _, site = target_and_site
    workdir: Path = tmp_path_factory.mktemp("egress")
    running = ApiServer(
        f"sqlite:///{workdir / 'pupi.db'}",
        workdir,
        fake_runner=False,
        allow_hosts=(f"127.0.0.1:{site.port}",),
    )
    await asyncio.to_thread(running.start)
    yield running
    await asyncio.to_thread(running.stop)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/redirect", id="top-level-redirect"),
        pytest.param("/v/img-redirect", id="image-redirect"),
        pytest.param("/v/iframe-redirect", id="iframe-redirect"),
    ],
)
async def test_a_session_on_an_allowed_page_never_connects_to_a_loopback_target(
    path: str, server: ApiServer, target_and_site: tuple[CountingTarget, AttackerSite]
) -> None:
    target, site = target_and_site
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            "What is the main heading of this page?", start_url=f"{site.url}{path}", max_steps=4
        )
        result = await api.wait_for_session(started.session_id, timeout_s=120)
        assert result.steps, (result.error, server.log()[-2000:])
        assert result.steps[0]["action"] == "go"
        for n in range(len(result.steps)):
            shot = await api.get_screenshot(started.session_id, n)
            assert SECRET.encode() not in shot
    assert target.connections == 0
    assert SECRET not in str(result.answer)
    assert SECRET not in str(result.error)


async def test_a_data_start_url_is_refused_before_any_browser_starts(
    server: ApiServer, target_and_site: tuple[CountingTarget, AttackerSite]
) -> None:
    target, _ = target_and_site
    page = f"data:text/html,<script>fetch('http://{target.address}/')</script>"
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai("What does this page say?", start_url=page)
        result = await api.wait_for_session(started.session_id, timeout_s=60)
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "fetch_refused"
    assert "data: pages" in result.error["message"]
    assert result.steps == []
    assert target.connections == 0
