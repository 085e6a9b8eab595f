"""The tables. Changing one means adding a migration under ``migrations/versions``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "FileRow",
    "LiveFrameRow",
    "ProfileRow",
    "PromptCacheRow",
    "RunRow",
    "ScreenshotRow",
    "SessionRow",
    "StepRow",
    "TokenRow",
    "TraceRow",
    "UTCDateTime",
    "WebhookAttemptRow",
    "WebhookDeliveryRow",
    "utcnow",
]


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite stores datetimes without an offset and hands them back naive; PostgreSQL
    keeps the offset. This type makes both look the same to the rest of the server.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class TokenRow(Base):
    """An access token. Only the SHA-256 of the secret is kept."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    """The first characters of the token, so a person can tell tokens apart."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Where this token's sessions report each run's end, unless a session says otherwise."""
    webhook_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The key deliveries are signed with; made when first needed, shown only to its token."""


class SessionRow(Base):
    """One prompt sent to the API and everything that came of it."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_token_closed", "token_id", "closed_at"),
        Index("ix_sessions_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("tokens.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    start_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    planner: Mapped[str] = mapped_column(String(64))
    max_steps: Mapped[int] = mapped_column(Integer)
    timeout_s: Mapped[float] = mapped_column(Float)
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    steps: Mapped[Any] = mapped_column(JSON, nullable=True)
    """The final, replayable steps; None until the session ends."""
    error: Mapped[Any] = mapped_column(JSON, nullable=True)
    usage: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    job_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The distributed queue's job that runs it (PostgreSQL); None in-process."""
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Which worker ran it: ``host:pid``."""
    idle_timeout_s: Mapped[float] = mapped_column(Float, default=0.0)
    """How long the browser stays open, idle, after a run; 0: released when the run ends."""
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When its browser was let go; a session can take more runs until then."""
    close_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """``client``, ``idle`` (idle past its timeout) or ``expired`` (record expiry)."""
    trace: Mapped[bool] = mapped_column(default=False)
    """Whether a Playwright trace of the session is recorded (kept in ``session_traces``)."""
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Where each run's end is POSTed (the session's own, or its token's default)."""
    options: Mapped[Any] = mapped_column(JSON, nullable=True)
    """Its browser options with the secrets left out (``BrowserOptions.public()``)."""
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """Its storage state and proxy, sealed (:mod:`pupi.server.sealing`)."""
    profile: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The token's profile it starts from and saves to."""
    save_state: Mapped[bool] = mapped_column(default=False)
    """Whether its storage state is saved after each run (``saved_state``)."""
    saved_state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """Its storage state after its latest run, sealed."""
    allowed_domains: Mapped[Any] = mapped_column(JSON, nullable=True)
    """The host rules its pages are held to, besides the fetch policy; None: no rules."""


class TraceRow(Base):
    """A session's Playwright trace (a zip), written when its browser is released."""

    __tablename__ = "session_traces"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FileRow(Base):
    """A file of a session: uploaded with a request, or downloaded by a run."""

    __tablename__ = "session_files"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``upload`` or ``download``."""
    run: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """None when it was not kept (over the server's bounds; ``note`` says why)."""
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProfileRow(Base):
    """A token's named profile: the storage state its sessions start from and save."""

    __tablename__ = "profiles"

    token_id: Mapped[str] = mapped_column(
        ForeignKey("tokens.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PromptCacheRow(Base):
    """A token's cached prompt: the steps it took, to replay without a planner.

    Filed under the digest of its :class:`~pupi.agent.cache.CacheKey` (prompt,
    site, planner), in the database so every worker of the token shares it.
    """

    __tablename__ = "prompt_cache"

    token_id: Mapped[str] = mapped_column(
        ForeignKey("tokens.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    steps: Mapped[Any] = mapped_column(JSON)
    """The steps as recorded: secrets as their placeholders, never their values."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RunRow(Base):
    """One thing a session was asked to do: its first prompt, a follow-up, or steps."""

    __tablename__ = "session_runs"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``prompt`` or ``steps``."""
    status: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str | None] = mapped_column(Text, nullable=True)
    start_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    planner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    max_steps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timeout_s: Mapped[float] = mapped_column(Float)
    request_steps: Mapped[Any] = mapped_column(JSON, nullable=True)
    """The steps asked for (a ``steps`` run), as validated."""
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    outputs: Mapped[Any] = mapped_column(JSON, nullable=True)
    steps: Mapped[Any] = mapped_column(JSON, nullable=True)
    """The concrete steps it ran, replayable."""
    error: Mapped[Any] = mapped_column(JSON, nullable=True)
    usage: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    secrets: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """The secrets its steps or prompt type, sealed; cleared (None) when the run ends."""
    token_budget: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The most tokens its planner may spend; None: no bound."""
    vision: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """``screen`` or ``marks``: an LLM planner is shown screenshots; None: not."""
    heal: Mapped[bool] = mapped_column(default=False)
    """Whether steps whose selector matches nothing are re-grounded from their intent."""
    output_schema: Mapped[Any] = mapped_column(JSON, nullable=True)
    """A prompt's JSON Schema for its answer (``output_schema``), as checked."""
    data: Mapped[Any] = mapped_column(JSON, nullable=True)
    """The answer validated against ``output_schema``; None without one."""
    cache: Mapped[bool] = mapped_column(default=False)
    """Whether the prompt may be served from, and is kept in, its token's prompt cache."""
    cached: Mapped[bool] = mapped_column(default=False)
    """Whether it was: its steps replayed from the cache, no planner asked."""


class WebhookDeliveryRow(Base):
    """One run's end, to be POSTed to a webhook until it is accepted or given up."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    run: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    """``pending``, ``delivered`` (a 2xx came back) or ``failed`` (given up)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookAttemptRow(Base):
    """One POST of a delivery and what came of it."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[float] = mapped_column(Float)


class LiveFrameRow(Base):
    """The live view of an open session: its latest frame, and until when someone watches.

    One row per session, overwritten: a viewer wants the page now, not its history.
    """

    __tablename__ = "live_frames"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    """0 before the first frame; then one more per frame."""
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    watched_until: Mapped[datetime] = mapped_column(UTCDateTime())


class StepRow(Base):
    """One step a session ran, as it happened: the step and its outcome."""

    __tablename__ = "session_steps"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    step: Mapped[Any] = mapped_column(JSON)
    result: Mapped[Any] = mapped_column(JSON)
    run: Mapped[int] = mapped_column(Integer, default=0)
    """The number of the run that made it."""
    has_screenshot: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScreenshotRow(Base):
    """The page as it looked after step ``n``."""

    __tablename__ = "screenshots"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
