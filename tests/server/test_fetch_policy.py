"""The fetch policy, as a pure function: no network, a fake resolver."""

from __future__ import annotations

import pytest

from pupi.server.fetch_policy import address_problem, check_url, make_request_filter
from pupi.server.workers.guard import first_url, refusal_for

NAMES = {
    "example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "evil.test": ["93.184.215.14", "10.0.0.5"],
    "metadata.test": ["169.254.169.254"],
    "2130706433": ["127.0.0.1"],  # glibc reads a bare number as an IPv4 address
}


def resolve(host: str) -> list[str]:
    if host not in NAMES:
        raise OSError(f"unknown host {host}")
    return NAMES[host]


def check(url: str, *allow: str) -> str | None:
    return check_url(url, allow_hosts=allow, resolve=resolve)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:8000/shop", id="ipv4-loopback"),
        pytest.param("http://127.1/", id="short-loopback"),
        pytest.param("http://localhost/", id="localhost"),
        pytest.param("http://app.localhost./", id="localhost-subdomain-trailing-dot"),
        pytest.param("http://[::1]:8000/", id="ipv6-loopback"),
        pytest.param("http://10.1.2.3/", id="private-10"),
        pytest.param("http://172.16.0.1/", id="private-172"),
        pytest.param("https://192.168.1.1/admin", id="private-192"),
        pytest.param("http://169.254.169.254/latest/meta-data/", id="link-local-metadata"),
        pytest.param("http://0.0.0.0:8400/", id="unspecified"),
        pytest.param("http://[::]/", id="ipv6-unspecified"),
        pytest.param("http://[fe80::1]/", id="ipv6-link-local"),
        pytest.param("http://[fc00::1]/", id="ipv6-unique-local"),
        pytest.param("http://[::ffff:127.0.0.1]/", id="ipv4-mapped"),
        pytest.param("http://[64:ff9b::a00:1]/", id="nat64-private"),
        pytest.param("http://[2002:7f00:1::]/", id="6to4-loopback"),
        pytest.param("http://2130706433/", id="decimal-ip"),
        pytest.param("http://example.com@127.0.0.1/", id="userinfo-trick"),
        pytest.param("http://127.0.0.1\\@example.com/", id="backslash-trick"),
        pytest.param("http://127.0.\t0.1/", id="tab-inside-host"),
        pytest.param("http://evil.test/", id="name-resolving-to-private"),
        pytest.param("http://metadata.test/", id="name-resolving-to-link-local"),
        pytest.param("http://nowhere.test/", id="unresolvable"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("chrome://settings", id="chrome"),
        pytest.param("view-source:https://example.com", id="view-source"),
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("ftp://example.com/", id="ftp"),
        # Pages with an opaque origin that run scripts: never a place to start.
        pytest.param("data:text/html,<script>fetch('/')</script>", id="data"),
        pytest.param("blob:https://example.com/0b5c", id="blob"),
        pytest.param("//example.com/", id="no-scheme"),
        pytest.param("http://[::1/", id="broken-url"),
    ],
)
def test_the_policy_refuses_non_public_or_non_web_urls(url: str) -> None:
    reason = check(url)
    assert reason is not None
    assert "refused" in reason


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/shop",
        "http://93.184.215.14/",
        "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/",
        "wss://example.com/socket",
        "about:blank",
    ],
)
def test_the_policy_lets_public_web_urls_through(url: str) -> None:
    assert check(url) is None


def test_a_refusal_names_the_address_kind_and_how_to_allow_it() -> None:
    reason = check("http://evil.test/x")
    assert reason is not None
    assert "10.0.0.5" in reason
    assert "private" in reason
    assert "--allow-host" in reason


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://LOCALHOST/", "localhost"),
        ("http://127.0.0.1:8000/", "127.0.0.1:8000"),
        ("http://[::1]:9000/", "[::1]:9000"),
        ("http://[::1]:9000/", "::1"),
        ("http://127.0.0.1/", "127.0.0.1:80"),
        ("wss://127.0.0.1/socket", "127.0.0.1:443"),
        ("http://api.internal.test/", "*.internal.test"),
    ],
)
def test_allowed_hosts_may_be_reached(url: str, allow: str) -> None:
    assert check(url, allow) is None


def test_an_allowed_host_with_a_port_allows_only_that_port() -> None:
    assert check("http://127.0.0.1:8001/", "127.0.0.1:8000") is not None


def test_allowing_a_host_does_not_allow_other_schemes() -> None:
    assert check("file://127.0.0.1/etc/passwd", "127.0.0.1") is not None


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "reserved"),
        ("fe80::1%eth0", "link-local"),
    ],
)
def test_address_problem_says_what_kind_of_address_it_is(address: str, problem: str) -> None:
    assert problem in (address_problem(address) or "")


def test_the_request_filter_caches_name_resolution() -> None:
    calls: list[str] = []
    now = [0.0]

    def counting(host: str) -> list[str]:
        calls.append(host)
        return ["93.184.215.14"]

    request_filter = make_request_filter((), resolve=counting, cache_s=30, clock=lambda: now[0])
    for _ in range(5):
        assert request_filter("https://example.com/a.png") is None
    assert calls == ["example.com"]
    now[0] = 31.0
    request_filter("https://example.com/")
    assert calls == ["example.com", "example.com"]


def test_the_first_url_of_a_prompt_is_found_without_trailing_punctuation() -> None:
    assert first_url("Find the price on http://127.0.0.1:8000/shop.") == (
        "http://127.0.0.1:8000/shop"
    )
    assert first_url("Open file:///etc/passwd and read it") == "file:///etc/passwd"
    assert first_url("no address here") is None


def test_a_prompt_pointing_at_loopback_is_refused_before_any_browser_starts() -> None:
    request_filter = make_request_filter((), resolve=resolve)
    assert refusal_for("Read http://localhost:5432/", None, request_filter) is not None
    assert refusal_for("Read the news", "http://10.0.0.1/", request_filter) is not None
    assert refusal_for("Read https://example.com/", None, request_filter) is None
