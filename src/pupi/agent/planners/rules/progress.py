"""Where the plan stands, read back from the history alone.

The planner keeps no state of its own: every action it emits carries a tag
in ``Action.why`` (``[3] click 'Log in'``, ``[3:go] ...``, ``[3:wait] ...``)
and the answers of questions already answered (``||A1="$12.00"``), with the
structured answer of a run that has an output schema (``||D1=[...]``), so the
next turn can be computed from ``(task, observation, history)`` alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pupi.agent.planners.base import HistoryEntry

__all__ = ["Progress", "read_progress", "tag"]

_TAG = re.compile(r"^\[(\d+)(?::(\w+))?\]")
_ANSWER = re.compile(r" \|\|([AD])(\d+)=")


@dataclass
class Progress:
    """What the history says: the next clause, answers so far, waits, a failure."""

    next_clause: int = 0
    answers: dict[int, str] = field(default_factory=dict)
    data: dict[int, Any] = field(default_factory=dict)
    """Structured answers (JSON values) by clause, for a run with an output schema."""
    phases: dict[int, list[str]] = field(default_factory=dict)
    failure: str | None = None
    last_element_selector: str | None = None

    def count(self, clause: int, phase: str) -> int:
        """How many actions of ``phase`` the history holds for ``clause``."""
        return self.phases.get(clause, []).count(phase)


def tag(
    clause: int,
    phase: str,
    text: str,
    answers: dict[int, str],
    data: Mapping[int, Any] | None = None,
) -> str:
    """The ``why`` for an action of ``clause``, carrying the answers (and data) so far."""
    label = f"[{clause}]" if phase == "main" else f"[{clause}:{phase}]"
    stored = "".join(f" ||A{k}={json.dumps(v)}" for k, v in sorted(answers.items()))
    stored += "".join(f" ||D{k}={json.dumps(v)}" for k, v in sorted((data or {}).items()))
    return f"{label} {text}{stored}"


def _answers(why: str) -> tuple[dict[int, str], dict[int, Any]]:
    parts = _ANSWER.split(why)
    answers: dict[int, str] = {}
    data: dict[int, Any] = {}
    for kind, number, payload in zip(parts[1::3], parts[2::3], parts[3::3], strict=False):
        try:
            value = json.loads(payload)
        except ValueError:
            continue
        if kind == "A":
            answers[int(number)] = str(value)
        else:
            data[int(number)] = value
    return answers, data


def read_progress(history: Sequence[HistoryEntry]) -> Progress:
    """Read the plan's progress from ``history`` (entries without a tag are ignored)."""
    progress = Progress()
    for entry in history:
        why = entry.action.why or ""
        found = _TAG.match(why)
        if found is None:
            continue
        clause, phase = int(found[1]), found[2] or "main"
        progress.phases.setdefault(clause, []).append(phase)
        answers, data = _answers(why)
        progress.answers.update(answers)
        progress.data.update(data)
        reached = clause + 1 if phase == "main" else clause
        progress.next_clause = max(progress.next_clause, reached)
        if (
            entry.ok
            and entry.action.kind in ("type", "click", "select", "check")
            and entry.step.get("selector")
        ):
            selector = entry.step["selector"]
            first = selector[0] if isinstance(selector, list) and selector else selector
            progress.last_element_selector = first if isinstance(first, str) else None
        progress.failure = None if entry.ok else (entry.error or f"the step {entry.step} failed")
    return progress
