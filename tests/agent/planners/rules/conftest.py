"""Observations of the demo site's pages, recorded once, for pure planner tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pupi.agent.observe.model import Observation

PAGES = Path(__file__).parent / "pages"


@cache
def page(name: str) -> Observation:
    """The recorded observation of one demo page (``shop``, ``login``, ...)."""
    return Observation.model_validate_json((PAGES / f"{name}.json").read_text(encoding="utf-8"))
