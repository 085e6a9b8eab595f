"""OpenAI's strict structured outputs: a JSON Schema in the form strict mode takes.

With ``strict: true`` the provider constrains decoding to the schema, but only
for schemas of a restricted form: every object closed
(``additionalProperties: false``) with every property required, and a smaller
set of keywords, and a type for every value. :func:`strict_variant` rewrites a schema into that form
without changing what validates: a property that was optional with a ``null``
default becomes required and nullable; one with any other default becomes
required (the model writes the value out). A schema using a keyword strict
mode lacks has no strict variant (None), and is sent without ``strict``.

>>> strict_variant({"type": "object", "properties": {"n": {"type": "integer"}}})["required"]
['n']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["strict_variant"]

_STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "title",
        "description",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)


class _NotStrict(Exception):
    """The schema uses something strict mode does not take."""


def strict_variant(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """``schema`` (references written out) in strict mode's form, or None when it has none."""
    try:
        result = _rewrite(schema)
    except _NotStrict:
        return None
    return result if isinstance(result, dict) else None


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, Mapping):
        raise _NotStrict  # a boolean schema
    unknown = set(node) - _STRICT_KEYWORDS - {"default"}
    if unknown or not {"type", "anyOf", "enum", "const"} & set(node):
        raise _NotStrict  # strict mode wants every value typed (no "any")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "default":
            continue  # used below, by the object that holds this property
        if key == "properties":
            out[key] = {name: _rewrite(sub) for name, sub in value.items()}
        elif key in ("items", "anyOf"):
            out[key] = _rewrite(value)
        elif key == "additionalProperties":
            if value is not False:
                raise _NotStrict  # an open map cannot be closed without changing it
            out[key] = False
        else:
            out[key] = value
    if "properties" in out or node.get("type") == "object":
        properties: dict[str, Any] = out.setdefault("properties", {})
        required = set(node.get("required", []))
        for name, sub in list(properties.items()):
            original = node["properties"][name] if "properties" in node else {}
            optional = name not in required and isinstance(original, Mapping)
            if optional and "default" in original and original["default"] is None:
                properties[name] = _nullable(sub)
        out["required"] = list(properties)
        out["additionalProperties"] = False
    return out


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    if node.get("type") == "null" or any(
        isinstance(branch, Mapping) and branch.get("type") == "null"
        for branch in node.get("anyOf", [])
    ):
        return node
    return {"anyOf": [node, {"type": "null"}]}
