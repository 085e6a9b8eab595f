"""What the Pupi AI API answers, as the client reads it: sessions, runs, files, events.

Each is a pydantic model that ignores fields it does not know, so a newer
server's answers still parse. :mod:`pupi.client` returns them and re-exports
them; the server's own schemas (:mod:`pupi.server.schemas`) are what it writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "TERMINAL",
    "ActiveSessions",
    "FileInfo",
    "LiveFrame",
    "RunRecord",
    "SessionEvent",
    "SessionInfo",
    "SessionResult",
    "SessionStarted",
    "SessionStatus",
    "StepRecord",
    "WebhookDelivery",
    "WebhookSettings",
]

SessionStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
TERMINAL = frozenset({"completed", "failed", "cancelled"})


class _Model(BaseModel):
    # A newer server may add fields; an older client must still read its answers.
    model_config = ConfigDict(extra="ignore")


class SessionStarted(_Model):
    """What starting a session or a run in one returns: the session, the run's number, status.

    ``run`` is 0 for a session's first prompt (or steps), then 1, 2, ... for
    each follow-up sent with ``send_prompt_to_session`` or ``execute_steps_remotely``.
    """

    session_id: str
    status: SessionStatus
    run: int = 0

    def __repr__(self) -> str:
        return f"<SessionStarted {self.session_id[:8]} run={self.run} {self.status}>"


class SessionInfo(_Model):
    """A session as listed by ``get_active_sessions``."""

    session_id: str
    status: SessionStatus
    prompt: str
    active: bool
    open: bool = False
    """Whether the session still holds its browser and takes follow-ups."""
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def done(self) -> bool:
        """Whether the session has ended (completed, failed or cancelled)."""
        return self.status in TERMINAL

    def __repr__(self) -> str:
        state = "active" if self.active else "closed"
        return f"<SessionInfo {self.session_id[:8]} {self.status} {state}>"


class StepRecord(_Model):
    """One step the session ran: the step, its outcome, and where its screenshot is."""

    n: int
    step: dict[str, Any]
    result: dict[str, Any]
    screenshot_url: str | None = None
    created_at: datetime
    run: int = 0
    """The number of the run that made it."""

    def __repr__(self) -> str:
        return f"<StepRecord {self.n} {self.step.get('action')} {self.result.get('status')}>"


class RunRecord(_Model):
    """One run of a session: its first prompt or steps, or a follow-up, and how it went."""

    n: int
    kind: Literal["prompt", "steps"]
    status: SessionStatus
    prompt: str | None = None
    answer: Any = None
    data: Any = None
    """The structured answer, for a prompt sent with an ``output_schema`` (JSON)."""
    outputs: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    cached: bool = False
    """Whether its steps were replayed from the token's prompt cache (``cache=True``)."""
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def __repr__(self) -> str:
        return f"<RunRecord {self.n} {self.kind} {self.status}>"


class FileInfo(_Model):
    """A session's file: sent with a request (``upload``) or downloaded by a run."""

    name: str
    kind: Literal["upload", "download"]
    run: int
    size: int
    content_type: str
    url: str | None = None
    """None when the server did not keep it (``note`` says why)."""
    note: str | None = None
    created_at: datetime

    def __repr__(self) -> str:
        return f"<FileInfo {self.kind} {self.name!r} {self.size} bytes>"


class SessionResult(SessionInfo):
    """Everything about one session: ``status``, ``answer``, ``steps``, ``error``, timestamps.

    ``steps`` are concrete step dicts, replayable with ``execute_steps_locally``;
    ``step_results`` says how each went.
    """

    start_url: str | None = None
    planner: str
    max_steps: int
    timeout_s: float
    answer: Any = None
    data: Any = None
    """The latest ended run's structured answer (``output_schema``), as JSON: read it
    into your model with ``TypeAdapter(list[Product]).validate_python(result.data)``."""
    steps: list[dict[str, Any]] = Field(default_factory=list)
    step_results: list[StepRecord] = Field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    """What the latest run's steps stored (``extract ... as``)."""
    runs: list[RunRecord] = Field(default_factory=list)
    idle_timeout_s: float = 0.0
    close_reason: str | None = None
    """``client``, ``idle`` (its browser idle past ``idle_timeout_s``) or ``expired``."""
    webhook_url: str | None = None
    trace_url: str | None = None
    """Where its Playwright trace is (``get_trace``), when it was started with ``trace``."""
    options: dict[str, Any] | None = None
    """Its browser options, without the storage state and credentials."""
    profile: str | None = None
    files: list[FileInfo] = Field(default_factory=list)
    """Files sent with it and files its runs downloaded (``download_session_file``)."""
    storage_state_url: str | None = None
    """Where its saved storage state is (``get_storage_state``), with ``save_state``."""
    allowed_domains: list[str] | None = None
    """The hosts its pages may reach (besides the server's fetch policy), when it said."""

    def __repr__(self) -> str:
        answer = "" if self.answer is None else f" answer={str(self.answer)[:40]!r}"
        return (
            f"<SessionResult {self.session_id[:8]} {self.status} steps={len(self.steps)}{answer}>"
        )


class ActiveSessions(_Model):
    """What ``get_active_sessions`` returns."""

    sessions: list[SessionInfo]

    def __repr__(self) -> str:
        return f"<ActiveSessions {len(self.sessions)}>"


class LiveFrame(_Model):
    """One image of an open session's page, from ``watch_session``."""

    seq: int
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"<LiveFrame {self.seq} {self.content_type} {len(self.data)} bytes>"


class WebhookSettings(_Model):
    """The caller's webhook: default URL (or None) and the secret deliveries are signed with."""

    url: str | None = None
    secret: str

    def __repr__(self) -> str:  # the secret stays out of logs and tracebacks
        return f"<WebhookSettings url={self.url!r}>"


class WebhookDelivery(_Model):
    """One run's end POSTed to a webhook, with every attempt (``attempts``: dicts)."""

    id: str
    run: int
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: list[dict[str, Any]] = Field(default_factory=list)
    next_attempt_at: datetime | None = None
    created_at: datetime
    finished_at: datetime | None = None

    def __repr__(self) -> str:
        return f"<WebhookDelivery run={self.run} {self.status} attempts={len(self.attempts)}>"


class SessionEvent(_Model):
    """One server-sent event: ``status``, ``step`` (``data["n"]`` its number) or ``end``."""

    event: str
    data: dict[str, Any]
    id: str | None = None

    def __repr__(self) -> str:
        return f"<SessionEvent {self.event} {self.data.get('n', self.data.get('status'))}>"
