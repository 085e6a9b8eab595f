"""Instances: time to a usable new instance, the cold first call, memory per instance.

Compares the two ways to map instances to processes, side by side in one run:
a context each on one shared browser (what Pupi does) and a browser process each.

    .venv/bin/python bench/instances.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from typing import Any

import psutil
from _common import machine, median, now_ms

from pupi import PupiPuppeteerSDK
from pupi.browser import reaper
from pupi.browser.instances import get_manager
from pupi.browser.launch import launch_browser
from pupi.demo import DemoServer

USABLE = [{"action": "evaluate", "script": "1 + 1", "as": "two"}]

COLD = """
import asyncio, json, time
start = time.perf_counter()
from pupi import PupiPuppeteerSDK
imported = time.perf_counter()
async def main():
    sdk = PupiPuppeteerSDK()
    t = time.perf_counter()
    run = await sdk.execute_steps_locally([{"action": "go", "url": "data:text/html,<p>x</p>"}])
    assert run.ok
    return time.perf_counter() - t
call = asyncio.run(main())
print(json.dumps({"import_ms": (imported - start) * 1000, "call_ms": call * 1000}))
"""


def tree_pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes and all their children, in MB."""
    total = 0
    seen: set[int] = set()
    for pid in pids:
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for process in processes:
            if process.pid in seen:
                continue
            seen.add(process.pid)
            try:
                total += process.memory_full_info().pss
            except psutil.Error:
                continue
    return total / 2**20


async def new_instance_ms(runs: int, *, pause_s: float, burst: int = 1) -> list[float]:
    """Open ``runs`` instances, ``burst`` back to back at a time, ``pause_s`` between bursts.

    The first burst only tells the pool what demand looks like; it is not counted.
    """
    sdk = PupiPuppeteerSDK()
    await sdk.execute_steps_locally(USABLE)  # warm: driver and browser are up
    times: list[float] = []
    rounds = 0
    while len(times) < runs:
        await asyncio.sleep(pause_s)
        opened = []
        for _ in range(burst):
            start = now_ms()
            run = await sdk.execute_steps_locally(USABLE)
            elapsed = now_ms() - start
            assert run.outputs["two"] == 2
            opened.append(run.instance_id)
            if rounds or burst == 1:
                times.append(elapsed)
        for instance_id in opened:
            await sdk.close_instance(instance_id)
        rounds += 1
    await sdk.close_all_instances()
    return times[:runs]


async def process_per_instance_ms(runs: int) -> list[float]:
    manager = get_manager()
    await manager.open()  # driver up
    assert manager._playwright is not None
    times = []
    for _ in range(runs):
        start = now_ms()
        browser = await launch_browser(manager._playwright)
        page = await (await browser.new_context()).new_page()
        assert await page.evaluate("1 + 1") == 2
        times.append(now_ms() - start)
        await browser.close()
    return times


async def memory(url: str, count: int) -> dict[str, float]:
    manager = get_manager()
    manager.keep_spare = False
    await manager.close_all()
    first = await manager.open()
    await first.page.goto(url)
    await asyncio.sleep(1)
    base = tree_pss_mb(reaper.browser_pids())
    for _ in range(count):
        instance = await manager.open()
        await instance.page.goto(url)
    await asyncio.sleep(1)
    contexts = tree_pss_mb(reaper.browser_pids())
    await manager.shutdown()

    # A browser process per instance, same pages.
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    browsers = []
    for _ in range(count + 1):
        browser = await launch_browser(playwright)
        page = await (await browser.new_context()).new_page()
        await page.goto(url)
        browsers.append(browser)
    await asyncio.sleep(1)
    processes = tree_pss_mb(reaper.browser_pids())
    one_browser = processes / (count + 1)
    for browser in browsers:
        await browser.close()
    await playwright.stop()
    return {
        "context_first_mb": base,
        "context_total_mb": contexts,
        "context_per_extra_mb": (contexts - base) / count,
        "process_total_mb": processes,
        "process_per_extra_mb": (processes - one_browser) / count,
    }


def cold_runs(runs: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD], capture_output=True, text=True, check=True
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


async def main(runs: int, instances: int) -> None:
    print(f"machine: {machine()}")
    cold = cold_runs(5)
    print(
        f"cold first call (driver + launch + context + page + step), 5 fresh processes: "
        f"median {median([c['call_ms'] for c in cold]):.0f} ms "
        f"(import pupi {median([c['import_ms'] for c in cold]):.0f} ms before it)"
    )
    # 0.6 s is long enough to refill one spare, 2 s to refill four.
    spaced = await new_instance_ms(runs, pause_s=0.6)
    bursts = await new_instance_ms(runs, pause_s=2.0, burst=4)
    back_to_back = await new_instance_ms(runs, pause_s=0.0)
    per_process = await process_per_instance_ms(min(runs, 10))
    print(f"new usable instance, warm SDK, {runs} runs:")
    rows = {
        "context on the shared browser, one at a time, 0.6 s apart": spaced,
        "the same, four back to back, 2 s between the bursts": bursts,
        "the same, all back to back (no quiet moment ever)": back_to_back,
        "a browser process each": per_process,
    }
    for label, times in rows.items():
        print(f"  {label + ':':<60} median {median(times):6.1f} ms, max {max(times):6.1f} ms")
    with DemoServer() as site:
        figures = await memory(f"{site.url}/shop", instances)
    print(f"memory (PSS of the browser process trees) with {instances + 1} instances on /shop:")
    print(
        f"  context each: first {figures['context_first_mb']:.0f} MB, total "
        f"{figures['context_total_mb']:.0f} MB, {figures['context_per_extra_mb']:.1f} MB per extra"
    )
    print(
        f"  process each: total {figures['process_total_mb']:.0f} MB, "
        f"{figures['process_per_extra_mb']:.1f} MB per extra"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--instances", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.instances))
