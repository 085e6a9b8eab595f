"""The chainable Puppeteer."""

from __future__ import annotations

import asyncio
import gc

import pytest

from pupi import InvalidSteps, PupiPuppeteerSDK, Puppeteer
from pupi.browser.instances import get_manager
from pupi.steps import ACTIONS


def test_every_action_has_a_chain_method() -> None:
    for action in ACTIONS:
        assert callable(getattr(Puppeteer, action)), action


def test_methods_queue_step_dicts_with_as_spelled_as_() -> None:
    browser = Puppeteer()
    returned = browser.go("http://x").click("#a", click_count=2).extract("h1", as_="title")
    assert returned is browser
    assert browser.queued == [
        {"action": "go", "url": "http://x"},
        {"action": "click", "selector": "#a", "click_count": 2},
        {"action": "extract", "selector": "h1", "as": "title"},
    ]


async def test_an_invalid_queue_raises_before_any_browser_starts() -> None:
    browser = Puppeteer()
    browser.go("http://x").select("#s")
    before = len(get_manager().list())
    with pytest.raises(InvalidSteps, match="step 1"):
        await browser.run()
    assert browser.instance_id is None
    assert len(get_manager().list()) == before


@pytest.mark.browser
async def test_runs_share_one_instance_until_closed(demo_url: str) -> None:
    async with Puppeteer() as browser:
        await browser.go(f"{demo_url}/shop").run()
        first_id = browser.instance_id
        result = await browser.evaluate("location.pathname", as_="path").run()
        assert result.outputs["path"] == "/shop"
        assert browser.instance_id == first_id
    assert first_id not in {info.id for info in get_manager().list()}


@pytest.mark.browser
async def test_close_all_instances_releases_puppeteer_instances(demo_url: str) -> None:
    browser = Puppeteer()
    await browser.go(f"{demo_url}/").run()
    await PupiPuppeteerSDK().close_all_instances()
    assert browser.instance_id not in {info.id for info in get_manager().list()}
    # The object stays usable: its next run opens a fresh instance.
    result = await browser.go(f"{demo_url}/table").run()
    assert result.ok
    assert result.instance_id in {i.id for i in get_manager().list()}
    await browser.close()


@pytest.mark.browser
async def test_a_garbage_collected_puppeteer_closes_its_instance(demo_url: str) -> None:
    async def use_and_forget() -> str | None:
        # Its own frame: Playwright snapshots callers' locals, which a plain
        # ``del`` in this frame would not clear.
        browser = Puppeteer()
        await browser.go(f"{demo_url}/").run()
        return browser.instance_id

    instance_id = await use_and_forget()
    assert instance_id in {info.id for info in get_manager().list()}
    gc.collect()
    for _ in range(100):
        if instance_id not in {info.id for info in get_manager().list()}:
            break
        await asyncio.sleep(0.02)
    assert instance_id not in {info.id for info in get_manager().list()}
