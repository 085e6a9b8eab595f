"""Reading a streamed OpenAI chat completion (server-sent events) back into one body.

With ``"stream": true`` an OpenAI-compatible server answers ``text/event-stream``:
``data: {chunk}`` lines, each chunk a ``chat.completion.chunk`` whose
``choices[0].delta`` carries a piece of the message (``content`` text, or
``tool_calls`` entries by ``index`` whose ``function.arguments`` arrive a few
characters at a time), then ``finish_reason``, then (asked for with
``stream_options.include_usage``) a chunk with ``usage`` and no choices, and
finally ``data: [DONE]``.

:class:`CompletionStream` adds chunks up; :meth:`CompletionStream.body` is the
non-streamed response the same reply would have been, so the planner reads
both the same way. A stream that ends before ``[DONE]`` was cut off, and is
reported as such (the planner then sends the request again).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["CompletionStream", "read_completion_stream"]

_DONE = "[DONE]"


@dataclass
class _ToolCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class CompletionStream:
    """The pieces of one streamed chat completion, added up chunk by chunk."""

    id: str = ""
    model: str = ""
    content: list[str] = field(default_factory=list)
    tool_calls: dict[int, _ToolCall] = field(default_factory=dict)
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    error: Any = None
    """An ``error`` object a server sent inside the stream, if any."""

    def add(self, chunk: Any) -> None:
        """Take in one ``data:`` chunk, parsed."""
        if not isinstance(chunk, dict):
            return
        if "error" in chunk:
            self.error = chunk["error"]
            return
        self.id = self.id or str(chunk.get("id") or "")
        self.model = self.model or str(chunk.get("model") or "")
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return
        choice = choices[0]
        if choice.get("finish_reason"):
            self.finish_reason = str(choice["finish_reason"])
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return
        if isinstance(delta.get("content"), str):
            self.content.append(delta["content"])
        for position, piece in enumerate(delta.get("tool_calls") or []):
            if isinstance(piece, dict):
                self._add_call_piece(piece, position)

    def _add_call_piece(self, piece: dict[str, Any], position: int) -> None:
        # The index says which call a piece continues; the first piece of a call
        # brings its id and name, the later ones only more of the arguments.
        index = piece.get("index")
        key = index if isinstance(index, int) else position
        call = self.tool_calls.setdefault(key, _ToolCall())
        if piece.get("id"):
            call.id = str(piece["id"])
        function = piece.get("function")
        if isinstance(function, dict):
            # Some servers repeat the name in every piece; it is whole in the first.
            if isinstance(function.get("name"), str) and not call.name:
                call.name = function["name"]
            if isinstance(function.get("arguments"), str):
                call.arguments.append(function["arguments"])

    def body(self) -> dict[str, Any]:
        """The ``chat.completion`` body this stream adds up to."""
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.content) or None}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": "".join(call.arguments)},
                }
                for _, call in sorted(self.tool_calls.items())
            ]
        body: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion",
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
        }
        if self.usage is not None:
            body["usage"] = self.usage
        return body


async def read_completion_stream(response: httpx.Response) -> CompletionStream:
    """Read ``response``'s event stream to its ``[DONE]``.

    Raises :class:`httpx.RemoteProtocolError` when the stream ends without
    ``[DONE]`` (the server or a proxy cut it off: worth another try), and
    :class:`ValueError` when a ``data:`` line is not JSON.
    """
    stream = CompletionStream()
    async for data in _events(response.aiter_lines()):
        if data == _DONE:
            return stream
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"a streamed chunk is not JSON: {data[:120]}") from exc
        stream.add(chunk)
        if stream.error is not None:
            return stream
    raise httpx.RemoteProtocolError(
        "the event stream ended before data: [DONE]", request=response.request
    )


async def _events(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    # Server-sent events: "data:" lines, one space after the colon optional;
    # comments (":"), "event:" and "id:" lines carry nothing a completion needs.
    async for line in lines:
        if line.startswith("data:"):
            yield line[5:].removeprefix(" ").rstrip("\r")
