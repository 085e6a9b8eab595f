"""Observing a page: a compact, deterministic snapshot that every planner reads."""

from pupi.agent.observe.model import (
    Element,
    Fingerprint,
    Form,
    ItemList,
    Observation,
    Screenshot,
    Table,
)
from pupi.agent.observe.observe import DEFAULT_MAX_CHARS, DEFAULT_MAX_ELEMENTS, observe
from pupi.agent.observe.screenshot import take_screenshot
from pupi.agent.observe.vision import DEFAULT_MAX_IMAGE_BYTES, Vision

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_ELEMENTS",
    "DEFAULT_MAX_IMAGE_BYTES",
    "Element",
    "Fingerprint",
    "Form",
    "ItemList",
    "Observation",
    "Screenshot",
    "Table",
    "Vision",
    "observe",
    "take_screenshot",
]
