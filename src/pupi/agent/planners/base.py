"""The planner interface: what every planner receives and what it must answer.

A planner looks at the task, the current page (an :class:`Observation`) and what
was done so far, and answers a :class:`Decision`: actions to take now, or done
(with an answer), or failed (with a reason). Actions name elements by their
number in the observation; the agent turns them into concrete, replayable steps
with robust selectors, so no planner ever writes a selector by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from pupi.agent.observe.model import Observation
    from pupi.agent.schema import OutputSchema

__all__ = ["Action", "Decision", "HistoryEntry", "Planner", "Usage"]

ActionKind = Literal[
    "go",
    "click",
    "type",
    "press",
    "select",
    "check",
    "uncheck",
    "hover",
    "scroll",
    "wait",
    "back",
    "forward",
    "reload",
]


class Action(BaseModel):
    """One browser action chosen by a planner.

    ``element`` is the number of an element in the observation the planner was
    given. ``text`` is what to type, ``value`` the option(s) to select (label or
    value), ``key`` the key to press, ``url`` where to go.
    """

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    element: int | None = None
    text: str | None = None
    value: str | list[str] | None = None
    key: str | None = None
    url: str | None = None
    ms: int | None = None
    why: str | None = Field(None, description="A short reason, kept in the history.")
    memo: dict[str, Any] | None = Field(
        None,
        description="The planner's own notes, handed back to it with the history; never run, "
        "never shown to a model.",
    )


class Decision(BaseModel):
    """A planner's answer for one turn.

    Exactly one of: ``actions`` to run now (then the agent observes again),
    ``done`` (the task is finished; ``answer`` holds the answer, or None when
    the task only acts), or ``failed`` (``reason`` says why it cannot go on).

    With an output schema, the agent validates ``data`` as the structured
    answer, or ``answer`` when ``data`` is None. A planner that writes its
    answer as text (the offline one) puts the structured one in ``data``; LLM
    planners never see that field: their ``answer`` is schema-shaped already.
    """

    model_config = ConfigDict(extra="forbid")

    actions: list[Action] = Field(default_factory=list)
    done: bool = False
    failed: bool = False
    answer: Any = None
    reason: str | None = None
    data: Any = None


class HistoryEntry(BaseModel):
    """One action the agent took, as later turns see it."""

    action: Action
    step: dict[str, Any]
    ok: bool
    error: str | None = None
    url_before: str
    url_after: str


class Usage(BaseModel):
    """Tokens spent by an LLM planner (all zero for the offline planner)."""

    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0

    @property
    def total_tokens(self) -> int:
        """Input and output tokens together: what ``token_budget`` counts."""
        return self.input_tokens + self.output_tokens

    def add(self, input_tokens: int, output_tokens: int) -> None:
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.requests += 1


@runtime_checkable
class Planner(Protocol):
    """What the agent loop needs of a planner.

    ``output`` is the run's output schema, passed only when the run has one, so
    a planner whose ``decide`` takes no ``output`` still works: the loop then
    validates its answer all the same.
    """

    name: str
    usage: Usage

    async def decide(
        self,
        task: str,
        observation: Observation,
        history: Sequence[HistoryEntry],
        *,
        output: OutputSchema | None = None,
    ) -> Decision:
        """Choose what to do next; with ``output``, answer in its shape when done."""
        ...
