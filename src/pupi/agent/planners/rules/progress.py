"""Where the plan stands, read back from the history alone.

The planner keeps no state of its own: every action it emits carries a tag
in ``Action.why`` (``[3] click 'Log in'``, ``[3:go] ...``, ``[3:wait] ...``)
and the answers of questions already answered (``||A1="$12.00"``), so the
next turn can be computed from ``(task, observation, history)`` alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pupi.agent.planners.base import HistoryEntry

__all__ = ["Progress", "read_progress", "tag"]

_TAG = re.compile(r"^\[(\d+)(?::(\w+))?\]")
_ANSWER = re.compile(r" \|\|A(\d+)=")


@dataclass
class Progress:
    """What the history says: the next clause, answers so far, waits, a failure."""

    next_clause: int = 0
    answers: dict[int, str] = field(default_factory=dict)
    phases: dict[int, list[str]] = field(default_factory=dict)
    failure: str | None = None
    last_element_selector: str | None = None

    def count(self, clause: int, phase: str) -> int:
        """How many actions of ``phase`` the history holds for ``clause``."""
        return self.phases.get(clause, []).count(phase)


def tag(clause: int, phase: str, text: str, answers: dict[int, str]) -> str:
    """The ``why`` for an action of ``clause``, carrying the answers so far."""
    label = f"[{clause}]" if phase == "main" else f"[{clause}:{phase}]"
    stored = "".join(f" ||A{k}={json.dumps(v)}" for k, v in sorted(answers.items()))
    return f"{label} {text}{stored}"


def _answers(why: str) -> dict[int, str]:
    parts = _ANSWER.split(why)
    out: dict[int, str] = {}
    for number, payload in zip(parts[1::2], parts[2::2], strict=False):
        try:
            out[int(number)] = str(json.loads(payload))
        except ValueError:
            continue
    return out


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
        progress.answers.update(_answers(why))
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
