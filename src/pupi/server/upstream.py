"""The user's own proxy, behind the egress proxy: a dialer that asks it for each tunnel.

A remote session may send its traffic through a proxy the user names
(:class:`~pupi.browser.options.ProxySettings`). Chromium still talks only to
the session's :class:`~pupi.server.egress.EgressProxy`, which judges every
destination as before and then, instead of dialling the judged address
itself, asks the user's proxy to: ``CONNECT 93.184.215.14:443`` to an HTTP(S)
proxy, an RFC 1928 CONNECT to a SOCKS5 one. It always asks for the IP literal
it judged, never the name, so the user's proxy cannot resolve the name to
somewhere else (DNS rebinding through the upstream). The proxy's own address
is judged by the egress proxy too, before it is dialled.

The server authenticates to the proxy itself (Basic for HTTP(S), RFC 1929 for
SOCKS5, which Chromium cannot do). Errors, logs and ``repr`` name the proxy as
``scheme://host:port``; its password never appears in any of them.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import SecretStr

from pupi.browser.options import ProxySettings

__all__ = ["UpstreamDialer", "UpstreamProxy", "UpstreamProxyError"]

logger = logging.getLogger("pupi.server.egress")

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Dialer = Callable[[str, int], Awaitable[Stream]]

TIMEOUT_S = 10.0
"""The bound on reaching the proxy and hearing its answer, together."""
ANSWER_HEAD_LIMIT = 16 * 1024
"""The most of an HTTP proxy's CONNECT answer head that is read."""
STREAM_LIMIT = 64 * 1024

Scheme = Literal["http", "https", "socks5"]
_DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443, "socks5": 1080}
_SOCKS_REPLIES = {
    1: "general SOCKS server failure",
    2: "connection not allowed by ruleset",
    3: "network unreachable",
    4: "host unreachable",
    5: "connection refused",
    6: "TTL expired",
    7: "command not supported",
    8: "address type not supported",
}


class UpstreamProxyError(OSError):
    """The user's proxy could not be reached, or would not open the tunnel asked for.

    Raised by :class:`UpstreamDialer`. The message names the proxy as
    ``scheme://host:port`` and what went wrong (``answered 407 Proxy
    Authentication Required``), never the credentials, so it may be shown to the
    browser and logged. Connection failures on the way to the proxy are
    reported as this too, chained to the original ``OSError``.
    """


