"""Live, readable output shared by the commands that run steps."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape

from pupi.engine.results import StepResult
from pupi.steps import BaseStep

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def show_step(result: StepResult, step: BaseStep) -> None:
    """Print one line per finished step: mark, index, label, duration."""
    mark = {"ok": "[green]✓[/]", "failed": "[red]✗[/]", "skipped": "[dim]-[/]"}[result.status]
    label = escape(step.describe())
    line = f"{mark} {result.index:>3}  {label}  [dim]{result.duration_ms:.0f} ms[/]"
    if result.error:
        line += f"\n        [red]{escape(result.error)}[/]"
    console.print(line)


def show_json(data: Any) -> None:
    """Print data as JSON on standard output, unstyled."""
    print(json.dumps(data, indent=2, default=str))


def parse_vars(pairs: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` to a dict; a pair without ``=`` is a usage error."""
    variables = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--var takes NAME=VALUE, got {pair!r}")
        variables[key] = value
    return variables
