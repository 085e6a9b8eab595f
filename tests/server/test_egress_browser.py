"""The fetch policy at the network layer: a real Chromium behind the egress proxy.

Every test opens an allowed page (the attacker site, allowed by port) that tries
one way to reach a loopback target which counts TCP connections and UDP
datagrams at its socket. The instance has no request filter, so the proxy alone
must hold. Each test first waits for evidence that the attempt happened (the
page's own "settled" signal and the proxy's refusal of the target), so it
cannot pass because the attempt had not been made yet.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

import pytest
from tests.server.egress_sites import (
    NOT_PROXIED,
    SECRET,
    VECTORS,
    AttackerSite,
    CountingTarget,
    sites,
)

from pupi.browser import launch
from pupi.browser.instances import Instance, get_manager
from pupi.server.egress import EgressProxy

pytestmark = pytest.mark.browser

SETTLE_MS = 60_000


@pytest.fixture
def target_and_site() -> Iterator[tuple[CountingTarget, AttackerSite]]:
    yield from sites()


@pytest.fixture
async def proxy(target_and_site: tuple[CountingTarget, AttackerSite]) -> AsyncIterator[EgressProxy]:
    _, site = target_and_site
    async with EgressProxy(allow_hosts=(f"127.0.0.1:{site.port}",)) as running:
        yield running


@pytest.fixture
async def instance(proxy: EgressProxy) -> AsyncIterator[Instance]:
    manager = get_manager()
    opened = await manager.open(egress_proxy=proxy.url)
    yield opened
    await manager.close(opened.id)


async def refused(proxy: EgressProxy, target: CountingTarget) -> None:
    """Wait until the proxy has refused a connection to the target (at most a minute)."""
    async with asyncio.timeout(60):
        # A deque has no event to wait on; a short poll, bounded by the timeout.
        while not any(r.destination.endswith(f":{target.port}") for r in proxy.refusals):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("vector", [pytest.param(name, id=name) for name in VECTORS])
async def test_no_vector_from_an_allowed_page_reaches_a_loopback_target(
    vector: str,
    target_and_site: tuple[CountingTarget, AttackerSite],
    proxy: EgressProxy,
    instance: Instance,
) -> None:
    target, site = target_and_site
    page = instance.page
    await page.goto(f"{site.url}/v/{vector}")
    await page.wait_for_function("document.title === 'settled'", timeout=SETTLE_MS)
    if vector not in NOT_PROXIED:
        await refused(proxy, target)
    assert (target.connections, target.datagrams) == (0, 0)
    assert SECRET not in await page.content()
    for frame in page.frames:
        assert SECRET not in await frame.content()


async def test_a_top_level_redirect_to_loopback_is_refused_at_the_proxy(
    target_and_site: tuple[CountingTarget, AttackerSite],
    proxy: EgressProxy,
    instance: Instance,
) -> None:
    target, site = target_and_site
    response = await instance.page.goto(f"{site.url}/redirect")
    await refused(proxy, target)
    assert target.connections == 0
    assert response is not None and response.status == 403
    assert SECRET not in await instance.page.content()


async def test_a_data_page_cannot_reach_loopback_either(
    target_and_site: tuple[CountingTarget, AttackerSite],
    proxy: EgressProxy,
    instance: Instance,
) -> None:
    target, _ = target_and_site
    script = (
        f"<script>fetch('http://{target.address}/').catch(() => {{}})"
        ".finally(() => document.title = 'settled')</script>"
    )
    await instance.page.goto("data:text/html," + quote(script))
    await instance.page.wait_for_function("document.title === 'settled'", timeout=SETTLE_MS)
    await refused(proxy, target)
    assert target.connections == 0


class RebindingDns:
    """A resolver that answers a public address first and loopback after, as a
    rebinding attacker's DNS server does; and a dialer that records where the
    proxy connects, refusing (so sending nothing to) any non-loopback address."""

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self.dialed: list[tuple[str, int]] = []

    async def resolve(self, host: str) -> list[str]:
        if host != "rebind.test":
            raise OSError(f"the test network has no {host}")  # Chromium's own background calls
        self.lookups.append(host)
        return ["93.184.215.14"] if len(self.lookups) == 1 else ["127.0.0.1"]

    async def dial(
        self, address: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.dialed.append((address, port))
        if address != "127.0.0.1":
            raise ConnectionRefusedError(f"the test network has no {address}")
        return await asyncio.open_connection(address, port)


async def test_dns_rebinding_connects_only_to_the_address_that_was_checked(
    target_and_site: tuple[CountingTarget, AttackerSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, site = target_and_site
    # Chromium's own resolver says loopback, as the attacker's DNS would on the
    # browser's look-up; with the proxy, the browser never looks up at all.
    monkeypatch.setattr(
        launch,
        "CHROMIUM_ARGS",
        (*launch.CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"),
    )
    dns = RebindingDns()
    url = f"http://rebind.test:{target.port}/"
    async with EgressProxy(
        allow_hosts=(f"127.0.0.1:{site.port}",), resolve=dns.resolve, dial=dns.dial
    ) as proxy:
        manager = get_manager()
        instance = await manager.open(egress_proxy=proxy.url)
        try:
            await instance.page.goto(f"{site.url}/")
            for _ in range(2):
                text = await instance.page.evaluate(
                    "url => fetch(url).then(r => r.text(), e => String(e))", url
                )
                assert SECRET not in text
        finally:
            await manager.close(instance.id)
    assert dns.lookups == ["rebind.test", "rebind.test"]
    assert (target.port, "93.184.215.14") in {(port, address) for address, port in dns.dialed}
    assert ("127.0.0.1", target.port) not in dns.dialed
    assert target.connections == 0
    rebound = [r for r in proxy.refusals if r.destination.startswith("rebind.test")]
    assert len(rebound) == 1 and "a loopback address" in rebound[0].reason


def test_the_target_counts_a_bare_connection_and_a_datagram() -> None:
    # The tests above rely on the target counting connections, not requests.
    for target, _ in sites():
        with socket.create_connection(("127.0.0.1", target.port)):
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"x", ("127.0.0.1", target.port))
        assert target.wait_for(connections=1, datagrams=1)
        assert (target.connections, target.datagrams) == (1, 1)
