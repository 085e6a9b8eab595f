"""Oversized bodies get their 413, reliably; slow and surplus connections are cut off.

The raw-socket tests speak HTTP by hand because the failures they guard against
(a reset before the answer, a connection held open forever) are below what an
HTTP client lets a test see. Every socket has a generous timeout so that a
server that never answers fails the test instead of hanging it; no test
asserts on how long anything took.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import pytest
from tests.server.pupi_service_harness import ApiServer, ServerFactory

from pupi.client import AsyncApiClient
from pupi.errors import ApiError
from pupi.sync import PupiPuppeteerSDK

pytestmark = pytest.mark.service

CAP = 64 * 1024  # the default PUPI_MAX_BODY_BYTES
SOCKET_TIMEOUT_S = 60.0
TRIES = 50
# On loopback the kernel grows a socket's send buffer to megabytes, enough to take
# a whole body before the server has even looked at it, which hides a server that
# stops reading early. A fixed, small buffer makes the client wait on the server
# as it would over a real network.
SMALL_SEND_BUFFER = [(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)]


def raw_connection(server: ApiServer, *, small_send_buffer: bool = False) -> socket.socket:
    sock = socket.socket()
    if small_send_buffer:
        sock.setsockopt(*SMALL_SEND_BUFFER[0])
    sock.settimeout(SOCKET_TIMEOUT_S)
    sock.connect(("127.0.0.1", server.port))
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length: status, headers, body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body[:length]


def error_code(body: bytes) -> Any:
    return json.loads(body)["error"]["code"]


def wait_until_closed(sock: socket.socket) -> None:
    """Read (and ignore) what the server sends until it closes the connection."""
    while True:
        try:
            if not sock.recv(65536):
                return
        except ConnectionResetError:
            return


# -- 413 for oversized bodies ------------------------------------------------------


async def test_the_async_client_reads_413_for_a_2_mb_body_every_time(
    shared_server: ApiServer,
) -> None:
    body = b'{"prompt": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with httpx.AsyncClient(base_url=shared_server.url, timeout=30) as client:
        for _ in range(TRIES):
            response = await client.post(
                "/v1/sessions", content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 413
            assert response.json()["error"]["code"] == "payload_too_large"


def test_the_sync_client_reads_413_for_a_2_mb_body_every_time(shared_server: ApiServer) -> None:
    body = b'{"prompt": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    transport = httpx.HTTPTransport(socket_options=SMALL_SEND_BUFFER)
    with httpx.Client(base_url=shared_server.url, transport=transport, timeout=30) as client:
        for _ in range(TRIES):
            response = client.post(
                "/v1/sessions", content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 413
            assert response.json()["error"]["code"] == "payload_too_large"


SIZES = [
    pytest.param(CAP + 1, id="64KiB+1"),
    pytest.param(1024 * 1024, id="1MB"),
    pytest.param(2 * 1024 * 1024, id="2MB"),
    pytest.param(8 * 1024 * 1024, id="8MB"),
]


def announced_request(size: int) -> bytes:
    head = (
        "POST /v1/sessions/any/prompts HTTP/1.1\r\nHost: pupi\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    )
    return head.encode() + b"x" * size


def chunked_request(size: int) -> bytes:
    parts = [
        b"POST /v1/sessions/any/prompts HTTP/1.1\r\nHost: pupi\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ]
    left = size
    while left:
        n = min(left, 64 * 1024)
        parts.append(b"%x\r\n" % n + b"x" * n + b"\r\n")
        left -= n
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "build",
    [pytest.param(announced_request, id="announced"), pytest.param(chunked_request, id="chunked")],
)
def test_a_raw_oversized_body_is_read_and_answered_413(
    shared_server: ApiServer, size: int, build: Any
) -> None:
    with raw_connection(shared_server, small_send_buffer=True) as sock:
        # The whole body goes out before anything is read, as most clients do:
        # a server that closes early makes this sendall or the read below fail.
        sock.sendall(build(size))
        status, headers, body = read_response(sock)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert error_code(body) == "payload_too_large"


async def test_pupi_s_client_raises_payload_too_large_for_an_oversized_prompt(
    shared_server: ApiServer,
) -> None:
    prompt = "x" * (2 * 1024 * 1024)
    async with AsyncApiClient(shared_server.url, access_token=await shared_server.token()) as api:
        for _ in range(TRIES):
            with pytest.raises(ApiError) as caught:
                await api.send_prompt_to_ai(prompt)
            assert caught.value.status_code == 413
            assert caught.value.code == "payload_too_large"
            # POST /v1/sessions may carry files: its limit is the plain one plus theirs.
            assert "request body larger than" in caught.value.message


def test_the_blocking_sdk_raises_payload_too_large_for_an_oversized_prompt(
    shared_server: ApiServer,
) -> None:
    # No real token: the size check comes before authentication.
    with PupiPuppeteerSDK(shared_server.url, access_token="pupi_unchecked") as sdk:
        for _ in range(TRIES):
            with pytest.raises(ApiError) as caught:
                sdk.send_prompt_to_ai("x" * (2 * 1024 * 1024))
            assert caught.value.status_code == 413
            assert caught.value.code == "payload_too_large"


# -- slow clients and the connection cap ---------------------------------------------


async def test_a_connection_that_never_finishes_its_headers_is_closed(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_HEADER_TIMEOUT_S": "1"})
    with raw_connection(server) as sock:
        sock.sendall(b"POST /v1/sessions/any/prompts HTTP/1.1\r\nHost: pupi\r\nContent-Le")
        # A socket timeout here (the server never closing) fails the test.
        wait_until_closed(sock)


async def test_a_connection_that_sends_nothing_is_closed(server_factory: ServerFactory) -> None:
    server = await server_factory(env={"PUPI_HEADER_TIMEOUT_S": "1"})
    with raw_connection(server) as sock:
        wait_until_closed(sock)


async def test_a_body_that_stalls_gets_408_and_the_connection_closed(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_BODY_TIMEOUT_S": "1"})
    with raw_connection(server) as sock:
        sock.sendall(
            b"POST /v1/sessions/any/prompts HTTP/1.1\r\nHost: pupi\r\n"
            b"Content-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"prompt": "'
        )
        status, headers, body = read_response(sock)
        assert status == 408
        assert headers["content-type"] == "application/json"
        assert error_code(body) == "request_timeout"
        wait_until_closed(sock)


async def test_connections_past_the_cap_get_503_json_until_one_is_freed(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory(env={"PUPI_MAX_CONNECTIONS": "2", "PUPI_HEADER_TIMEOUT_S": "600"})
    held = [raw_connection(server) for _ in range(2)]
    try:
        for sock in held:
            # A full exchange proves the server counts this connection; the
            # half-sent second request then keeps it open (no keep-alive expiry).
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: pupi\r\n\r\n")
            assert read_response(sock)[0] == 200
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        with raw_connection(server) as extra:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: pupi\r\n\r\n")
            status, headers, body = read_response(extra)
        assert status == 503
        assert headers["content-type"] == "application/json"
        assert error_code(body) == "too_many_connections"
    finally:
        for sock in held:
            sock.close()
    # Once the held connections are gone, the server answers again.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        for _ in range(600):
            if (await client.get("/healthz")).status_code == 200:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the server kept refusing after the connections were closed")
