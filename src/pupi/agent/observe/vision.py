"""What a planner with vision asks to see: :class:`Vision`, and reading it from settings.

Pure values (no page, no I/O), shared by the planners that send the picture and
the agent loop that has :func:`~pupi.agent.observe.take_screenshot` take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pupi.errors import AgentError

__all__ = ["DEFAULT_MAX_IMAGE_BYTES", "Vision", "VisionLike", "vision_from", "vision_from_env"]

DEFAULT_MAX_IMAGE_BYTES = 200_000
"""Default bound on a screenshot's base64 text, in bytes (the decoded JPEG is 3/4 of it)."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class Vision:
    """What a planner with vision is shown: a screenshot with each observation.

    >>> Vision(marks=True)            # element numbers drawn on the picture
    >>> Vision(max_width=800, quality=60, max_bytes=100_000)

    ``max_width`` and ``max_height`` bound the image in pixels (the viewport
    is shrunk to fit, never enlarged); ``quality`` is the JPEG quality to try
    first; ``max_bytes`` bounds the image's base64 text, and lower qualities and
    sizes are tried until it fits.
    """

    marks: bool = False
    max_width: int = 1024
    max_height: int = 768
    quality: int = 70
    max_bytes: int = DEFAULT_MAX_IMAGE_BYTES

    def __post_init__(self) -> None:
        if self.max_width < 64 or self.max_height < 64:
            raise ValueError("max_width and max_height must be at least 64 pixels")
        if not 1 <= self.quality <= 100:
            raise ValueError(f"quality must be between 1 and 100, not {self.quality}")
        if self.max_bytes < 1_000:
            raise ValueError(f"max_bytes must be at least 1000, not {self.max_bytes}")


VisionLike = bool | Literal["marks"] | Vision | None
"""How a caller asks for vision: ``True``, ``"marks"`` (with element numbers), a
:class:`Vision`, or ``False``/``None`` for none."""


def vision_from(value: VisionLike) -> Vision | None:
    """The :class:`Vision` that ``value`` asks for, or None for no vision."""
    if value is None or value is False:
        return None
    if value is True:
        return Vision()
    if value == "marks":
        return Vision(marks=True)
    if isinstance(value, Vision):
        return value
    raise ValueError(f"vision must be True, False, 'marks' or a Vision, not {value!r}")


def vision_from_env(text: str, *, variable: str = "PUPI_LLM_VISION") -> Vision | None:
    """Read a setting like ``PUPI_LLM_VISION``: ``1``/``true``, ``marks``, or ``0``/unset.

    Raises :class:`~pupi.errors.AgentError` naming ``variable`` for anything else.
    """
    word = text.strip().lower()
    if word in _FALSE:
        return None
    if word in _TRUE:
        return Vision()
    if word == "marks":
        return Vision(marks=True)
    raise AgentError(f"{variable} must be 1, 0 or marks, not {text!r}")
