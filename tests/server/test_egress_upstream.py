"""The egress proxy in front of the user's own proxy: judged first, then carried upstream.

Each test talks to a real :class:`EgressProxy` with a raw client (CONNECT or an
absolute-form GET), behind which sits an upstream proxy written here, speaking
HTTP CONNECT or SOCKS5, and a tiny HTTP origin on loopback.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import logging
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

import pytest
from pydantic import SecretStr

from pupi.browser.options import ProxySettings
from pupi.server.egress import AsyncResolver, EgressProxy
from pupi.server.upstream import UpstreamDialer, UpstreamProxy, UpstreamProxyError

pytestmark = pytest.mark.service

PASSWORD = "hunter2-upstream-secret"
BODY = b"hello from the origin"


# -- test utilities speaking the real protocols ----------------------------------------------


class LoopbackServer:
    """A TCP server on a loopback port that closes every connection it accepted when closed."""

    def __init__(self, host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.tls = tls
        self.port = 0
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def authority(self) -> str:
        """``host:port`` as an allow-list entry or a CONNECT target spells it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            await self.serve(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class Origin(LoopbackServer):
    """An HTTP origin that records each request head and answers with a fixed body."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.heads: list[bytes] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (len(BODY), BODY)
        )
        await writer.drain()


class ConnectProxy(LoopbackServer):
    """An HTTP proxy that opens CONNECT tunnels, with Basic authentication when given credentials.

    ``requested`` is every CONNECT target it was asked for, ``authorizations``
    the ``Proxy-Authorization`` each request came with.
    """

    def __init__(
        self, credentials: tuple[str, str] | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(tls=tls)
        self.credentials = credentials
        self.requested: list[str] = []
        self.authorizations: list[str | None] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head.split("\r\n")
        method, authority, _ = request_line.split(" ")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines if line)
        }
        self.requested.append(authority)
        self.authorizations.append(headers.get("proxy-authorization"))
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if self.credentials is not None and headers.get("proxy-authorization") != basic(
            *self.credentials
        ):
            writer.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
            )
            return
        host, _, port = authority.rpartition(":")
        origin = await asyncio.open_connection(host.strip("[]"), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await relay((reader, writer), origin)


class Socks5Proxy(LoopbackServer):
    """A SOCKS5 server (RFC 1928) for CONNECT, with RFC 1929 username/password when given.

    ``requested`` is every ``(address type, host, port)`` it was asked to
    connect to, ``offered`` the authentication methods each client offered,
    ``logins`` the usernames and passwords it was sent.
    """

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.credentials = credentials
        self.requested: list[tuple[int, str, int]] = []
        self.offered: list[bytes] = []
        self.logins: list[tuple[str, str]] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        self.offered.append(methods)
        wanted = 0x00 if self.credentials is None else 0x02
        if version != 5 or wanted not in methods:
            writer.write(b"\x05\xff")
            return
        writer.write(bytes([5, wanted]))
        if self.credentials is not None:
            _, length = await reader.readexactly(2)
            username = (await reader.readexactly(length)).decode()
            (length,) = await reader.readexactly(1)
            password = (await reader.readexactly(length)).decode()
            self.logins.append((username, password))
            if (username, password) != self.credentials:
                writer.write(b"\x01\x01")
                return
            writer.write(b"\x01\x00")
        _, command, _, address_type = await reader.readexactly(4)
        if address_type == 0x01:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif address_type == 0x04:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        else:
            (length,) = await reader.readexactly(1)
            host = (await reader.readexactly(length)).decode()
        port = int.from_bytes(await reader.readexactly(2), "big")
        self.requested.append((address_type, host, port))
        if command != 0x01:
            writer.write(b"\x05\x07\x00\x01" + bytes(6))
            return
        origin = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + bytes(6))
        await relay((reader, writer), origin)


Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def relay(client: Stream, origin: Stream) -> None:
    """Copy both ways until the origin has answered and closed, as a plain proxy does."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()

    upload = asyncio.create_task(pipe(client[0], origin[1]))
    try:
        # A TLS client cannot half-close, so the end of the answer ends the tunnel.
        await pipe(origin[0], client[1])
    finally:
        upload.cancel()
        origin[1].close()
        await asyncio.gather(upload, return_exceptions=True)


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def names(table: dict[str, list[str]]) -> AsyncResolver:
    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"no such host {host}")
        return table[host]

    return resolve


