"""A stand-in for the browser agent, for the server's queue, cancellation and limit tests.

It opens no browser: :func:`open_browser` returns a :class:`FakeBrowser` that
keeps a little state across the session's runs, as a page would. A prompt is
read as ``key=value`` words: ``steps=3`` (steps to report), ``delay=0.2``
(seconds per step), ``answer=42``, ``fail=reason`` (end failed), ``crash=1``
(raise), ``hold=N`` (after N steps, wait until the file :func:`gate_path`
names exists), ``remember=X`` (keep X), ``recall=1`` (answer what was kept),
``download=NAME`` (the run "downloads" a file of that name holding what is
kept, ``size=N`` bytes of it), ``data=JSON`` (the structured answer, without
spaces: a run with an ``output_schema`` validates it against that schema, as the
agent does, and fails ``output_invalid`` when it does not match; without a
schema it is ignored), ``leak=1`` (a careless runner: each step's output,
the answer, the error and a crash quote the run's secrets' values, so the
worker's own redaction is what keeps them out of the record). What is kept
starts as the value of the storage state's first cookie, and comes back as one
cookie when the job keeps its state,
as a browser's login would. Anything else in the prompt is ignored. A steps
run reports each step done (an ``upload`` outputs what its files held), and an
output for each step with ``as`` holding what was kept. It writes a line to the
file named by ``PUPI_FAKE_RUNNER_LOG`` when a session's "browser" opens (with
the pid of the process running it) and when it is released, so tests can see
that cancellation releases it and which worker ran what.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any

from pupi.agent.schema import OutputInvalid, OutputSchema
from pupi.server.db.specs import RunKind
from pupi.server.workers.runner import (
    RunFile,
    RunJob,
    SessionJob,
    SessionOutcome,
    StepReport,
    StepSink,
)

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


def gate_path(runner_log: str | os.PathLike[str], session_id: str, run: int = 0) -> Path:
    """The file whose creation lets a ``hold=N`` run go on (next to the runner log)."""
    suffix = "" if run == 0 else f".{run}"
    return Path(f"{os.fspath(runner_log)}.{session_id}{suffix}.go")


async def _opened(gate: Path) -> None:
    """Return once the test has created ``gate``; the session's own timeout bounds the wait."""
    while True:
        if gate.exists():
            return
        await asyncio.sleep(0.02)


def _options(prompt: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in prompt.split() if "=" in word)


class FakeBrowser:
    """One session's pretend browser."""

    def __init__(self, job: SessionJob) -> None:
        self._job = job
        self._kept: str | None = None
        state = job.options.storage_state if job.options is not None else None
        if state and state.get("cookies"):
            self._kept = str(state["cookies"][0]["value"])
        self._dir = Path(tempfile.mkdtemp(prefix="pupi-fake-"))

    async def run(self, job: RunJob, report: StepSink) -> SessionOutcome:
        """Pretend to carry out the run."""
        outcome = await self._run(job, report)
        options = _options(job.prompt)
        if "download" in options:
            path = self._dir / options["download"]
            path.write_bytes((self._kept or "x").encode() * int(options.get("size", "1")))
            size = path.stat().st_size
            outcome = dataclasses.replace(
                outcome, files=[RunFile(path.name, "text/plain", size, path)]
            )
        if self._job.keep_state:
            outcome = dataclasses.replace(outcome, storage_state=self._state())
        return outcome

    def _state(self) -> dict[str, Any]:
        cookie = {"name": "kept", "value": self._kept or "", "domain": "fake", "path": "/"}
        return {"cookies": [cookie], "origins": []}

    async def _run(self, job: RunJob, report: StepSink) -> SessionOutcome:
        if job.kind is RunKind.STEPS:
            return await self._steps(job, report)
        options = _options(job.prompt)
        steps = []
        for n in range(int(options.get("steps", "2"))):
            if n == int(options.get("hold", "-1")):
                log = os.environ["PUPI_FAKE_RUNNER_LOG"]
                await _opened(gate_path(log, self._job.session_id, job.n))
            await asyncio.sleep(float(options.get("delay", "0.01")))
            step = {"action": "wait", "ms": n}
            steps.append(step)
            result = {"index": n, "action": "wait", "status": "ok", "duration_ms": 1.5}
            if "leak" in options:
                result["output"] = _leaked(job)
            await report(StepReport(step=step, result=result, screenshot=("image/png", PNG)))
        if "crash" in options:
            quoted = f" ({_leaked(job)})" if "leak" in options else ""
            raise RuntimeError(f"the fake runner crashed on purpose{quoted}")
        if "fail" in options:
            message = options["fail"] + (f" ({_leaked(job)})" if "leak" in options else "")
            return SessionOutcome(
                "failed", steps=steps, error={"type": "agent_error", "message": message}
            )
        if "remember" in options:
            self._kept = options["remember"]
        answer = self._kept if "recall" in options else options.get("answer")
        if "show" in options:
            answer = str(getattr(job, options["show"]))
        if "leak" in options:
            answer = _leaked(job)
        data = None
        if job.output_schema is not None:
            try:
                data = OutputSchema.of(job.output_schema).validate(options.get("data"))
            except OutputInvalid as exc:
                error = {"type": "output_invalid", "message": str(exc), "errors": exc.details()}
                return SessionOutcome("failed", answer=answer, steps=steps, error=error)
        return SessionOutcome(
            "completed",
            answer=answer,
            steps=steps,
            usage={"input_tokens": 0, "output_tokens": 0, "requests": 0},
            data=data,
        )

    async def _steps(self, job: RunJob, report: StepSink) -> SessionOutcome:
        outputs: dict[str, Any] = {}
        files = {file.name: file.data for file in job.files}
        for index, step in enumerate(job.steps):
            if step["action"] == "upload":  # what the page would have received
                names = [step["files"]] if isinstance(step["files"], str) else step["files"]
                outputs["uploaded"] = {name: files[name].decode() for name in names}
            await report(
                StepReport(
                    step=step,
                    result={"index": index, "action": step["action"], "status": "ok"},
                )
            )
            if "as" in step:
                outputs[step["as"]] = self._kept
        return SessionOutcome("completed", steps=job.steps, outputs=outputs)

    async def frame(self) -> tuple[str, bytes] | None:
        return "image/png", PNG

    async def aclose(self) -> bytes | None:
        _log(f"released {self._job.session_id}")
        for path in self._dir.iterdir():
            path.unlink()
        self._dir.rmdir()
        # Not a real trace: enough for the server to store and serve.
        return b"PK\x05\x06" + bytes(18) if self._job.trace else None


def _leaked(job: RunJob) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(job.secrets.items()))


async def open_browser(job: SessionJob) -> FakeBrowser:
    """The fake session runner: a :class:`FakeBrowser` for the session."""
    _log(f"start {job.session_id} {os.getpid()}")
    return FakeBrowser(job)
