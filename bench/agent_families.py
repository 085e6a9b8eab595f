"""Measure the offline planner on generated pages it has never seen.

Every family of :mod:`families` builds a fresh page, prompt and checker from a
seed (labels, layout, phrasing and distractors vary). Each task is served on a
loopback port at ``/task/<n>``, run with the rules planner on a fresh browser
instance, and checked against what the page recorded (``POST /record``, links
followed to ``/visit/...``) and the answer. The table gives, per family, the
tasks solved and the false completions: runs that reported success but fail
their checker.

    python bench/agent_families.py                     # every family, 10 seeds
    python bench/agent_families.py --seeds 3 --families login,tabs --json out.json
    python bench/agent_families.py --first-seed 1000   # seeds 1000..1009, never looked at
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from families import FAMILIES, Run, make
from tests.agent.requests_in_flight import RequestsInFlight

from pupi.agent import run_agent
from pupi.agent.planners.rules import RulesPlanner
from pupi.browser.instances import get_manager


class TaskSite:
    """Generated pages on a free loopback port, each recording into its own list.

    A record belongs to the task whose page sent it, told by the ``Referer``
    (a fetch and a form submission both send it); without one, to the task
    opened last.
    """

    def __init__(self) -> None:
        self.pages: dict[int, str] = {}
        self.records: dict[int, list[dict[str, Any]]] = {}
        self.current = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _task(self) -> int:
                path = urlsplit(self.headers.get("Referer") or "").path
                if path.startswith("/task/") and path[6:].isdigit():
                    return int(path[6:])
                return site.current

            def _send(self, status: int, body: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path.startswith("/task/") and path[6:].isdigit():
                    page = site.pages.get(int(path[6:]))
                    if page is not None:
                        self._send(200, page)
                        return
                if path.startswith("/visit/"):
                    name = path[len("/visit/") :]
                    site.add(self._task(), {"visited": name})
                    self._send(200, f"<!doctype html><title>{name}</title><h1>{name}</h1>")
                    return
                self._send(404, "<!doctype html><title>Not found</title><h1>Not found</h1>")

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    values = parse_qs(raw, keep_blank_values=True)
                    data = {k: v[0] if len(v) == 1 else v for k, v in values.items()}
                site.add(self._task(), data)
                self._send(200, "<!doctype html><title>Saved</title><h1>Saved</h1>")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, task: int, data: dict[str, Any]) -> None:
        with self.lock:
            self.records.setdefault(task, []).append(data)

    def publish(self, html: str) -> int:
        """Serve ``html`` at a new ``/task/<n>``; returns ``n``."""
        with self.lock:
            n = len(self.pages) + 1
            self.pages[n] = html
            self.current = n
        return n

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Outcome:
    """One generated task's run and verdict."""

    family: str
    seed: int
    prompt: str
    solved: bool
    status: str
    answer: Any
    error: Any
    seconds: float
    records: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def false_completion(self) -> bool:
        return self.status == "completed" and not self.solved


async def run_task(site: TaskSite, family: str, seed: int) -> Outcome:
    """Run one generated task with the rules planner on a fresh instance and check it."""
    task = make(family, seed)
    n = site.publish(task.html)
    manager = get_manager()
    instance = await manager.open(headless=True)
    in_flight = RequestsInFlight(instance.context)
    began = time.perf_counter()
    status, answer, error = "failed", None, None
    steps: list[dict[str, Any]] = []
    try:
        result = await run_agent(
            instance,
            task.prompt,
            planner=RulesPlanner(),
            start_url=f"{site.url}/task/{n}",
            max_steps=15,
            timeout_s=60,
        )
        status, answer, error, steps = result.status, result.answer, result.error, result.steps
        await in_flight.settled()  # a click's fetch may still be on its way
        for tab in instance.context.pages:
            await tab.wait_for_function("!window.__pending", timeout=30_000)
    except Exception as exc:  # one broken run is a failed task, not a broken benchmark
        error = error or {"type": type(exc).__name__, "message": str(exc)[:300]}
    finally:
        await manager.close(instance.id)
    seconds = time.perf_counter() - began
    records = list(site.records.get(n, []))
    solved = task.check(Run(records, status, answer))
    return Outcome(
        family, seed, task.prompt, solved, status, answer, error, seconds, records, steps
    )


async def evaluate(families: list[str], seeds: range) -> list[Outcome]:
    site = TaskSite()
    outcomes = []
    try:
        for family in families:
            for seed in seeds:
                outcome = await run_task(site, family, seed)
                mark = (
                    "ok  " if outcome.solved else ("FALSE" if outcome.false_completion else "FAIL")
                )
                print(
                    f"{mark} {family:11s} {seed:2d} {outcome.seconds:5.1f}s {outcome.prompt!r:.70} "
                    f"-> {outcome.answer!r:.40} {(outcome.error or {}).get('type', '')}",
                    flush=True,
                )
                outcomes.append(outcome)
        await get_manager().close_all()
    finally:
        site.close()
    return outcomes


def table(outcomes: list[Outcome], families: list[str]) -> str:
    """Per family: solved out of seeds and false completions; then the totals."""
    lines = [f"{'family':12s} {'solved':>8s} {'false completions':>18s}"]
    for family in families:
        mine = [o for o in outcomes if o.family == family]
        solved = sum(o.solved for o in mine)
        false = sum(o.false_completion for o in mine)
        lines.append(f"{family:12s} {f'{solved}/{len(mine)}':>8s} {false:>18d}")
    solved = sum(o.solved for o in outcomes)
    false = sum(o.false_completion for o in outcomes)
    lines.append(f"{'total':12s} {f'{solved}/{len(outcomes)}':>8s} {false:>18d}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="tasks per family")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="the first seed (default 0): a range never looked at measures a change blind",
    )
    parser.add_argument("--families", help="comma-separated families (default: all)")
    parser.add_argument("--json", type=Path, help="write every outcome and the totals here")
    args = parser.parse_args()
    families = args.families.split(",") if args.families else list(FAMILIES)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        parser.error(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    began = time.perf_counter()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    outcomes = asyncio.run(evaluate(families, seeds))
    wall = time.perf_counter() - began
    print()
    print(table(outcomes, families))
    print(f"wall time {wall:.0f} s")
    if args.json:
        totals = {
            "tasks": len(outcomes),
            "solved": sum(o.solved for o in outcomes),
            "false_completions": sum(o.false_completion for o in outcomes),
            "wall_s": wall,
        }
        args.json.write_text(
            json.dumps(
                {"totals": totals, "outcomes": [asdict(o) for o in outcomes]},
                indent=1,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
