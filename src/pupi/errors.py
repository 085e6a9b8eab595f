"""Every exception Pupi raises on purpose.

The tree::

    PupiError
    ├── InvalidSteps          steps rejected before any browser starts
    ├── StepFailed            a run failed; carries the RunResult
    ├── InstanceNotFound      no open instance with that id
    ├── BrowserLaunchError    no browser found, or it would not start
    ├── AgentError            the agent or its planner could not go on
    └── ApiError              the Pupi AI API answered with an error
        ├── AuthenticationError   401: missing, unknown or revoked token
        ├── PermissionDenied      403: the token may not do this
        ├── SessionNotFound       404: no such session for this token
        └── RateLimited           429: too many sessions; see ``retry_after``

Foreign exceptions (Playwright's, httpx's, the database driver's) are translated
at one boundary each and chained with ``raise ... from exc``, so the original is
always available as ``__cause__``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pupi.engine.results import RunResult

__all__ = [
    "AgentError",
    "ApiError",
    "AuthenticationError",
    "BrowserLaunchError",
    "InstanceNotFound",
    "InvalidSteps",
    "PermissionDenied",
    "PupiError",
    "RateLimited",
    "SessionNotFound",
    "StepError",
    "StepFailed",
]


class PupiError(Exception):
    """Base class of every error Pupi raises on purpose.

    ``code`` is a short, stable machine-readable name; the server uses it as the
    ``error.code`` of its JSON error bodies.
    """

    code: str = "pupi_error"


@dataclass(frozen=True, slots=True)
class StepError:
    """One problem found in one step while validating a list of steps."""

    index: int
    """Position of the step in the list, from 0; -1 when the list itself is wrong."""
    action: str | None
    """The step's ``action`` when it had a recognisable one."""
    field: str | None
    """Dotted path of the offending field inside the step, or None for the whole step."""
    message: str

    def __str__(self) -> str:
        where = "steps" if self.index < 0 else f"step {self.index}"
        if self.action:
            where += f" ({self.action})"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InvalidSteps(PupiError, ValueError):
    """The steps could not be used; nothing was run and no browser was started.

    Raised by validation, which reads the whole list before anything runs, so
    ``errors`` holds every problem at once, each naming its step index, action and
    field. Compare :class:`StepFailed`, which is about a valid step that failed in
    the browser.
    """

    code = "invalid_steps"

    def __init__(self, errors: list[StepError]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{count} invalid step{'s' if count != 1 else ''}:\n{lines}")


class StepFailed(PupiError):
    """A run's step failed in the browser.

    Raised by :meth:`RunResult.raise_for_status`; ``run`` is the whole result
    (every step's outcome, the outputs so far, ``run.error`` with the failing
    step's index, type, message and a screenshot path). The instance stays open so
    the page can be inspected.
    """

    code = "step_failed"

    def __init__(self, run: RunResult) -> None:
        self.run = run
        error = run.error or {}
        super().__init__(
            f"step {error.get('step_index')} failed ({error.get('type')}): {error.get('message')}"
        )


class InstanceNotFound(PupiError, KeyError):
    """No open browser instance has this id (never opened, or already closed)."""

    code = "instance_not_found"

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"no open browser instance with id {instance_id!r}")

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes.
        return str(self.args[0])


class BrowserLaunchError(PupiError):
    """No browser could be found or started, or a remote one could not be reached.

    The message always says what was tried and how to fix it;
    ``pupi doctor`` prints the same diagnosis.
    """

    code = "browser_launch_error"


class AgentError(PupiError):
    """The agent could not run: planner misconfigured, provider error, bad model output.

    A prompt that simply could not be carried out is not an exception: it comes
    back as a result with ``status == "failed"`` and a reason.
    """

    code = "agent_error"


class ApiError(PupiError):
    """The Pupi AI API answered with an error status.

    ``status_code`` is the HTTP status, ``code`` the server's ``error.code``.
    """

    code = "api_error"

    def __init__(self, message: str, *, status_code: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        if code is not None:
            self.code = code
        self.message = message


class AuthenticationError(ApiError):
    """401: the request carried no token, or one the server does not know or has revoked."""

    code = "unauthorized"


class PermissionDenied(ApiError):
    """403: the token is valid but may not do this."""

    code = "forbidden"


class SessionNotFound(ApiError):
    """404: no session with this id belongs to the caller's token."""

    code = "session_not_found"


class RateLimited(ApiError):
    """429: the caller has too many queued sessions; retry after ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, code=code)
        self.retry_after = retry_after
