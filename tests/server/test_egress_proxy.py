"""The egress proxy over raw sockets: what it forwards, what it refuses, and to whom it connects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from pupi.server.egress import EgressProxy

pytestmark = pytest.mark.service


class EchoUpstream:
    """A loopback server that answers each request with the request head it received."""

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            writer.close()
            return
        self.heads.append(head)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (len(head), head)
        )
        await writer.drain()
        writer.close()

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def upstream() -> AsyncIterator[EchoUpstream]:
    server = EchoUpstream()
    await server.start()
    yield server
    await server.aclose()


async def exchange(proxy: EgressProxy, request: bytes) -> bytes:
    """Send ``request`` to the proxy; everything it answers until it closes."""
    port = int(proxy.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    async with asyncio.timeout(60):
        answer = await reader.read()
    writer.close()
    return answer


def names(table: dict[str, list[str]]) -> object:
    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"no such host {host}")
        return table[host]

    return resolve


async def test_a_connect_to_a_loopback_port_is_refused_without_connecting(
    upstream: EchoUpstream,
) -> None:
    async with EgressProxy() as proxy:
        answer = await exchange(proxy, b"CONNECT 127.0.0.1:%d HTTP/1.1\r\n\r\n" % upstream.port)
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"a loopback address" in answer
    assert upstream.connections == 0
    assert [r.destination for r in proxy.refusals] == [f"127.0.0.1:{upstream.port}"]


async def test_an_allowed_connect_becomes_a_tunnel(upstream: EchoUpstream) -> None:
    async with EgressProxy(allow_hosts=(f"127.0.0.1:{upstream.port}",)) as proxy:
        answer = await exchange(
            proxy,
            b"CONNECT 127.0.0.1:%d HTTP/1.1\r\n\r\nGET /tunnelled HTTP/1.1\r\n\r\n" % upstream.port,
        )
    established, _, rest = answer.partition(b"\r\n\r\n")
    assert established == b"HTTP/1.1 200 Connection established"
    assert rest.startswith(b"HTTP/1.1 200 OK")
    assert upstream.heads == [b"GET /tunnelled HTTP/1.1\r\n\r\n"]


async def test_an_absolute_request_is_forwarded_in_origin_form_without_hop_headers(
    upstream: EchoUpstream,
) -> None:
    async with EgressProxy(allow_hosts=(f"127.0.0.1:{upstream.port}",)) as proxy:
        answer = await exchange(
            proxy,
            b"GET http://127.0.0.1:%d/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
            b"Accept: text/html\r\n\r\n" % (upstream.port, upstream.port),
        )
    assert answer.startswith(b"HTTP/1.1 200 OK")
    (head,) = upstream.heads
    assert head.startswith(b"GET /path?q=1 HTTP/1.1\r\n")
    assert b"Accept: text/html\r\n" in head
    assert b"Connection: close\r\n" in head
    assert b"Proxy-" not in head


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        pytest.param(b"GET /relative HTTP/1.1", b"400", id="origin-form"),
        pytest.param(b"GET ftp://example.com/ HTTP/1.1", b"400", id="other-scheme"),
        pytest.param(b"CONNECT example.com HTTP/1.1", b"400", id="connect-without-port"),
        pytest.param(b"HELLO", b"400", id="not-http"),
        pytest.param(b"CONNECT localhost:80 HTTP/1.1", b"403", id="localhost-name"),
        pytest.param(b"CONNECT [::1]:80 HTTP/1.1", b"403", id="ipv6-loopback"),
        pytest.param(b"CONNECT [::ffff:127.0.0.1]:80 HTTP/1.1", b"403", id="ipv4-mapped"),
        pytest.param(b"GET http://169.254.169.254/latest/ HTTP/1.1", b"403", id="metadata"),
        pytest.param(b"CONNECT split.test:443 HTTP/1.1", b"403", id="name-with-a-private-address"),
        pytest.param(b"CONNECT nowhere.test:443 HTTP/1.1", b"502", id="unresolvable"),
    ],
)
async def test_what_the_proxy_will_not_do(request_line: bytes, status: bytes) -> None:
    dialed: list[tuple[str, int]] = []

    async def dial(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        dialed.append((address, port))
        raise ConnectionRefusedError

    resolve = names({"split.test": ["93.184.215.14", "10.0.0.7"], "localhost": ["93.184.215.14"]})
    async with EgressProxy(resolve=resolve, dial=dial) as proxy:  # type: ignore[arg-type]
        answer = await exchange(proxy, request_line + b"\r\n\r\n")
    assert answer.split(b" ")[1] == status
    assert dialed == []


async def test_a_public_name_is_dialled_at_the_address_it_was_checked_at() -> None:
    dialed: list[tuple[str, int]] = []
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    async def resolve(host: str) -> list[str]:
        return next(answers)

    async def dial(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        dialed.append((address, port))
        raise ConnectionRefusedError  # nothing leaves the test machine

    async with EgressProxy(resolve=resolve, dial=dial) as proxy:
        first = await exchange(proxy, b"CONNECT rebind.test:443 HTTP/1.1\r\n\r\n")
        second = await exchange(proxy, b"CONNECT rebind.test:443 HTTP/1.1\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 502 ")
    assert second.startswith(b"HTTP/1.1 403 ")
    assert dialed == [("93.184.215.14", 443)]


async def test_an_oversized_request_head_is_refused() -> None:
    async with EgressProxy() as proxy:
        answer = await exchange(
            proxy, b"GET http://example.com/ HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n"
        )
    assert answer.startswith(b"HTTP/1.1 431 ")


async def test_closing_the_proxy_cuts_open_tunnels(upstream: EchoUpstream) -> None:
    proxy = EgressProxy(allow_hosts=(f"127.0.0.1:{upstream.port}",))
    await proxy.start()
    port = int(proxy.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\n\r\n" % upstream.port)
    await writer.drain()
    assert await reader.readuntil(b"\r\n\r\n") == b"HTTP/1.1 200 Connection established\r\n\r\n"
    await proxy.aclose()
    async with asyncio.timeout(60):
        assert await reader.read() == b""
    writer.close()


async def test_a_refusal_names_the_origin_never_the_path_or_query() -> None:
    async with EgressProxy() as proxy:
        answer = await exchange(
            proxy, b"GET http://127.0.0.1:9/admin?token=s3cr3t HTTP/1.1\r\nHost: x\r\n\r\n"
        )
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"http://127.0.0.1:9" in answer
    assert b"s3cr3t" not in answer and b"admin" not in answer
    assert all("s3cr3t" not in r.reason for r in proxy.refusals)
