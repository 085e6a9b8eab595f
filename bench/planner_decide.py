"""Time the offline planner's pure decision step (no browser).

Replays every prompt of the evaluation suite against recorded observations
of the demo pages and reports the median and worst time of one ``decide``;
then one decision on a wide page (the shop with 150 more links), repeated.

    python bench/planner_decide.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from agent_tasks import TASKS

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.parse import parse_task

PAGES = Path(__file__).parents[1] / "tests" / "agent" / "planners" / "rules" / "pages"


def main() -> None:
    observations = [
        Observation.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted(PAGES.glob("*.json"))
    ]
    timings: list[float] = []
    for task in TASKS:
        prompt = task.prompt.format(base="http://127.0.0.1:8000")
        for observation in observations:
            parse_task.cache_clear()  # count the parsing too, as on a first turn
            began = time.perf_counter()
            decide(prompt, observation, [])
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    print(
        f"{len(timings)} decisions ({len(TASKS)} prompts x {len(observations)} pages): "
        f"median {statistics.median(timings):.2f} ms, "
        f"p99 {timings[int(0.99 * len(timings))]:.2f} ms, "
        f"max {timings[-1]:.2f} ms"
    )
    wide_page()


def wide_page(repeats: int = 200) -> None:
    """The shop page with 150 more links: one decision, ``repeats`` times (parsing included)."""
    shop = Observation.model_validate_json((PAGES / "shop.json").read_text(encoding="utf-8"))
    links = [
        Element(index=100 + i, role="link", name=f"Link {i}", selector=f"#l{i}") for i in range(150)
    ]
    wide = shop.model_copy(update={"elements": [*shop.elements, *links]})
    timings: list[float] = []
    for _ in range(repeats):
        parse_task.cache_clear()
        began = time.perf_counter()
        decide("add the most expensive product to the cart", wide, [])
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    print(
        f"wide page ({len(wide.elements)} elements), {repeats} decisions: "
        f"median {statistics.median(timings):.2f} ms, max {timings[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
