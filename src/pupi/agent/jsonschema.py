"""A JSON Schema checker for output schemas: the keywords that describe data, strictly.

A structured answer sent through the server comes with a JSON Schema, not a
Python type, so Pupi validates JSON values itself. :class:`JsonSchema` knows
the keywords that describe data (``type``, ``properties``, ``required``,
``items``, ``enum``, bounds, ``pattern``, the combinators, local ``$ref``), which
is everything pydantic writes. A keyword it does not know is refused when the
schema is read, rather than ignored as the standard allows, so that a typo
(``"requried"``) or an unsupported rule (``if``/``then``) cannot pass unnoticed;
``x-`` extensions and annotations (``title``, ``description``, ``default``...)
are accepted and ignored.

>>> schema = JsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}})
>>> schema.problems([1, -2, "3"])
[Problem(path='1', message='-2 is less than the minimum of 0'),
 Problem(path='2', message='"3" is not an integer')]
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

__all__ = ["JsonSchema", "Problem", "SchemaError"]

_TYPES = frozenset({"string", "number", "integer", "boolean", "null", "array", "object"})
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "$schema",
        "$id",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
        # OpenAPI's hint for a oneOf; the oneOf itself is what is checked.
        "discriminator",
        "contentMediaType",
        "contentEncoding",
    }
)
_DEFINITIONS = ("$defs", "definitions")
_SUBSCHEMA = frozenset({"not", "additionalProperties", "items"})
_SUBSCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_OTHERS = frozenset(
    {"type", "enum", "const", "properties", "required", "pattern", "format"}
    | {"uniqueItems", "multipleOf", "$ref"}
)
_KNOWN = _ANNOTATIONS | _SUBSCHEMA | _SUBSCHEMA_LISTS | _COUNTS | _BOUNDS | _OTHERS
_MAX_DEPTH = 64
"""References followed without reaching the data's end: a schema that refers to itself in a loop."""
_MAX_STEPS = 200_000
"""Schema nodes one validation may visit. Combinators over references can multiply the
work exponentially (``anyOf`` of two references, each an ``anyOf`` of two...); a schema
from an API client must not hold a worker's event loop for that long."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_Bound = Callable[[float], bool]


@dataclass(frozen=True, slots=True)
class Problem:
    """One way a value (or a schema) is wrong, and where: a dotted path, ``""`` at the top."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"


