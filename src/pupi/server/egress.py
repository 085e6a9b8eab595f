"""The egress proxy: where the fetch policy meets the sockets the browser opens.

Judging URLs in the browser is not enough. A page answers 302 to a loopback
address, opens a WebSocket from a worker, or serves a name whose DNS answer
changes between Pupi's look-up and Chromium's (DNS rebinding). So a server-side
Chromium is launched with this proxy as its only way out (``--proxy-server``,
loopback included, and WebRTC kept off UDP), and the proxy makes every
connection itself: it resolves a name once, judges every address with
:mod:`pupi.server.fetch_policy`, and connects to the address it judged. What
it refuses never gets a connection, whatever the URL said.

It speaks the two forms of HTTP proxying Chromium uses: ``CONNECT host:port``
tunnels (https, ws, wss and WebRTC's TURN over TCP) and absolute-form requests
(``GET http://host/path``), which it forwards one per connection. It listens on
loopback only, and logs destinations as ``host:port``, never paths or queries,
which can carry secrets.

Built with ``upstream=``, it reaches the judged addresses through the user's
own proxy (:mod:`pupi.server.upstream`) instead of dialling them itself; the
user's proxy is a destination like any other, judged before it is dialled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pupi.browser.options import ProxySettings
from pupi.server import fetch_policy
from pupi.server.fetch_policy import (
    addresses_refusal,
    host_allowed,
    is_localhost_name,
    literal_address,
    refusal,
)
from pupi.server.upstream import UpstreamDialer, UpstreamProxy, UpstreamProxyError

__all__ = ["AsyncResolver", "Dialer", "EgressProxy", "Refusal", "system_resolver"]

logger = logging.getLogger("pupi.server.egress")

AsyncResolver = Callable[[str], Awaitable[list[str]]]
"""Given a host name, its IP addresses; raises OSError when it has none."""
Dialer = Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
"""Opens a TCP connection to an IP address and port."""

HEAD_LIMIT = 64 * 1024
HEAD_TIMEOUT_S = 30.0
DIAL_TIMEOUT_S = 10.0
LINGER_S = 30.0
"""How long an upstream may go on sending after the browser has stopped."""
CHUNK = 64 * 1024
# Hop-by-hop headers a proxy must not forward (RFC 9110, 7.6.1), in lower case.
_HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"proxy-authorization",
    b"proxy-authenticate",
    b"te",
    b"trailer",
    b"upgrade",
}


async def system_resolver(host: str) -> list[str]:
    """The fetch policy's resolver, in a thread: a slow DNS answer must not block the loop."""
    return await asyncio.to_thread(fetch_policy.system_resolver, host)


