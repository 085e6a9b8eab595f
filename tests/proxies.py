"""A counting proxy for the browser tests: a small real proxy, not a mock of Pupi.

:class:`CountingProxy` speaks HTTP proxying (absolute-form requests and
``CONNECT`` tunnels, optionally behind Basic proxy authentication) or SOCKS5
(no authentication), forwards to the real destination, and counts what went
through per destination ``host:port``. Chromium talks to it as to any proxy, so
a test that finds the demo site's host in :attr:`CountingProxy.hits` knows the
browser's traffic really took that path.

Chromium sends even loopback through a context's proxy (Playwright adds
``<-loopback>`` to the bypass list), so the demo site on 127.0.0.1 is counted.

    async with CountingProxy(username="ada", password="pw") as proxy:
        await sdk.execute_steps_locally(steps, proxy={"server": proxy.url, ...})
        assert proxy.hits[demo_host] > 0

Only what Chromium needs is implemented: request bodies with a Content-Length
(no chunked uploads), one request per forwarded connection (``Connection:
close`` both ways), SOCKS5's CONNECT command.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from collections import Counter
from collections.abc import Mapping
from types import TracebackType
from typing import Literal, Self
from urllib.parse import urlsplit

__all__ = ["CountingProxy"]

Mode = Literal["http", "socks5"]

_HOP_BY_HOP = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}
_CHALLENGE = (
    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
    b'Proxy-Authenticate: Basic realm="pupi-tests"\r\n'
    b"Content-Length: 0\r\n\r\n"
)
_BAD_GATEWAY = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class CountingProxy:
    """An HTTP or SOCKS5 proxy on ``127.0.0.1`` (a free port) that counts what it forwards.

    With ``username`` and ``password`` (HTTP mode only, as Chromium cannot
    authenticate to SOCKS5) a request without the right ``Proxy-Authorization``
    is answered 407 with a ``Proxy-Authenticate`` challenge, which makes
    Chromium retry with the credentials it was given.
    """

    def __init__(
        self,
        *,
        mode: Mode = "http",
        username: str | None = None,
        password: str | None = None,
        hosts: Mapping[str, str] | None = None,
    ) -> None:
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        if mode == "socks5" and username is not None:
            raise ValueError("the SOCKS5 mode takes no credentials")
        self.mode = mode
        self.username = username
        self.password = password
        self.hosts = dict(hosts or {})
        """Names this proxy resolves itself (``{"demo.invalid": "127.0.0.1"}``), as a
        hosts file would: a page at such a name loads only through the proxy."""
        self.hits: Counter[str] = Counter()
        """Forwarded requests (HTTP) or tunnels (CONNECT, SOCKS5) per ``host:port``."""
        self.presented: list[tuple[str, str]] = []
        """Every (username, password) a request presented, right or wrong."""
        self.challenges = 0
        """How many requests were answered 407."""
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._clients: set[asyncio.StreamWriter] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not running: use it with async with")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` or ``socks5://127.0.0.1:PORT``: a ``proxy.server``."""
        return f"{self.mode}://127.0.0.1:{self.port}"

    def __repr__(self) -> str:
        return (
            f"<CountingProxy {self.mode} :{self.port if self._server else '-'} {dict(self.hits)}>"
        )

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Hanging up on the browser ends every handler through its reads (EOF), which
        # asyncio's stream callback takes more kindly than cancelled tasks.
        for writer in self._clients:
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await server.wait_closed()

    # -- connections ------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._clients.add(writer)
        try:
            if self.mode == "socks5":
                await self._socks5(reader, writer)
            else:
                await self._http(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the browser hung up: routine for a proxy
        finally:
            self._handlers.discard(task)
            self._clients.discard(writer)
            await _close(writer)

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A connection may carry several requests: a 407, then the retry with credentials.
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
            method, target, version = request_line.split(" ", 2)
            headers = [_header(line) for line in lines]
            body = await reader.readexactly(_content_length(headers))
            if not self._authorized(headers):
                self.challenges += 1
                writer.write(_CHALLENGE)
                await writer.drain()
                continue
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                await self._tunnel(reader, writer, host.strip("[]"), int(port), b"")
                return
            await self._forward(writer, method, target, version, headers, body)
            return

    def _authorized(self, headers: list[tuple[str, str]]) -> bool:
        presented = None
        for name, value in headers:
            scheme, _, encoded = value.partition(" ")
            if name.lower() == "proxy-authorization" and scheme.lower() == "basic":
                username, _, password = base64.b64decode(encoded).decode().partition(":")
                presented = (username, password)
                self.presented.append(presented)
        return self.username is None or presented == (self.username, self.password)

    async def _forward(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        version: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        url = urlsplit(target)
        host, port = url.hostname or "", url.port or 80
        self.hits[f"{host}:{port}"] += 1
        try:
            up_reader, up_writer = await self._connect(host, port)
        except OSError:
            writer.write(_BAD_GATEWAY)
            return
        try:
            path = url.path or "/"
            kept = "".join(
                f"{name}: {value}\r\n" for name, value in headers if name.lower() not in _HOP_BY_HOP
            )
            request = f"{method} {path}{'?' + url.query if url.query else ''} {version}\r\n"
            up_writer.write(f"{request}{kept}Connection: close\r\n\r\n".encode("latin-1") + body)
            await up_writer.drain()
            # The answer's own Connection header is replaced: this proxy closes after it.
            response_head = await up_reader.readuntil(b"\r\n\r\n")
            status, *response_lines = response_head.decode("latin-1").split("\r\n")[:-2]
            kept = "".join(
                f"{line}\r\n"
                for line in response_lines
                if line.split(":", 1)[0].strip().lower() not in _HOP_BY_HOP
            )
            writer.write(f"{status}\r\n{kept}Connection: close\r\n\r\n".encode("latin-1"))
            await _copy(up_reader, writer)
        finally:
            await _close(up_writer)

    async def _connect(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.hosts.get(host, host), port)

    async def _socks5(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != 5 or 0 not in methods:
            writer.write(b"\x05\xff")  # no acceptable method: only "no authentication"
            return
        writer.write(b"\x05\x00")
        _, command, _, address_type = await reader.readexactly(4)
        if address_type == 1:
            host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
        elif address_type == 4:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        else:  # 3: a name, which Chromium sends so that the proxy resolves it
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        port = int.from_bytes(await reader.readexactly(2), "big")
        if command != 1:
            writer.write(b"\x05\x07\x00\x01" + bytes(6))  # only CONNECT
            return
        await self._tunnel(reader, writer, host, port, b"\x05\x00\x00\x01" + bytes(6))

    async def _tunnel(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        host: str,
        port: int,
        socks_reply: bytes,
    ) -> None:
        self.hits[f"{host}:{port}"] += 1
        try:
            up_reader, up_writer = await self._connect(host, port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01" + bytes(6) if socks_reply else _BAD_GATEWAY)
            return
        writer.write(socks_reply or b"HTTP/1.1 200 Connection Established\r\n\r\n")
        try:
            # Either side hanging up ends the tunnel; the other copy is then cancelled.
            copies = [
                asyncio.ensure_future(_copy(reader, up_writer)),
                asyncio.ensure_future(_copy(up_reader, writer)),
            ]
            try:
                await asyncio.wait(copies, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for copy in copies:
                    copy.cancel()
                await asyncio.gather(*copies, return_exceptions=True)
        finally:
            await _close(up_writer)


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip(), value.strip()


def _content_length(headers: list[tuple[str, str]]) -> int:
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value)
    return 0


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()
