"""An instance's request filter: every request its pages make, and every ``go``."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pupi.browser.instances import get_manager
from pupi.engine import run_steps
from pupi.steps import parse_steps

pytestmark = pytest.mark.browser


def refuse_css_and_chrome(url: str) -> str | None:
    if url.endswith(".css"):
        return "no stylesheets"
    if url.startswith("chrome:"):
        return "no browser pages"
    return None


async def test_refused_requests_are_recorded_and_allowed_ones_load(demo_url: str) -> None:
    manager = get_manager()
    instance = await manager.open(request_filter=refuse_css_and_chrome)
    try:
        result = await run_steps(
            instance,
            parse_steps(
                [
                    {"action": "go", "url": f"{demo_url}/shop"},
                    {"action": "extract", "selector": "h1", "as": "heading"},
                ]
            ),
            instance_id=instance.id,
        )
        assert result.raise_for_status().outputs["heading"] == "Shop"
        assert any(url.endswith("style.css") for url, _ in instance.blocked)
        assert all(reason == "no stylesheets" for _, reason in instance.blocked)
    finally:
        await manager.close(instance.id)


async def test_a_refused_go_fails_before_anything_is_sent() -> None:
    # chrome: pages never reach the network layer, so only the go check stops them.
    manager = get_manager()
    instance = await manager.open(request_filter=refuse_css_and_chrome)
    try:
        result = await run_steps(
            instance,
            parse_steps([{"action": "go", "url": "chrome://version"}]),
            instance_id=instance.id,
        )
        assert result.status == "failed"
        assert result.error is not None
        assert result.error["type"] == "blocked"
        assert result.error["message"] == "no browser pages"
        assert instance.page.url == "about:blank"
    finally:
        await manager.close(instance.id)


async def test_a_filter_that_blocks_does_not_block_the_event_loop(demo_url: str) -> None:
    # A filter may resolve names (the server's does); a slow answer must leave the
    # loop free. Here the filter waits for an event only the loop can set: were it
    # called on the loop's thread, it would wait in vain and refuse.
    loop_ran = threading.Event()

    def slow_filter(url: str) -> str | None:
        return None if loop_ran.wait(timeout=60) else "the event loop was blocked"

    manager = get_manager()
    instance = await manager.open(request_filter=slow_filter)
    try:
        # Runs at the loop's next turn: after run_steps' first real wait, not before.
        asyncio.get_running_loop().call_soon(loop_ran.set)
        result = await run_steps(
            instance,
            parse_steps([{"action": "go", "url": f"{demo_url}/shop"}]),
            instance_id=instance.id,
        )
        assert result.status == "completed", result.error
        assert instance.blocked == []
    finally:
        await manager.close(instance.id)
