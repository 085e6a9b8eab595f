"""What an output schema asks for, described for planners: a list, a record, or a value.

A planner that fills a schema from the page (the offline one) does not read
JSON Schema; it reads a :data:`Shape`: a :class:`ListShape` of items, an
:class:`ObjectShape` with named :class:`FieldShape`\\ s, or a :class:`ValueShape`
saying which JSON types (and which ``format`` or ``enum``) a value may take.
:func:`describe` builds one from a JSON Schema, following ``$ref`` and reading
``X | None`` (``anyOf`` with ``null``) as an optional ``X``.

>>> shape = describe({"type": "array", "items": {"type": "object",
...     "properties": {"name": {"type": "string"}, "price": {"type": "number"}}}})
>>> [field.name for field in shape.item.fields]
['name', 'price']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FieldShape", "ListShape", "ObjectShape", "Shape", "ValueShape", "describe"]

_MAX_DEPTH = 8
"""Nesting described; deeper (or self-referring) parts are values of any type."""
_MAX_NODES = 2_000
"""Schema nodes described in all: references can repeat a part many times over."""


@dataclass(frozen=True, slots=True)
class ValueShape:
    """One value: the JSON types it may take (none: any), its ``format`` and ``enum``."""

    types: frozenset[str] = frozenset()
    format: str | None = None
    enum: tuple[Any, ...] = ()

    @property
    def nullable(self) -> bool:
        """Whether ``null`` is allowed."""
        return "null" in self.types

    def allows(self, name: str) -> bool:
        """Whether the JSON type ``name`` is allowed (any type is, when none is named)."""
        return not self.types or name in self.types


@dataclass(frozen=True, slots=True)
class ListShape:
    """A list whose items all have one shape."""

    item: Shape
    title: str | None = None
    description: str | None = None
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class FieldShape:
    """One field of a record: its name, title and description, and its own shape."""

    name: str
    shape: Shape
    required: bool = False
    title: str | None = None
    description: str | None = None

    def names(self) -> list[str]:
        """The phrases that name the field, most telling first.

        ``unit_price`` and ``unitPrice`` read as "unit price"; the title follows
        when it says more than the name, then the description.
        """
        spoken = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", self.name).replace("_", " ")
        found = [" ".join(spoken.lower().split())]
        for extra in (self.title, self.description):
            if extra and extra.strip().lower() not in found:
                found.append(extra.strip().lower())
        return [phrase for phrase in found if phrase]


@dataclass(frozen=True, slots=True)
class ObjectShape:
    """A record with named fields."""

    fields: tuple[FieldShape, ...] = ()
    title: str | None = None
    description: str | None = None
    nullable: bool = False


Shape = ValueShape | ListShape | ObjectShape
"""What one part of an output schema asks for."""

Resolver = Callable[[str], Any]


def describe(schema: Mapping[str, Any] | bool, resolve: Resolver | None = None) -> Shape:
    """The :data:`Shape` of a JSON Schema; ``resolve`` reads its ``$ref`` (default: local ones)."""
    return _Describer(resolve or _local_resolver(schema)).shape(schema, 0)


def _local_resolver(root: Mapping[str, Any] | bool) -> Resolver:
    def resolve(ref: str) -> Any:
        node: Any = root
        for part in ref.removeprefix("#").strip("/").split("/"):
            if not part:
                continue
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    return resolve


class _Describer:
    """One description's references and budget."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.left = _MAX_NODES

    def shape(self, node: Any, depth: int) -> Shape:
        self.left -= 1
        if not isinstance(node, Mapping) or depth > _MAX_DEPTH or self.left < 0:
            return ValueShape()
        if "$ref" in node:
            # A reference's own siblings (a field's title, description) describe it too.
            target = self.resolve(node["$ref"])
            merged = (
                {**target, **{k: v for k, v in node.items() if k != "$ref"}}
                if isinstance(target, Mapping)
                else {}
            )
            return self.shape(merged, depth + 1)
        branches = [*node.get("anyOf", []), *node.get("oneOf", [])]
        if branches:
            return self.union(node, branches, depth)
        if len(node.get("allOf", [])) == 1:
            merged = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
            return self.shape(merged, depth + 1)
        types = _types(node)
        title, description = node.get("title"), node.get("description")
        nullable = "null" in types
        if "object" in types or (not types and "properties" in node):
            required = set(node.get("required", []))
            fields = tuple(
                FieldShape(
                    name=str(name),
                    shape=self.shape(sub, depth + 1),
                    required=name in required,
                    title=_text(sub, "title"),
                    description=_text(sub, "description"),
                )
                for name, sub in (node.get("properties") or {}).items()
            )
            return ObjectShape(fields, title, description, nullable)
        if "array" in types or (not types and ("items" in node or "prefixItems" in node)):
            item = node.get("items", (node.get("prefixItems") or [True])[0])
            return ListShape(self.shape(item, depth + 1), title, description, nullable)
        enum = tuple(node["enum"]) if "enum" in node else ()
        if "const" in node:
            enum = (node["const"],)
        if enum and not types:
            types = frozenset(_type_of(value) for value in enum)
        return ValueShape(types, node.get("format"), enum)

    def union(self, node: Mapping[str, Any], branches: list[Any], depth: int) -> Shape:
        shapes = [self.shape(branch, depth + 1) for branch in branches]
        nullable = any(isinstance(s, ValueShape) and s.types == {"null"} for s in shapes)
        title, description = node.get("title"), node.get("description")
        for shape in shapes:
            # "Product | None", "list[str] | None": the structured branch is what is asked for.
            if isinstance(shape, ObjectShape):
                return ObjectShape(shape.fields, title or shape.title, description, nullable)
            if isinstance(shape, ListShape):
                return ListShape(shape.item, title or shape.title, description, nullable)
        values = [shape for shape in shapes if isinstance(shape, ValueShape)]
        if any(not value.types for value in values):
            return ValueShape()
        types = frozenset(name for value in values for name in value.types)
        formats = [value.format for value in values if value.format]
        enum = tuple(option for value in values for option in value.enum)
        return ValueShape(types, formats[0] if formats else None, enum)


def _types(node: Mapping[str, Any]) -> frozenset[str]:
    named = node.get("type")
    if isinstance(named, str):
        return frozenset({named})
    if isinstance(named, list):
        return frozenset(str(name) for name in named)
    return frozenset()


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "object"


def _text(node: Any, key: str) -> str | None:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, str) else None
