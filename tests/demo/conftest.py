"""Fixtures for the demo site's own tests: a reset site and an HTTP client on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pupi.demo import DemoServer


@pytest.fixture
def site(demo_site: DemoServer) -> DemoServer:
    """The session's demo site, back in its initial state."""
    demo_site.reset()
    return demo_site


@pytest.fixture
def client(site: DemoServer) -> Iterator[httpx.Client]:
    """A keep-alive client on the site that does not follow redirects."""
    with httpx.Client(base_url=site.url, timeout=5) as http:
        yield http
