"""What the LLM planners share: the HTTP exchange, error mapping, parsing and the retries.

:class:`HTTPPlanner` is the base of :class:`~pupi.agent.planners.openai.OpenAIPlanner`
and :class:`~pupi.agent.planners.anthropic.AnthropicPlanner`. It owns the turn:
render the prompt (with the screenshot, for vision), post it, read the model's
decision, and when the decision is malformed, ask once more with the validation
error; a second malformed reply is an :class:`~pupi.errors.AgentError`.
Subclasses only speak their provider's wire format (:meth:`HTTPPlanner._request`,
:meth:`HTTPPlanner._read_reply`, :meth:`HTTPPlanner._correction`,
:meth:`HTTPPlanner._image_part`, and :meth:`HTTPPlanner._read_body` for a
streamed reply).

Two kinds of retry, apart: a *transport* retry sends the same request again after
HTTP 429, 5xx, a timeout or a dropped connection, up to ``max_retries`` times,
waiting as the server's ``Retry-After`` says or backing off exponentially, never
longer than ``max_retry_delay`` (:func:`retry_delay`); a *decision* retry asks the
model to fix a malformed reply, once.

Every httpx failure and every HTTP error status is translated here, once, into an
``AgentError`` whose message names the provider, the status and the provider's
own message, truncated, with the API key scrubbed out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

import httpx
from pydantic import ValidationError

from pupi.agent.observe.vision import Vision, VisionLike, vision_from, vision_from_env
from pupi.agent.planners.base import Decision, HistoryEntry, Usage
from pupi.agent.planners.llm_prompt import (
    DEFAULT_PROMPT_BUDGET,
    render_prompt,
    screenshot_note,
)
from pupi.agent.schema import OutputInvalid
from pupi.errors import AgentError

if TYPE_CHECKING:
    from pupi.agent.observe.model import Observation, Screenshot
    from pupi.agent.schema import OutputSchema

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_DELAY",
    "DecisionFormatError",
    "HTTPPlanner",
    "Reply",
    "as_object",
    "env_options",
    "extract_json",
    "retry_delay",
    "token_count",
    "validate_decision",
]

logger = logging.getLogger("pupi.agent.planners")

DEFAULT_MAX_RETRIES = 2
"""Transport retries after the first attempt (HTTP 429/5xx, timeouts, dropped connections)."""

DEFAULT_MAX_RETRY_DELAY = 10.0
"""The longest pause before a retry, in seconds, whatever ``Retry-After`` asks."""

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
# Failures of the exchange that a second try may not meet: the server was slow,
# restarting, or cut the connection. A malformed URL or a local bug is not retried.
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_MAX_MESSAGE = 300
_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_NEEDS_ELEMENT = frozenset({"click", "type", "select", "check", "uncheck", "hover"})
_NEEDS_FIELD = {"type": "text", "select": "value", "press": "key", "go": "url"}


class DecisionFormatError(ValueError):
    """The model's reply is not a usable :class:`Decision`; the message says why.

    Internal to the retry: it never leaves a planner (the second one becomes an
    :class:`~pupi.errors.AgentError`).
    """


@dataclass(slots=True)
class Reply:
    """One model reply, read from a provider's response body."""

    payload: Any
    """The decision as the model wrote it (a dict when it used the tool), or None."""
    input_tokens: int = 0
    output_tokens: int = 0
    problem: str | None = None
    """Why ``payload`` could not be read at all (no tool call, broken JSON)."""
    raw: dict[str, Any] = field(default_factory=dict)
    """The provider's whole response, for the follow-up messages of a retry."""


def extract_json(text: str) -> Any:
    """The first JSON object in a model's free text; :class:`DecisionFormatError` if none.

    Local servers without tool calling answer in prose, fenced code or after a
    ``<think>`` block; this finds the object in any of those.
    """
    cleaned = _THINK_BLOCK.sub("", text).strip()
    fenced = _FENCE.search(cleaned)
    candidates = [fenced.group(1).strip()] if fenced else []
    candidates.append(cleaned)
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                start = candidate.find("{", start + 1)
                continue
            return value
    snippet = _truncate(cleaned, 120) or "(empty)"
    raise DecisionFormatError(f"the reply contains no JSON object: {snippet}")


