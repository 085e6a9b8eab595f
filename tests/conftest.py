"""Fixtures shared by every tier: the demo site, and instances that close themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from pupi import PupiPuppeteerSDK, RunResult
from pupi.browser.instances import get_manager
from pupi.demo import DemoServer


@pytest.fixture(scope="session", autouse=True)
def _keys_and_profiles_of_our_own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The server's sealing key file and local profiles in a temporary directory,
    never the user's own (in-process servers and local instances read these)."""
    root = tmp_path_factory.mktemp("pupi-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PUPI_SECRET_KEY_FILE", str(root / "secret.key"))
        patch.setenv("PUPI_PROFILES_DIR", str(root / "profiles"))
        yield


@pytest.fixture(scope="session", autouse=True)
async def _close_browsers_at_the_end() -> AsyncIterator[None]:
    """Shut the session loop's browser and driver down before pytest closes the loop."""
    yield
    await get_manager().shutdown()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoServer]:
    """The bundled demo site on a free loopback port, for the whole test session."""
    with DemoServer(host="127.0.0.1", port=0) as site:
        yield site


@pytest.fixture
def demo_url(demo_site: DemoServer) -> str:
    """The demo site's base URL, with its state reset for this test."""
    demo_site.reset()
    return demo_site.url


@pytest.fixture
async def sdk() -> AsyncIterator[PupiPuppeteerSDK]:
    """A local SDK; every instance opened during the test is closed after it."""
    before = {info.id for info in get_manager().list()}
    client = PupiPuppeteerSDK()
    yield client
    manager = get_manager()
    for info in manager.list():
        if info.id not in before:
            await manager.close(info.id)


RunSteps = Callable[..., Awaitable[RunResult]]


@pytest.fixture
def run(sdk: PupiPuppeteerSDK) -> RunSteps:
    """``await run(steps, **options)``: execute_steps_locally, closed after the test."""

    async def execute(steps: Any, **options: Any) -> RunResult:
        return await sdk.execute_steps_locally(steps, **options)

    return execute
