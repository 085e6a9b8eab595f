"""The shapes of the API's request and response bodies (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ClosedCount",
    "ErrorBody",
    "ErrorDetail",
    "FollowUpPrompt",
    "PromptRequest",
    "RunRecord",
    "SessionDetail",
    "SessionList",
    "SessionStarted",
    "SessionSummary",
    "StepRecord",
    "StepsRequest",
    "WebhookAttempt",
    "WebhookDefault",
    "WebhookDeliveries",
    "WebhookDelivery",
    "WebhookSettings",
]

SessionStatus = Literal["queued", "running", "completed", "failed", "cancelled"]

PROMPT_HARD_LIMIT = 100_000
"""No configuration can accept prompts longer than this."""


class _AgentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_url: str | None = Field(
        None, max_length=4096, description="Where to start; else the prompt's first URL."
    )
    planner: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_-]*$",
        description="rules (default), openai or anthropic.",
    )
    max_steps: int | None = Field(None, ge=1, le=1000)
    timeout_s: float | None = Field(None, gt=0, le=86_400)


StepList = list[dict[str, Any]]
"""Steps as for ``execute_steps_locally`` (or a Chrome Recorder export's ``steps``)."""


class PromptRequest(_AgentOptions):
    """Body of ``POST /v1/sessions``: a prompt or steps, and how long the browser stays open."""

    prompt: str | None = Field(
        None,
        min_length=1,
        max_length=PROMPT_HARD_LIMIT,
        description="What the agent should do, in plain language.",
    )
    steps: StepList | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="Declarative steps to run instead of a prompt; validated before anything runs.",
    )
    idle_timeout_s: float | None = Field(
        None,
        ge=0,
        le=86_400,
        description="Keep the browser this long after a run for follow-ups "
        "(POST .../prompts, .../steps); 0 (the default) releases it when the run ends.",
    )
    webhook_url: str | None = Field(
        None,
        max_length=2048,
        pattern=r"^https?://",
        description="POST each run's end here, signed (Pupi-Signature); else the token's "
        "default (PUT /v1/webhook), if any.",
    )
    trace: bool = Field(
        False,
        description="Record a Playwright trace of the session: GET .../trace once its "
        "browser is released.",
    )

    @model_validator(mode="after")
    def _one_of(self) -> PromptRequest:
        if (self.prompt is None) == (self.steps is None):
            raise ValueError("give either prompt or steps")
        return self


class FollowUpPrompt(_AgentOptions):
    """Body of ``POST /v1/sessions/{id}/prompts``: the next prompt on the same page."""

    prompt: str = Field(min_length=1, max_length=PROMPT_HARD_LIMIT)


class StepsRequest(BaseModel):
    """Body of ``POST /v1/sessions/{id}/steps``."""

    model_config = ConfigDict(extra="forbid")

    steps: StepList = Field(min_length=1, max_length=1000)
    timeout_s: float | None = Field(None, gt=0, le=86_400)


class RunRecord(BaseModel):
    """One run of a session: its first prompt or steps, or a follow-up."""

    n: int
    kind: Literal["prompt", "steps"]
    status: SessionStatus
    prompt: str | None = None
    answer: Any = None
    outputs: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class SessionStarted(BaseModel):
    """Answer of ``POST /v1/sessions`` and of the follow-up routes."""

    session_id: str
    status: SessionStatus
    run: int = Field(0, description="The run's number in the session: 0 for the first.")


class SessionSummary(BaseModel):
    """A session in a list."""

    session_id: str
    status: SessionStatus
    prompt: str
    active: bool
    open: bool = Field(
        False, description="Whether the browser is held: the session takes more runs."
    )
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    closed_at: datetime | None = None


class StepRecord(BaseModel):
    """One step a session ran and how it went."""

    n: int
    run: int = 0
    step: dict[str, Any]
    result: dict[str, Any]
    screenshot_url: str | None = None
    created_at: datetime


class SessionDetail(SessionSummary):
    """Everything about one session."""

    start_url: str | None = None
    planner: str
    max_steps: int
    timeout_s: float
    answer: Any = None
    steps: list[dict[str, Any]] = Field(
        default_factory=list, description="The concrete steps, replayable locally."
    )
    step_results: list[StepRecord] = Field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = Field(
        None, description="What the latest run's steps stored (extract ... as)."
    )
    runs: list[RunRecord] = Field(default_factory=list)
    idle_timeout_s: float = 0.0
    close_reason: Literal["client", "idle", "expired"] | None = None
    webhook_url: str | None = None
    trace_url: str | None = Field(
        None,
        description="Where the Playwright trace is (``trace: true``), once written: "
        "when the browser is gone.",
    )


class WebhookSettings(BaseModel):
    """A token's webhook: its default URL and the secret its deliveries are signed with."""

    url: str | None = None
    secret: str


class WebhookDefault(BaseModel):
    """Body of ``PUT /v1/webhook``."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2048, pattern=r"^https?://")


class WebhookAttempt(BaseModel):
    """One POST of a delivery."""

    n: int
    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: float


class WebhookDelivery(BaseModel):
    """One run's end, POSTed to the session's webhook."""

    id: str
    run: int
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: list[WebhookAttempt]
    next_attempt_at: datetime | None = None
    created_at: datetime
    finished_at: datetime | None = None


class WebhookDeliveries(BaseModel):
    """Answer of ``GET /v1/sessions/{id}/webhooks``."""

    deliveries: list[WebhookDelivery]


class SessionList(BaseModel):
    """Answer of ``GET /v1/sessions``."""

    sessions: list[SessionSummary]


class ClosedCount(BaseModel):
    """Answer of ``DELETE /v1/sessions``."""

    closed: int


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="Stable name of the error; one exception class each.")
    message: str
    details: dict[str, Any] | None = Field(
        None, description="Facts besides the message, e.g. every bad step's index and field."
    )


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail
