"""Instances: isolated, listed, closed one by one or all at once, marked dead when they die."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable

import pytest
from tests.conftest import RunSteps

from pupi import InstanceDead, InstanceNotFound, PupiPuppeteerSDK
from pupi.browser import reaper
from pupi.browser.instances import InstanceManager, get_manager

pytestmark = pytest.mark.browser


async def eventually(predicate: Callable[[], bool], timeout_s: float = 60) -> bool:
    """Poll ``predicate`` until it holds or ``timeout_s`` passes; events arrive asynchronously.

    The bound is generous on purpose: it only says how long to wait for a state
    that must come, never how soon it should.
    """
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_each_call_opens_a_new_instance_that_stays_open(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    first = await run([{"action": "go", "url": f"{demo_url}/shop"}])
    second = await run([{"action": "go", "url": f"{demo_url}/table"}])
    assert first.instance_id != second.instance_id
    listed = {info.id: info for info in sdk.list_instances()}
    assert listed[first.instance_id].url.endswith("/shop")
    assert listed[second.instance_id].url.endswith("/table")
    assert listed[first.instance_id].alive
    assert listed[first.instance_id].pid in reaper.browser_pids()


async def test_continuing_on_an_instance_keeps_its_page(run: RunSteps, demo_url: str) -> None:
    first = await run([{"action": "go", "url": f"{demo_url}/shop"}])
    more = await run(
        [{"action": "evaluate", "script": "location.pathname", "as": "path"}],
        instance_id=first.instance_id,
    )
    assert more.instance_id == first.instance_id
    assert more.outputs["path"] == "/shop"


async def test_instances_do_not_share_cookies_or_storage(run: RunSteps, demo_url: str) -> None:
    setter = [
        {"action": "go", "url": f"{demo_url}/"},
        {"action": "evaluate", "script": "document.cookie = 'k=v'; localStorage.setItem('s', '1')"},
    ]
    reader = [
        {"action": "go", "url": f"{demo_url}/"},
        {
            "action": "evaluate",
            "script": "[document.cookie, localStorage.getItem('s')]",
            "as": "seen",
        },
    ]
    first = await run(setter)
    same = await run(reader, instance_id=first.instance_id)
    other = await run(reader)
    assert "k=v" in same.outputs["seen"][0]
    assert same.outputs["seen"][1] == "1"
    assert other.outputs["seen"] == ["", None]


async def test_closing_one_or_all_and_unknown_ids(sdk: PupiPuppeteerSDK, run: RunSteps) -> None:
    first = await run([{"action": "go", "url": "about:blank"}])
    second = await run([{"action": "go", "url": "about:blank"}])
    await sdk.close_instance(first.instance_id)
    ids = {info.id for info in sdk.list_instances()}
    assert first.instance_id not in ids
    assert second.instance_id in ids
    with pytest.raises(InstanceNotFound, match=first.instance_id):
        await sdk.close_instance(first.instance_id)
    with pytest.raises(InstanceNotFound):
        await sdk.execute_steps_locally([{"action": "reload"}], instance_id="nope")
    await sdk.close_all_instances()
    assert sdk.list_instances() == []


async def test_a_crashed_page_marks_its_instance_dead_with_a_clear_error(
    run: RunSteps, sdk: PupiPuppeteerSDK
) -> None:
    opened = await run([{"action": "go", "url": "about:blank"}])
    instance = get_manager().get(opened.instance_id)
    # chrome://crash makes the renderer crash the way an out-of-memory tab does.
    with contextlib.suppress(Exception):
        await instance.page.goto("chrome://crash", timeout=5_000)
    assert await eventually(lambda: not instance.alive)
    with pytest.raises(InstanceDead, match="crashed"):
        await sdk.execute_steps_locally([{"action": "reload"}], instance_id=opened.instance_id)
    assert not {i.id: i for i in sdk.list_instances()}[opened.instance_id].alive


async def test_a_killed_browser_marks_instances_dead_and_the_next_open_relaunches() -> None:
    manager = InstanceManager(keep_spare=False)
    try:
        instance = await manager.open()
        await instance.page.goto("about:blank")
        pid = manager.list()[0].pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        assert await eventually(lambda: not instance.alive)
        assert "browser" in (instance.dead_reason or "")
        fresh = await manager.open()
        await fresh.page.goto("about:blank")
        assert fresh.alive
        assert manager.list()[-1].pid != pid
    finally:
        await manager.shutdown()


async def test_a_spare_makes_the_next_instance_ready_without_waiting(sdk: PupiPuppeteerSDK) -> None:
    manager = get_manager()
    first = await manager.open()
    pool = manager._spares[first._key]
    assert await eventually(lambda: len(pool.ready) == 1)
    spare_context = pool.ready[0][0]
    second = await manager.open()
    assert second.context is spare_context
    await manager.close(first.id)
    await manager.close(second.id)


async def test_a_burst_of_opens_is_met_by_as_many_spares_next_time() -> None:
    manager = InstanceManager(max_spares=3)
    try:
        burst = [await manager.open() for _ in range(5)]  # back to back: no time for spares
        pool = manager._spares[burst[0]._key]
        assert await eventually(lambda: len(pool.ready) == 3 and pool._making is None)
        spare_contexts = [context for context, _ in pool.ready]
        again = [await manager.open() for _ in range(3)]
        assert [instance.context for instance in again] == spare_contexts
        assert all(instance.alive for instance in again)
        # Each is a fresh, isolated context like any other instance.
        assert len({id(instance.context) for instance in [*burst, *again]}) == 8
    finally:
        await manager.shutdown()
    assert not pool.ready


async def test_no_spares_are_kept_when_the_bound_is_zero() -> None:
    manager = InstanceManager(max_spares=0)
    try:
        first = await manager.open()
        await first.page.goto("about:blank")
        assert not manager._spares[first._key].ready
        assert manager._spares[first._key]._filler is None
    finally:
        await manager.shutdown()