async def exchange(proxy: EgressProxy, request: bytes) -> bytes:
    """Send ``request`` to the egress proxy; everything it answers until it closes."""
    port = int(proxy.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    async with asyncio.timeout(60):
        answer = await reader.read()
    writer.close()
    return answer


def http_upstream(server: LoopbackServer, *, password: str | None = None) -> ProxySettings:
    return ProxySettings(
        server=f"http://{server.authority}",
        username=None if password is None else "alice",
        password=None if password is None else SecretStr(password),
    )


def socks5_upstream(server: LoopbackServer, *, password: str | None = None) -> UpstreamProxy:
    # ProxySettings refuses SOCKS5 credentials (Chromium cannot use them); the server can.
    return UpstreamProxy(
        "socks5",
        server.host,
        server.port,
        username=None if password is None else "alice",
        password=None if password is None else SecretStr(password),
    )


Server = TypeVar("Server", bound=LoopbackServer)


class Start(Protocol):
    async def __call__(self, server: Server, /) -> Server: ...


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    """Start a loopback server for the test; every one started is closed after it."""
    started: list[LoopbackServer] = []

    async def start(server: Server) -> Server:
        await server.start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        await server.aclose()


@pytest.fixture
async def origin(start: Start) -> Origin:
    return await start(Origin())


def tunnelled_get(authority: str) -> bytes:
    return b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\nGET /page HTTP/1.1\r\nHost: x\r\n\r\n" % (
        authority.encode(),
        authority.encode(),
    )


# -- the proxy as a value --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "url"),
    [
        pytest.param("proxy.example:3128", "http://proxy.example:3128", id="bare-is-http"),
        pytest.param("http://proxy.example", "http://proxy.example:80", id="http-default"),
        pytest.param("https://proxy.example", "https://proxy.example:443", id="https-default"),
        pytest.param("socks5://proxy.example", "socks5://proxy.example:1080", id="socks5-default"),
        pytest.param("http://[2001:db8::1]:8080", "http://[2001:db8::1]:8080", id="ipv6"),
    ],
)
def test_an_upstream_is_named_by_scheme_host_and_port_only(server: str, url: str) -> None:
    password = None if server.startswith("socks5") else SecretStr(PASSWORD)
    settings = ProxySettings(
        server=server, username=None if password is None else "alice", password=password
    )
    upstream = UpstreamProxy.from_settings(settings)
    assert upstream.url == url
    assert repr(upstream) == f"<UpstreamProxy {url}>"
    assert PASSWORD not in repr(upstream) and PASSWORD not in str(upstream)


# -- through an HTTP CONNECT upstream --------------------------------------------------------


async def test_a_tunnel_reaches_the_origin_through_the_upstream_at_the_judged_address(
    start: Start, origin: Origin
) -> None:
    upstream = await start(ConnectProxy())
    async with EgressProxy(
        allow_hosts=(f"origin.test:{origin.port}", upstream.authority),
        upstream=http_upstream(upstream),
        resolve=names({"origin.test": ["127.0.0.1"]}),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(f"origin.test:{origin.port}"))
    assert answer.startswith(b"HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK")
    assert answer.endswith(BODY)
    # The upstream was asked for the address the policy judged, never the name.
    assert upstream.requested == [f"127.0.0.1:{origin.port}"]
    assert upstream.authorizations == [None]
    assert [head.partition(b"\r\n")[0] for head in origin.heads] == [b"GET /page HTTP/1.1"]


