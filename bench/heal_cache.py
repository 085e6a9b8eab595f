"""Cached replay against planning: one prompt, side by side, interleaved.

One action-only prompt on the demo site (log in, add a product to the cart, send
the contact form: 12 steps on three pages), run by ``run_prompt_locally`` in
five ways, one of each per round so that machine noise hits all alike:

- ``planned``: the offline planner plans it (no cache);
- ``cached``: a warm cache entry replays it, no planner;
- ``cached, healed``: the entry recorded on the site as it is replays on
  variant 1 (ids renamed, fields and cards moved), healing each stale step; the
  entry is put back before each round so that every round heals;
- ``planned, LLM stub`` and ``cached, LLM stub``: the same with a planner that
  decides as the offline one does but is billed as the OpenAI planner would be
  (its system prompt and each turn's rendered prompt, 4 characters a token, plus
  the decision's JSON). No network and no model run, so its times are the
  offline planner's: the stub is there for the tokens.

    .venv/bin/python bench/heal_cache.py --runs 9
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import machine, median, now_ms

from pupi import PupiPuppeteerSDK
from pupi.agent.cache import CacheKey, DirectoryCache
from pupi.agent.observe import Observation
from pupi.agent.planners import PLANNERS
from pupi.agent.planners.base import Decision, HistoryEntry, Usage
from pupi.agent.planners.llm_prompt import SYSTEM_PROMPT, render_prompt
from pupi.agent.planners.rules import decide
from pupi.browser.instances import get_manager
from pupi.demo import DemoServer

TASK = (
    "Go to {url}/login, type ada into the username field, type lovelace into the password "
    "field and click Log in. Then go to {url}/shop and add the Desk Lamp to the cart. Then go "
    "to {url}/contact, type Ada into Your name, type ada@example.com into Email, select Order "
    'support as the topic, type "Where is my lamp?" into Message and click Send message'
)
CHARS_PER_TOKEN = 4
DECISIONS = [0]
"""Planner decisions of the current run, counted by both planners below."""


class Counted:
    """The offline planner, counting its decisions."""

    name = "rules"

    def __init__(self) -> None:
        self.usage = Usage()

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        DECISIONS[0] += 1
        return decide(task, observation, history)


class BilledStub:
    """The offline planner's decisions, with the tokens an LLM planner would be billed."""

    name = "llm-stub"

    def __init__(self) -> None:
        self.usage = Usage()

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        DECISIONS[0] += 1
        decision = decide(task, observation, history)
        prompt = SYSTEM_PROMPT + render_prompt(task, observation, history)
        self.usage.add(
            len(prompt) // CHARS_PER_TOKEN,
            len(decision.model_dump_json(exclude_defaults=True)) // CHARS_PER_TOKEN,
        )
        return decision


async def one(
    sdk: PupiPuppeteerSDK, site: DemoServer, prompt: str, planner: str, cache: Path | None
) -> dict[str, Any]:
    site.reset()
    DECISIONS[0] = 0
    began = now_ms()
    result = await sdk.run_prompt_locally(prompt, planner=planner, cache=cache)
    elapsed = now_ms() - began
    await get_manager().close(result.instance_id)
    if not result.ok:
        raise SystemExit(f"{planner} run failed: {result.error}")
    usage = result.usage
    return {
        "ms": elapsed,
        "tokens": usage.get("input_tokens", 0) + usage.get("output_tokens", 0),
        "decisions": DECISIONS[0],
        "cached": result.cached,
        "healed": len(result.healing),
        "steps": len(result.steps),
    }


async def main(runs: int) -> None:
    PLANNERS["rules"] = lambda **options: Counted()
    PLANNERS["llm-stub"] = lambda **options: BilledStub()
    sdk = PupiPuppeteerSDK()
    with DemoServer() as site, tempfile.TemporaryDirectory() as folder:
        prompt = TASK.format(url=site.url)
        warm, healing = Path(folder, "warm"), Path(folder, "healing")
        # Fill the caches (and warm the browser) once, outside the figures.
        for planner in ("rules", "llm-stub"):
            await one(sdk, site, prompt, planner, warm)
        await one(sdk, site, prompt, "rules", healing)
        key = CacheKey.of(prompt, site="", planner="rules")
        base_steps = DirectoryCache(healing).get(key)
        assert base_steps is not None

        modes: dict[str, list[dict[str, Any]]] = {name: [] for name in MODES}
        for _ in range(runs):
            for name, (planner, cache, variant) in MODES.items():
                site.variant = variant
                if cache == "healing":
                    DirectoryCache(healing).put(key, base_steps)
                folder_for = {"warm": warm, "healing": healing}.get(cache or "")
                modes[name].append(await one(sdk, site, prompt, planner, folder_for))
                site.variant = 0
    await get_manager().shutdown()
    report(modes, runs)


MODES: dict[str, tuple[str, str | None, int]] = {
    "planned": ("rules", None, 0),
    "cached": ("rules", "warm", 0),
    "cached, healed (variant 1)": ("rules", "healing", 1),
    "planned, LLM stub": ("llm-stub", None, 0),
    "cached, LLM stub": ("llm-stub", "warm", 0),
}


def report(modes: dict[str, list[dict[str, Any]]], runs: int) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{machine()}; load average {load}; {runs} interleaved rounds")
    print("| run | median | min | planner decisions | tokens | steps healed | from cache |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    planned = median([r["ms"] for r in modes["planned"]])
    for name, results in modes.items():
        times = [r["ms"] for r in results]
        first = results[0]
        print(
            f"| {name} | {median(times):.0f} ms | {min(times):.0f} ms | {first['decisions']} | "
            f"{first['tokens']} | {first['healed']} | {all(r['cached'] for r in results)} |"
        )
    cached = median([r["ms"] for r in modes["cached"]])
    print(f"cached / planned (medians): {cached / planned:.2f}")
    print(json.dumps({name: [round(r["ms"]) for r in rs] for name, rs in modes.items()}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="interleaved rounds (default 9)")
    asyncio.run(main(parser.parse_args().runs))
