"""Fixtures for the held-out pages: the site, reset for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import HeldoutSite, serving


@pytest.fixture(scope="session")
def heldout_site() -> Iterator[HeldoutSite]:
    """The held-out site for the whole session."""
    yield from serving()


@pytest.fixture
def heldout(heldout_site: HeldoutSite) -> HeldoutSite:
    """The held-out site with its state reset for this test."""
    heldout_site.reset()
    return heldout_site