async def test_an_absolute_request_is_tunnelled_upstream_and_sent_in_origin_form(
    start: Start, origin: Origin
) -> None:
    upstream = await start(ConnectProxy())
    async with EgressProxy(
        allow_hosts=(f"origin.test:{origin.port}", upstream.authority),
        upstream=http_upstream(upstream),
        resolve=names({"origin.test": ["127.0.0.1"]}),
    ) as proxy:
        answer = await exchange(
            proxy,
            b"GET http://origin.test:%d/path?q=1 HTTP/1.1\r\nHost: origin.test:%d\r\n"
            b"Proxy-Connection: keep-alive\r\n\r\n" % (origin.port, origin.port),
        )
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(BODY)
    assert upstream.requested == [f"127.0.0.1:{origin.port}"]
    (head,) = origin.heads
    assert head.startswith(b"GET /path?q=1 HTTP/1.1\r\n")
    assert b"Proxy-" not in head


async def test_the_upstream_is_sent_basic_credentials(start: Start, origin: Origin) -> None:
    upstream = await start(ConnectProxy(credentials=("alice", PASSWORD)))
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority),
        upstream=http_upstream(upstream, password=PASSWORD),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.endswith(BODY)
    assert upstream.authorizations == [basic("alice", PASSWORD)]


async def test_wrong_credentials_get_an_error_that_names_the_proxy_and_never_the_password(
    start: Start,
    origin: Origin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    upstream = await start(ConnectProxy(credentials=("alice", "the-right-one")))
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority),
        upstream=http_upstream(upstream, password=PASSWORD),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.startswith(b"HTTP/1.1 502 ")
    assert f"http://{upstream.authority}".encode() in answer
    assert b"407 Proxy Authentication Required" in answer
    assert origin.connections == 0
    assert list(proxy.refusals) == []
    assert_secret_nowhere(PASSWORD, answer, caplog)


# -- what is refused before anything reaches the upstream -------------------------------------


