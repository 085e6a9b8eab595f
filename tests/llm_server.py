"""A scripted OpenAI-compatible chat completions server, run as a process of its own.

It speaks the OpenAI chat completions protocol over real HTTP on 127.0.0.1:
``POST /v1/chat/completions`` answers ``chat.completion`` bodies
(``choices[0].message`` with ``tool_calls`` or ``content``, ``usage`` with
``prompt_tokens``/``completion_tokens``), or, when the request says
``"stream": true``, ``text/event-stream`` with ``data: {chat.completion.chunk}``
lines (tool-call arguments split over several chunks, a usage chunk when
``stream_options.include_usage`` asks for one, then ``data: [DONE]``), in
chunked transfer encoding as OpenAI's servers send it. Errors have OpenAI's
shape, ``{"error": {"message", "type"}}``.

Each request gets the next reply of a script (JSON, or YAML for a ``.yaml``
file): ``{"replies": [reply, ...]}``, where a reply is

- ``{"decide": {...}}``: a call of the ``decide`` tool with these arguments. An
  action's ``"element"`` may be ``{"named": "Username", "role": "textbox"}``: the
  number of the element listed so in the request's prompt (``[3] textbox
  "Username"``), so a script needs no element numbers.
- ``{"arguments": "..."}``: a ``decide`` call whose arguments are this raw text.
- ``{"content": "..."}``: a plain text message, as servers without tools answer.
- ``{"status": 429, "headers": {"retry-after": "1"}, "error": "slow down"}``: an
  HTTP error with OpenAI's error body.
- ``{"body": "{not json"}``: this text as a 200 ``application/json`` body.
- and on any of them ``"delay": seconds`` (wait before answering, to outlast a
  client's timeout), ``"drop": true`` (send the headers and half of the body or
  of the stream's chunks, then close the connection), ``"usage": [prompt,
  completion]`` (token counts, 100 and 20 by default).

A request beyond the script gets HTTP 400 saying so (not retried by clients,
so a test fails at once). Every request is recorded before it is answered, as
one JSON line ``{"n", "path", "headers", "body"}`` in the ``--record`` file.

    python -m tests.llm_server --script replies.json --record requests.jsonl --port 0

(from the repository root, or ``python tests/llm_server.py ...``) prints the port
it listens on, then serves until it is terminated.
:class:`LLMServer` runs it for tests.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

__all__ = ["LLMServer", "main"]

PATH = "/v1/chat/completions"
_ELEMENT_LINE = re.compile(r'^\[(\d+)\] (\S+) "((?:[^"\\]|\\.)*)"', re.MULTILINE)
_PIECES = 3  # how many chunks a streamed text or argument string is split into


class _Script:
    """The replies still to give, and the file requests are recorded in."""

    def __init__(self, replies: list[dict[str, Any]], record: Path) -> None:
        self._replies = list(replies)
        self._record = record
        self._count = 0
        self._lock = threading.Lock()

    def take(self, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        """Record one request; its number and the reply for it (None when none is left)."""
        with self._lock:
            self._count += 1
            line = json.dumps({"n": self._count, "path": path, "headers": headers, "body": body})
            with self._record.open("a", encoding="utf-8") as record:
                record.write(line + "\n")
            reply = self._replies.pop(0) if self._replies else None
            return self._count, reply


def _handler(script: _Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            try:
                body: Any = json.loads(raw)
            except json.JSONDecodeError:
                body = raw
            headers = {name.lower(): value for name, value in self.headers.items()}
            number, reply = script.take(self.path, headers, body)
            if self.path != PATH:
                self._json(404, _error(f"unknown path {self.path}", "not_found_error"))
                return
            if reply is None:
                message = f"llm_server: no scripted reply left for request {number}"
                self._json(400, _error(message, "script_exhausted"))
                return
            time.sleep(float(reply.get("delay", 0)))
            try:
                self._answer(reply, body if isinstance(body, dict) else {})
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (its timeout)

        def _answer(self, reply: dict[str, Any], request: dict[str, Any]) -> None:
            status = int(reply.get("status", 200))
            drop = bool(reply.get("drop"))
            extra = reply.get("headers") or {}
            if "body" in reply:
                self._send(status, str(reply["body"]).encode(), extra, drop=drop)
            elif status >= 400:
                message = reply.get("error") or f"scripted HTTP {status}"
                self._json(status, _error(message, "scripted_error"), extra, drop=drop)
            else:
                try:
                    message = _message(reply, request)
                except LookupError as exc:
                    self._json(400, _error(f"llm_server script: {exc}", "script_error"))
                    return
                usage = _usage(reply)
                if request.get("stream"):
                    with_usage = bool((request.get("stream_options") or {}).get("include_usage"))
                    chunks = list(_chunks(message, usage if with_usage else None))
                    self._stream(chunks, extra, drop=drop)
                else:
                    self._json(200, _completion(message, usage), extra, drop=drop)

        def _json(
            self,
            status: int,
            value: Any,
            extra: Mapping[str, str] | None = None,
            *,
            drop: bool = False,
        ) -> None:
            self._send(status, json.dumps(value).encode(), extra or {}, drop=drop)

        def _send(
            self, status: int, payload: bytes, extra: Mapping[str, str], *, drop: bool
        ) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            for name, value in extra.items():
                self.send_header(name, str(value))
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            # A drop promises the whole length, sends half and closes: the client
            # sees the connection end in the middle of the body.
            self.wfile.write(payload[: len(payload) // 2] if drop else payload)
            self.wfile.flush()
            self.close_connection = drop or self.close_connection

        def _stream(self, chunks: list[bytes], extra: Mapping[str, str], *, drop: bool) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            for name, value in extra.items():
                self.send_header(name, str(value))
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for chunk in chunks[: len(chunks) // 2] if drop else chunks:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            if drop:
                self.close_connection = True  # no last chunk: the stream is cut off
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # The test's output is the place for failures, not access logs.

    return Handler


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind}}


def _usage(reply: Mapping[str, Any]) -> dict[str, int]:
    prompt, completion = reply.get("usage") or (100, 20)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _message(reply: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    if "content" in reply:
        return {"role": "assistant", "content": str(reply["content"])}
    if "arguments" in reply:
        arguments = str(reply["arguments"])
    elif "decide" in reply:
        arguments = json.dumps(_resolve(reply["decide"], _prompt_text(request)))
    else:
        raise LookupError(f"a reply needs decide, arguments, content, body or status: {reply}")
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "decide", "arguments": arguments},
    }
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def _prompt_text(request: Mapping[str, Any]) -> str:
    # The newest user message; with vision its content is a list of parts.
    for message in reversed(request.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return "\n".join(
                    str(part.get("text", "")) for part in content if isinstance(part, dict)
                )
            return str(content or "")
    return ""


def _resolve(decision: Any, prompt: str) -> Any:
    """``decision`` with each ``{"named": ..., "role": ...}`` element made a number."""
    if not isinstance(decision, dict):
        return decision
    resolved = dict(decision)
    actions = []
    for action in decision.get("actions") or []:
        element = action.get("element")
        if isinstance(element, dict):
            action = {**action, "element": _element_number(element, prompt)}
        actions.append(action)
    if "actions" in decision:
        resolved["actions"] = actions
    return resolved


def _element_number(wanted: Mapping[str, Any], prompt: str) -> int:
    for match in _ELEMENT_LINE.finditer(prompt):
        number, role, name = match.groups()
        if json.loads(f'"{name}"') == wanted.get("named") and wanted.get("role") in (None, role):
            return int(number)
    raise LookupError(f"no element {dict(wanted)} in the prompt")


def _completion(message: dict[str, Any], usage: dict[str, int]) -> dict[str, Any]:
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return {
        "id": "chatcmpl-llm-server",
        "object": "chat.completion",
        "created": 0,
        "model": "llm-server",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage,
    }


def _chunks(message: dict[str, Any], usage: dict[str, int] | None) -> Iterator[bytes]:
    """The ``data:`` events OpenAI streams for ``message``, ``[DONE]`` last."""

    def event(delta: dict[str, Any] | None, finish: str | None = None) -> bytes:
        chunk: dict[str, Any] = {
            "id": "chatcmpl-llm-server",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "llm-server",
            "choices": []
            if delta is None
            else [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        if delta is None:
            chunk["usage"] = usage
        return f"data: {json.dumps(chunk)}\n\n".encode()

    yield event({"role": "assistant", "content": ""})
    if message.get("tool_calls"):
        call = message["tool_calls"][0]
        for number, piece in enumerate(_split(call["function"]["arguments"])):
            # As OpenAI does: the first piece brings the call's id and name.
            delta_call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
            if number == 0:
                delta_call |= {"id": call["id"], "type": "function"}
                delta_call["function"]["name"] = "decide"
            yield event({"tool_calls": [delta_call]})
        finish = "tool_calls"
    else:
        for piece in _split(message.get("content") or ""):
            yield event({"content": piece})
        finish = "stop"
    yield event({}, finish)
    if usage is not None:
        yield event(None)
    yield b"data: [DONE]\n\n"


def _split(text: str) -> list[str]:
    size = max(1, -(-len(text) // _PIECES))
    return [text[start : start + size] for start in range(0, len(text), size)] or [""]


def _load(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        script = yaml.safe_load(text)
    else:
        script = json.loads(text)
    replies = script.get("replies") if isinstance(script, dict) else None
    if not isinstance(replies, list):
        raise SystemExit(f"{path}: the script must be an object with a list of replies")
    return replies


def main(argv: list[str] | None = None) -> None:
    """Serve the script given on the command line until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--script", type=Path, required=True, help="JSON or YAML replies")
    parser.add_argument("--record", type=Path, required=True, help="JSON lines of requests")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    script = _Script(_load(args.script), args.record)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(script))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


