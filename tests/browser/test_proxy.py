"""An instance's own proxy: its traffic goes there, with credentials, bypass and SOCKS5.

:class:`tests.proxies.CountingProxy` is a real proxy that counts what it
forwards per destination, so "went through the proxy" is a count, not a guess.
The proxy password must never come back out: not in a result, an error, a
``repr``, ``list_instances`` or a log line.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.conftest import RunSteps
from tests.proxies import CountingProxy

from pupi import PupiPuppeteerSDK, Puppeteer, RunResult
from pupi.browser.options import parse_browser_options

pytestmark = pytest.mark.browser

PASSWORD = "pr0xy-Pa55word-9f2c"
WRONG_PASSWORD = "wr0ng-Pa55word-77aa"


def host_of(url: str) -> str:
    return urlsplit(url).netloc


def page_steps(url: str) -> list[dict[str, Any]]:
    return [
        {"action": "go", "url": f"{url}/whoami", "timeout_ms": 15_000},
        {"action": "extract", "selector": "h1", "as": "heading", "timeout_ms": 5_000},
    ]


def assert_no_password(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text
        assert WRONG_PASSWORD not in text


async def test_an_instances_traffic_goes_through_its_proxy_and_only_its(
    run: RunSteps, demo_url: str
) -> None:
    async with CountingProxy() as proxy:
        result = await run(page_steps(demo_url), proxy={"server": proxy.url})
        assert result.raise_for_status().outputs["heading"] == "Who am I"
        through = proxy.hits[host_of(demo_url)]
        assert through > 0  # loopback too: Playwright adds <-loopback> to the bypass list

        (await run(page_steps(demo_url))).raise_for_status()
        assert proxy.hits[host_of(demo_url)] == through


async def test_a_bare_host_and_port_is_an_http_proxy(run: RunSteps, demo_url: str) -> None:
    async with CountingProxy() as proxy:
        bare = proxy.url.removeprefix("http://")
        (await run(page_steps(demo_url), proxy={"server": bare})).raise_for_status()
        assert proxy.hits[host_of(demo_url)] > 0


async def test_credentials_reach_a_proxy_that_asks_for_them(run: RunSteps, demo_url: str) -> None:
    async with CountingProxy(username="ada", password=PASSWORD) as proxy:
        credentials = {"server": proxy.url, "username": "ada", "password": PASSWORD}
        result = await run(page_steps(demo_url), proxy=credentials)
        assert result.raise_for_status().outputs["heading"] == "Who am I"
        assert proxy.challenges > 0  # Chromium sends them only once asked (407)
        assert ("ada", PASSWORD) in proxy.presented
        assert proxy.hits[host_of(demo_url)] > 0
        assert_no_password(result.model_dump_json(), repr(result))


@pytest.mark.parametrize(
    "given",
    [
        pytest.param({"username": "ada", "password": WRONG_PASSWORD}, id="wrong"),
        pytest.param({}, id="absent"),
    ],
)
async def test_without_the_right_credentials_the_page_does_not_load(
    run: RunSteps, demo_url: str, given: dict[str, str]
) -> None:
    async with CountingProxy(username="ada", password=PASSWORD) as proxy:
        result = await run(page_steps(demo_url), proxy={"server": proxy.url, **given})
        assert result.status == "failed"
        assert result.error is not None
        assert result.error.step_index == 0
        assert result.error.type == "navigation"
        assert proxy.hits[host_of(demo_url)] == 0
        assert proxy.challenges > 0
        assert_no_password(result.model_dump_json(), str(result.error))


async def test_a_bypassed_host_goes_direct(run: RunSteps, demo_url: str) -> None:
    # Chromium's quirk: naming any loopback host (127.0.0.1, localhost) in the bypass
    # list sends all loopback direct again. So the proxied host here is a name only
    # the proxy resolves, and with a proxy Chromium leaves resolving names to it.
    port = urlsplit(demo_url).port
    async with CountingProxy(hosts={"demo.invalid": "127.0.0.1"}) as proxy:
        options = {"proxy": {"server": proxy.url, "bypass": "127.0.0.1"}}
        direct = await run(page_steps(demo_url), **options)
        assert direct.raise_for_status().outputs["heading"] == "Who am I"
        assert proxy.hits[host_of(demo_url)] == 0

        proxied = await run(page_steps(f"http://demo.invalid:{port}"), **options)
        assert proxied.raise_for_status().outputs["heading"] == "Who am I"
        assert proxy.hits[f"demo.invalid:{port}"] > 0
        assert list(proxy.hits) == [f"demo.invalid:{port}"]


async def test_a_socks5_proxy_carries_the_traffic(run: RunSteps, demo_url: str) -> None:
    async with CountingProxy(mode="socks5") as proxy:
        result = await run(page_steps(demo_url), proxy={"server": proxy.url})
        assert result.raise_for_status().outputs["heading"] == "Who am I"
        assert proxy.hits[host_of(demo_url)] > 0


async def test_a_puppeteer_uses_its_proxy(demo_url: str) -> None:
    async with CountingProxy() as proxy:
        async with Puppeteer(proxy={"server": proxy.url}) as browser:
            (await browser.go(f"{demo_url}/whoami").run()).raise_for_status()
        assert proxy.hits[host_of(demo_url)] > 0


async def test_the_password_never_comes_back_out(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pupi")
    async with CountingProxy(username="ada", password=PASSWORD) as proxy:
        proxy_option = {"server": proxy.url, "username": "ada", "password": PASSWORD}
        good = await run(page_steps(demo_url), proxy=proxy_option)
        bad = await run(page_steps(demo_url), proxy=proxy_option | {"password": WRONG_PASSWORD})
        browser = Puppeteer(proxy=proxy_option)
    options = parse_browser_options({"proxy": proxy_option})
    assert good.status == "completed"
    assert bad.status == "failed"
    results: list[RunResult] = [good, bad]
    assert_no_password(
        *(result.model_dump_json() for result in results),
        *(repr(result) for result in results),
        repr(options),
        str(options),
        repr(options.proxy),
        str(options.public()),
        options.model_dump_json(),
        repr(browser.options),
        repr(sdk.list_instances()),
        *(info.model_dump_json() for info in sdk.list_instances()),
        caplog.text,
    )
    assert caplog.records  # the pupi loggers did speak (launches, failed steps)


async def test_the_counting_proxy_tunnels_connect_requests(demo_url: str) -> None:
    # Chromium only uses CONNECT for https:// and ws:// through an HTTP proxy, which
    # the demo site does not serve, so the tunnel is checked here without a browser.
    host = host_of(demo_url)
    async with CountingProxy(username="ada", password=PASSWORD) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(f"CONNECT {host} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 407")
        token = base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
        writer.write(
            f"CONNECT {host} HTTP/1.1\r\nHost: {host}\r\n"
            f"Proxy-Authorization: Basic {token}\r\n\r\n".encode()
        )
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
        writer.write(f"GET /whoami HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"<h1>Who am I</h1>" in answer
    assert proxy.hits[host] == 1
    assert proxy.presented == [("ada", PASSWORD)]
