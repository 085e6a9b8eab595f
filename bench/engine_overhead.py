"""Engine overhead: two 24-step flows through Pupi vs hand-written Playwright.

The form flow fills and submits the bundled demo site's /benchmark-form; the
read-heavy flow types a few fields there and reads them back (eight input values,
a list, an attribute) around a hover, a key press, a wait and two scrolls. Each
runs on a warm page of one browser, interleaved, the side going first alternating,
so that machine noise hits both alike. Pupi's side includes validating the steps,
as a user's call does.

    .venv/bin/python bench/engine_overhead.py --runs 21
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
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


def form_flow(url: str) -> list[dict[str, Any]]:
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


async def form_by_hand(page: Page, url: str) -> Any:
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
    return {"result": (await page.locator("#bench-result").inner_text()).strip()}


TYPED = list(FIELDS.items())[:8]
READ_BACK = [selector for selector, _ in TYPED]


def read_flow(url: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"action": "go", "url": url}]
    steps += [{"action": "type", "selector": sel, "text": text} for sel, text in TYPED]
    steps += [{"action": "extract", "selector": sel, "as": sel[1:]} for sel in READ_BACK[:5]]
    steps += [
        {"action": "extract", "selector": "#country option", "all": True, "as": "countries"},
        {"action": "hover", "selector": "#terms"},
        {"action": "press", "selector": "#comments", "key": "Tab"},
        {"action": "wait", "selector": "#bench-form"},
        {"action": "scroll", "to": "bottom"},
        {"action": "scroll", "to": "top"},
    ]
    steps += [{"action": "extract", "selector": sel, "as": sel[1:]} for sel in READ_BACK[5:]]
    steps += [{"action": "extract", "selector": "#email", "attribute": "type", "as": "kind"}]
    return steps


async def read_by_hand(page: Page, url: str) -> Any:
    await page.goto(url)
    for selector, text in TYPED:
        await page.locator(selector).fill(text)
    read = {sel[1:]: await page.locator(sel).input_value() for sel in READ_BACK[:5]}
    read["countries"] = [
        text.strip() for text in await page.locator("#country option").all_inner_texts()
    ]
    await page.locator("#terms").hover()
    await page.locator("#comments").press("Tab")
    await page.locator("#bench-form").wait_for()
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    await page.evaluate("window.scrollTo(0, 0)")
    read |= {sel[1:]: await page.locator(sel).input_value() for sel in READ_BACK[5:]}
    read["kind"] = await page.locator("#email").get_attribute("type")
    return read


Flow = tuple[Callable[[str], list[dict[str, Any]]], Callable[[Page, str], Awaitable[Any]]]
FLOWS: dict[str, Flow] = {
    "form": (form_flow, form_by_hand),
    "read-heavy": (read_flow, read_by_hand),
}


async def measure(name: str, flow: Flow, url: str, runs: int) -> None:
    to_steps, by_hand = flow
    steps = to_steps(url)
    manager = get_manager()
    pupi_instance = await manager.open()
    hand_instance = await manager.open()
    # Warm both pages and the server once.
    await by_hand(hand_instance.page, url)
    await run_steps(pupi_instance, parse_steps(steps), instance_id=pupi_instance.id)
    pupi_ms: list[float] = []
    hand_ms: list[float] = []

    async def pupi() -> Any:
        start = now_ms()
        result = await run_steps(pupi_instance, parse_steps(steps), instance_id=pupi_instance.id)
        pupi_ms.append(now_ms() - start)
        assert result.ok, result.error
        return result.outputs

    async def hand() -> Any:
        start = now_ms()
        read = await by_hand(hand_instance.page, url)
        hand_ms.append(now_ms() - start)
        return read

    for index in range(runs):
        # Which side goes first alternates: the second may find the machine warmer.
        if index % 2:
            read, outputs = await hand(), await pupi()
        else:
            outputs, read = await pupi(), await hand()
        assert outputs == read, (outputs, read)
    await manager.close(pupi_instance.id)
    await manager.close(hand_instance.id)
    ratios = [p / h for p, h in zip(pupi_ms, hand_ms, strict=True)]
    print(f"{name}: {len(steps)} steps per flow, {runs} runs (interleaved)")
    print(f"  pupi    median {median(pupi_ms):7.1f} ms  min {min(pupi_ms):7.1f} ms")
    print(f"  by hand median {median(hand_ms):7.1f} ms  min {min(hand_ms):7.1f} ms")
    print(
        f"  ratio pupi/by-hand: median of medians {median(pupi_ms) / median(hand_ms):.3f}, "
        f"median of pairwise ratios {median(ratios):.3f}"
    )


async def main(runs: int, flows: list[str]) -> None:
    print(f"machine: {machine()}")
    with DemoServer() as site:
        url = f"{site.url}/benchmark-form"
        for name in flows:
            await measure(name, FLOWS[name], url, runs)
    await get_manager().shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--flow", choices=sorted(FLOWS), action="append")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.flow or list(FLOWS)))
