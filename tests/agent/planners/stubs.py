"""Local stand-ins for LLM providers: real HTTP servers on 127.0.0.1 with scripted replies.

:class:`OpenAIStub` speaks the OpenAI chat completions protocol
(``POST /v1/chat/completions``, ``choices[].message.tool_calls``, ``usage`` with
``prompt_tokens``/``completion_tokens``, errors as ``{"error": {"message", "type"}}``).
:class:`AnthropicStub` speaks Anthropic's Messages API (``POST /v1/messages``,
``content`` blocks of type ``tool_use``/``text``, ``usage`` with
``input_tokens``/``output_tokens``, errors as ``{"type": "error", "error": {...}}``).

Each server runs the stdlib ``ThreadingHTTPServer`` on a thread, answers every
request with the next reply from its script (or a 500 saying the script ran out,
so a test that sends one request too many fails loudly), and records every
request it got, so tests can assert on the exact wire format a planner sends.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["AnthropicStub", "OpenAIStub", "RecordedRequest", "StubServer", "unused_port"]


@dataclass
class RecordedRequest:
    """One request a stub received."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    body: Any
    """The parsed JSON body, or the raw text when it was not JSON."""


@dataclass
class _Scripted:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class StubServer:
    """An HTTP server on 127.0.0.1 that answers from a script and records requests.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    path = "/"
    """The one path the protocol serves; any other answers 404."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._script: deque[_Scripted] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the server's root."""
        assert self._server is not None, "the stub is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Listen on a free loopback port and serve on a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll keeps stop() fast: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any reply still waiting out its delay, close the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def enqueue(
        self,
        body: Any,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Script the next reply: ``body`` is sent as JSON, or as is when it is ``str``."""
        if isinstance(body, str):
            payload, content_type = body.encode(), "text/plain"
        else:
            payload, content_type = json.dumps(body).encode(), "application/json"
        with self._lock:
            self._script.append(
                _Scripted(status, payload, {"content-type": content_type, **(headers or {})}, delay)
            )

    def error_body(self, message: str, kind: str) -> dict[str, Any]:
        """The protocol's error body."""
        return {"error": {"message": message, "type": kind}}

    def _answer(self, request: RecordedRequest) -> _Scripted:
        with self._lock:
            self.requests.append(request)
            if request.path != self.path:
                body = self.error_body(f"unknown path {request.path}", "not_found_error")
                return _Scripted(404, json.dumps(body).encode())
            if not self._script:
                body = self.error_body("the stub has no scripted reply left", "stub_error")
                return _Scripted(500, json.dumps(body).encode())
            return self._script.popleft()


def _handler_for(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0 closes each connection after its reply, so no handler thread
        # lingers on a kept-alive socket after a test.
        protocol_version = "HTTP/1.0"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length).decode()
            try:
                body: Any = json.loads(raw)
            except json.JSONDecodeError:
                body = raw
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = stub._answer(RecordedRequest("POST", self.path, headers, body))
            if reply.delay and stub._stopping.wait(reply.delay):
                return
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # The client gave up (a timeout test); nothing to tell it.

        def log_message(self, format: str, *args: Any) -> None:
            pass  # Keep test output clean.

    return Handler


class OpenAIStub(StubServer):
    """An OpenAI-compatible chat completions server (``POST /v1/chat/completions``)."""

    path = "/v1/chat/completions"

    @property
    def base_url(self) -> str:
        """The base URL a client is configured with (``.../v1``)."""
        return f"{self.url}/v1"

    def reply_tool_call(
        self,
        arguments: dict[str, Any] | str,
        *,
        prompt_tokens: int = 100,
        completion_tokens: int = 20,
        call_id: str = "call_1",
    ) -> None:
        """Script a reply that calls ``decide`` with ``arguments`` (a dict, or raw text)."""
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": "decide", "arguments": text},
                }
            ],
        }
        self.enqueue(self._completion(message, "tool_calls", prompt_tokens, completion_tokens))

    def reply_content(
        self, text: str, *, prompt_tokens: int = 100, completion_tokens: int = 20
    ) -> None:
        """Script a plain-text reply, as servers without tool calling give."""
        message = {"role": "assistant", "content": text}
        self.enqueue(self._completion(message, "stop", prompt_tokens, completion_tokens))

    def reply_error(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Script an error reply in OpenAI's shape."""
        self.enqueue(self.error_body(message, kind), status=status, headers=headers)

    @staticmethod
    def _completion(
        message: dict[str, Any], finish_reason: str, prompt_tokens: int, completion_tokens: int
    ) -> dict[str, Any]:
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "model": "stub-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


class AnthropicStub(StubServer):
    """An Anthropic Messages API server (``POST /v1/messages``)."""

    path = "/v1/messages"

    def error_body(self, message: str, kind: str) -> dict[str, Any]:
        """Anthropic's error shape."""
        return {"type": "error", "error": {"type": kind, "message": message}}

    def reply_tool_use(
        self,
        tool_input: dict[str, Any],
        *,
        input_tokens: int = 100,
        output_tokens: int = 20,
        cache_read_input_tokens: int = 0,
        tool_id: str = "toolu_1",
    ) -> None:
        """Script a reply whose content is one ``decide`` tool_use block."""
        block = {"type": "tool_use", "id": tool_id, "name": "decide", "input": tool_input}
        usage = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read_input_tokens,
        }
        self.enqueue(self._message([block], "tool_use", usage))

    def reply_text(self, text: str, *, input_tokens: int = 100, output_tokens: int = 20) -> None:
        """Script a reply with only a text block."""
        usage = {"input_tokens": input_tokens, "output_tokens": output_tokens}
        self.enqueue(self._message([{"type": "text", "text": text}], "end_turn", usage))

    def reply_error(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Script an error reply in Anthropic's shape."""
        self.enqueue(self.error_body(message, kind), status=status, headers=headers)

    @staticmethod
    def _message(
        content: list[dict[str, Any]], stop_reason: str, usage: dict[str, int]
    ) -> dict[str, Any]:
        return {
            "id": "msg_stub",
            "type": "message",
            "role": "assistant",
            "model": "stub-model",
            "content": content,
            "stop_reason": stop_reason,
            "usage": usage,
        }


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released), for refused connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
