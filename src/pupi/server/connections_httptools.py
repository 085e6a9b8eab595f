"""uvicorn's httptools protocol with the deadlines and cap of :mod:`pupi.server.connections`.

A module of its own because importing it needs httptools, which
:func:`~pupi.server.connections.protocol_class` does without when it must.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from pupi.server.connections import GuardedProtocol, Phase

__all__ = ["GuardedHttpToolsProtocol"]


class GuardedHttpToolsProtocol(GuardedProtocol, HttpToolsProtocol):
    """uvicorn's httptools protocol with :class:`~pupi.server.connections.Deadlines` and the cap.

    httptools does not say where a request stands, so the parser callbacks keep
    note of it in ``_parsing``.
    """

    _parsing = Phase.HEADERS

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._parsing = Phase.HEADERS

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._parsing = Phase.BODY

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._parsing = Phase.ANSWERING

    def _phase(self) -> Phase:
        if self._parsing is Phase.ANSWERING and (
            self.cycle is None or self.cycle.response_complete
        ):
            return Phase.HEADERS  # answered: the client owes the next request, if any
        return self._parsing