def as_object(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: for reading loose replies."""
    return value if isinstance(value, dict) else {}


def token_count(value: Any) -> int:
    """A token count from a provider's usage object; 0 when absent or not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def validate_decision(
    payload: Any, observation: Observation, *, output: OutputSchema | None = None
) -> Decision:
    """Check a model's decision against the schema and the page it was given.

    Beyond the pydantic model, the decision must choose exactly one of actions,
    done and failed, and its actions must point at elements that exist and carry
    the fields their kind needs, so the retry can name the mistake precisely.
    With ``output``, a done decision's answer must match that schema.
    Raises :class:`DecisionFormatError`.
    """
    if not isinstance(payload, dict):
        raise DecisionFormatError(f"expected a JSON object, got {type(payload).__name__}")
    if "data" in payload:
        # Not in the schema a model is given (see decision_schema): the answer goes in answer.
        raise DecisionFormatError("the decision does not match the schema: data: unknown field")
    try:
        decision = Decision.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise DecisionFormatError(f"the decision does not match the schema: {problems}") from exc
    chosen = [bool(decision.actions), decision.done, decision.failed]
    if sum(chosen) != 1:
        raise DecisionFormatError(
            "choose exactly one of: non-empty actions, done=true, failed=true"
        )
    known = {element.index for element in observation.elements}
    for position, action in enumerate(decision.actions):
        where = f"actions.{position} ({action.kind})"
        if action.element is not None and action.element not in known:
            raise DecisionFormatError(f"{where}: there is no element [{action.element}]")
        if action.kind in _NEEDS_ELEMENT and action.element is None:
            raise DecisionFormatError(f"{where}: needs 'element'")
        needed = _NEEDS_FIELD.get(action.kind)
        if needed and getattr(action, needed) is None:
            raise DecisionFormatError(f"{where}: needs '{needed}'")
    if output is not None and decision.done:
        try:
            output.validate(decision.answer)
        except OutputInvalid as exc:
            raise DecisionFormatError(f"answer: {exc}") from exc
    return decision


def retry_delay(
    headers: Mapping[str, str] | None, retry: int, *, backoff: float, cap: float
) -> float:
    """Seconds to wait before transport retry number ``retry`` (1 for the first).

    The server's ``retry-after-ms`` or ``Retry-After`` (in seconds; OpenAI and
    Anthropic send them with 429 and 529) when ``headers`` has one, else
    ``backoff`` doubled for each retry before this one; never more than ``cap``
    nor less than 0. ``headers`` is None after a timeout or a dropped connection.

    >>> retry_delay({"retry-after": "3"}, 1, backoff=0.5, cap=10)
    3.0
    >>> retry_delay(None, 3, backoff=0.5, cap=10)
    2.0
    """
    wait: float | None = None
    if headers is not None:
        for name, unit in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
            try:
                wait = float(headers.get(name, "")) * unit
            except ValueError:
                continue
            break
    if wait is None or wait != wait:  # absent, an HTTP date, or NaN
        wait = backoff * 2 ** (retry - 1)
    return min(max(wait, 0.0), cap)


def env_options(source: Mapping[str, str], options: dict[str, Any]) -> dict[str, Any]:
    """``options`` completed from the settings every LLM planner reads from the environment.

    ``PUPI_LLM_VISION`` (``1``, ``marks`` or ``0``), ``PUPI_LLM_TIMEOUT`` (seconds)
    and ``PUPI_LLM_MAX_RETRIES``; options given explicitly win. Raises
    :class:`~pupi.errors.AgentError` naming a variable that does not parse.
    """
    completed = dict(options)
    if "vision" not in completed:
        completed["vision"] = vision_from_env(source.get("PUPI_LLM_VISION", ""))
    for variable, option, kind in (
        ("PUPI_LLM_TIMEOUT", "timeout", float),
        ("PUPI_LLM_MAX_RETRIES", "max_retries", int),
    ):
        text = source.get(variable, "").strip()
        if option in completed or not text:
            continue
        try:
            value = kind(text)
        except ValueError:
            raise AgentError(f"{variable} must be a number, not {text!r}") from None
        if value < 0:
            raise AgentError(f"{variable} must not be negative, not {text!r}")
        completed[option] = value
    return completed