class SchemaError(ValueError):
    """The schema itself cannot be used; ``problems`` names each place (``#/properties/x``)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class _TooMuchWork(Exception):
    """A validation ran out of its budget of steps."""


class JsonSchema:
    """A JSON Schema, checked once when made; :meth:`problems` validates values against it.

    Raises :class:`SchemaError` for a schema that is not a JSON object (or
    boolean), for unknown keywords, and for ``$ref`` outside the document.
    """

    def __init__(self, schema: Mapping[str, Any] | bool) -> None:
        self.schema = schema
        self._steps_left = 0
        problems: list[Problem] = []
        self._check(schema, "#", problems)
        if problems:
            raise SchemaError(problems)

    # -- reading the schema -------------------------------------------------

    def resolve(self, ref: str) -> Any:
        """The part of the schema a local ``$ref`` (``#/$defs/Product``) points at."""
        if ref == "#":
            return self.schema
        if not ref.startswith("#/"):
            raise KeyError(ref)
        node: Any = self.schema
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise KeyError(ref)
        return node

    def _check(self, node: Any, where: str, problems: list[Problem]) -> None:
        if isinstance(node, bool):
            return
        if not isinstance(node, Mapping):
            problems.append(Problem(where, "a schema must be a JSON object or a boolean"))
            return
        for key, value in node.items():
            at = f"{where}/{key}"
            if not isinstance(key, str):
                problems.append(Problem(where, f"a keyword must be a string, not {key!r}"))
            elif key.startswith("x-") or key in _ANNOTATIONS:
                continue
            elif key in _DEFINITIONS:
                if not isinstance(value, Mapping):
                    problems.append(Problem(at, "must map names to schemas"))
                    continue
                for name, definition in value.items():
                    self._check(definition, f"{at}/{name}", problems)
            elif key not in _KNOWN:
                problems.append(Problem(where, f"unknown or unsupported keyword {key!r}"))
            else:
                message = self._form(key, value)
                if message is not None:
                    problems.append(Problem(at, message))
                elif key in _SUBSCHEMA:
                    self._check(value, at, problems)
                elif key in _SUBSCHEMA_LISTS:
                    for number, item in enumerate(value):
                        self._check(item, f"{at}/{number}", problems)
                elif key == "properties":
                    for name, item in value.items():
                        self._check(item, f"{at}/{name}", problems)

    def _form(self, key: str, value: Any) -> str | None:
        """What is wrong with the value of ``key``, or None."""
        if key == "type":
            names = value if isinstance(value, list) else [value]
            if not names or not all(isinstance(n, str) and n in _TYPES for n in names):
                return f"must be one of {', '.join(sorted(_TYPES))}, or a list of them"
        elif key == "enum":
            if not isinstance(value, list) or not value:
                return "must be a non-empty list"
        elif key in _SUBSCHEMA_LISTS:
            if not isinstance(value, list) or not value:
                return "must be a non-empty list of schemas"
        elif key == "items" and isinstance(value, list):
            return "must be one schema (a list of item schemas is prefixItems)"
        elif key == "properties":
            if not isinstance(value, Mapping):
                return "must map property names to schemas"
        elif key == "required":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return "must be a list of property names"
        elif key in _COUNTS:
            if not _is_integer(value) or value < 0:
                return "must be a non-negative integer"
        elif key in _BOUNDS:
            if not _is_number(value):
                return "must be a number"
        elif key == "multipleOf":
            if not _is_number(value) or value <= 0:
                return "must be a number above 0"
        elif key == "pattern":
            if not isinstance(value, str):
                return "must be a regular expression"
            try:
                re.compile(value)
            except re.error as exc:
                return f"is not a regular expression Pupi can read: {exc}"
        elif key in ("format", "$ref") and not isinstance(value, str):
            return "must be a string"
        elif key == "uniqueItems" and not isinstance(value, bool):
            return "must be true or false"
        elif key == "$ref":
            try:
                self.resolve(value)
            except KeyError:
                return f"{value!r} does not point into this schema (only local references do)"
        return None

    # -- validating values --------------------------------------------------

    def problems(self, value: Any) -> list[Problem]:
        """Every way ``value`` (a JSON value: dicts, lists, text, numbers) breaks the schema."""
        found: list[Problem] = []
        # One budget per call; a JsonSchema validates one value at a time (no awaits inside).
        self._steps_left = _MAX_STEPS
        try:
            self._validate(self.schema, value, [], found, 0)
        except _TooMuchWork:
            # Stopped halfway: what was found may be partial, or say nothing at all.
            return [Problem("", "the schema takes too much work to check this value")]
        return found

    def _validate(
        self, node: Any, value: Any, path: list[str], found: list[Problem], depth: int
    ) -> None:
        where = ".".join(path)
        if node is True:
            return
        if node is False:
            found.append(Problem(where, "no value is allowed here"))
            return
        if depth > _MAX_DEPTH:
            found.append(Problem(where, "the schema nests too deeply (a $ref loop?)"))
            return
        self._steps_left -= 1
        if self._steps_left < 0:
            raise _TooMuchWork
        if "$ref" in node:
            self._validate(self.resolve(node["$ref"]), value, path, found, depth + 1)
        if "type" in node:
            names = node["type"] if isinstance(node["type"], list) else [node["type"]]
            if not any(_is_type(value, name) for name in names):
                found.append(Problem(where, f"{_shown(value)} is not {_either(names)}"))
                return  # the other keywords would only repeat it
        if "enum" in node and not any(_same(value, option) for option in node["enum"]):
            options = ", ".join(_shown(option) for option in node["enum"])
            found.append(Problem(where, f"{_shown(value)} is not one of {options}"))
        if "const" in node and not _same(value, node["const"]):
            found.append(Problem(where, f"{_shown(value)} is not {_shown(node['const'])}"))
        if isinstance(value, str):
            self._string(node, value, where, found)
        elif _is_number(value):
            self._number(node, value, where, found)
        elif isinstance(value, Mapping):
            self._object(node, value, path, found, depth)
        elif isinstance(value, list):
            self._array(node, value, path, found, depth)
        self._combined(node, value, path, found, depth)

    def _string(
        self, node: Mapping[str, Any], value: str, where: str, found: list[Problem]
    ) -> None:
        if "minLength" in node and len(value) < node["minLength"]:
            found.append(Problem(where, f"is shorter than {node['minLength']} characters"))
        if "maxLength" in node and len(value) > node["maxLength"]:
            found.append(Problem(where, f"is longer than {node['maxLength']} characters"))
        if "pattern" in node and re.search(node["pattern"], value) is None:
            found.append(Problem(where, f"{_shown(value)} does not match {node['pattern']!r}"))
        problem = _format_problem(node.get("format"), value)
        if problem is not None:
            found.append(Problem(where, problem))

    def _number(
        self, node: Mapping[str, Any], value: float, where: str, found: list[Problem]
    ) -> None:
        broken: dict[str, tuple[str, _Bound]] = {
            "minimum": ("less than the minimum of", lambda limit: value < limit),
            "maximum": ("more than the maximum of", lambda limit: value > limit),
            "exclusiveMinimum": ("not more than", lambda limit: value <= limit),
            "exclusiveMaximum": ("not less than", lambda limit: value >= limit),
        }
        for key, (words, breaks) in broken.items():
            if key in node and breaks(node[key]):
                found.append(Problem(where, f"{_shown(value)} is {words} {node[key]}"))
        if "multipleOf" in node:
            quotient = value / node["multipleOf"]
            whole = math.isfinite(quotient) and math.isclose(
                quotient, round(quotient), rel_tol=1e-9, abs_tol=1e-9
            )
            if not whole:
                step = node["multipleOf"]
                found.append(Problem(where, f"{_shown(value)} is not a multiple of {step}"))

    def _object(
        self,
        node: Mapping[str, Any],
        value: Mapping[str, Any],
        path: list[str],
        found: list[Problem],
        depth: int,
    ) -> None:
        where = ".".join(path)
        properties: Mapping[str, Any] = node.get("properties", {})
        for name in node.get("required", []):
            if name not in value:
                found.append(Problem(".".join([*path, name]), "is required"))
        for name, item in value.items():
            if name in properties:
                self._validate(properties[name], item, [*path, str(name)], found, depth)
            elif "additionalProperties" in node:
                extra = node["additionalProperties"]
                if extra is False:
                    found.append(Problem(".".join([*path, str(name)]), "is not a known field"))
                else:
                    self._validate(extra, item, [*path, str(name)], found, depth)
        if "minProperties" in node and len(value) < node["minProperties"]:
            found.append(Problem(where, f"has fewer than {node['minProperties']} fields"))
        if "maxProperties" in node and len(value) > node["maxProperties"]:
            found.append(Problem(where, f"has more than {node['maxProperties']} fields"))

    def _array(
        self,
        node: Mapping[str, Any],
        value: list[Any],
        path: list[str],
        found: list[Problem],
        depth: int,
    ) -> None:
        where = ".".join(path)
        prefix: list[Any] = node.get("prefixItems", [])
        for number, item in enumerate(value):
            if number < len(prefix):
                self._validate(prefix[number], item, [*path, str(number)], found, depth)
            elif "items" in node:
                self._validate(node["items"], item, [*path, str(number)], found, depth)
        if "minItems" in node and len(value) < node["minItems"]:
            found.append(Problem(where, f"has fewer than {node['minItems']} items"))
        if "maxItems" in node and len(value) > node["maxItems"]:
            found.append(Problem(where, f"has more than {node['maxItems']} items"))
        if node.get("uniqueItems"):
            for number, item in enumerate(value):
                if any(_same(item, earlier) for earlier in value[:number]):
                    at = ".".join([*path, str(number)])
                    found.append(Problem(at, "repeats an earlier item"))

    def _combined(
        self, node: Mapping[str, Any], value: Any, path: list[str], found: list[Problem], depth: int
    ) -> None:
        where = ".".join(path)
        for branch in node.get("allOf", []):
            self._validate(branch, value, path, found, depth + 1)
        if "anyOf" in node:
            results = [self._branch(b, value, path, depth) for b in node["anyOf"]]
            if all(results):
                found.extend(_closest(results, where, "matches none of the allowed shapes (anyOf)"))
        if "oneOf" in node:
            results = [self._branch(b, value, path, depth) for b in node["oneOf"]]
            passed = sum(1 for result in results if not result)
            if passed == 0:
                found.extend(_closest(results, where, "matches none of the allowed shapes (oneOf)"))
            elif passed > 1:
                found.append(Problem(where, f"fits {passed} of the oneOf shapes, not exactly one"))
        if "not" in node and not self._branch(node["not"], value, path, depth):
            found.append(Problem(where, "fits the shape it must not (not)"))

    def _branch(self, node: Any, value: Any, path: list[str], depth: int) -> list[Problem]:
        found: list[Problem] = []
        self._validate(node, value, path, found, depth + 1)
        return found


def _closest(results: list[list[Problem]], where: str, summary: str) -> list[Problem]:
    # The branch with the fewest problems is most likely the one meant: its
    # problems say more than "none matched" alone.
    best = min(results, key=len)
    return [Problem(where, summary), *best] if len(results) > 1 else best


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        # JSON has one number type: 3.0 is an integer as much as 3 is.
        return _is_integer(value) or (
            isinstance(value, float) and math.isfinite(value) and value.is_integer()
        )
    if name == "number":
        return _is_number(value)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "array":
        return isinstance(value, list)
    return isinstance(value, Mapping)


def _same(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) and (_is_number(a) == _is_number(b))


def _format_problem(format_name: Any, value: str) -> str | None:
    # The formats an answer's fields use most; any other format is an annotation.
    if format_name == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{_shown(value)} is not a date (YYYY-MM-DD)"
    elif format_name == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return f"{_shown(value)} is not a date and time (ISO 8601)"
    elif format_name == "email" and _EMAIL.match(value) is None:
        return f"{_shown(value)} is not an email address"
    return None


def _either(names: list[str]) -> str:
    words = [("an " if name[0] in "aeiou" else "a ") + name for name in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _shown(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
