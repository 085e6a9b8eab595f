"""Observing a page: a compact, deterministic snapshot that every planner reads."""

from pupi.agent.observe.model import Element, Fingerprint, Form, ItemList, Observation, Table
from pupi.agent.observe.observe import DEFAULT_MAX_CHARS, DEFAULT_MAX_ELEMENTS, observe

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_ELEMENTS",
    "Element",
    "Fingerprint",
    "Form",
    "ItemList",
    "Observation",
    "Table",
    "observe",
]
