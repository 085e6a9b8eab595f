"""Deadlines for slow clients and a cap on connections, in uvicorn's HTTP protocol.

uvicorn closes a kept-alive connection that stays idle (``timeout_keep_alive``),
but nothing bounds one that has sent part of its headers, or whose body stops
coming: each holds a socket and some memory for ever, so a few thousand slow
clients (slowloris) take the server down at no cost to themselves. And its
``limit_concurrency`` answers 503 in plain text. uvicorn's protocol classes with
a few hooks (here for h11, in :mod:`pupi.server.connections_httptools` for
httptools) add, per connection:

- **a header deadline**: from the moment the client owes a request (the
  connection opened, or the previous answer ended) it has ``header_timeout_s``
  to complete its headers; then the connection is closed without an answer,
  as nginx does, since the client may never have meant to send one;
- **a body stall timer**: a body from which nothing arrives for
  ``body_timeout_s`` gets a 408 JSON error (unless an answer has started) and
  the connection is closed;
- **a connection cap**: a request on a connection past ``max_connections``
  open ones gets a 503 JSON error and the close; the others go on as usual.

:func:`protocol_class` builds the class to pass as ``uvicorn.run(http=...)``.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sized
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Protocol, cast

import h11
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from pupi.errors import PupiError, RequestTimeout, ServerBusy
from pupi.server.limits import DRAIN_MAX_BYTES, error_body, has_body, refuse

__all__ = [
    "ConnectionLimits",
    "Deadlines",
    "GuardedH11Protocol",
    "GuardedProtocol",
    "Phase",
    "protocol_class",
]


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds of :mod:`pupi.server.connections`; see ``ServerSettings``."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_connections: int = 1000


class Phase(enum.Enum):
    """Where a connection's request stands, as far as the timers care."""

    HEADERS = "headers"
    """The client owes a request's headers (or the rest of them)."""
    BODY = "body"
    """The client owes the rest of a body."""
    ANSWERING = "answering"
    """The request is in; the client waits for the answer."""


class _Cycle(Protocol):
    """What the timers use of uvicorn's request-response cycle (either parser's)."""

    response_started: bool
    response_complete: bool
    disconnected: bool
    message_event: asyncio.Event


class _Connection(Protocol):
    @property
    def loop(self) -> asyncio.AbstractEventLoop: ...
    @property
    def transport(self) -> asyncio.Transport: ...
    @property
    def flow(self) -> FlowControl: ...
    @property
    def cycle(self) -> _Cycle | None: ...


def _raw_error(error: PupiError) -> bytes:
    status, body = error_body(error)
    status_line = f"{status} {HTTPStatus(status).phrase}".encode()
    head = (
        b"HTTP/1.1 " + status_line + b"\r\ncontent-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
    )
    return head + body


_REQUEST_TIMEOUT = _raw_error(RequestTimeout("the request body stopped arriving"))


