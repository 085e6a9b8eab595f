"""The engine: runs validated steps on a page, one handler per action."""

from pupi.engine.page_view import PageTarget, PageView
from pupi.engine.results import RunResult, StepResult
from pupi.engine.runner import DEFAULT_TIMEOUT_MS, OnStep, PageSource, run_steps

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "OnStep",
    "PageSource",
    "PageTarget",
    "PageView",
    "RunResult",
    "StepResult",
    "run_steps",
]
