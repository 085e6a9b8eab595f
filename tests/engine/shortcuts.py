"""How the engine's shortcuts are tested: each run both ways, the shortcut's count
of the steps it did, and the two runs compared step by step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import pytest

from pupi.engine.results import RunResult


class Done:
    """How many steps the shortcuts ``names`` of ``module`` did (the handlers call them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: ModuleType, *names: str) -> None:
        self.done = 0
        for name in names:
            self._spy(monkeypatch, getattr(module, name), name)

    def _spy(self, monkeypatch: pytest.MonkeyPatch, real: Any, name: str) -> None:
        async def spy(*args: Any) -> bool:
            done = await real(*args)
            self.done += done
            return done

        monkeypatch.setattr(f"pupi.engine.handlers.{name}", spy)


def outcome(result: RunResult) -> list[tuple[str, str | None]]:
    """Each step's status and the kind of its error; the message quotes Playwright's
    log, retries and all, so it is not compared."""
    return [(step.status, step.error and step.error.split(":")[0]) for step in result.steps]


def assert_same(fast: RunResult, slow: RunResult) -> None:
    """The run with a shortcut ended step by step as the run without it did."""
    assert outcome(fast) == outcome(slow)
    assert fast.outputs == slow.outputs


async def both_ways(
    run: Callable[..., Awaitable[RunResult]],
    monkeypatch: pytest.MonkeyPatch,
    module: ModuleType,
    steps: list[dict[str, Any]],
    **options: Any,
) -> tuple[RunResult, RunResult]:
    """``steps`` run with ``module``'s shortcut, then again with it turned off."""
    fast = await run(steps, **options)
    monkeypatch.setattr(module, "_ENABLED", False)
    return fast, await run(steps, **options)