class HTTPPlanner:
    """Base of the LLM planners: one HTTP request per turn, a retry on bad output.

    Not used directly. The HTTP client is created on the first request (nothing
    touches the network before), unless one is passed in, in which case the
    caller keeps ownership and :meth:`aclose` leaves it open.
    """

    name: str = "llm"
    """The planner's registry name, as :func:`get_planner` knows it."""
    provider: ClassVar[str] = "LLM provider"
    """How error messages name the service."""
    key_variable: ClassVar[str] = "PUPI_LLM_API_KEY"
    """The environment variable a 401 should send the user to."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        http_client: httpx.AsyncClient | None = None,
        prompt_budget: int = DEFAULT_PROMPT_BUDGET,
        retry_backoff: float = 1.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        vision: VisionLike = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must not be negative, not {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.prompt_budget = prompt_budget
        self.retry_backoff = retry_backoff
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.vision: Vision | None = vision_from(vision)
        """What the model is shown of the page besides the text; None: the text only."""
        self.usage = Usage()
        self._api_key = api_key or None
        self._client = http_client
        self._owns_client = http_client is None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} model={self.model!r} base_url={self._safe_base_url!r}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this planner created it. Safe to call twice."""
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    async def decide(
        self,
        task: str,
        observation: Observation,
        history: Sequence[HistoryEntry],
        *,
        output: OutputSchema | None = None,
    ) -> Decision:
        """Ask the model for the next :class:`Decision`.

        A malformed reply is answered once with the validation error; a second
        one, or any provider or network failure, raises :class:`AgentError`.
        With ``output``, the request carries it as the answer's schema, and a
        final answer that does not match it is malformed too.
        Tokens of every request, good or bad, are added to :attr:`usage`.
        With :attr:`vision`, the observation's screenshot goes with the prompt.
        """
        prompt = render_prompt(task, observation, history, budget=self.prompt_budget, output=output)
        shot = observation.screenshot if self.vision is not None else None
        content: str | list[dict[str, Any]] = prompt
        if shot is not None:
            content = self._with_image(f"{prompt}\n\n{screenshot_note(shot)}", shot)
        messages: list[dict[str, Any]] = [{"role": "user", "content": content}]
        problem = ""
        for attempt in (1, 2):
            body = await self._post(*self._request(messages, output))
            reply = self._read_reply(body)
            self.usage.add(reply.input_tokens, reply.output_tokens)
            try:
                if reply.problem is not None:
                    raise DecisionFormatError(reply.problem)
                return validate_decision(reply.payload, observation, output=output)
            except DecisionFormatError as exc:
                problem = str(exc)
                logger.info("%s: malformed decision (attempt %d): %s", self.name, attempt, problem)
                messages += self._correction(reply, _correction_text(problem))
        raise AgentError(
            f"{self.provider} model {self.model!r} returned an invalid decision twice; "
            f"last problem: {_truncate(problem, _MAX_MESSAGE)}"
        )

    # -- provider specifics ---------------------------------------------------

    def _request(
        self, messages: list[dict[str, Any]], output: OutputSchema | None = None
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        """The URL, headers and JSON body that send this conversation (and its answer's schema)."""
        raise NotImplementedError

    def _read_reply(self, body: dict[str, Any]) -> Reply:
        """Read the decision and the token counts from a response body."""
        raise NotImplementedError

    def _correction(self, reply: Reply, text: str) -> list[dict[str, Any]]:
        """Messages that append the model's bad reply and ``text`` asking to fix it."""
        raise NotImplementedError

    def _with_image(self, text: str, shot: Screenshot) -> list[dict[str, Any]]:
        """A user message's content parts: the prompt ``text`` and the screenshot."""
        raise NotImplementedError

    async def _read_body(self, response: httpx.Response) -> dict[str, Any]:
        """The response body as one JSON object; a streamed reply is assembled here.

        Runs inside the transport retry: an httpx error raised while reading
        (the connection dropped mid-reply) sends the request again.
        """
        await response.aread()
        return self._json_body(response)

    # -- HTTP -----------------------------------------------------------------

    @property
    def _safe_base_url(self) -> str:
        # A base URL may carry user:password; it must not reach a message or a repr.
        try:
            url = httpx.URL(self.base_url)
        except httpx.InvalidURL:
            return "(invalid URL)"
        if url.userinfo:
            url = url.copy_with(username=None, password=None)
        return str(url)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
            self._owns_client = True
        return self._client

    async def _post(
        self, url: str, headers: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        client = self._http()
        # The timeout goes on each request so that it holds for a caller's client too.
        request = client.build_request(
            "POST", url, json=body, headers=headers, timeout=self.timeout
        )
        attempt = 0
        while True:
            attempt += 1
            retrying = attempt <= self.max_retries
            try:
                response = await client.send(request, stream=True)
                try:
                    if not (retrying and response.status_code in _RETRY_STATUSES):
                        return await self._read_body(response)
                    delay = self._delay(response.headers, attempt)
                    why = f"HTTP {response.status_code}"
                finally:
                    await response.aclose()
            except _RETRY_ERRORS as exc:
                if not retrying:
                    raise self._transport_error(exc, attempt) from exc
                delay = self._delay(None, attempt)
                why = type(exc).__name__
            except httpx.HTTPError as exc:
                raise self._transport_error(exc, attempt) from exc
            logger.info(
                "%s: %s (attempt %d of %d), retrying in %.2f s",
                self.name,
                why,
                attempt,
                self.max_retries + 1,
                delay,
            )
            await asyncio.sleep(delay)

    def _delay(self, headers: Mapping[str, str] | None, retry: int) -> float:
        return retry_delay(headers, retry, backoff=self.retry_backoff, cap=self.max_retry_delay)

    def _transport_error(self, exc: httpx.HTTPError, attempts: int) -> AgentError:
        tries = f" ({attempts} attempts)" if attempts > 1 else ""
        if isinstance(exc, httpx.TimeoutException):
            return AgentError(
                f"{self.provider} at {self._safe_base_url} did not answer within "
                f"{self.timeout:g} s{tries}"
            )
        if isinstance(exc, httpx.ConnectError):
            return AgentError(
                f"could not connect to {self.provider} at {self._safe_base_url}{tries}: "
                f"{self._scrub(str(exc)) or type(exc).__name__}"
            )
        return AgentError(
            f"request to {self.provider} at {self._safe_base_url} failed{tries}: "
            f"{type(exc).__name__}: {self._scrub(str(exc))}"
        )

    def _json_body(self, response: httpx.Response) -> dict[str, Any]:
        if response.is_error:
            raise self._status_error(response)
        try:
            body = response.json()
        except ValueError as exc:
            raise AgentError(
                f"{self.provider} answered HTTP {response.status_code} with a body that is "
                f"not JSON: {self._scrub(_truncate(response.text, 120)) or '(empty)'}"
            ) from exc
        if not isinstance(body, dict):
            raise AgentError(
                f"{self.provider} answered with JSON that is not an object: "
                f"{self._scrub(_truncate(response.text, 120))}"
            )
        return body

    def _status_error(self, response: httpx.Response) -> AgentError:
        status = response.status_code
        detail = self._scrub(_truncate(_provider_message(response), _MAX_MESSAGE))
        message = f"{self.provider} answered HTTP {status}"
        if detail:
            message += f": {detail}"
        if status in {401, 403}:
            message += f" (check {self.key_variable})"
        elif status == 404:
            message += f" (check the base URL {self._safe_base_url} and the model {self.model!r})"
        return AgentError(message)

    def _scrub(self, text: str) -> str:
        # Providers sometimes echo the key they were given; never pass it on.
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return text


def _provider_message(response: httpx.Response) -> str:
    # OpenAI-compatible: {"error": {"message": ...}} or {"error": "..."};
    # Anthropic: {"type": "error", "error": {"type": ..., "message": ...}};
    # FastAPI-based servers: {"detail": ...}; anything else: the raw text.
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            kind = error.get("type")
            text = str(error["message"])
            return f"{kind}: {text}" if isinstance(kind, str) and kind else text
        if isinstance(error, str):
            return error
        if "detail" in body:
            return str(body["detail"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return response.text.strip()


def _correction_text(problem: str) -> str:
    return (
        f"Your reply could not be used: {problem}. "
        "Call `decide` again with arguments that match its schema exactly."
    )


def _truncate(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