class Deadlines:
    """The header deadline and the body stall timer of one connection.

    The protocol calls :meth:`follow` whenever its request may have moved on
    (after each read, after each answer) and :meth:`cancel` when it is lost.
    """

    def __init__(self, connection: _Connection, limits: ConnectionLimits) -> None:
        self._connection = connection
        self._limits = limits
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def follow(self, phase: Phase) -> None:
        """Arm or cancel the timers for where the request now stands."""
        if not self._live():
            self.cancel()
        elif phase is Phase.HEADERS:
            self._cancel_body()
            if self._header_timer is None:
                # A deadline, not an idle timer: headers trickling in do not extend it.
                self._header_timer = self._connection.loop.call_later(
                    self._limits.header_timeout_s, self._headers_late
                )
        elif phase is Phase.BODY:
            # Something arrived (or the body is just starting): the stall clock restarts.
            self.cancel()
            self._body_timer = self._connection.loop.call_later(
                self._limits.body_timeout_s, self._body_stalled
            )
        else:
            self.cancel()

    def cancel(self) -> None:
        """Stop both timers."""
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self._cancel_body()

    def _cancel_body(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _live(self) -> bool:
        transport = self._connection.transport
        if transport is None or transport.is_closing():
            return False
        # After a WebSocket upgrade the transport belongs to another protocol.
        owner: object = transport.get_protocol()
        return owner is self._connection

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self._live():
            return
        cycle = self._connection.cycle
        if cycle is not None and not cycle.response_complete:
            # Pipelined: these headers wait behind the answer to the request
            # before (uvicorn reads no further meanwhile), so the clock restarts.
            self.follow(Phase.HEADERS)
            return
        self._connection.transport.close()

    def _body_stalled(self) -> None:
        self._body_timer = None
        if not self._live():
            return
        if self._connection.flow.read_paused:
            # uvicorn stops reading until the app takes what came: the app's
            # stall, not the client's.
            self.follow(Phase.BODY)
            return
        cycle = self._connection.cycle
        if cycle is not None and not cycle.response_started:
            # The app's next receive() then says the client is gone and its
            # sends go nowhere, so the 408 is the whole answer.
            cycle.disconnected = True
            cycle.message_event.set()
            self._connection.transport.write(_REQUEST_TIMEOUT)
        self._connection.transport.close()


class _ConnectionCap:
    """The app, or a 503 JSON error while more than ``limit`` connections are open."""

    def __init__(self, app: ASGIApp, connections: Sized, limit: int) -> None:
        self._app = app
        self._connections = connections
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(self._connections) > self._limit:
            busy = ServerBusy(f"the server is serving its maximum of {self._limit} connections")
            await refuse(
                receive, send, busy, drain_budget=DRAIN_MAX_BYTES if has_body(scope) else 0
            )
            return
        await self._app(scope, receive, send)


def cap_connections(app: Any, connections: Sized, limit: int) -> Any:
    """``app`` behind the connection cap (typed loosely: uvicorn's and Starlette's
    ASGI types describe the same callables but do not match)."""
    return _ConnectionCap(app, connections, limit)


class GuardedProtocol(asyncio.Protocol):
    """The hooks shared by both parsers' guarded protocols; mixed in before uvicorn's class.

    Subclasses say where their request stands in :meth:`_phase`.
    """

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    # Set by uvicorn's protocol classes, which this is mixed into.
    app: Any
    connections: set[Any]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        # super() is uvicorn's protocol class here, never asyncio.Protocol itself.
        super().__init__(config, server_state, app_state, _loop)  # type: ignore[call-arg]
        self.app = cap_connections(self.app, self.connections, self.limits.max_connections)
        self._deadlines = Deadlines(cast(_Connection, self), self.limits)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._follow()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadlines.cancel()
        super().connection_lost(exc)

    def _follow(self) -> None:
        self._deadlines.follow(self._phase())

    def _phase(self) -> Phase:
        raise NotImplementedError


class GuardedH11Protocol(GuardedProtocol, H11Protocol):
    """uvicorn's h11 protocol with :class:`Deadlines` and the connection cap."""

    def _phase(self) -> Phase:
        state = self.conn.their_state
        if state is h11.IDLE:
            return Phase.HEADERS
        if state is h11.SEND_BODY:
            return Phase.BODY
        return Phase.ANSWERING


def protocol_class(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The protocol to pass as ``uvicorn.run(http=...)``, with ``limits``.

    httptools' parser when it is installed, h11's otherwise, as ``http="auto"`` picks.
    """
    base: type[asyncio.Protocol]
    try:
        from pupi.server.connections_httptools import GuardedHttpToolsProtocol
    except ImportError:  # the server extra installs httptools; h11 comes with uvicorn
        base = GuardedH11Protocol
    else:
        base = GuardedHttpToolsProtocol
    return cast("type[asyncio.Protocol]", type(base.__name__, (base,), {"limits": limits}))