async def _open_connection(
    address: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(address, port, limit=HEAD_LIMIT)


@dataclass(frozen=True, slots=True)
class Refusal:
    """One connection the proxy would not make."""

    destination: str
    """``host:port`` as the browser asked for it."""
    reason: str


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class EgressProxy:
    """A forward proxy on loopback that connects only where the fetch policy allows.

    >>> proxy = EgressProxy(allow_hosts=("127.0.0.1:8000",))
    >>> await proxy.start()
    >>> instance = await manager.open(egress_proxy=proxy.url)
    >>> ...
    >>> await proxy.aclose()

    With ``upstream`` (the user's :class:`~pupi.browser.options.ProxySettings`,
    or an :class:`~pupi.server.upstream.UpstreamProxy`), every judged address is
    reached through that proxy, whose own address the fetch policy judges too:

    >>> proxy = EgressProxy(upstream=ProxySettings(server="socks5://proxy.example:1080"))

    ``resolve`` and ``dial`` are the two places it touches the network; tests
    replace them (a resolver whose answer changes, a dialer that records). With
    an upstream, ``dial`` is how the upstream proxy is reached.
    """

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = (),
        upstream: ProxySettings | UpstreamProxy | None = None,
        resolve: AsyncResolver = system_resolver,
        dial: Dialer = _open_connection,
        host: str = "127.0.0.1",
    ) -> None:
        self.allow_hosts = tuple(allow_hosts)
        if isinstance(upstream, ProxySettings):
            upstream = UpstreamProxy.from_settings(upstream)
        self.upstream = upstream
        """The user's proxy that carries the traffic, or None to dial directly."""
        self._resolve = resolve
        self._dial = dial
        self._host = host
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.refusals: deque[Refusal] = deque(maxlen=1000)
        """The most recent refused connections, oldest first."""

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, for Chromium's ``--proxy-server``."""
        if self._server is None:
            raise RuntimeError("the egress proxy is not started")
        port = self._server.sockets[0].getsockname()[1]
        return f"http://{self._host}:{port}"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._serve, self._host, 0, limit=HEAD_LIMIT)

    async def aclose(self) -> None:
        """Stop listening and cut every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in list(self._writers):
            writer.close()
        await server.wait_closed()

    async def __aenter__(self) -> EgressProxy:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # either side went away; there is nobody left to tell
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(HEAD_TIMEOUT_S):
                head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            await _answer(writer, 431, "request head too large")
            return
        request_line, _, header_block = head.partition(b"\r\n")
        method, target, version = _split_request_line(request_line)
        if method is None:
            await _answer(writer, 400, "not an HTTP request")
            return
        try:
            if method == b"CONNECT":
                await self._tunnel(target, reader, writer)
            else:
                await self._forward(method, target, version, header_block, reader, writer)
        except _Refused as refused:
            await _answer(writer, refused.status, refused.reason)

    async def _tunnel(
        self, authority: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, port = _split_authority(authority.decode("latin-1"))
        if port is None:
            raise _Refused(400, "CONNECT needs host:port")
        upstream_reader, upstream_writer = await self._connect(host, port, f"{host}:{port}")
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await _splice(reader, writer, upstream_reader, upstream_writer)

    async def _forward(
        self,
        method: bytes,
        target: bytes,
        version: bytes,
        header_block: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        url = target.decode("latin-1")
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "ws"} or not parts.hostname:
            # An origin-form request means something talks to the proxy as if it
            # were a web server; https never comes here (it is tunnelled).
            raise _Refused(400, "the egress proxy forwards only absolute http:// requests")
        try:
            port = parts.port or 80
        except ValueError:
            raise _Refused(400, "invalid port") from None
        host = parts.hostname
        # Refusals name the origin only: a path or query can carry a secret.
        upstream_reader, upstream_writer = await self._connect(host, port, f"http://{host}:{port}")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers, upgrade = _forwarded_headers(header_block)
        connection = (
            b"Connection: upgrade\r\nUpgrade: " + upgrade if upgrade else b"Connection: close"
        )
        upstream_writer.write(
            b"%s %s %s\r\n%s%s\r\n\r\n"
            % (method, path.encode("latin-1"), version, headers, connection)
        )
        await upstream_writer.drain()
        await _splice(reader, writer, upstream_reader, upstream_writer)

    async def _connect(
        self, host: str, port: int, shown: str
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Resolve once, judge every address, connect to a judged one."""
        destination = f"{host}:{port}"
        addresses = await self._judged(host, port, shown=shown, destination=destination)
        dial: Dialer = self._dial
        budget: float | None = DIAL_TIMEOUT_S
        if self.upstream is not None:
            # Judged only now, so a refused destination never reaches the user's proxy.
            upstream = self.upstream
            via = await self._judged(
                upstream.host, upstream.port, shown=upstream.url, destination=upstream.url
            )
            dial = UpstreamDialer(upstream, proxy_addresses=via, dial=self._dial)
            # It bounds itself, and names the proxy when it gives up.
            budget = None
        last_error: Exception | None = None
        for address in addresses:
            try:
                async with asyncio.timeout(budget):
                    return await dial(address, port)
            except (OSError, TimeoutError) as exc:
                last_error = exc
        logger.info("could not connect to %s: %s", destination, last_error)
        reason = f"could not connect to {destination}"
        if isinstance(last_error, UpstreamProxyError):
            # Its message names the proxy and what it said, never the credentials.
            reason += f": {last_error}"
        raise _Refused(502, reason)

    async def _judged(self, host: str, port: int, *, shown: str, destination: str) -> list[str]:
        """The addresses ``host`` may be reached at; a refusal is recorded and logged."""
        try:
            return await self._addresses(host, port, shown)
        except _Refused as refused:
            self.refusals.append(Refusal(destination, refused.reason))
            logger.info("refused a connection to %s: the fetch policy forbids it", destination)
            raise

    async def _addresses(self, host: str, port: int, shown: str) -> list[str]:
        allowed = host_allowed(host, port, self.allow_hosts)
        if not allowed and is_localhost_name(host):
            raise _Refused(403, refusal(shown, host, "a loopback address"))
        literal = literal_address(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                addresses = await self._resolve(host.rstrip("."))
            except (OSError, UnicodeError):
                raise _Refused(502, f"refused {shown!r}: cannot resolve {host!r}") from None
        if not allowed:
            problem = addresses_refusal(shown, host, addresses)
            if problem is not None:
                raise _Refused(403, problem)
        if not addresses:
            raise _Refused(502, f"refused {shown!r}: {host!r} has no address")
        return addresses


def _split_request_line(line: bytes) -> tuple[bytes | None, bytes, bytes]:
    parts = line.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        return None, b"", b""
    return parts[0].upper(), parts[1], parts[2]


def _split_authority(authority: str) -> tuple[str, int | None]:
    """``"host:443"`` or ``"[::1]:443"`` -> (host, port)."""
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = authority.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return authority, None
    return host, int(port_text)


def _forwarded_headers(header_block: bytes) -> tuple[bytes, bytes]:
    """The request headers less the hop-by-hop ones, and the Upgrade asked for (or b"")."""
    kept: list[bytes] = []
    upgrade = b""
    for line in header_block.split(b"\r\n"):
        if not line:
            continue
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"upgrade":
            upgrade = value.strip()
        if key not in _HOP_BY_HOP:
            kept.append(line)
    return b"".join(line + b"\r\n" for line in kept), upgrade


async def _splice(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_reader: asyncio.StreamReader,
    upstream_writer: asyncio.StreamWriter,
) -> None:
    """Copy both ways until the upstream is done, or a while after the browser is."""
    outgoing = asyncio.create_task(_copy(client_reader, upstream_writer))
    incoming = asyncio.create_task(_copy(upstream_reader, client_writer))
    try:
        done, _ = await asyncio.wait({outgoing, incoming}, return_when=asyncio.FIRST_COMPLETED)
        if incoming not in done:
            # The browser has finished sending (or gone): an upstream that never
            # answers or closes must not hold the connection for the server's lifetime.
            await asyncio.wait({incoming}, timeout=LINGER_S)
    finally:
        for task in (outgoing, incoming):
            task.cancel()
        upstream_writer.close()
        await asyncio.gather(outgoing, incoming, return_exceptions=True)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


async def _answer(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
    """A short error response, then the connection closes."""
    titles = {400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large"}
    body = reason.encode()
    writer.write(
        b"HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
        % (status, titles.get(status, "Bad Gateway").encode(), len(body), body)
    )
    with contextlib.suppress(ConnectionError, OSError):
        await writer.drain()
