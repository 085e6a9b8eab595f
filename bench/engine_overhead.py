"""Engine overhead: a 24-step form flow through Pupi vs hand-written Playwright.

Both run on a warm page of one browser against the bundled demo site's
/benchmark-form, interleaved (Pupi, Playwright, Pupi, ...) so that machine noise
hits both alike. Pupi's side includes validating the steps, as a user's call does.

    .venv/bin/python bench/engine_overhead.py --runs 15
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from _common import machine, median, now_ms
from playwright.async_api import Page

from pupi.browser.instances import get_manager
from pupi.demo import DemoServer
from pupi.engine import run_steps
from pupi.steps import parse_steps

FIELDS = {
    "#first_name": "Ada",
    "#last_name": "Lovelace",
    "#email": "ada@example.org",
    "#phone": "+44 20 7946 0000",
    "#company": "Analytical Engines",
    "#job_title": "Programmer",
    "#address": "12 St James's Square",
    "#city": "London",
    "#postcode": "SW1Y 4JH",
    "#age": "36",
    "#employees": "12",
    "#budget": "500",
    "#comments": "Looking forward to it.",
}


def flow(url: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"action": "go", "url": url}]
    steps += [{"action": "type", "selector": sel, "text": text} for sel, text in FIELDS.items()]
    steps += [
        {"action": "select", "selector": "#country", "label": "United Kingdom"},
        {"action": "select", "selector": "#referral", "value": "friend"},
        {"action": "check", "selector": "#plan-premium"},
        {"action": "check", "selector": "#contact-email"},
        {"action": "check", "selector": "#interest-news"},
        {"action": "check", "selector": "#interest-offers"},
        {"action": "check", "selector": "#newsletter"},
        {"action": "check", "selector": "#terms"},
        {"action": "click", "selector": "role=button[name='Submit']"},
        {"action": "extract", "selector": "#bench-result", "as": "result"},
    ]
    return steps


async def by_hand(page: Page, url: str) -> str:
    await page.goto(url)
    for selector, text in FIELDS.items():
        await page.locator(selector).fill(text)
    await page.locator("#country").select_option(label="United Kingdom")
    await page.locator("#referral").select_option(value="friend")
    for selector in ("#plan-premium", "#contact-email", "#interest-news", "#interest-offers"):
        await page.locator(selector).check()
    await page.locator("#newsletter").check()
    await page.locator("#terms").check()
    await page.get_by_role("button", name="Submit").click()
    return (await page.locator("#bench-result").inner_text()).strip()


async def main(runs: int) -> None:
    manager = get_manager()
    with DemoServer() as site:
        url = f"{site.url}/benchmark-form"
        steps = flow(url)
        pupi_instance = await manager.open()
        hand_instance = await manager.open()
        # Warm both pages and the server once.
        await by_hand(hand_instance.page, url)
        await run_steps(pupi_instance, parse_steps(steps), instance_id=pupi_instance.id)
        pupi_ms: list[float] = []
        hand_ms: list[float] = []
        for _ in range(runs):
            start = now_ms()
            result = await run_steps(
                pupi_instance, parse_steps(steps), instance_id=pupi_instance.id
            )
            pupi_ms.append(now_ms() - start)
            assert result.ok, result.error
            start = now_ms()
            text = await by_hand(hand_instance.page, url)
            hand_ms.append(now_ms() - start)
            assert result.outputs["result"] == text, (result.outputs, text)
        await manager.shutdown()
    ratios = [p / h for p, h in zip(pupi_ms, hand_ms, strict=True)]
    print(f"machine: {machine()}")
    print(f"steps per flow: {len(steps)}, runs: {runs} (interleaved)")
    print(f"pupi   median {median(pupi_ms):7.1f} ms  min {min(pupi_ms):7.1f} ms")
    print(f"by hand median {median(hand_ms):7.1f} ms  min {min(hand_ms):7.1f} ms")
    print(
        f"ratio pupi/by-hand: median of medians {median(pupi_ms) / median(hand_ms):.3f}, "
        f"median of pairwise ratios {median(ratios):.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    asyncio.run(main(parser.parse_args().runs))
