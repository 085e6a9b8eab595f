"""What an agent run returns: :class:`PromptResult`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from pupi.engine.healing import Healing
from pupi.engine.results import StepResult
from pupi.errors import PromptFailed

__all__ = ["PromptResult"]


class PromptResult(BaseModel):
    """The outcome of a prompt carried out by the agent.

    ``steps`` are the concrete steps that succeeded, in order, with robust
    selectors; they replay with ``execute_steps_locally`` and no planner.
    ``step_results`` has the outcome of every step tried, failed ones included.
    ``error`` is ``{"type", "message"}`` when the run failed; ``type`` is one of
    ``planner_gave_up``, ``max_steps``, ``timeout``, ``loop_detected``,
    ``too_many_failures``, ``planner_error``, ``page_error``, ``budget_exhausted``
    (the planner spent its ``token_budget``), ``output_invalid``.

    ``data`` is the answer as structured data, for a run given an
    ``output_schema``: instances of the pydantic model (or a list of them) for a
    Python type, the JSON value for a JSON Schema. An answer that does not match
    fails the run with ``output_invalid``, whose ``errors`` list each problem as
    ``{"path", "message"}``; ``answer`` is kept, to see what came instead.
    ``cached`` is true when the steps came from ``run_prompt_locally``'s cache and
    no planner ran; ``healing`` then lists the steps that replay gave a new
    selector (the cache holds the healed ``steps`` from then on).

    >>> result = await sdk.run_prompt_locally("Find the price of the first product on ...")
    >>> result.raise_for_status().answer
    '$24.00'
    """

    status: Literal["completed", "failed"]
    answer: Any = None
    data: Any = None
    steps: list[dict[str, Any]] = Field(default_factory=list)
    instance_id: str
    error: dict[str, Any] | None = None
    usage: dict[str, Any] = Field(default_factory=dict)
    duration_ms: float = 0.0
    step_results: list[StepResult] = Field(default_factory=list)
    cached: bool = False
    healing: list[Healing] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the run completed."""
        return self.status == "completed"

    def raise_for_status(self) -> PromptResult:
        """Raise :class:`~pupi.PromptFailed` when the run failed; return ``self`` otherwise.

        The exception's ``result`` attribute holds this result.
        """
        if self.status == "failed":
            raise PromptFailed(self)
        return self

    def __repr__(self) -> str:
        answer = "" if self.answer is None else f" answer={_short(self.answer)}"
        problem = f" error={self.error.get('type')}" if self.error else ""
        cached = " cached" if self.cached else ""
        return (
            f"<PromptResult {self.status}{cached} steps={len(self.steps)}{answer}{problem} "
            f"instance={self.instance_id[:8]}>"
        )

    __str__ = __repr__


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
