"""Checking a session's first URL against the fetch policy (and the session's allowed
domains) before any browser starts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pupi.browser.domains import AllowedDomains
from pupi.server.fetch_policy import RequestFilter

__all__ = ["first_url", "refusal_for", "within_domains"]

# Anything that looks like "scheme://..." or "file:..." in the prompt: the planner
# would take it as the place to start, so it is judged before a browser opens.
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|file:|javascript:)[^\s<>\"'`]*", re.IGNORECASE)


def first_url(prompt: str) -> str | None:
    """The first URL written in a prompt, trailing punctuation removed."""
    match = _URL.search(prompt)
    return match.group(0).rstrip(".,;:!?)]}") if match else None


def refusal_for(prompt: str, start_url: str | None, request_filter: RequestFilter) -> str | None:
    """Why the session may not start (its first URL is forbidden), or None."""
    url = start_url or first_url(prompt)
    if url is None:
        return None
    return request_filter(url)


def within_domains(
    request_filter: RequestFilter, allowed_domains: Sequence[str] | None
) -> RequestFilter:
    """``request_filter``, refusing first what a session's ``allowed_domains`` do not allow."""
    domains = AllowedDomains.of(allowed_domains)
    if domains is None:
        return request_filter

    def both(url: str) -> str | None:
        return domains.refusal(url) or request_filter(url)

    return both
