"""The shapes of the API's request and response bodies (they make the OpenAPI document)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from pupi.browser.options import BrowserOptions, check_storage_state

__all__ = [
    "ClosedCount",
    "ErrorBody",
    "ErrorDetail",
    "FileRecord",
    "FollowUpPrompt",
    "PromptRequest",
    "RunRecord",
    "SessionDetail",
    "SessionList",
    "SessionStarted",
    "SessionSummary",
    "StepRecord",
    "StepsRequest",
    "UploadedFile",
    "WebhookAttempt",
    "WebhookDefault",
    "WebhookDeliveries",
    "WebhookDelivery",
    "WebhookSettings",
]

SessionStatus = Literal["queued", "running", "completed", "failed", "cancelled"]

PROMPT_HARD_LIMIT = 100_000
"""No configuration can accept prompts longer than this."""

OUTPUT_SCHEMA_LIMIT = 32_768
"""The most characters an ``output_schema`` may take, written as compact JSON."""


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
    vision: bool | Literal["marks"] | None = Field(
        None,
        description='Show an LLM planner a screenshot each turn; "marks" draws the '
        "elements' numbers on it. Not for the offline planner.",
    )
    token_budget: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description="The most tokens (input and output, every request) an LLM planner may "
        "spend on the run; once spent, it fails with error type budget_exhausted.",
    )
    output_schema: dict[str, Any] | None = Field(
        None,
        description="A JSON Schema the answer must match: the run's ``data`` is the "
        "answer validated against it, or the run fails (``output_invalid``). At most "
        f"{OUTPUT_SCHEMA_LIMIT} characters as JSON; keywords Pupi does not check are "
        "refused (422 ``invalid_output_schema``).",
    )
    cache: bool = Field(
        False,
        description="Replay the steps this prompt took before on the same site with the same "
        "planner, from the token's prompt cache, without asking the planner (the run's "
        "``cached``); on a miss, or a replay that fails, it is planned and a run that "
        "completes without an answer is kept. Never with output_schema: it is planned.",
    )

    @field_validator("output_schema")
    @classmethod
    def _bounded(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            size = len(json.dumps(value, separators=(",", ":")))
            if size > OUTPUT_SCHEMA_LIMIT:
                raise ValueError(f"at most {OUTPUT_SCHEMA_LIMIT} characters as JSON, not {size}")
        return value


SecretName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
SecretValue = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class _SecretsField(BaseModel):
    secrets: dict[SecretName, SecretValue] | None = Field(
        None,
        max_length=50,
        repr=False,
        description="Values the run types where its prompt or steps say {{secret.NAME}}. "
        "Kept sealed until the run ends, then deleted; never shown, logged or sent to a "
        "planner: wherever a value would appear, its placeholder does. For this run only: "
        "a follow-up sends its own.",
    )


FILE_NAME = r"^[^/\\\x00]{1,255}$"
"""A plain file name: no directory, no NUL."""


class UploadedFile(BaseModel):
    """A file sent with a request, named by the ``upload`` steps that set it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=FILE_NAME, description="What upload steps call it: report.csv")
    content: str = Field(description="The file's bytes, base64-encoded.", repr=False)
    content_type: str = Field("application/octet-stream", max_length=255)

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str) -> str:
        if value in {".", ".."}:
            raise ValueError("a file name, not a directory")
        return value

    def data(self) -> bytes:
        """The decoded bytes (validated when the request was read)."""
        return base64.b64decode(self.content, validate=True)

    @field_validator("content")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        return value


class _FilesField(BaseModel):
    files: list[UploadedFile] | None = Field(
        None,
        max_length=50,
        description="Files for the steps' upload actions, by name; their total is "
        "bounded by the server (PUPI_MAX_UPLOAD_BYTES).",
    )

    @field_validator("files")
    @classmethod
    def _distinct(cls, value: list[UploadedFile] | None) -> list[UploadedFile] | None:
        names = [file.name for file in value or []]
        if len(names) != len(set(names)):
            raise ValueError("two files have one name")
        return value


class RemoteBrowserOptions(BrowserOptions):
    """A session's browser options: those of a local instance, a storage state as JSON.

    ``profile`` names one of the token's profiles: the cookies and local storage its
    last session left (kept sealed on the server), saved again when this one ends.
    """

    @field_validator("storage_state", mode="before")
    @classmethod
    def _load_state(cls, value: Any) -> Any:
        if isinstance(value, str):
            # A server must never read its own files for a client; the SDK reads
            # the client's file and sends its content.
            raise ValueError("a storage state object; a path is read on the client")
        return check_storage_state(value)

    def local(self) -> BrowserOptions:
        """The same options as the model local instances take."""
        return BrowserOptions.model_validate(self.revealed())


StepList = list[dict[str, Any]]
"""Steps as for ``execute_steps_locally`` (or a Chrome Recorder export's ``steps``)."""


class _HealField(BaseModel):
    heal: bool = Field(
        False,
        description="Re-ground a step whose selector matches nothing from its recorded "
        "intent, as execute_steps_locally(heal=True) does.",
    )


class PromptRequest(_AgentOptions, RemoteBrowserOptions, _FilesField, _SecretsField, _HealField):
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
    save_state: bool = Field(
        False,
        description="Save the browser's storage state after each run: "
        "GET .../storage_state (sealed at rest, deleted with the session).",
    )
    allowed_domains: list[Annotated[str, StringConstraints(max_length=253)]] | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The only hosts the session's pages may reach, within the server's fetch "
        "policy: example.com (that host), *.shop.test (its subdomains). Navigation and "
        "requests elsewhere are refused, naming the rules.",
    )

    @model_validator(mode="after")
    def _one_of(self) -> PromptRequest:
        if (self.prompt is None) == (self.steps is None):
            raise ValueError("give either prompt or steps")
        if self.steps is not None and self.output_schema is not None:
            raise ValueError("output_schema shapes a prompt's answer; steps have outputs")
        return self


class FollowUpPrompt(_AgentOptions, _SecretsField):
    """Body of ``POST /v1/sessions/{id}/prompts``: the next prompt on the same page."""

    prompt: str = Field(min_length=1, max_length=PROMPT_HARD_LIMIT)


class StepsRequest(_FilesField, _SecretsField, _HealField):
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
    data: Any = Field(
        None, description="The answer validated against the run's output_schema (JSON)."
    )
    outputs: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    cached: bool = Field(
        False, description="Whether its steps were replayed from the prompt cache."
    )
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


class FileRecord(BaseModel):
    """A session's file: sent with a request (``upload``) or downloaded by a run."""

    name: str
    kind: Literal["upload", "download"]
    run: int
    size: int
    content_type: str
    url: str | None = Field(None, description="Where its bytes are; None when not kept.")
    note: str | None = Field(None, description="Why it was not kept, if it was not.")
    created_at: datetime


class SessionDetail(SessionSummary):
    """Everything about one session."""

    start_url: str | None = None
    planner: str
    max_steps: int
    timeout_s: float
    answer: Any = None
    data: Any = Field(
        None, description="The latest ended run's structured answer (its output_schema)."
    )
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
    options: dict[str, Any] | None = Field(
        None, description="Its browser options; storage state and credentials left out."
    )
    profile: str | None = None
    files: list[FileRecord] = Field(default_factory=list)
    storage_state_url: str | None = Field(
        None, description="Where its saved storage state is (``save_state: true``), once saved."
    )
    allowed_domains: list[str] | None = Field(
        None, description="The hosts its pages may reach, besides the fetch policy."
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
