"""Which URLs and addresses the agent may reach when it runs on the server.

A server that browses wherever a prompt says is a ready-made request forger: a
prompt could read the cloud metadata endpoint, the admin page on localhost or
a file on disk. The policy refuses

- schemes other than http(s) and ws(s) (``file:``, ``chrome:``, ``view-source:``,
  ``data:``, ``blob:``...), except ``about:blank``;
- hosts that are, or resolve to, loopback, private, link-local, unspecified,
  multicast or otherwise non-global addresses, IPv4 and IPv6 (IPv4-mapped included),

unless the host is in the allow list (exact name or address, ``host:port``, or
``*.suffix``). It is enforced twice. :func:`make_request_filter` judges URLs: a
session's first URL, every ``go`` and every request a page makes, so a refusal
is reported early and clearly. The address actually connected to is judged by
:mod:`pupi.server.egress`, the proxy every server-side browser's traffic goes
through, which resolves a name once and connects to the address it checked:
that is what closes redirects, WebSockets, workers and DNS rebinding. This
module is pure apart from the DNS look-up, which callers can replace.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

__all__ = [
    "RequestFilter",
    "Resolver",
    "address_problem",
    "addresses_refusal",
    "check_url",
    "host_allowed",
    "is_localhost_name",
    "is_loopback_url",
    "literal_address",
    "make_request_filter",
    "refusal",
    "system_resolver",
]

RequestFilter = Callable[[str], str | None]
Resolver = Callable[[str], list[str]]
"""Given a host name, the IP addresses it resolves to; raises OSError when it cannot."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_WEB_SCHEMES = set(_DEFAULT_PORTS)
_HOSTLESS = {"data", "blob"}
# WHATWG URL parsing drops these anywhere in the input, so "127.0.\t0.1" is 127.0.0.1.
_STRIPPED = str.maketrans("", "", "\t\n\r")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def system_resolver(host: str) -> list[str]:
    """Resolve ``host`` with the operating system, as Chromium would."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def address_problem(address: str) -> str | None:
    """Why the agent may not reach this IP address, or None when it is public."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "an unparseable address"
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1, 2002:7f00:1:: (6to4) and 64:ff9b::7f00:1 (NAT64) all
        # reach an IPv4 host; judge that host instead.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(str(embedded))
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def _normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _host_allowed(host: str, port: int | None, allow_hosts: Iterable[str]) -> bool:
    for entry in allow_hosts:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry.startswith("*."):
            suffix = _normalise_host(entry[1:])
            if host.endswith(suffix):
                return True
            continue
        # "host:port" restricts the port; a bare IPv6 address has colons of its own.
        entry_host, entry_port = entry, None
        if entry.startswith("["):
            entry_host, _, rest = entry[1:].partition("]")
            entry_port = rest[1:] if rest.startswith(":") else None
        elif entry.count(":") == 1:
            entry_host, entry_port = entry.split(":")
        if _normalise_host(entry_host) != host:
            continue
        if entry_port is None or (port is not None and str(port) == entry_port):
            return True
    return False


def literal_address(host: str) -> str | None:
    """The IP address ``host`` spells (``"[::1]"``, ``"127.0.0.1"``), or None for a name."""
    try:
        return str(ipaddress.ip_address(_normalise_host(host).split("%", 1)[0]))
    except ValueError:
        return None


def is_localhost_name(host: str) -> bool:
    """``localhost`` and ``*.localhost``, which resolvers answer with loopback whatever DNS says."""
    host = _normalise_host(host)
    return host == "localhost" or host.endswith(".localhost")


def is_loopback_url(url: str) -> bool:
    """Whether the URL's host is this machine: ``localhost`` or a loopback address."""
    host = urlsplit(url).hostname or ""
    if is_localhost_name(host):
        return True
    address = literal_address(host)
    return address is not None and ipaddress.ip_address(address).is_loopback


def host_allowed(host: str, port: int | None, allow_hosts: Iterable[str]) -> bool:
    """Whether the allow list names ``host`` (and ``port``, where the entry has one)."""
    return _host_allowed(_normalise_host(host), port, allow_hosts)


def addresses_refusal(url: str, host: str, addresses: Iterable[str]) -> str | None:
    """Why the addresses ``host`` resolved to may not be reached, or None when all are public.

    Every address must be public, not just one: a resolver may hand Chromium (or
    a retry) any of them.
    """
    found = list(addresses)
    if not found:
        return f"refused {url!r}: {host!r} has no address"
    for address in found:
        problem = address_problem(address)
        if problem is not None:
            via = "" if address == host else f" ({address})"
            return refusal(url, host + via, problem)
    return None


def check_url(url: str, *, allow_hosts: Iterable[str] = (), resolve: Resolver) -> str | None:
    """Why the agent may not fetch ``url``, or None when it may."""
    cleaned = url.strip().translate(_STRIPPED)
    if cleaned.lower() in {"about:blank", "about:srcdoc"}:
        return None
    try:
        parts = urlsplit(cleaned.replace("\\", "/"))
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return f"refused {url!r}: not a valid URL"
    scheme = parts.scheme.lower()
    if scheme in _HOSTLESS:
        # A data: or blob: page reaches no host itself, but it runs scripts that do,
        # with an opaque origin no allow list can name: never a place to start.
        return f"refused {url!r}: the server's fetch policy does not open {scheme}: pages"
    if scheme not in _WEB_SCHEMES:
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        return f"refused {url!r}: the server's fetch policy allows only http(s) URLs, not {shown}"
    host = _normalise_host(parts.hostname or "")
    if not host:
        return f"refused {url!r}: no host"
    if _host_allowed(host, port, allow_hosts):
        return None
    if is_localhost_name(host):
        return refusal(url, host, "a loopback address")
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = resolve(host)
        except (OSError, UnicodeError):
            # Fail closed: a name we cannot resolve might resolve differently for Chromium.
            return f"refused {url!r}: cannot resolve {host!r}"
    return addresses_refusal(url, host, addresses)


def refusal(url: str, host: str, problem: str) -> str:
    """The message for a URL refused because ``host`` is ``problem`` ("a loopback address")."""
    return (
        f"refused {url!r}: {host} is {problem}, which the server's fetch policy forbids "
        "(allow it with --allow-host or PUPI_ALLOW_HOSTS)"
    )


def make_request_filter(
    allow_hosts: Iterable[str] = (),
    *,
    resolve: Resolver = system_resolver,
    cache_s: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
) -> RequestFilter:
    """The ``request_filter`` for a server-side browser instance.

    The callable is called for every request a page makes, so host resolutions
    are cached for ``cache_s`` seconds.
    """
    allowed = tuple(allow_hosts)
    cache: dict[str, tuple[float, list[str]]] = {}

    def cached_resolve(host: str) -> list[str]:
        now = clock()
        hit = cache.get(host)
        if hit is not None and hit[0] > now:
            return hit[1]
        addresses = resolve(host)
        if len(cache) > 1024:
            cache.clear()
        cache[host] = (now + cache_s, addresses)
        return addresses

    def request_filter(url: str) -> str | None:
        return check_url(url, allow_hosts=allowed, resolve=cached_resolve)

    return request_filter
