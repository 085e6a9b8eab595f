"""The cold start of this tree against an earlier commit's, side by side.

Each round starts one fresh process per tree, in turn, that imports pupi and
runs one ``execute_steps_locally`` (the same script as ``instances.py``'s cold
call), so load on the machine hits both alike. It also notes whether the import
loaded the agent or httpx, which a local run does not need.

    .venv/bin/python bench/cold_start.py --baseline 7ceb7d6 --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import machine, median
from instances import COLD

ROOT = Path(__file__).resolve().parent.parent
LOADED = """
import json, sys
from pupi import PupiPuppeteerSDK
print(json.dumps({m: m in sys.modules for m in ("pupi.agent.loop", "httpx", "pupi.server")}))
"""


def _run(src: Path, code: str) -> dict[str, Any]:
    # As installed: bytecode compiled (pip compiles it), not from the source each
    # time, which PYTHONDONTWRITEBYTECODE (set on some machines) would measure.
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main(baseline: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        old = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(old), baseline], cwd=ROOT, check=True
        )
        try:
            trees = {"baseline": old / "src", "this tree": ROOT / "src"}
            for src in trees.values():
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
                _run(src, COLD)  # not counted: fills the caches a first run ever fills
            samples: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
            for _ in range(runs):
                for name, src in trees.items():
                    samples[name].append(_run(src, COLD))
            print(f"machine: {machine()}; baseline {baseline}; {runs} interleaved rounds")
            for name, src in trees.items():
                imports = [s["import_ms"] for s in samples[name]]
                calls = [s["call_ms"] for s in samples[name]]
                total = [s["import_ms"] + s["call_ms"] for s in samples[name]]
                print(
                    f"  {name:9}  import pupi median {median(imports):5.0f} ms, first call "
                    f"{median(calls):5.0f} ms, both {median(total):5.0f} ms; "
                    f"loaded by the import: {_run(src, LOADED)}"
                )
            ratios = [
                (new["import_ms"] + new["call_ms"]) / (old_["import_ms"] + old_["call_ms"])
                for old_, new in zip(samples["baseline"], samples["this tree"], strict=True)
            ]
            print(f"  import + first call, this tree / baseline: median {median(ratios):.2f}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="a commit to compare with")
    parser.add_argument("--runs", type=int, default=9)
    arguments = parser.parse_args()
    main(arguments.baseline, arguments.runs)
