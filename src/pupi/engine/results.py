"""What a run returns: one ``StepResult`` per step and a ``RunResult`` for the whole."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pupi.errors import StepFailed

__all__ = ["RunResult", "StepResult"]


class StepResult(BaseModel):
    """The outcome of one step."""

    model_config = ConfigDict(frozen=False)

    index: int
    action: str
    name: str | None = None
    status: Literal["ok", "failed", "skipped"]
    duration_ms: float = 0.0
    output: Any = None
    error: str | None = None

    def __repr__(self) -> str:
        return f"<StepResult {self.index} {self.action} {self.status} {self.duration_ms:.0f}ms>"


class RunResult(BaseModel):
    """The outcome of a list of steps run on one instance.

    ``status`` is ``"failed"`` when a step that is not ``optional`` failed; then
    ``error`` is ``{"step_index", "type", "message", "screenshot"}`` and the
    instance is left open on the page where it happened.

    >>> run = await sdk.execute_steps_locally(steps)
    >>> run.raise_for_status().outputs["price"]
    '$24.00'
    """

    instance_id: str
    status: Literal["completed", "failed"]
    steps: list[StepResult] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)
    error: dict[str, Any] | None = None
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run completed."""
        return self.status == "completed"

    def raise_for_status(self) -> RunResult:
        """Raise :class:`~pupi.StepFailed` when the run failed; return ``self`` otherwise."""
        if self.status == "failed":
            raise StepFailed(self)
        return self

    def __repr__(self) -> str:
        return f"<RunResult {self.status} steps={len(self.steps)} instance={self.instance_id[:8]}>"