class LLMServer:
    """This module's server as a child process, for a test.

    ```python
    with LLMServer([{"decide": {"done": True}}], tmp_path) as server:
        planner = OpenAIPlanner(base_url=server.base_url, model="m")
        ...
        server.requests()[0]["body"]["messages"]
    ```

    The script is written to ``folder``; the process is terminated on exit.
    """

    def __init__(self, replies: list[dict[str, Any]], folder: Path) -> None:
        self.script_path = folder / "llm-script.json"
        self.record_path = folder / "llm-requests.jsonl"
        # A file, not a pipe: a pipe nobody reads could fill up and stall the server.
        self.log_path = folder / "llm-server.log"
        self.script_path.write_text(json.dumps({"replies": replies}), encoding="utf-8")
        self.record_path.write_text("", encoding="utf-8")
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--script",
            str(self.script_path),
            "--record",
            str(self.record_path),
        ]
        with self.log_path.open("w", encoding="utf-8") as log:
            self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        assert self._process.stdout is not None
        # The port line comes once the socket listens; an empty read means it died.
        line = self._process.stdout.readline()
        if not line.strip():
            self._process.wait(timeout=10)
            log_text = self.log_path.read_text(encoding="utf-8")
            raise RuntimeError(f"llm_server did not start: {log_text}")
        self.port = int(line)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()

    @property
    def base_url(self) -> str:
        """The base URL an OpenAI-compatible client is configured with (``.../v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> list[dict[str, Any]]:
        """Every request received so far, oldest first: ``{"n", "path", "headers", "body"}``."""
        lines = self.record_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def bodies(self) -> list[Any]:
        """The JSON bodies of :meth:`requests`."""
        return [request["body"] for request in self.requests()]


if __name__ == "__main__":
    main()
