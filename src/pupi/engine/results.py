"""What a run returns: one ``StepResult`` per step and a ``RunResult`` for the whole."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pupi.browser.downloads import DownloadedFile
from pupi.engine.healing import Healing
from pupi.errors import StepFailed

__all__ = ["RunError", "RunResult", "StepResult"]


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


class RunError(BaseModel):
    """Why a run failed: the failing step's index, the kind of failure and its message.

    ``type`` is the engine's name for the failure (``timeout``, ``assertion``,
    ``not_found``, ``instance_dead``, ...); ``screenshot`` the path of the page's
    screenshot taken when it happened, if one could be. Reading it like the dict
    it used to be (``error["message"]``, ``error.get("screenshot")``) still works.
    """

    model_config = ConfigDict(frozen=True)

    step_index: int
    type: str
    message: str
    screenshot: str | None = None

    def __getitem__(self, key: str) -> Any:
        if key not in RunError.model_fields:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key``, or ``default`` when there is no such field."""
        return getattr(self, key) if key in RunError.model_fields else default

    def __str__(self) -> str:
        return f"step {self.step_index} failed ({self.type}): {self.message}"

    def __repr__(self) -> str:
        return f"<RunError step={self.step_index} {self.type}>"


class RunResult(BaseModel):
    """The outcome of a list of steps run on one instance.

    ``status`` is ``"failed"`` when a step that is not ``optional`` failed; then
    ``error`` is a :class:`RunError` (``step_index``, ``type``, ``message``,
    ``screenshot``) and the instance is left open on the page where it happened.
    ``downloads`` lists the files whose downloads started during the run (a
    failed one with its ``error``); they stay on disk until the instance closes.
    Run with ``heal=True``, ``healing`` lists the steps that were given a new
    selector (a :class:`~pupi.Healing` each) and ``healed_steps`` holds every
    step as it ran, healed ones with their new selector: save those, and the
    next replay needs no healing.

    >>> run = await sdk.execute_steps_locally(steps)
    >>> run.raise_for_status().outputs["price"]
    '$24.00'
    """

    instance_id: str
    status: Literal["completed", "failed"]
    steps: list[StepResult] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)
    error: RunError | None = None
    duration_ms: float = 0.0
    downloads: list[DownloadedFile] = Field(default_factory=list)
    healing: list[Healing] = Field(default_factory=list)
    healed_steps: list[dict[str, Any]] = Field(default_factory=list)

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
        healed = f" healed={len(self.healing)}" if self.healing else ""
        return (
            f"<RunResult {self.status} steps={len(self.steps)}{healed} "
            f"instance={self.instance_id[:8]}>"
        )
