"""What a session, and each run in it, was asked to do: values the routes check and store."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["FileSpec", "RunKind", "RunSpec", "SessionSpec"]


class RunKind(StrEnum):
    """What a run does."""

    PROMPT = "prompt"
    """The agent carries out a prompt."""
    STEPS = "steps"
    """Declarative steps, validated before they were stored."""


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A file sent with a request, for the run's ``upload`` steps to name."""

    name: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run: a prompt (with its agent settings) or a list of steps."""

    kind: RunKind
    timeout_s: float
    prompt: str | None = None
    start_url: str | None = None
    planner: str | None = None
    max_steps: int | None = None
    steps: list[dict[str, Any]] | None = None
    files: tuple[FileSpec, ...] = ()
    secrets: bytes | None = field(default=None, repr=False)
    """The secrets it types, sealed; stored until the run ends."""
    token_budget: int | None = None
    """The most tokens its planner may spend (a prompt)."""
    vision: str | None = None
    """``screen`` or ``marks``: screenshots for an LLM planner (a prompt)."""
    heal: bool = False
    """Re-ground steps whose selector matches nothing (steps)."""
    output_schema: dict[str, Any] | None = None
    """A prompt's JSON Schema for its answer, checked; the run's ``data`` matches it."""
    cache: bool = False
    """Serve the prompt from its token's prompt cache when it can, and keep it there."""


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """A new session: its first run, its agent defaults, and how long it stays open."""

    first: RunSpec
    planner: str
    """The planner of its prompts (the first and any follow-up that names none)."""
    max_steps: int
    idle_timeout_s: float = 0.0
    """0: the browser is released when a run ends; else kept this long, idle, for more runs."""
    trace: bool = False
    """Record a Playwright trace of the whole session."""
    webhook_url: str | None = None
    """Where each run's end is POSTed, signed with the token's webhook secret."""
    options: dict[str, Any] | None = None
    """Its browser options, secrets left out; shown in its view."""
    sealed: bytes | None = field(default=None, repr=False)
    """Its storage state and proxy, sealed."""
    profile: str | None = None
    save_state: bool = False
    allowed_domains: list[str] | None = None
    """The host rules its pages are held to (``allowed_domains``), besides the fetch policy."""
