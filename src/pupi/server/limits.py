"""A cap on request bodies (413), and error answers a client still sending can read.

Closing a connection with unread request bytes in the server's socket makes the
kernel send a reset, and a reset makes the client's kernel drop what it has
received but not yet handed over: our answer. A client that writes its whole
body before it reads (httpx, most others) then sees a broken connection instead
of the 413. So an error answered before the body is in (:func:`refuse`) is sent
at once but the connection is closed only after the rest of the body has been
read and thrown away, within :data:`DRAIN_MAX_BYTES` and :data:`DRAIN_MAX_S`,
as nginx's lingering close does. Past those the connection is just closed.
"""

from __future__ import annotations

import asyncio
import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pupi.errors import PayloadTooLarge, PupiError, error_answer

__all__ = [
    "DRAIN_MAX_BYTES",
    "DRAIN_MAX_S",
    "BodyLimitMiddleware",
    "error_body",
    "has_body",
    "refuse",
]

DRAIN_MAX_BYTES = 16 * 1024 * 1024
"""The most of a refused body read before closing: twice the 8 MB a client may try."""
DRAIN_MAX_S = 10.0
"""The longest a refused body is read before closing, however fast it comes."""


def error_body(error: PupiError) -> tuple[int, bytes]:
    """The status and JSON body (as bytes) the API answers ``error`` with."""
    status, body = error_answer(error)
    return status, json.dumps(body).encode()


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _announced_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None  # the HTTP parser rejects these before the app sees them


def has_body(scope: Scope) -> bool:
    """Whether the request says a body follows its headers."""
    return bool(_announced_length(scope)) or _header(scope, b"transfer-encoding") is not None


def _waits_for_continue(scope: Scope) -> bool:
    # Such a client sends its body only after a "100 Continue", which the server
    # never sends once it has answered: there is nothing to drain.
    value = _header(scope, b"expect")
    return value is not None and value.lower() == b"100-continue"


async def _drain(receive: Receive, budget: int) -> None:
    try:
        async with asyncio.timeout(DRAIN_MAX_S):
            while budget > 0:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                budget -= len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
    except TimeoutError:
        pass  # a slow sender gets the close it would have got without the drain


async def refuse(receive: Receive, send: Send, error: PupiError, *, drain_budget: int = 0) -> None:
    """Answer a JSON error and close, reading up to ``drain_budget`` more body bytes first.

    The answer goes out before the drain, so a client that reads while it writes
    can stop early; pass 0 when the body is already read or there is none.
    """
    status, payload = error_body(error)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    # more_body=True: the server closes the connection when the response ends,
    # so it must not end before the drain has.
    await send({"type": "http.response.body", "body": payload, "more_body": True})
    if drain_budget > 0:
        await _drain(receive, drain_budget)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class BodyLimitMiddleware:
    """Answers 413 to a body over its limit, whether announced or streamed.

    Bodies are small here (a prompt), so the body is read whole, then replayed
    to the app; a chunked upload is answered as soon as it passes the limit.
    The limit is ``max_bytes``, and ``max_bytes + extra_bytes`` on the paths
    matching ``extra_paths`` (those that take files and storage states).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        extra_bytes: int = 0,
        extra_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.extra_bytes = extra_bytes
        self.extra_paths = extra_paths

    def _limit(self, scope: Scope) -> int:
        if self.extra_paths is not None and self.extra_paths.fullmatch(scope.get("path", "")):
            return self.max_bytes + self.extra_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope)
        announced = _announced_length(scope)
        if announced is not None and announced > max_bytes:
            fits = announced <= DRAIN_MAX_BYTES and not _waits_for_continue(scope)
            await self._refuse(receive, send, max_bytes, drain_budget=announced if fits else 0)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away mid-body: nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            more_body = bool(message.get("more_body", False))
            if size > max_bytes:
                budget = DRAIN_MAX_BYTES - size if more_body else 0
                await self._refuse(receive, send, max_bytes, drain_budget=budget)
                return
            chunks.append(chunk)
            if not more_body:
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(receive: Receive, send: Send, max_bytes: int, *, drain_budget: int) -> None:
        too_large = PayloadTooLarge(f"request body larger than {max_bytes} bytes")
        await refuse(receive, send, too_large, drain_budget=drain_budget)
