"""Round five's pages replace the held-out site's for the tests in this package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..server import HeldoutSite, serving


@pytest.fixture(scope="session")
def heldout_site() -> Iterator[HeldoutSite]:
    """The round-five pages on a loopback port, for the whole session."""
    yield from serving(Path(__file__).parent / "pages")
