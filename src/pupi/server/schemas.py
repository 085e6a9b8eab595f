"""The shapes of the API's request and response bodies (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ClosedCount",
    "ErrorBody",
    "ErrorDetail",
    "PromptRequest",
    "SessionDetail",
    "SessionList",
    "SessionStarted",
    "SessionSummary",
    "StepRecord",
]

SessionStatus = Literal["queued", "running", "completed", "failed", "cancelled"]

PROMPT_HARD_LIMIT = 100_000
"""No configuration can accept prompts longer than this."""


class PromptRequest(BaseModel):
    """Body of ``POST /v1/sessions``."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(
        min_length=1,
        max_length=PROMPT_HARD_LIMIT,
        description="What the agent should do, in plain language.",
    )
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


class SessionStarted(BaseModel):
    """Answer of ``POST /v1/sessions``."""

    session_id: str
    status: SessionStatus


class SessionSummary(BaseModel):
    """A session in a list."""

    session_id: str
    status: SessionStatus
    prompt: str
    active: bool
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    closed_at: datetime | None = None


class StepRecord(BaseModel):
    """One step a session ran and how it went."""

    n: int
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
