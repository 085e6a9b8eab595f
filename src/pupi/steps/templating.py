"""``{{name}}`` placeholders in string fields, filled from variables and outputs.

A placeholder is ``{{name}}`` or ``{{name.key.0}}`` (a path into dicts and lists).
A string that is exactly one placeholder takes the value as it is (so an
``evaluate`` step's ``arg`` can receive a list); inside a longer string the value
is formatted with ``str``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["find_placeholders", "find_references", "has_placeholders", "render"]

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)\s*\}\}")


def has_placeholders(value: Any) -> bool:
    """Whether any string inside ``value`` holds a placeholder."""
    return next(find_placeholders(value), None) is not None


def find_placeholders(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(field_path, root_name)`` for every placeholder inside ``value``."""
    for field, name, _keys in find_references(value, path):
        yield field, name


def find_references(value: Any, path: str = "") -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Yield ``(field_path, root_name, keys)`` for every placeholder inside ``value``.

    ``{{secret.password}}`` in ``text`` is ``("text", "secret", ("password",))``.
    """
    if isinstance(value, str):
        if "{{" in value:
            for match in PLACEHOLDER.finditer(value):
                yield path, match.group(1), tuple(filter(None, match.group(2).split(".")))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from find_references(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from find_references(item, f"{path}.{index}" if path else str(index))


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Return ``value`` with every placeholder replaced from ``context``.

    Raises ``KeyError`` naming the placeholder when a name or path is missing.
    """
    if isinstance(value, str):
        if "{{" not in value:
            return value
        whole = PLACEHOLDER.fullmatch(value.strip())
        if whole:
            return _lookup(context, whole.group(1), whole.group(2))
        return PLACEHOLDER.sub(
            lambda match: _format(_lookup(context, match.group(1), match.group(2))), value
        )
    if isinstance(value, Mapping):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, context) for item in value]
    return value


def _lookup(context: Mapping[str, Any], name: str, path: str) -> Any:
    if name not in context:
        raise KeyError(f"{{{{{name}}}}} has no value")
    value = context[name]
    for part in filter(None, path.split(".")):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise KeyError(f"{{{{{name}{path}}}}} has no value at '{part}'") from None
    return value


def _format(value: Any) -> str:
    return "" if value is None else str(value)
