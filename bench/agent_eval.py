"""Evaluate the offline planner on the demo site: success rate, time, replay.

Each task of :mod:`agent_tasks` runs through ``run_agent`` with the rules
planner on a fresh browser instance against a fresh demo site state; its
checker reads the site's state and the answer. The steps of every solved
task are then replayed with ``run_steps`` on another fresh instance, from a
reset state, and checked again. At the end, ``observe`` (page -> snapshot) is
timed on a few demo pages, five times each on one warm instance.

    python bench/agent_eval.py                 # all tasks
    python bench/agent_eval.py -k shop --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from agent_tasks import TASKS, Task
from tests.agent.requests_in_flight import RequestsInFlight

from pupi.agent.loop import run_agent
from pupi.agent.observe import observe
from pupi.agent.observe.model import Observation
from pupi.agent.planners.base import Decision, HistoryEntry
from pupi.agent.planners.rules import RulesPlanner, decide
from pupi.browser.instances import get_manager
from pupi.demo import DemoServer
from pupi.engine import run_steps
from pupi.steps import parse_steps


@dataclass
class Outcome:
    """What happened to one task."""

    id: str
    kind: str
    solved: bool
    replayed: bool
    seconds: float
    status: str
    answer: Any
    error: Any
    steps: list[dict[str, Any]] = field(default_factory=list)


DECIDE_MS: list[float] = []
"""Time of every decision step taken during the run, in milliseconds."""


class _TimedRules(RulesPlanner):
    """The rules planner, timing its pure decision step."""

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        began = time.perf_counter()
        decision = decide(task, observation, history)
        DECIDE_MS.append((time.perf_counter() - began) * 1000)
        return decision


async def _settled_check(
    task: Task, site: DemoServer, answer: Any, in_flight: RequestsInFlight, *, wait_s: float = 0
) -> bool:
    """The checker's verdict, once the requests the pages sent (a click's fetch) are answered.

    An agent run ends with an observation, taken after the page settled, so the
    requests its last action caused have been sent. A replay ends right after its
    last step, when an event that step queued (a dialog's ``close``) may not have
    sent its request yet: ``wait_s`` says how long the verdict may take to come.
    """
    deadline = time.monotonic() + wait_s
    while True:
        await in_flight.settled()
        if task.check(site.state(), answer):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)


async def run_task(task: Task, site: DemoServer) -> Outcome:
    """Run, check and replay one task on fresh instances."""
    manager = get_manager()
    site.reset()
    prompt = task.prompt.format(base=site.url)
    start = site.url + task.start if task.start else None
    instance = await manager.open(headless=True)
    in_flight = RequestsInFlight(instance.context)
    began = time.perf_counter()
    try:
        result = await run_agent(instance, prompt, planner=_TimedRules(), start_url=start)
        seconds = time.perf_counter() - began
        checked = await _settled_check(task, site, result.answer, in_flight)
    finally:
        await manager.close(instance.id)
    wanted = "failed" if task.expect_failure else "completed"
    solved = result.status == wanted and checked
    replayed = False
    if solved:
        site.reset()
        replay = await manager.open(headless=True)
        replay_in_flight = RequestsInFlight(replay.context)
        try:
            run = await run_steps(replay, parse_steps(result.steps), instance_id=replay.id)
            replayed = run.status == "completed" and await _settled_check(
                task, site, result.answer, replay_in_flight, wait_s=30
            )
        finally:
            await manager.close(replay.id)
    return Outcome(
        task.id,
        task.kind,
        solved,
        replayed,
        seconds,
        result.status,
        result.answer,
        result.error,
        list(result.steps),
    )


OBSERVE_MS: list[float] = []
"""Time of each ``observe`` on the demo pages (:func:`time_observe`), in milliseconds."""

OBSERVED_PAGES = ("/shop", "/table", "/login", "/register", "/todos", "/search?q=python")


async def time_observe(site: DemoServer, *, rounds: int = 5) -> None:
    """Time ``observe`` ``rounds`` times on each of a few demo pages, on one warm instance."""
    manager = get_manager()
    instance = await manager.open(headless=True)
    try:
        for path in OBSERVED_PAGES:
            await instance.page.goto(site.url + path)
            for _ in range(rounds):
                began = time.perf_counter()
                await observe(instance.page)
                OBSERVE_MS.append((time.perf_counter() - began) * 1000)
    finally:
        await manager.close(instance.id)


async def evaluate(tasks: list[Task]) -> list[Outcome]:
    """Run ``tasks`` one after another against one demo site."""
    outcomes = []
    # The first call compiles the parser's regular expressions; time warm calls only.
    decide("click the first link", Observation(url="about:blank"), [])
    with DemoServer(host="127.0.0.1", port=0) as site:
        for task in tasks:
            outcome = await run_task(task, site)
            mark = "ok " if outcome.solved and outcome.replayed else "FAIL"
            print(
                f"{mark} {task.id:28s} {outcome.seconds:5.2f}s "
                f"{outcome.answer!r:.60} {outcome.error or ''}"
            )
            outcomes.append(outcome)
        await time_observe(site)
        await get_manager().close_all()
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Success rate, replay rate and timings of a run."""
    solved = [o for o in outcomes if o.solved]
    times = [o.seconds for o in outcomes]
    return {
        "tasks": len(outcomes),
        "kinds": len({o.kind for o in outcomes}),
        "solved": len(solved),
        "success_rate": len(solved) / len(outcomes) if outcomes else 0.0,
        "replayed": sum(1 for o in solved if o.replayed),
        "median_s": statistics.median(times) if times else 0.0,
        "p90_s": sorted(times)[int(0.9 * (len(times) - 1))] if times else 0.0,
        "failures": [o.id for o in outcomes if not (o.solved and o.replayed)],
        "decide_ms_median": statistics.median(DECIDE_MS) if DECIDE_MS else 0.0,
        "decide_ms_max": max(DECIDE_MS, default=0.0),
        "decisions": len(DECIDE_MS),
        "observe_ms_median": statistics.median(OBSERVE_MS) if OBSERVE_MS else 0.0,
        "observe_ms_max": max(OBSERVE_MS, default=0.0),
        "observations": len(OBSERVE_MS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", help="only tasks whose id or kind contains this text")
    parser.add_argument("--json", type=Path, help="write every outcome and the summary here")
    args = parser.parse_args()
    tasks = [t for t in TASKS if not args.k or args.k in t.id or args.k in t.kind]
    outcomes = asyncio.run(evaluate(tasks))
    result = summary(outcomes)
    print(
        f"\n{result['solved']}/{result['tasks']} solved ({result['success_rate']:.1%}) over "
        f"{result['kinds']} kinds of page; {result['replayed']} replayed; "
        f"median {result['median_s']:.2f} s, p90 {result['p90_s']:.2f} s; decision step "
        f"median {result['decide_ms_median']:.2f} ms, max {result['decide_ms_max']:.2f} ms "
        f"over {result['decisions']} decisions; observe median "
        f"{result['observe_ms_median']:.1f} ms, max {result['observe_ms_max']:.1f} ms "
        f"over {result['observations']} observations of {len(OBSERVED_PAGES)} pages"
    )
    if result["failures"]:
        print("failed:", ", ".join(result["failures"]))
    if args.json:
        args.json.write_text(
            json.dumps({"summary": result, "outcomes": [asdict(o) for o in outcomes]}, indent=1)
        )


if __name__ == "__main__":
    main()