@dataclass(frozen=True, slots=True)
class UpstreamProxy:
    """Where the user's proxy is and how to authenticate to it.

    >>> UpstreamProxy.from_settings(ProxySettings(server="socks5://proxy.example:1080"))
    <UpstreamProxy socks5://proxy.example:1080>

    Built from :class:`ProxySettings`, or directly where the settings' own
    validation is narrower than the server's abilities (Chromium cannot
    authenticate to SOCKS5, but this dialer can).
    """

    scheme: Scheme
    host: str
    port: int
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: ProxySettings) -> UpstreamProxy:
        """The proxy ``settings.server`` names (a bare ``host:port`` is http, as in Playwright)."""
        server = settings.server if "://" in settings.server else f"http://{settings.server}"
        parts = urlsplit(server)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError("a proxy server is http://, https:// or socks5://host:port")
        return cls(
            scheme=scheme,  # type: ignore[arg-type]  # checked just above
            host=parts.hostname,
            port=parts.port or _DEFAULT_PORTS[scheme],
            username=settings.username,
            password=settings.password,
        )

    @property
    def url(self) -> str:
        """``scheme://host:port``: how errors, logs and refusals name the proxy."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def credentials(self) -> tuple[str, str] | None:
        """``(username, password)`` in the clear, for the handshake only; None without."""
        if self.username is None or self.password is None:
            return None
        return self.username, self.password.get_secret_value()

    def __repr__(self) -> str:
        return f"<UpstreamProxy {self.url}>"


class UpstreamDialer:
    """A :data:`~pupi.server.egress.Dialer` that reaches each address through the user's proxy.

    >>> dial = UpstreamDialer(proxy, proxy_addresses=["203.0.113.7"])
    >>> reader, writer = await dial("93.184.215.14", 443)

    ``proxy_addresses`` are the proxy's addresses, already judged by the fetch
    policy; the dialer connects to nothing else. ``address`` must be an IP
    literal (the one the egress proxy judged; anything else is a ValueError).
    Every failure is an :class:`UpstreamProxyError`, within ``timeout_s``.
    ``dial`` opens the TCP connection to the proxy; ``ssl_context`` verifies an
    https:// proxy (the system's default verification when None).
    """

    def __init__(
        self,
        proxy: UpstreamProxy,
        *,
        proxy_addresses: Sequence[str],
        dial: Dialer | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self.proxy = proxy
        self._proxy_addresses = tuple(proxy_addresses)
        self._dial = dial or _open_connection
        self._ssl_context = ssl_context
        self._timeout_s = timeout_s

    async def __call__(self, address: str, port: int) -> Stream:
        """A connection to ``address:port`` through the proxy, ready for the first byte."""
        target = ipaddress.ip_address(address)
        try:
            async with asyncio.timeout(self._timeout_s):
                reader, writer = await self._reach_proxy()
                try:
                    if self.proxy.scheme == "https":
                        await self._start_tls(writer)
                    if self.proxy.scheme == "socks5":
                        await _socks5_connect(self.proxy, reader, writer, target, port)
                    else:
                        await _http_connect(self.proxy, reader, writer, target, port)
                except BaseException:
                    # A timeout or a refusal mid-handshake: the half-open tunnel is useless.
                    writer.close()
                    raise
        except TimeoutError:
            raise UpstreamProxyError(
                f"the upstream proxy {self.proxy.url} did not answer within {self._timeout_s:g} s"
            ) from None
        except asyncio.IncompleteReadError:
            raise UpstreamProxyError(
                f"the upstream proxy {self.proxy.url} closed the connection mid-answer"
            ) from None
        except UpstreamProxyError:
            raise
        except OSError as exc:
            # A reset mid-handshake: say whose, so the browser's error names the proxy.
            raise UpstreamProxyError(
                f"the upstream proxy {self.proxy.url} broke off: {_os_reason(exc)}"
            ) from exc
        return reader, writer

    async def _reach_proxy(self) -> Stream:
        last_error: OSError | None = None
        for proxy_address in self._proxy_addresses:
            try:
                return await self._dial(proxy_address, self.proxy.port)
            except OSError as exc:
                last_error = exc
        reason = "it has no address" if last_error is None else _os_reason(last_error)
        raise UpstreamProxyError(
            f"cannot reach the upstream proxy {self.proxy.url}: {reason}"
        ) from last_error

    async def _start_tls(self, writer: asyncio.StreamWriter) -> None:
        context = self._ssl_context or _default_ssl_context()
        try:
            # TLS is to the proxy by its name, whichever of its addresses was dialled.
            await writer.start_tls(context, server_hostname=self.proxy.host)
        except OSError as exc:  # ssl.SSLError included
            raise UpstreamProxyError(
                f"no TLS with the upstream proxy {self.proxy.url}: {_os_reason(exc)}"
            ) from exc


async def _http_connect(
    proxy: UpstreamProxy,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    target: ipaddress.IPv4Address | ipaddress.IPv6Address,
    port: int,
) -> None:
    authority = f"[{target.compressed}]:{port}" if target.version == 6 else f"{target}:{port}"
    head = f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
    credentials = proxy.credentials()
    if credentials is not None:
        username, password = credentials
        if ":" in username:
            raise UpstreamProxyError(
                f"the username for {proxy.url} contains ':', "
                "which Basic authentication cannot carry"
            )
        token = f"{username}:{password}".encode()
        head += f"Proxy-Authorization: Basic {base64.b64encode(token).decode()}\r\n"
    logger.debug("asking the upstream proxy %s for a tunnel to %s", proxy.url, authority)
    writer.write(head.encode() + b"\r\n")
    await writer.drain()
    answer = await _read_answer_head(proxy, reader)
    status_line = answer.partition(b"\r\n")[0].decode("latin-1")
    version, _, rest = status_line.partition(" ")
    code, _, title = rest.partition(" ")
    if not version.startswith("HTTP/1.") or not (len(code) == 3 and code.isdigit()):
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} did not answer in HTTP")
    if not code.startswith("2"):
        # The reason phrase is the proxy's own text: shown quoted, and not at length.
        shown = f"{code} {title.strip()[:80]}".strip()
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} answered {shown!r} to CONNECT")


async def _read_answer_head(proxy: UpstreamProxy, reader: asyncio.StreamReader) -> bytes:
    """The answer's head, a line at a time, so no more than ANSWER_HEAD_LIMIT is taken."""
    oversized = UpstreamProxyError(f"the upstream proxy {proxy.url} sent an oversized answer")
    lines: list[bytes] = []
    size = 0
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            raise oversized from None
        size += len(line)
        if size > ANSWER_HEAD_LIMIT:
            raise oversized
        if not line.strip():
            return b"".join(lines)
        lines.append(line)


