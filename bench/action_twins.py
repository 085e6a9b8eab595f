"""Each action alone: one Pupi step against its hand-written Playwright twin.

Every action runs as a one-step ``run_steps`` (validated beforehand, as a
user's steps are once) on the demo site's /benchmark-form, and its twin is the
Playwright call a person would write; both on a warm page of one browser,
interleaved, the side that goes first alternating. The ratio per action is the median
of the pairwise ratios; issue 14 asks for each one above 1.05 to be explained
(docs/benchmarks.md).

    .venv/bin/python bench/action_twins.py --runs 21
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from _common import machine, median, now_ms
from playwright.async_api import Page

from pupi.browser.instances import Instance, get_manager
from pupi.demo import DemoServer
from pupi.engine import run_steps
from pupi.steps import parse_steps

Twin = Callable[[Page, str], Awaitable[Any]]

# (name, the step, its twin); the URL is the form's, for "go".
ACTIONS: list[tuple[str, dict[str, Any], Twin]] = [
    ("go", {"action": "go", "url": "{url}"}, lambda page, url: page.goto(url)),
    (
        "type",
        {"action": "type", "selector": "#city", "text": "London"},
        lambda page, _: page.locator("#city").fill("London"),
    ),
    (
        "select",
        {"action": "select", "selector": "#country", "label": "United Kingdom"},
        lambda page, _: page.locator("#country").select_option(label="United Kingdom"),
    ),
    (
        "check",
        {"action": "check", "selector": "#terms"},
        lambda page, _: page.locator("#terms").check(),
    ),
    (
        "hover",
        {"action": "hover", "selector": "#terms"},
        lambda page, _: page.locator("#terms").hover(),
    ),
    (
        "press",
        {"action": "press", "selector": "#comments", "key": "End"},
        lambda page, _: page.locator("#comments").press("End"),
    ),
    (
        "wait (visible)",
        {"action": "wait", "selector": "#bench-form"},
        lambda page, _: page.locator("#bench-form").wait_for(),
    ),
    (
        "scroll (to bottom)",
        {"action": "scroll", "to": "bottom"},
        lambda page, _: page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)"),
    ),
    (
        "extract (input value)",
        {"action": "extract", "selector": "#city"},
        lambda page, _: page.locator("#city").input_value(),
    ),
    (
        "extract (attribute)",
        {"action": "extract", "selector": "#email", "attribute": "type"},
        lambda page, _: page.locator("#email").get_attribute("type"),
    ),
    (
        "extract (all texts)",
        {"action": "extract", "selector": "#country option", "all": True},
        lambda page, _: page.locator("#country option").all_inner_texts(),
    ),
    (
        "extract (checked)",
        {"action": "extract", "selector": "#terms", "property": "checked"},
        lambda page, _: page.locator("#terms").is_checked(),
    ),
    (
        "assert (visible)",
        {"action": "assert", "selector": "#terms"},
        lambda page, _: page.locator("#terms").is_visible(),
    ),
]


async def measure(
    name: str, step: dict[str, Any], twin: Twin, url: str, runs: int, pupi: Instance, hand: Page
) -> None:
    steps = parse_steps([{key: str(value).format(url=url) for key, value in step.items()}])
    pupi_ms: list[float] = []
    hand_ms: list[float] = []

    async def by_pupi() -> None:
        start = now_ms()
        result = await run_steps(pupi, steps, instance_id=pupi.id)
        pupi_ms.append(now_ms() - start)
        assert result.ok, (name, result.error)

    async def by_hand() -> None:
        start = now_ms()
        await twin(hand, url)
        hand_ms.append(now_ms() - start)

    for run in range(runs + 1):  # the first of each is a warm-up, not counted
        # Which goes first alternates: an action that waits for animation frames
        # (hover, click) costs more or less by where in a frame it starts, and
        # a fixed order would hand one side the better phase every time.
        for side in (by_pupi, by_hand) if run % 2 else (by_hand, by_pupi):
            await side()
    pupi_ms, hand_ms = pupi_ms[1:], hand_ms[1:]
    ratios = [p / h for p, h in zip(pupi_ms, hand_ms, strict=True)]
    print(
        f"  {name:22} pupi {median(pupi_ms):7.2f} ms  by hand {median(hand_ms):7.2f} ms  "
        f"pairwise ratio {median(ratios):5.2f}"
    )


async def main(runs: int) -> None:
    print(f"machine: {machine()}; {runs} interleaved runs per action, medians")
    manager = get_manager()
    with DemoServer() as site:
        url = f"{site.url}/benchmark-form"
        pupi = await manager.open()
        hand = await manager.open()
        for instance in (pupi, hand):
            await instance.page.goto(url)
        for name, step, twin in ACTIONS:
            await measure(name, step, twin, url, runs, pupi, hand.page)
    await manager.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    asyncio.run(main(parser.parse_args().runs))
