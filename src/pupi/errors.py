"""Every exception Pupi raises on purpose, and the one table the API's errors follow.

The tree, with the HTTP status and ``error.code`` of the classes the server answers::

    PupiError
    ├── InvalidSteps          422 invalid_steps        steps rejected before any browser starts
    ├── InvalidBrowserOptions 422 invalid_browser_options  bad options for a new instance
    ├── InvalidOutputSchema   422 invalid_output_schema    an output schema Pupi cannot check
    ├── StepFailed            a run failed; carries the RunResult
    ├── PromptFailed          a prompt failed; carries the PromptResult
    ├── InstanceNotFound      404 instance_not_found   no open instance with that id
    ├── InstanceDead          410 instance_dead        the instance's page or browser is gone
    ├── ProfileInUse          409 profile_in_use       another instance or session has the profile
    ├── BrowserLaunchError    no browser found, or it would not start
    ├── AgentError            the agent or its planner could not go on
    └── ApiError              the Pupi AI API answered with an error (any other code)
        ├── AuthenticationError   401 unauthorized          missing, unknown or revoked token
        ├── PermissionDenied      403 forbidden             the token may not do this
        ├── NotFound              404 not_found             no such route or resource
        │   └── SessionNotFound   404 session_not_found     no such session for this token
        ├── RequestTimeout        408 request_timeout       the request body stopped arriving
        ├── SessionNotOpen        409 session_not_open      the session's browser is gone
        ├── PayloadTooLarge       413 payload_too_large     the request body is too large
        ├── InvalidRequest        422 validation_error      a request field is invalid
        ├── RateLimited           429 rate_limited          too many sessions; see ``retry_after``
        └── ServerBusy            503 too_many_connections  the server is at its connection cap
            └── DatabaseUnavailable  503 database_unavailable  the server cannot reach its database

Each class's ``code`` and ``status`` are that table: the server answers a
``PupiError`` with ``status`` and ``{"error": {"code", "message", "details"}}``
(:func:`error_answer`), and the client turns the answer back into the class with
that ``code``, with the same message and details (:func:`error_from_answer`).
A code no class has (``method_not_allowed``, ``internal_error``, ...) comes back
as a plain :class:`ApiError` carrying it.

Foreign exceptions (Playwright's, httpx's, the database driver's) are translated
at one boundary each and chained with ``raise ... from exc``, so the original is
always available as ``__cause__``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pupi.agent.result import PromptResult
    from pupi.engine.results import RunResult

__all__ = [
    "AgentError",
    "ApiError",
    "AuthenticationError",
    "BrowserLaunchError",
    "DatabaseUnavailable",
    "InstanceDead",
    "InstanceNotFound",
    "InvalidBrowserOptions",
    "InvalidOutputSchema",
    "InvalidRequest",
    "InvalidSteps",
    "NotFound",
    "OptionError",
    "PayloadTooLarge",
    "PermissionDenied",
    "ProfileInUse",
    "PromptFailed",
    "PupiError",
    "RateLimited",
    "RequestTimeout",
    "ServerBusy",
    "SessionNotFound",
    "SessionNotOpen",
    "StepError",
    "StepFailed",
    "code_for_status",
    "error_answer",
    "error_class",
    "error_from_answer",
]


class PupiError(Exception):
    """Base class of every error Pupi raises on purpose.

    ``code`` is a short, stable machine-readable name and ``status`` the HTTP
    status the server answers it with; together they are the API's error table.
    ``details`` is what the answer carries besides the message (or None).
    """

    code: str = "pupi_error"
    status: ClassVar[int] = 500

    @property
    def details(self) -> dict[str, Any] | None:
        """Structured facts the error carries besides its message, as JSON values."""
        return None

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        # Rebuild the exception from a server's answer; a subclass whose
        # constructor takes more than a message overrides this.
        return cls(message)


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


def _listing(noun: str, errors: Sequence[object]) -> str:
    """``2 invalid steps:`` and one line per problem."""
    lines = "\n".join(f"  - {error}" for error in errors)
    return f"{len(errors)} invalid {noun}{'s' if len(errors) != 1 else ''}:\n{lines}"


class _Problems:
    """What an error listing every problem at once answers with: each as a dict
    (``details["errors"]``), rebuilt into its dataclass by the client."""

    _noun: ClassVar[str]
    _problem: ClassVar[Callable[..., Any]]
    errors: Sequence[Any]

    @property
    def details(self) -> dict[str, Any]:
        """``{"errors": [{...each problem's fields}, ...]}``."""
        return {"errors": [asdict(error) for error in self.errors]}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        problems = [cls._problem(**error) for error in (details or {})["errors"]]
        return cls(problems)  # type: ignore[call-arg,return-value]


class InvalidSteps(_Problems, PupiError, ValueError):
    """The steps could not be used; nothing was run and no browser was started.

    Raised by validation, which reads the whole list before anything runs, so
    ``errors`` holds every problem at once, each naming its step index, action and
    field. A server that rejects steps answers 422 ``invalid_steps`` with the same
    errors, and the client raises this class again. Compare :class:`StepFailed`,
    which is about a valid step that failed in the browser.
    """

    code = "invalid_steps"
    status = 422

    _noun = "step"
    _problem = StepError

    def __init__(self, errors: list[StepError]) -> None:
        self.errors = list(errors)
        super().__init__(_listing(self._noun, self.errors))


@dataclass(frozen=True, slots=True)
class OptionError:
    """One problem with one browser option (``device``, ``proxy.server``, ...)."""

    field: str | None
    """Dotted path of the option, or None for the options as a whole."""
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidBrowserOptions(_Problems, PupiError, ValueError):
    """The options for a new instance could not be used; no browser was started.

    ``errors`` names every bad option at once. The message never repeats a
    value given for a storage state or a proxy password.
    """

    code = "invalid_browser_options"
    status = 422

    _noun = "browser option"
    _problem = OptionError

    def __init__(self, errors: list[OptionError]) -> None:
        self.errors = list(errors)
        super().__init__(_listing(self._noun, self.errors))


class InvalidOutputSchema(PupiError, ValueError):
    """An output schema could not be used; nothing was run and no browser was started.

    Raised for a value that is neither a pydantic model, a type pydantic knows
    (``list[Product]``) nor a JSON Schema, and for a JSON Schema with a keyword
    Pupi does not check: ``errors`` names each problem by its place in the schema
    (``#/properties/price: unknown keyword 'minimun'``). A server that rejects
    an ``output_schema`` answers 422 ``invalid_output_schema`` with the same
    errors. Compare a run's ``output_invalid`` error: the schema was fine, the
    answer did not match it.
    """

    code = "invalid_output_schema"
    status = 422

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"the output schema cannot be used:\n{lines}")

    @property
    def details(self) -> dict[str, Any]:
        """``{"errors": ["#/path: problem", ...]}``."""
        return {"errors": list(self.errors)}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        return cls([str(error) for error in (details or {})["errors"]])


class StepFailed(PupiError):
    """A run's step failed in the browser.

    Raised by :meth:`RunResult.raise_for_status`; ``run`` is the whole result
    (every step's outcome, the outputs so far, ``run.error`` with the failing
    step's index, type, message and a screenshot path). The instance stays open so
    the page can be inspected. Compare :class:`PromptFailed`, its twin for prompts,
    and :class:`InvalidSteps`, raised before anything runs.
    """

    code = "step_failed"

    def __init__(self, run: RunResult) -> None:
        self.run = run
        error = run.error
        if error is None:
            super().__init__("the run failed")
        else:
            super().__init__(f"step {error.step_index} failed ({error.type}): {error.message}")

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        # A run's result does not travel in an error answer; its message does.
        return ApiError(message, status_code=status, code=cls.code)


class PromptFailed(PupiError):
    """A prompt could not be carried out.

    Raised by :meth:`PromptResult.raise_for_status`; ``result`` is the whole
    result (the steps that worked, ``result.error`` with the reason's ``type`` and
    ``message``), and the instance stays open. Compare :class:`StepFailed`, its
    twin for steps, and :class:`AgentError`, raised when the agent cannot run at
    all (a misconfigured planner, a provider error).
    """

    code = "prompt_failed"

    def __init__(self, result: PromptResult) -> None:
        self.result = result
        error = result.error or {}
        super().__init__(f"prompt failed ({error.get('type')}): {error.get('message')}")

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        # A prompt's result does not travel in an error answer; its message does.
        return ApiError(message, status_code=status, code=cls.code)


class InstanceNotFound(PupiError, KeyError):
    """No open browser instance has this id (never opened, or already closed)."""

    code = "instance_not_found"
    status = 404

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"no open browser instance with id {instance_id!r}")

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes.
        return str(self.args[0])

    @property
    def details(self) -> dict[str, Any]:
        """``{"instance_id": ...}``."""
        return {"instance_id": self.instance_id}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        return cls(str((details or {})["instance_id"]))


class InstanceDead(PupiError):
    """The instance with this id is still open, but can no longer run anything.

    Raised before anything runs by every call given an ``instance_id`` (and by
    ``Puppeteer.run`` on its own instance) when the instance's page crashed, its
    browser process died, or its browser context was closed from outside;
    ``reason`` says which. Unlike :class:`InstanceNotFound`, the id is known:
    ``list_instances`` shows it with ``alive=False`` until it is closed. Close it
    and use a new instance.
    """

    code = "instance_dead"
    status = 410

    def __init__(self, instance_id: str, reason: str) -> None:
        self.instance_id = instance_id
        self.reason = reason
        super().__init__(
            f"browser instance {instance_id!r} is dead: {reason}; "
            "close it and run on a new instance"
        )

    @property
    def details(self) -> dict[str, Any]:
        """``{"instance_id": ..., "reason": ...}``."""
        return {"instance_id": self.instance_id, "reason": self.reason}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        details = details or {}
        return cls(str(details["instance_id"]), str(details["reason"]))


class ProfileInUse(PupiError):
    """Another instance (or remote session) is using this profile now.

    A profile is a browser's user-data directory: two browsers writing one at
    once would corrupt it, so the second is refused. Close the first, or use
    another profile name.
    """

    code = "profile_in_use"
    status = 409

    def __init__(self, profile: str) -> None:
        self.profile = profile
        super().__init__(f"the profile {profile!r} is in use by another instance or session")

    @property
    def details(self) -> dict[str, Any]:
        """``{"profile": ...}``."""
        return {"profile": self.profile}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        return cls(str((details or {})["profile"]))


class BrowserLaunchError(PupiError):
    """No browser could be found or started, or a remote one could not be reached.

    The message always says what was tried and how to fix it;
    ``pupi doctor`` prints the same diagnosis.
    """

    code = "browser_launch_error"


class AgentError(PupiError):
    """The agent could not run: planner misconfigured, provider error, bad model output.

    A prompt that simply could not be carried out is not an exception: it comes
    back as a result with ``status == "failed"`` and a reason, which
    ``raise_for_status()`` turns into :class:`PromptFailed`.
    """

    code = "agent_error"


class ApiError(PupiError):
    """The Pupi AI API answered with an error status.

    ``status_code`` is the HTTP status (0 when the server could not be reached),
    ``code`` the server's ``error.code``, ``message`` its message. This class
    itself stands for any answer that none of its subclasses does.
    """

    code = "api_error"

    def __init__(
        self, message: str, *, status_code: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = self.status if status_code is None else status_code
        if code is not None:
            self.code = code
        self.message = message

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        return cls(message, status_code=status)


class AuthenticationError(ApiError):
    """401: the request carried no token, or one the server does not know or has revoked."""

    code = "unauthorized"
    status = 401


class PermissionDenied(ApiError):
    """403: the token is valid but may not do this."""

    code = "forbidden"
    status = 403


class NotFound(ApiError):
    """404: no such route or resource (a screenshot that was not taken, a wrong URL).

    Its subclass :class:`SessionNotFound` is the one for an unknown session id.
    """

    code = "not_found"
    status = 404


class SessionNotFound(NotFound):
    """404: no session with this id belongs to the caller's token."""

    code = "session_not_found"


class RequestTimeout(ApiError):
    """408: the request's body stopped arriving and the server gave up on it."""

    code = "request_timeout"
    status = 408


class SessionNotOpen(ApiError):
    """409: the session is closed, or its browser was released: it takes no more runs.

    Start a session with ``idle_timeout_s`` to keep its browser for follow-ups.
    """

    code = "session_not_open"
    status = 409


class PayloadTooLarge(ApiError):
    """413: the request's body is larger than the server accepts."""

    code = "payload_too_large"
    status = 413


class InvalidRequest(ApiError):
    """422: a field of the request is invalid; the message names it.

    Compare :class:`InvalidSteps`, for steps, which names every bad step.
    """

    code = "validation_error"
    status = 422


class RateLimited(ApiError):
    """429: the caller has too many queued sessions; retry after ``retry_after`` seconds."""

    code = "rate_limited"
    status = 429

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, code=code)
        self.retry_after = retry_after

    @property
    def details(self) -> dict[str, Any] | None:
        """``{"retry_after": seconds}`` when the server said when to retry."""
        return None if self.retry_after is None else {"retry_after": self.retry_after}

    @classmethod
    def _from_answer(
        cls, message: str, *, status: int, details: Mapping[str, Any] | None
    ) -> PupiError:
        retry_after = (details or {}).get("retry_after")
        return cls(
            message,
            status_code=status,
            retry_after=None if retry_after is None else float(retry_after),
        )


class ServerBusy(ApiError):
    """503: the server is serving as many connections as it may; try again shortly."""

    code = "too_many_connections"
    status = 503


class DatabaseUnavailable(ServerBusy):
    """503: the server cannot reach its database just now; try again in a moment."""

    code = "database_unavailable"


def _table() -> dict[str, type[PupiError]]:
    table: dict[str, type[PupiError]] = {}
    pending: list[type[PupiError]] = [PupiError]
    while pending:
        cls = pending.pop()
        if cls.__module__ == __name__:
            if cls.code in table:
                raise AssertionError(f"two exceptions share the code {cls.code!r}")
            table[cls.code] = cls
        pending.extend(cls.__subclasses__())
    return table


ERRORS: Mapping[str, type[PupiError]] = _table()
"""Every ``error.code`` of the table and the one class that has it."""


def error_class(code: str | None) -> type[PupiError]:
    """The exception class of an ``error.code``; :class:`ApiError` for a code no class has."""
    cls = ERRORS.get(code or "")
    return ApiError if cls is None or cls is PupiError else cls


def code_for_status(status: int) -> str:
    """The ``error.code`` of a bare HTTP status (a framework's 404 or 405, say).

    The code of the API error class with that status, the most general one where
    several share it (``NotFound`` before ``SessionNotFound``); else the status's
    phrase in snake case (``method_not_allowed``).
    """
    for cls in ERRORS.values():
        parent_status = getattr(cls.__mro__[1], "status", None)
        if issubclass(cls, ApiError) and cls.status == status and parent_status != status:
            return cls.code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "http_error"
    return phrase.lower().replace(" ", "_").replace("-", "_")


def error_answer(exc: PupiError) -> tuple[int, dict[str, Any]]:
    """The server's answer to ``exc``: its HTTP status and the JSON body."""
    status = exc.status_code if isinstance(exc, ApiError) and exc.status_code else exc.status
    message = exc.message if isinstance(exc, ApiError) else str(exc)
    error: dict[str, Any] = {"code": exc.code, "message": message}
    if exc.details is not None:
        error["details"] = exc.details
    return status, {"error": error}


def error_from_answer(
    status: int, body: Any, *, default_message: str, retry_after: str | None = None
) -> PupiError:
    """The exception for an error answer of the API (``body`` is its parsed JSON, or None).

    The class is the one with the answer's ``error.code``, rebuilt with the same
    message and details; an answer that does not fit its class (or is not the
    API's JSON at all) becomes a plain :class:`ApiError` with the status.
    """
    code: str | None = None
    message = default_message
    details: dict[str, Any] | None = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        code = error.get("code") if isinstance(error.get("code"), str) else None
        message = str(error.get("message", message))
        details = error.get("details") if isinstance(error.get("details"), dict) else None
    if retry_after is not None and (details is None or "retry_after" not in details):
        with contextlib.suppress(ValueError):
            details = {**(details or {}), "retry_after": float(retry_after)}
    cls = error_class(code)
    try:
        exc = cls._from_answer(message, status=status, details=details)
    except (KeyError, TypeError, ValueError):
        exc = ApiError(message, status_code=status, code=code)
    if type(exc) is ApiError and code is not None:
        exc.code = code
    return exc