async def _socks5_connect(
    proxy: UpstreamProxy,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    target: ipaddress.IPv4Address | ipaddress.IPv6Address,
    port: int,
) -> None:
    credentials = proxy.credentials()
    # Offer username/password only when there is one; no-auth is always acceptable.
    writer.write(b"\x05\x01\x00" if credentials is None else b"\x05\x02\x00\x02")
    await writer.drain()
    version, method = await reader.readexactly(2)
    if version != 5:
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} does not speak SOCKS5")
    if method == 0x02 and credentials is not None:
        await _socks5_authenticate(proxy, reader, writer, *credentials)
    elif method != 0x00:
        offered = "no authentication" if credentials is None else "none or username/password"
        raise UpstreamProxyError(
            f"the upstream proxy {proxy.url} accepts none of the methods offered ({offered})"
        )
    address_type = b"\x01" if target.version == 4 else b"\x04"
    logger.debug("asking the upstream proxy %s for a tunnel to %s:%d", proxy.url, target, port)
    writer.write(b"\x05\x01\x00" + address_type + target.packed + port.to_bytes(2, "big"))
    await writer.drain()
    version, reply, _, bound_type = await reader.readexactly(4)
    if version != 5:
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} does not speak SOCKS5")
    if reply != 0:
        reason = _SOCKS_REPLIES.get(reply, f"reply {reply}")
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} answered {reason!r} to CONNECT")
    # The bound address is of no use to a CONNECT, but it must be read past.
    if bound_type == 0x01:
        await reader.readexactly(4 + 2)
    elif bound_type == 0x04:
        await reader.readexactly(16 + 2)
    elif bound_type == 0x03:
        (length,) = await reader.readexactly(1)
        await reader.readexactly(length + 2)
    else:
        raise UpstreamProxyError(f"the upstream proxy {proxy.url} sent an unknown address type")


async def _socks5_authenticate(
    proxy: UpstreamProxy,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    username_text: str,
    password_text: str,
) -> None:
    """RFC 1929: one username/password round trip."""
    username = username_text.encode()
    password = password_text.encode()
    if not 0 < len(username) < 256 or not 0 < len(password) < 256:
        raise UpstreamProxyError(
            f"SOCKS5 takes a username and password of 1 to 255 bytes each ({proxy.url})"
        )
    writer.write(
        b"\x01%c%s%c%s" % (len(username), username, len(password), password),
    )
    await writer.drain()
    _, status = await reader.readexactly(2)
    if status != 0:
        raise UpstreamProxyError(
            f"the upstream proxy {proxy.url} refused the username and password"
        )


async def _open_connection(address: str, port: int) -> Stream:
    return await asyncio.open_connection(address, port, limit=STREAM_LIMIT)


@cache
def _default_ssl_context() -> ssl.SSLContext:
    # Loading the system's CA certificates costs milliseconds: once per process.
    return ssl.create_default_context()


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
