"""Where the plan stands, read back from the history alone.

The planner keeps no state of its own: every action it emits carries a
:class:`Mark` in ``Action.memo`` (the clause it serves, in which phase, and the
answers of questions already answered, with the structured answer of a run
that has an output schema), so the next turn can be computed from ``(task,
observation, history)`` alone. ``Action.why`` is only the text a person reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from pupi.agent.planners.base import Action, HistoryEntry

__all__ = ["Mark", "Phase", "Progress", "marked", "read_progress"]

Phase = Literal["main", "open", "reveal", "wait"]
"""What an action does for its clause: carry it out, open what hides the
answer, open a tab or section to look for what the clause names, or wait for
the page."""


class Mark(BaseModel):
    """The planner's note on one action: its clause, its phase, the answers so far."""

    clause: int
    phase: Phase = "main"
    answers: dict[int, str] = {}
    data: dict[int, Any] = {}
    revealed: str | None = None
    """The name of the tab or section a "reveal" action opens."""


@dataclass
class Progress:
    """What the history says: the next clause, answers so far, waits, a failure."""

    next_clause: int = 0
    answers: dict[int, str] = field(default_factory=dict)
    data: dict[int, Any] = field(default_factory=dict)
    """Structured answers (JSON values) by clause, for a run with an output schema."""
    phases: dict[int, list[Phase]] = field(default_factory=dict)
    revealed: dict[int, list[str]] = field(default_factory=dict)
    """The tabs and sections opened to look for each clause's target, in order."""
    failure: str | None = None
    last_element_selector: str | None = None

    def count(self, clause: int, phase: Phase) -> int:
        """How many actions of ``phase`` the history holds for ``clause``."""
        return self.phases.get(clause, []).count(phase)


def marked(
    actions: Sequence[Action],
    clause: int,
    phase: Phase,
    answers: Mapping[int, str],
    data: Mapping[int, Any] | None = None,
    *,
    revealed: str | None = None,
) -> list[Action]:
    """``actions`` with the :class:`Mark` of ``clause`` and the answers (and data) so far."""
    memo = Mark(
        clause=clause, phase=phase, answers=dict(answers), data=dict(data or {}), revealed=revealed
    )
    return [action.model_copy(update={"memo": memo.model_dump()}) for action in actions]


def _mark(action: Action) -> Mark | None:
    if action.memo is None:
        return None
    try:
        return Mark.model_validate(action.memo)
    except ValidationError:  # another planner's notes
        return None


def read_progress(history: Sequence[HistoryEntry]) -> Progress:
    """Read the plan's progress from ``history`` (entries without a mark are ignored)."""
    progress = Progress()
    for entry in history:
        mark = _mark(entry.action)
        if mark is None:
            continue
        clause, phase = mark.clause, mark.phase
        progress.phases.setdefault(clause, []).append(phase)
        if mark.revealed is not None:
            progress.revealed.setdefault(clause, []).append(mark.revealed)
        progress.answers.update(mark.answers)
        progress.data.update(mark.data)
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
