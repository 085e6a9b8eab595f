"""Allowed domains: the hosts one run may reach, on top of any filter an instance has.

``allowed_domains=["example.com", "*.shop.test"]`` lets a run's pages reach
``example.com`` and any subdomain of ``shop.test`` (not ``shop.test`` itself:
list it too), over any port; every other host is refused, for a ``go`` and for
every request the pages make, with a message that names the rules. Pages that
reach no host (``about:blank``, ``data:``, ``blob:``) stay allowed; other
schemes (``file:``, ``chrome:``) are refused.

A run restricts its instance for as long as it lasts (:func:`allowed_domains_only`),
so an instance shared by several runs is only ever as open as the run on it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pupi.errors import InvalidBrowserOptions, OptionError

if TYPE_CHECKING:
    from playwright.async_api import Route

    from pupi.browser.instances import Instance

__all__ = ["AllowedDomains", "allowed_domains_only"]

logger = logging.getLogger("pupi.browser")

_HOSTLESS = frozenset({"about", "data", "blob"})
_WEB = frozenset({"http", "https", "ws", "wss"})


class AllowedDomains:
    """A run's domain rules, and the refusal of every URL outside them.

    ```python
    domains = AllowedDomains(["example.com", "*.shop.test"])
    domains.refusal("https://cart.shop.test/")   # None: allowed
    domains.refusal("http://evil.test/")         # "refused 'http://evil.test/': ..."
    ```

    A rule is a host name or an IP address, or ``*.`` and a domain for its
    subdomains; a rule with a scheme, a port, a path or a ``*`` elsewhere, and an
    empty list (which would refuse every page: give None for no rule), raise
    :class:`~pupi.InvalidBrowserOptions`.
    """

    __slots__ = ("_exact", "_suffixes", "rules")

    def __init__(self, rules: Iterable[str]) -> None:
        if isinstance(rules, str):
            rules = [rules]  # one rule is a list of one, not of its letters
        self.rules: tuple[str, ...] = tuple(rules)
        """The rules as given."""
        errors: list[OptionError] = []
        exact: set[str] = set()
        suffixes: list[str] = []
        for position, rule in enumerate(self.rules):
            host, problem = _parse_rule(rule)
            if problem is not None:
                errors.append(OptionError(f"allowed_domains.{position}", problem))
            elif host.startswith("*."):
                suffixes.append(host[1:])
            else:
                exact.add(host)
        if not self.rules:
            errors.append(
                OptionError(
                    "allowed_domains", "an empty list would refuse every page; give None instead"
                )
            )
        if errors:
            raise InvalidBrowserOptions(errors)
        self._exact = frozenset(exact)
        self._suffixes = tuple(suffixes)

    @classmethod
    def of(cls, rules: AllowedDomains | Iterable[str] | None) -> AllowedDomains | None:
        """``rules`` as :class:`AllowedDomains`; None stays None (no restriction)."""
        if rules is None or isinstance(rules, AllowedDomains):
            return rules
        return cls(rules)

    def allows_host(self, host: str) -> bool:
        """Whether a rule names ``host``."""
        host = _normalise(host)
        return host in self._exact or any(host.endswith(suffix) for suffix in self._suffixes)

    def refusal(self, url: str) -> str | None:
        """Why a page may not reach ``url``, naming the rules; None when it may."""
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname or ""
        except ValueError:
            return f"refused {url!r}: not a valid URL"
        scheme = parts.scheme.lower()
        if scheme in _HOSTLESS:
            return None
        if scheme not in _WEB:
            return f"refused {url!r}: allowed_domains ({self}) admit only http(s) pages"
        if self.allows_host(host):
            return None
        return f"refused {url!r}: {_normalise(host)} is not in allowed_domains ({self})"

    __call__ = refusal

    def __str__(self) -> str:
        return ", ".join(self.rules)

    def __repr__(self) -> str:
        return f"<AllowedDomains {self}>"


@contextlib.asynccontextmanager
async def allowed_domains_only(
    instance: Instance, domains: AllowedDomains | None
) -> AsyncIterator[None]:
    """Within the block, ``instance``'s pages reach only the hosts ``domains`` allow.

    Every request its pages make is judged (a route on its context), and so is
    every ``go`` (the instance's ``request_filter`` includes the rules); what is
    refused is recorded in ``instance.blocked``. Leaving the block lifts the rules.
    None does nothing.
    """
    if domains is None:
        yield
        return
    handler = _route_handler(instance, domains)
    await instance.context.route("**/*", handler)
    instance.restrictions.append(domains)
    try:
        yield
    finally:
        instance.restrictions.remove(domains)
        with contextlib.suppress(Exception):  # the context may be gone with its browser
            await instance.context.unroute("**/*", handler)


def _route_handler(instance: Instance, domains: AllowedDomains) -> Any:
    async def handle(route: Route) -> None:
        url = route.request.url
        reason = domains.refusal(url)
        if reason is None:
            # On to the instance's own filter, if it has one, which may refuse it still.
            await route.fallback()
            return
        instance.blocked.append((url, reason))
        logger.info("refused %s: %s", url, reason)
        await route.abort("blockedbyclient")

    return handle


def _parse_rule(rule: object) -> tuple[str, str | None]:
    if not isinstance(rule, str) or not rule.strip():
        return "", "a host name such as example.com or *.example.com"
    host = _normalise(rule)
    if "://" in host or "/" in host:
        return host, "a host name, without a scheme or a path"
    bare = host.removeprefix("*.")
    if "*" in bare or not bare:
        return host, "a wildcard is '*.' before a domain: *.example.com"
    if ":" in bare:
        try:
            ipaddress.IPv6Address(bare)
        except ValueError:
            return host, "a host name without a port"
    return host, None


def _normalise(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()
