"""Every entry point refuses a dead instance with ``InstanceDead``, before running anything.

An instance dies when its page crashes, its browser dies or its context is
closed behind Pupi's back; each test kills one in one of these ways (waiting
for the event that marks it, never for a time) and then hands its id over.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Error as PlaywrightError

from pupi import InstanceDead, InstanceNotFound, PupiPuppeteerSDK, Puppeteer
from pupi.browser.instances import Instance, get_manager

pytestmark = pytest.mark.browser

Kill = Callable[[Instance], Awaitable[None]]


async def close_its_context(instance: Instance) -> None:
    # close() returns after the context's "close" event, which marks the instance.
    await instance.context.close()


async def crash_its_page(instance: Instance) -> None:
    # chrome://crash makes the renderer crash the way an out-of-memory tab does;
    # the instance's own "crash" listener runs before this waiter's.
    async with instance.page.expect_event("crash") as crashed:
        with contextlib.suppress(PlaywrightError):
            await instance.page.goto("chrome://crash")
    await crashed.value


KILLS = [
    pytest.param(close_its_context, "context was closed", id="closed-context"),
    pytest.param(crash_its_page, "page crashed", id="crashed-page"),
]


@pytest.mark.parametrize(("kill", "reason"), KILLS)
async def test_execute_steps_locally_refuses_a_dead_instance(
    sdk: PupiPuppeteerSDK, kill: Kill, reason: str
) -> None:
    opened = await sdk.execute_steps_locally([{"action": "go", "url": "about:blank"}])
    await kill(get_manager().get(opened.instance_id))
    with pytest.raises(InstanceDead, match=reason) as caught:
        await sdk.execute_steps_locally([{"action": "reload"}], instance_id=opened.instance_id)
    assert caught.value.instance_id == opened.instance_id
    assert "close it" in str(caught.value)
    listed = {info.id: info for info in sdk.list_instances()}
    assert not listed[opened.instance_id].alive


@pytest.mark.parametrize(("kill", "reason"), KILLS)
async def test_run_prompt_locally_refuses_a_dead_instance(
    sdk: PupiPuppeteerSDK, kill: Kill, reason: str
) -> None:
    opened = await sdk.execute_steps_locally([{"action": "go", "url": "about:blank"}])
    await kill(get_manager().get(opened.instance_id))
    with pytest.raises(InstanceDead, match=reason) as caught:
        await sdk.run_prompt_locally("Read the page", instance_id=opened.instance_id)
    assert caught.value.instance_id == opened.instance_id


@pytest.mark.parametrize(("kill", "reason"), KILLS)
async def test_puppeteer_run_refuses_its_dead_instance_until_closed(
    kill: Kill, reason: str
) -> None:
    async with Puppeteer() as browser:
        await browser.go("about:blank").run()
        first_id = browser.instance_id
        assert first_id is not None
        await kill(get_manager().get(first_id))
        browser.go("about:blank")
        with pytest.raises(InstanceDead, match=reason):
            await browser.run()
        # The queue is kept, and after close() the next run opens a fresh instance.
        assert browser.queued == [{"action": "go", "url": "about:blank"}]
        await browser.close()
        result = await browser.run()
        assert result.status == "completed"
        assert result.instance_id != first_id


async def test_a_closed_instance_is_not_found_rather_than_dead(sdk: PupiPuppeteerSDK) -> None:
    opened = await sdk.execute_steps_locally([{"action": "go", "url": "about:blank"}])
    instance = get_manager().get(opened.instance_id)
    await sdk.close_instance(opened.instance_id)
    assert instance.dead_reason == "the instance was closed"
    with pytest.raises(InstanceNotFound):
        await sdk.execute_steps_locally([{"action": "reload"}], instance_id=opened.instance_id)
    with pytest.raises(InstanceNotFound):
        await sdk.run_prompt_locally("Read the page", instance_id=opened.instance_id)
