"""A stand-in for the browser agent, for the server's queue, cancellation and limit tests.

The prompt is read as ``key=value`` words: ``steps=3`` (steps to report),
``delay=0.2`` (seconds per step), ``answer=42``, ``fail=reason`` (end failed),
``crash=1`` (raise), ``hold=N`` (after N steps, wait until the file
:func:`gate_path` names exists). Anything else in the prompt is ignored. It
writes a line to the file named by ``PUPI_FAKE_RUNNER_LOG`` when a run starts
(with the pid of the process running it) and when its "browser" is released,
so tests can see that cancellation releases it and which worker ran what.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from pupi.server.workers.runner import SessionJob, SessionOutcome, StepReport, StepSink

# A 1x1 PNG: enough for the screenshot endpoint to have bytes to serve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _log(line: str) -> None:
    path = os.environ.get("PUPI_FAKE_RUNNER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def gate_path(runner_log: str | os.PathLike[str], session_id: str) -> Path:
    """The file whose creation lets a ``hold=N`` session go on (next to the runner log)."""
    return Path(f"{os.fspath(runner_log)}.{session_id}.go")


async def _opened(gate: Path) -> None:
    """Return once the test has created ``gate``; the session's own timeout bounds the wait."""
    while True:
        if gate.exists():
            return
        await asyncio.sleep(0.02)


def _options(prompt: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in prompt.split() if "=" in word)


async def run(job: SessionJob, report: StepSink) -> SessionOutcome:
    """Pretend to run the prompt."""
    options = _options(job.prompt)
    _log(f"start {job.session_id} {os.getpid()}")
    try:
        steps = []
        for n in range(int(options.get("steps", "2"))):
            if n == int(options.get("hold", "-1")):
                await _opened(gate_path(os.environ["PUPI_FAKE_RUNNER_LOG"], job.session_id))
            await asyncio.sleep(float(options.get("delay", "0.01")))
            step = {"action": "wait", "ms": n}
            steps.append(step)
            await report(
                StepReport(
                    step=step,
                    result={"index": n, "action": "wait", "status": "ok", "duration_ms": 1.5},
                    screenshot=("image/png", PNG),
                )
            )
        if "crash" in options:
            raise RuntimeError("the fake runner crashed on purpose")
        if "fail" in options:
            return SessionOutcome(
                "failed", steps=steps, error={"type": "agent_error", "message": options["fail"]}
            )
        return SessionOutcome(
            "completed",
            answer=options.get("answer"),
            steps=steps,
            usage={"input_tokens": 0, "output_tokens": 0, "requests": 0},
        )
    finally:
        _log(f"released {job.session_id}")
