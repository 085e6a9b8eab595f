"""Page text as a typed JSON value: ``"$1,299.00"`` as a number, ``"In stock"`` as true.

:func:`typed_value` converts one text to what a :class:`~pupi.agent.shapes.ValueShape`
allows, or answers :data:`MISSING` when the text holds no such value (a price
field whose text has no number), so that the field is left out and the
validation that follows names it, rather than being filled with a wrong guess.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Final

from pupi.agent.planners.rules.text import normalize, similarity
from pupi.agent.planners.rules.values import parse_date
from pupi.agent.shapes import ValueShape

__all__ = ["MISSING", "Missing", "typed_value"]


class Missing(Enum):
    """The text holds no value of the type asked for."""

    MISSING = "missing"


MISSING: Final = Missing.MISSING

# Written with thousands separators or not, with a sign (a Unicode minus too).
_NUMBER = re.compile(r"[-+\u2212]?\d[\d,]*(?:\.\d+)?|[-+\u2212]?\.\d+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Negative words first: "not available" holds "available".
_FALSE = re.compile(
    r"^(?:no|false|n|0|off|none|disabled|inactive|closed|unavailable|sold out|✗|✘)$"
    r"|\b(?:not|out of stock|sold out|unavailable|no longer)\b",
    re.I,
)
_TRUE = re.compile(
    r"^(?:yes|true|y|1|on|enabled|active|open|✓|✔)$|\b(?:in stock|available|included)\b",
    re.I,
)


def typed_value(text: str, shape: ValueShape) -> Any:
    """``text`` as a value ``shape`` allows, or :data:`MISSING`.

    A number wanted as text too (pydantic's ``Decimal`` is a number or a
    string) keeps its digits exactly: ``"$24.00"`` gives ``"24.00"``.
    """
    text = text.strip()
    if shape.enum:
        return _enum_member(text, shape.enum)
    if not shape.types:
        return text  # any type: the text itself says it best
    if shape.types == {"null"}:
        return None
    if (
        shape.allows("boolean")
        and (flag := _boolean(text)) is not None
        and (shape.types <= {"boolean", "null"} or not _NUMBER.search(text))
    ):
        return flag
    if shape.allows("number") or shape.allows("integer"):
        number = _number(text, shape)
        if number is not MISSING or not shape.allows("string"):
            return number
    if shape.types and not shape.allows("string"):
        return MISSING
    if shape.format == "date":
        day = parse_date(text)
        return day.isoformat() if day is not None else MISSING
    if shape.format == "email":
        found = _EMAIL.search(text)
        return found[0] if found else MISSING
    return text


def _number(text: str, shape: ValueShape) -> Any:
    found = _NUMBER.search(text)
    if found is None:
        return MISSING
    literal = found[0].replace(",", "").replace("\u2212", "-").lstrip("+")
    if shape.allows("string") and shape.allows("number"):
        return literal  # a decimal: its digits, exactly
    value = float(literal)
    if "." not in literal or not shape.allows("number"):
        # A whole number is an integer in JSON, whichever of the two the schema names.
        return int(value) if value.is_integer() else MISSING
    return value


def _boolean(text: str) -> bool | None:
    if _FALSE.search(text):
        return False
    if _TRUE.search(text):
        return True
    return None


def _enum_member(text: str, options: tuple[Any, ...]) -> Any:
    wanted = normalize(text)
    for option in options:
        if isinstance(option, str) and normalize(option) == wanted:
            return option
    scored = [(similarity(option, text), option) for option in options if isinstance(option, str)]
    best = max(scored, key=lambda pair: pair[0], default=None)
    if best is not None and best[0] >= 0.6:
        return best[1]
    for option in options:
        if not isinstance(option, str) and str(option) == text:
            return option
    return text  # not one of them: the validation will say so
