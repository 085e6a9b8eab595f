"""The planner for Anthropic's Messages API, with tool use.

It posts to ``{base_url}/v1/messages`` with one ``decide`` tool whose input schema
is the :class:`~pupi.agent.planners.base.Decision` schema (with a run's output
schema as the schema of its ``answer``), and forces the model to call it
(``tool_choice``). ``PUPI_LLM_BASE_URL`` overrides the base URL, for a
proxy or a local stand-in. With vision the screenshot is a base64 ``image``
content block, before the prompt's text as Anthropic advises.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

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
from pupi.errors import AgentError

if TYPE_CHECKING:
    from pupi.agent.schema import OutputSchema

__all__ = ["ANTHROPIC_VERSION", "DEFAULT_ANTHROPIC_BASE_URL", "AnthropicPlanner"]

DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com"
"""Anthropic's API, used unless ``PUPI_LLM_BASE_URL`` (or ``base_url``) says otherwise."""

ANTHROPIC_VERSION = "2023-06-01"
"""The ``anthropic-version`` header: the API version whose wire format this module speaks."""


class AnthropicPlanner(HTTPPlanner):
    """A planner backed by Anthropic's Messages API.

    ```python
    planner = AnthropicPlanner(model="claude-sonnet-4-5", api_key="sk-ant-...")
    async with planner:
        decision = await planner.decide(task, observation, history)
    planner.usage.output_tokens
    ```

    Or from the environment: ``AnthropicPlanner.from_env()`` reads
    ``ANTHROPIC_API_KEY``, ``PUPI_LLM_MODEL`` and, optionally,
    ``PUPI_LLM_BASE_URL``.
    """

    name = "anthropic"
    provider = "Anthropic"
    key_variable = "ANTHROPIC_API_KEY"

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str = DEFAULT_ANTHROPIC_BASE_URL,
        max_tokens: int = 1024,
        temperature: float | None = 0.0,
        timeout: float = 60.0,
        http_client: httpx.AsyncClient | None = None,
        prompt_budget: int = DEFAULT_PROMPT_BUDGET,
        retry_backoff: float = 1.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        vision: VisionLike = None,
    ) -> None:
        """Create a planner; nothing is sent until the first :meth:`decide`.

        ``max_tokens`` bounds each reply (the API requires a bound); a decision
        needs a few hundred. ``temperature`` is omitted when None. ``timeout`` is
        per request, in seconds. ``http_client`` is used as is and left open by
        :meth:`aclose`. ``prompt_budget`` caps the turn prompt, in characters.
        After HTTP 429, 529 or 5xx, a timeout or a dropped connection, the
        request is sent again up to ``max_retries`` times, after the server's
        ``Retry-After`` or else ``retry_backoff`` seconds doubled each time,
        never more than ``max_retry_delay``. ``vision`` (``True``, ``"marks"``
        or a :class:`~pupi.agent.observe.Vision`) sends a screenshot each turn.
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
        self.max_tokens = max_tokens
        self.temperature = temperature

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> AnthropicPlanner:
        """Build a planner from ``ANTHROPIC_API_KEY``, ``PUPI_LLM_MODEL`` and ``PUPI_LLM_BASE_URL``.

        ``env`` defaults to ``os.environ``; ``options`` go to the constructor.
        ``PUPI_LLM_VISION``, ``PUPI_LLM_TIMEOUT`` and ``PUPI_LLM_MAX_RETRIES`` are
        read as for :meth:`OpenAIPlanner.from_env
        <pupi.agent.planners.openai.OpenAIPlanner.from_env>`. Raises
        :class:`~pupi.errors.AgentError` naming what to set when the key or the
        model is missing.
        """
        source = os.environ if env is None else env
        api_key = source.get("ANTHROPIC_API_KEY", "").strip()
        model = source.get("PUPI_LLM_MODEL", "").strip()
        base_url = source.get("PUPI_LLM_BASE_URL", "").strip()
        missing = [
            variable
            for variable, value in (("ANTHROPIC_API_KEY", api_key), ("PUPI_LLM_MODEL", model))
            if not value
        ]
        if missing:
            raise AgentError(
                f"planner 'anthropic' is not configured: set {' and '.join(missing)}. "
                "ANTHROPIC_API_KEY is your Anthropic API key; PUPI_LLM_MODEL the model "
                "(claude-sonnet-4-5, ...); PUPI_LLM_BASE_URL optionally replaces "
                f"{DEFAULT_ANTHROPIC_BASE_URL}."
            )
        return cls(
            model=model,
            api_key=api_key,
            base_url=base_url or DEFAULT_ANTHROPIC_BASE_URL,
            **env_options(source, options),
        )

    @property
    def _messages_url(self) -> str:
        # Accept a base given with or without the version, as proxies document both.
        if self.base_url.endswith("/v1"):
            return f"{self.base_url}/messages"
        return f"{self.base_url}/v1/messages"

    def _request(
        self, messages: list[dict[str, Any]], output: OutputSchema | None = None
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        headers = {"x-api-key": self._api_key or "", "anthropic-version": ANTHROPIC_VERSION}
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": SYSTEM_PROMPT,
            "messages": messages,
            "tools": [
                {
                    "name": DECIDE_TOOL_NAME,
                    "description": DECIDE_TOOL_DESCRIPTION,
                    "input_schema": decision_schema(output),
                }
            ],
            "tool_choice": {"type": "tool", "name": DECIDE_TOOL_NAME},
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return self._messages_url, headers, body

    def _with_image(self, text: str, shot: Screenshot) -> list[dict[str, Any]]:
        image = {
            "type": "image",
            "source": {"type": "base64", "media_type": shot.media_type, "data": shot.data},
        }
        return [image, {"type": "text", "text": text}]

    def _read_reply(self, body: dict[str, Any]) -> Reply:
        usage = as_object(body.get("usage"))
        # Cached prompt tokens are reported apart from input_tokens but are input all the same.
        input_tokens = sum(
            token_count(usage.get(key))
            for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        )
        reply = Reply(
            payload=None,
            input_tokens=input_tokens,
            output_tokens=token_count(usage.get("output_tokens")),
            raw=body,
        )
        content = body.get("content")
        if not isinstance(content, list):
            raise AgentError(
                f"{self.provider} answered without a content list; is {self._safe_base_url} "
                "an Anthropic Messages API endpoint?"
            )
        tool_use = _decide_block(content)
        if tool_use is not None:
            reply.payload = tool_use.get("input")
            return reply
        text = "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
        if text.strip():
            try:
                reply.payload = extract_json(text)
            except ValueError as exc:
                reply.problem = str(exc)
        else:
            reply.problem = "the reply has no `decide` tool call"
        if body.get("stop_reason") == "max_tokens" and reply.problem:
            reply.problem += " (it was cut off at max_tokens)"
        return reply

    def _correction(self, reply: Reply, text: str) -> list[dict[str, Any]]:
        content = reply.raw.get("content")
        blocks = [block for block in content if isinstance(block, dict)] if content else []
        assistant = {"role": "assistant", "content": blocks or "(no reply)"}
        # Every tool_use must be answered by a tool_result in the next user turn.
        results = [
            {"type": "tool_result", "tool_use_id": block["id"], "is_error": True, "content": text}
            for block in blocks
            if block.get("type") == "tool_use" and block.get("id")
        ]
        return [assistant, {"role": "user", "content": results or text}]


def _decide_block(content: list[Any]) -> dict[str, Any] | None:
    uses = [
        block for block in content if isinstance(block, dict) and block.get("type") == "tool_use"
    ]
    for block in uses:
        if block.get("name") == DECIDE_TOOL_NAME:
            return block
    return uses[0] if uses else None