async def test_an_upstream_on_a_forbidden_address_is_refused_without_dialling_it(
    start: Start, origin: Origin
) -> None:
    upstream = await start(ConnectProxy())
    async with EgressProxy(
        allow_hosts=(origin.authority,), upstream=http_upstream(upstream)
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"a loopback address" in answer
    assert upstream.connections == 0 and origin.connections == 0
    assert [r.destination for r in proxy.refusals] == [f"http://{upstream.authority}"]


async def test_a_named_upstream_is_resolved_once_and_judged_by_its_addresses() -> None:
    resolved: list[str] = []
    dialed: list[tuple[str, int]] = []

    async def resolve(host: str) -> list[str]:
        resolved.append(host)
        return {"proxy.test": ["93.184.215.14", "10.0.0.7"]}.get(host, ["93.184.215.34"])

    async def dial(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        dialed.append((address, port))
        raise ConnectionRefusedError

    settings = ProxySettings(server="http://proxy.test:3128")
    async with EgressProxy(upstream=settings, resolve=resolve, dial=dial) as proxy:
        answer = await exchange(proxy, b"CONNECT example.test:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"10.0.0.7" in answer and b"a private address" in answer
    assert resolved == ["example.test", "proxy.test"]
    assert dialed == []
    assert [r.destination for r in proxy.refusals] == ["http://proxy.test:3128"]


@pytest.mark.parametrize(
    "destination",
    [
        pytest.param("127.0.0.1:{port}", id="loopback-port-not-allowed"),
        pytest.param("169.254.169.254:80", id="metadata"),
        pytest.param("localhost:{port}", id="localhost-name"),
    ],
)
async def test_a_forbidden_destination_is_refused_before_the_upstream_is_contacted(
    destination: str, start: Start, origin: Origin
) -> None:
    target = destination.format(port=origin.port)
    upstream = await start(ConnectProxy())
    async with EgressProxy(
        allow_hosts=(upstream.authority,), upstream=http_upstream(upstream)
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(target))
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert upstream.connections == 0 and upstream.requested == []
    assert [r.destination for r in proxy.refusals] == [target]


async def test_an_unreachable_upstream_is_a_bad_gateway_naming_it() -> None:
    async def dial(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        raise ConnectionRefusedError(111, "Connection refused")

    settings = ProxySettings(
        server="http://127.0.0.1:3128", username="alice", password=SecretStr(PASSWORD)
    )
    async with EgressProxy(
        allow_hosts=("127.0.0.1:3128",),
        upstream=settings,
        resolve=names({"example.test": ["93.184.215.14"]}),
        dial=dial,
    ) as proxy:
        answer = await exchange(proxy, b"CONNECT example.test:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 502 ")
    assert b"cannot reach the upstream proxy http://127.0.0.1:3128: Connection refused" in answer
    assert PASSWORD.encode() not in answer


class ScriptedProxy(LoopbackServer):
    """Reads a request head, then sends ``answer`` and waits until the client closes."""

    def __init__(self, answer: bytes) -> None:
        super().__init__()
        self.answer = answer

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(self.answer)
        await writer.drain()
        await reader.read()


@pytest.mark.parametrize(
    ("answer", "timeout_s", "problem"),
    [
        pytest.param(b"", 0.2, "did not answer within 0.2 s", id="silent"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\n" + b"X-Padding: aaaaaaaa\r\n" * 1000,
            60,
            "sent an oversized answer",
            id="oversized-head",
        ),
        pytest.param(b"SSH-2.0-OpenSSH_9.6\r\n\r\n", 60, "did not answer in HTTP", id="not-http"),
    ],
)
async def test_an_upstream_that_misbehaves_is_an_error_naming_it(
    answer: bytes, timeout_s: float, problem: str, start: Start
) -> None:
    upstream = await start(ScriptedProxy(answer))
    proxy = UpstreamProxy("http", "127.0.0.1", upstream.port)
    dial = UpstreamDialer(proxy, proxy_addresses=["127.0.0.1"], timeout_s=timeout_s)
    with pytest.raises(UpstreamProxyError) as caught:
        await dial("93.184.215.14", 443)
    assert str(caught.value) == f"the upstream proxy http://{upstream.authority} {problem}"


# -- through a SOCKS5 upstream ---------------------------------------------------------------


@pytest.mark.parametrize(
    "password", [pytest.param(None, id="no-auth"), pytest.param(PASSWORD, id="username-password")]
)
async def test_a_tunnel_reaches_the_origin_through_socks5(
    password: str | None,
    start: Start,
    origin: Origin,
) -> None:
    upstream = await start(Socks5Proxy(None if password is None else ("alice", password)))
    async with EgressProxy(
        allow_hosts=(f"origin.test:{origin.port}", upstream.authority),
        upstream=socks5_upstream(upstream, password=password),
        resolve=names({"origin.test": ["127.0.0.1"]}),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(f"origin.test:{origin.port}"))
    assert answer.endswith(BODY)
    assert upstream.requested == [(0x01, "127.0.0.1", origin.port)]
    if password is None:
        assert upstream.offered == [b"\x00"] and upstream.logins == []
    else:
        assert upstream.offered == [b"\x00\x02"] and upstream.logins == [("alice", password)]


async def test_socks5_from_proxy_settings_without_auth(start: Start, origin: Origin) -> None:
    upstream = await start(Socks5Proxy())
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority),
        upstream=ProxySettings(server=f"socks5://{upstream.authority}"),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.endswith(BODY)
    assert upstream.requested == [(0x01, "127.0.0.1", origin.port)]


async def test_a_socks5_login_refused_gets_an_error_and_never_shows_the_password(
    start: Start,
    origin: Origin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    upstream = await start(Socks5Proxy(("alice", "the-right-one")))
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority),
        upstream=socks5_upstream(upstream, password=PASSWORD),
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.startswith(b"HTTP/1.1 502 ")
    assert f"socks5://{upstream.authority}".encode() in answer
    assert b"refused the username and password" in answer
    assert upstream.requested == [] and origin.connections == 0
    assert list(proxy.refusals) == []
    assert_secret_nowhere(PASSWORD, answer, caplog)


async def test_a_socks5_upstream_without_auth_is_told_no_when_it_insists(
    start: Start, origin: Origin
) -> None:
    upstream = await start(Socks5Proxy(("alice", PASSWORD)))
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority), upstream=socks5_upstream(upstream)
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.startswith(b"HTTP/1.1 502 ")
    assert b"accepts none of the methods offered" in answer


# -- IPv6 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http", "socks5"])
async def test_an_ipv6_destination_is_asked_for_as_an_ipv6_literal(kind: str, start: Start) -> None:
    origin = await start(Origin("::1"))
    upstream: ConnectProxy | Socks5Proxy
    if kind == "http":
        upstream = await start(ConnectProxy())
        settings: ProxySettings | UpstreamProxy = http_upstream(upstream)
    else:
        upstream = await start(Socks5Proxy())
        settings = socks5_upstream(upstream)
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority), upstream=settings
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.endswith(BODY)
    if isinstance(upstream, ConnectProxy):
        assert upstream.requested == [f"[::1]:{origin.port}"]
    else:
        assert upstream.requested == [(0x04, "::1", origin.port)]


# -- an https:// upstream --------------------------------------------------------------------


def self_signed(directory: Path) -> Path:
    """A certificate and key for 127.0.0.1, in one PEM file."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "pupi test proxy")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = directory / "proxy.pem"
    pem.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


@pytest.fixture
async def tls_upstream(start: Start, tmp_path: Path) -> tuple[ConnectProxy, Path]:
    pem = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pem)
    return await start(ConnectProxy(("alice", PASSWORD), tls=context)), pem


async def test_an_https_upstream_is_spoken_to_over_verified_tls(
    tls_upstream: tuple[ConnectProxy, Path], origin: Origin
) -> None:
    upstream, pem = tls_upstream
    proxy = UpstreamProxy(
        "https", "127.0.0.1", upstream.port, username="alice", password=SecretStr(PASSWORD)
    )
    dial = UpstreamDialer(
        proxy,
        proxy_addresses=["127.0.0.1"],
        ssl_context=ssl.create_default_context(cafile=pem),
    )
    reader, writer = await dial("127.0.0.1", origin.port)
    writer.write(b"GET /tls HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(60):
        answer = await reader.read()
    writer.close()
    assert answer.endswith(BODY)
    assert upstream.requested == [f"127.0.0.1:{origin.port}"]
    assert upstream.authorizations == [basic("alice", PASSWORD)]


async def test_an_https_upstream_with_an_untrusted_certificate_is_never_sent_credentials(
    tls_upstream: tuple[ConnectProxy, Path], origin: Origin
) -> None:
    upstream, _ = tls_upstream
    settings = ProxySettings(
        server=f"https://{upstream.authority}", username="alice", password=SecretStr(PASSWORD)
    )
    async with EgressProxy(
        allow_hosts=(origin.authority, upstream.authority), upstream=settings
    ) as proxy:
        answer = await exchange(proxy, tunnelled_get(origin.authority))
    assert answer.startswith(b"HTTP/1.1 502 ")
    assert f"no TLS with the upstream proxy https://{upstream.authority}".encode() in answer
    assert upstream.requested == [] and origin.connections == 0


def assert_secret_nowhere(secret: str, answer: bytes, caplog: pytest.LogCaptureFixture) -> None:
    token = base64.b64encode(f"alice:{secret}".encode()).decode()
    assert secret.encode() not in answer and token.encode() not in answer
    assert caplog.records, "the failure should have been logged"
    for record in caplog.records:
        message = record.getMessage()
        assert secret not in message and token not in message, record
