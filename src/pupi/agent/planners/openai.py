"""The planner for any OpenAI-compatible chat endpoint: OpenAI, vLLM, Ollama, llama.cpp.

It posts to ``{base_url}/chat/completions`` and forces a call to one ``decide``
tool whose parameters are the :class:`~pupi.agent.planners.base.Decision` schema
(or, with ``output="json_schema"``, asks for that schema as the response
format, strict when the schema allows). A run's output schema is the schema of
the decision's ``answer``. Many local servers ignore both and answer in plain
text; the JSON object is then read from the message content. With ``stream=True``
the reply is streamed (:mod:`.openai_stream` adds it up), and with vision the
screenshot is an ``image_url`` content part holding a ``data:`` URL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import httpx

from pupi.agent.observe.model import Screenshot
from pupi.agent.observe.vision import VisionLike
from pupi.agent.planners.llm_common import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_DELAY,
    HTTPPlanner,
    Reply,
    as_object,
    env_options,
    extract_json,
    token_count,
)
from pupi.agent.planners.llm_prompt import (
    DECIDE_TOOL_DESCRIPTION,
    DECIDE_TOOL_NAME,
    DEFAULT_PROMPT_BUDGET,
    SYSTEM_PROMPT,
    decision_schema,
)
from pupi.agent.planners.openai_stream import read_completion_stream
from pupi.agent.planners.strict import strict_variant
from pupi.errors import AgentError

if TYPE_CHECKING:
    from pupi.agent.schema import OutputSchema

__all__ = ["DEFAULT_OPENAI_BASE_URL", "OpenAIPlanner"]

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
"""Where the planner goes when only ``PUPI_LLM_API_KEY`` is set."""

_SETUP_HINT = (
    "PUPI_LLM_MODEL is the model name (gpt-4o-mini, llama3.1, ...); PUPI_LLM_BASE_URL "
    "is the OpenAI-compatible endpoint (http://127.0.0.1:11434/v1 for Ollama, "
    f"{DEFAULT_OPENAI_BASE_URL} by default when PUPI_LLM_API_KEY is set); "
    "PUPI_LLM_API_KEY is its key, if it needs one"
)


class OpenAIPlanner(HTTPPlanner):
    """A planner backed by an OpenAI-compatible chat completions endpoint.

    ```python
    planner = OpenAIPlanner(base_url="http://127.0.0.1:11434/v1", model="llama3.1")
    async with planner:
        decision = await planner.decide(task, observation, history)
    planner.usage.input_tokens
    ```

    Or from the environment: ``OpenAIPlanner.from_env()`` reads
    ``PUPI_LLM_BASE_URL``, ``PUPI_LLM_MODEL`` and ``PUPI_LLM_API_KEY``.

    ``output`` picks how structure is asked for: ``"tools"`` (a forced tool call,
    the default) or ``"json_schema"`` (``response_format``, for servers that
    constrain decoding to a schema but lack tool calling). ``temperature`` and
    ``max_tokens`` are sent only when given, because some models reject them.
    ``vision=True`` (or ``"marks"``, or a :class:`~pupi.agent.observe.Vision`)
    sends a screenshot with each turn, for models that read images.
    """

    name = "openai"
    provider = "OpenAI-compatible endpoint"
    key_variable = "PUPI_LLM_API_KEY"

    def __init__(
        self,
        *,
        model: str,
        base_url: str = DEFAULT_OPENAI_BASE_URL,
        api_key: str | None = None,
        output: Literal["tools", "json_schema"] = "tools",
        temperature: float | None = None,
        max_tokens: int | None = None,
        timeout: float = 60.0,
        http_client: httpx.AsyncClient | None = None,
        prompt_budget: int = DEFAULT_PROMPT_BUDGET,
        retry_backoff: float = 1.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        vision: VisionLike = None,
        stream: bool = False,
    ) -> None:
        """Create a planner; nothing is sent until the first :meth:`decide`.

        ``timeout`` is per request, in seconds (with ``stream``, between two
        pieces of the reply). ``http_client`` is used as is and left open by
        :meth:`aclose`. ``prompt_budget`` caps the turn prompt, in characters.
        After HTTP 429 or 5xx, a timeout or a dropped connection, the request is
        sent again up to ``max_retries`` times, after the server's
        ``Retry-After`` or else ``retry_backoff`` seconds doubled each time,
        never more than ``max_retry_delay``. ``vision`` sends screenshots;
        ``stream`` asks for the reply as server-sent events.
        """
        super().__init__(
            base_url=base_url,
            model=model,
            api_key=api_key,
            timeout=timeout,
            http_client=http_client,
            prompt_budget=prompt_budget,
            retry_backoff=retry_backoff,
            max_retries=max_retries,
            max_retry_delay=max_retry_delay,
            vision=vision,
        )
        if output not in ("tools", "json_schema"):
            raise ValueError(f"output must be 'tools' or 'json_schema', not {output!r}")
        self.output = output
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.stream = stream

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> OpenAIPlanner:
        """Build a planner from ``PUPI_LLM_MODEL``, ``PUPI_LLM_BASE_URL`` and ``PUPI_LLM_API_KEY``.

        Optional: ``PUPI_LLM_VISION`` (``1`` or ``marks``), ``PUPI_LLM_STREAM``
        (``1``), ``PUPI_LLM_TIMEOUT`` (seconds) and ``PUPI_LLM_MAX_RETRIES``.
        ``env`` defaults to ``os.environ``; ``options`` go to the constructor and
        win over the environment. Raises :class:`~pupi.errors.AgentError` naming
        what to set when the model, or both the base URL and the key, are missing.
        """
        source = os.environ if env is None else env
        model = source.get("PUPI_LLM_MODEL", "").strip()
        base_url = source.get("PUPI_LLM_BASE_URL", "").strip()
        api_key = source.get("PUPI_LLM_API_KEY", "").strip()
        missing = []
        if not model:
            missing.append("PUPI_LLM_MODEL")
        if not base_url and not api_key:
            missing.append("PUPI_LLM_BASE_URL (or PUPI_LLM_API_KEY for api.openai.com)")
        if missing:
            raise AgentError(
                f"planner 'openai' is not configured: set {' and '.join(missing)}. {_SETUP_HINT}."
            )
        options = env_options(source, options)
        if "stream" not in options:
            options["stream"] = _flag(source, "PUPI_LLM_STREAM")
        return cls(
            model=model,
            base_url=base_url or DEFAULT_OPENAI_BASE_URL,
            api_key=api_key or None,
            **options,
        )

    def _request(
        self, messages: list[dict[str, Any]], output: OutputSchema | None = None
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        headers = {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, *messages],
        }
        if self.output == "tools":
            body["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": DECIDE_TOOL_NAME,
                        "description": DECIDE_TOOL_DESCRIPTION,
                        "parameters": decision_schema(output),
                    },
                }
            ]
            body["tool_choice"] = {"type": "function", "function": {"name": DECIDE_TOOL_NAME}}
        else:
            schema = decision_schema(output)
            # Strict decoding needs strict mode's form; a schema without one goes as it is.
            strict = strict_variant(schema) if output is not None else None
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "decision",
                    "schema": strict or schema,
                    "strict": strict is not None,
                },
            }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        if self.stream:
            # Without include_usage a streamed reply reports no token counts.
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return f"{self.base_url}/chat/completions", headers, body

    def _with_image(self, text: str, shot: Screenshot) -> list[dict[str, Any]]:
        return [
            {"type": "text", "text": text},
            {"type": "image_url", "image_url": {"url": shot.data_url}},
        ]

    async def _read_body(self, response: httpx.Response) -> dict[str, Any]:
        content_type = response.headers.get("content-type", "")
        # A server that ignores "stream" answers plain JSON: read that instead.
        if not (self.stream and response.is_success and "text/event-stream" in content_type):
            return await super()._read_body(response)
        try:
            stream = await read_completion_stream(response)
        except ValueError as exc:
            raise AgentError(f"{self.provider} sent a broken event stream: {exc}") from exc
        if stream.error is not None:
            error = as_object(stream.error)
            detail = self._scrub(str(error.get("message") or stream.error))[:300]
            raise AgentError(f"{self.provider} reported an error in its stream: {detail}")
        return stream.body()

    def _read_reply(self, body: dict[str, Any]) -> Reply:
        usage = as_object(body.get("usage"))
        reply = Reply(
            payload=None,
            input_tokens=token_count(usage.get("prompt_tokens")),
            output_tokens=token_count(usage.get("completion_tokens")),
            raw=body,
        )
        message = _message(body)
        if message is None:
            raise AgentError(
                f"{self.provider} answered without choices[0].message; is "
                f"{self._safe_base_url} an OpenAI-compatible /chat/completions endpoint?"
            )
        call = _decide_call(message)
        if call is not None:
            arguments = as_object(call.get("function")).get("arguments")
            if isinstance(arguments, dict):
                reply.payload = arguments
            else:
                try:
                    reply.payload = json.loads(arguments or "")
                except (TypeError, json.JSONDecodeError) as exc:
                    reply.problem = f"the `decide` arguments are not valid JSON ({exc})"
        elif content := _text(message.get("content")).strip():
            try:
                reply.payload = extract_json(content)
            except ValueError as exc:
                reply.problem = str(exc)
        else:
            reply.problem = "the reply has neither a `decide` tool call nor JSON content"
        choice = body["choices"][0]
        if choice.get("finish_reason") == "length" and reply.problem:
            reply.problem += " (it was cut off at the token limit)"
        return reply

    def _correction(self, reply: Reply, text: str) -> list[dict[str, Any]]:
        message = _message(reply.raw) or {}
        content = _text(message.get("content"))
        calls = [
            call
            for call in message.get("tool_calls") or []
            if isinstance(call, dict) and call.get("id")
        ]
        if not calls:
            return [{"role": "assistant", "content": content}, {"role": "user", "content": text}]
        # The API requires a tool message answering each call the assistant made;
        # the correction goes there, as the calls' result.
        assistant = {
            "role": "assistant",
            "content": content or None,
            "tool_calls": [_echo_call(call) for call in calls],
        }
        answers = [{"role": "tool", "tool_call_id": call["id"], "content": text} for call in calls]
        return [assistant, *answers]


def _flag(source: Mapping[str, str], variable: str) -> bool:
    text = source.get(variable, "").strip().lower()
    if text in {"", "0", "false", "no", "off"}:
        return False
    if text in {"1", "true", "yes", "on"}:
        return True
    raise AgentError(f"{variable} must be 1 or 0, not {text!r}")


def _message(body: dict[str, Any]) -> dict[str, Any] | None:
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message")
    return message if isinstance(message, dict) else None


def _echo_call(call: dict[str, Any]) -> dict[str, Any]:
    function = as_object(call.get("function"))
    arguments = function.get("arguments")
    if not isinstance(arguments, str):
        # Some servers hand back parsed arguments; the API expects them as a string.
        arguments = json.dumps(arguments)
    name = function.get("name") or DECIDE_TOOL_NAME
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def _decide_call(message: dict[str, Any]) -> dict[str, Any] | None:
    calls = [call for call in message.get("tool_calls") or [] if isinstance(call, dict)]
    # Older servers still answer with the pre-tools ``function_call`` field.
    legacy = message.get("function_call")
    if not calls and isinstance(legacy, dict):
        calls = [{"id": None, "type": "function", "function": legacy}]
    for call in calls:
        if as_object(call.get("function")).get("name") == DECIDE_TOOL_NAME:
            return call
    return calls[0] if calls else None


def _text(content: Any) -> str:
    # Content is a string, or a list of parts for servers that use the newer shape.
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""
