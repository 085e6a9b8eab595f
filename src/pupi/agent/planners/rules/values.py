"""Values as the page wants them: dates, times and key names.

A prompt says "March 5, 2025" or "3:30 pm"; an ``<input type=date>`` only
accepts ``2025-03-05`` and a time input ``15:30``. A text field with a
placeholder such as ``DD/MM/YYYY`` gets the date in that layout.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["KEYS", "fits_field", "format_for_field", "parse_date", "parse_time"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

KEYS: dict[str, str] = {
    "enter": "Enter",
    "return": "Enter",
    "escape": "Escape",
    "esc": "Escape",
    "tab": "Tab",
    "space": "Space",
    "spacebar": "Space",
    "backspace": "Backspace",
    "delete": "Delete",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "arrowup": "ArrowUp",
    "arrowdown": "ArrowDown",
    "arrowleft": "ArrowLeft",
    "arrowright": "ArrowRight",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "page up": "PageUp",
    "page down": "PageDown",
    "up arrow": "ArrowUp",
    "down arrow": "ArrowDown",
    "left arrow": "ArrowLeft",
    "right arrow": "ArrowRight",
    "arrow up": "ArrowUp",
    "arrow down": "ArrowDown",
}
"""Spoken key names to Playwright key names."""

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASHED = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?: of)? ([a-z]+)\.?,? (\d{4})\b")
_MONTH_DAY = re.compile(r"\b([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b")
_TIME = re.compile(r"\b(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?=$|[^\d])")


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, day_first: bool = False) -> date | None:
    """A calendar date written in ``text`` in one of the usual ways, or None.

    ``03/04/2025`` is read month first unless ``day_first`` (or the day is
    over 12, which settles it).
    """
    lowered = text.lower()
    if found := _ISO.search(lowered):
        return _valid(int(found[1]), int(found[2]), int(found[3]))
    if found := _SLASHED.search(lowered):
        first, second, year = int(found[1]), int(found[2]), int(found[3])
        if day_first or first > 12:
            return _valid(year, second, first)
        return _valid(year, first, second)
    for found in _DAY_MONTH.finditer(lowered):
        if found[2] in _MONTHS:
            return _valid(int(found[3]), _MONTHS[found[2]], int(found[1]))
    for found in _MONTH_DAY.finditer(lowered):
        if found[1] in _MONTHS:
            return _valid(int(found[3]), _MONTHS[found[1]], int(found[2]))
    return None


def parse_time(text: str) -> tuple[int, int] | None:
    """Hours and minutes written in ``text`` ("3pm", "15:30", "9.05 a.m."), or None."""
    lowered = text.lower().strip()
    if lowered in ("noon", "midday"):
        return 12, 0
    if lowered == "midnight":
        return 0, 0
    for found in _TIME.finditer(lowered):
        hour = int(found[1])
        minute = int(found[2] or 0)
        suffix = (found[3] or "").replace(".", "")
        if not found[2] and not suffix:
            continue  # a bare number is not a time
        if suffix == "pm" and hour < 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    return None


def _layout(pattern: str, value: date) -> str:
    """Write ``value`` following a placeholder such as ``DD/MM/YYYY``."""
    upper = pattern.upper()
    out = upper.replace("YYYY", f"{value.year:04d}").replace("MM", f"{value.month:02d}")
    return out.replace("DD", f"{value.day:02d}")


def fits_field(text: str, input_type: str | None) -> bool:
    """Whether a field of ``input_type`` can take ``text`` at all.

    Browsers refuse text in a number field (typing "name Ada" into "Guests"
    fails), so such a value means the wrong field was matched.
    """
    if (input_type or "").lower() in ("number", "range"):
        return re.match(r"^\s*[-+]?\d", text) is not None
    return True


def format_for_field(text: str, input_type: str | None, placeholder: str | None) -> str:
    """``text`` rewritten in the format the field takes; unchanged when unsure."""
    kind = (input_type or "").lower()
    hint = (placeholder or "").upper()
    if kind == "date" or ("YYYY" in hint and "DD" in hint and "MM" in hint):
        day_first = hint.find("DD") < hint.find("MM") if hint else False
        parsed = parse_date(text, day_first=day_first and kind != "date")
        if parsed is None:
            return text
        if kind == "date" or not hint:
            return parsed.isoformat()
        return _layout(hint, parsed)
    if kind == "time":
        clock = parse_time(text)
        return f"{clock[0]:02d}:{clock[1]:02d}" if clock else text
    if kind == "datetime-local":
        parsed = parse_date(text)
        clock = parse_time(_ISO.sub(" ", _SLASHED.sub(" ", text)))
        if parsed is None:
            return text
        hour, minute = clock or (0, 0)
        return f"{parsed.isoformat()}T{hour:02d}:{minute:02d}"
    if kind == "month":
        parsed = parse_date(text)
        return f"{parsed.year:04d}-{parsed.month:02d}" if parsed else text
    return text
