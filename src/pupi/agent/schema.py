"""Output schemas: what shape a structured answer must take, in one typed value.

``output_schema=`` takes a pydantic model (``Product``), any type pydantic
knows (``list[Product]``, ``Decimal``), or a JSON Schema dict.
:meth:`OutputSchema.of` turns each into an :class:`OutputSchema`: its JSON
Schema (what LLM planners send their provider, what the server stores), a
:data:`~pupi.agent.shapes.Shape` for planners that fill it from the page, and
:meth:`OutputSchema.validate`, which checks an answer and returns it as data:
instances of the model for a Python type, the JSON value for a JSON Schema.

>>> class Product(BaseModel):
...     name: str
...     price: Decimal
>>> schema = OutputSchema.of(list[Product])
>>> schema.validate([{"name": "Wireless Mouse", "price": "24.00"}])
[Product(name='Wireless Mouse', price=Decimal('24.00'))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from pydantic import PydanticUserError, TypeAdapter, ValidationError

from pupi.agent.jsonschema import JsonSchema, Problem, SchemaError
from pupi.agent.shapes import Shape, describe
from pupi.errors import InvalidOutputSchema

__all__ = ["OutputInvalid", "OutputSchema", "OutputSchemaLike", "Problem", "json_schema_of"]

OutputSchemaLike: TypeAlias = "type[Any] | Mapping[str, Any] | Any"
"""A pydantic model, a type such as ``list[Product]``, or a JSON Schema dict."""

_MODULES = re.compile(r"[A-Za-z_]\w*\.")
"""Module prefixes in a type's repr (``shop.models.Product``), left out of ours."""
_INLINE_DEPTH = 12
"""How deep references are inlined for a provider; a self-referring model stops there."""
_INLINE_NODES = 20_000
"""Nodes written out in all, however the references multiply them."""


class OutputInvalid(ValueError):
    """An answer does not match its output schema; ``problems`` says where and how.

    Internal to the agent: a run whose answer does not match fails with the
    error type ``output_invalid`` and these problems, rather than raising.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(problem) for problem in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"the answer does not match the output schema: {shown}{more}")

    def details(self) -> list[dict[str, str]]:
        """The problems as JSON: ``[{"path": "0.price", "message": "..."}]``."""
        return [{"path": problem.path, "message": problem.message} for problem in self.problems]


class OutputSchema:
    """An output schema, whatever it was given as: build one with :meth:`of`.

    ``json_schema`` is its JSON Schema; ``python_type`` the type it was made
    from (None for a JSON Schema); ``shape`` what it asks for, for planners.
    """

    __slots__ = ("_adapter", "_checker", "json_schema", "python_type", "shape")

    def __init__(
        self,
        json_schema: dict[str, Any],
        *,
        python_type: Any = None,
        adapter: TypeAdapter[Any] | None = None,
        checker: JsonSchema | None = None,
    ) -> None:
        self.json_schema = json_schema
        self.python_type = python_type
        self._adapter = adapter
        self._checker = checker
        self.shape: Shape = describe(json_schema)

    @classmethod
    def of(cls, value: OutputSchemaLike) -> OutputSchema:
        """The output schema ``value`` stands for; :class:`~pupi.InvalidOutputSchema` if none.

        A mapping is read as a JSON Schema (and refused, naming the place, when
        it uses a keyword Pupi does not check); anything else must be a type
        pydantic can validate. An ``OutputSchema`` is returned as it is.
        """
        if isinstance(value, OutputSchema):
            return value
        if isinstance(value, Mapping):
            return cls._from_json(value)
        if value is None or isinstance(value, str | bytes | int | float | list | tuple):
            # A string would be read as a forward reference in the caller's namespace.
            raise InvalidOutputSchema(
                [
                    "expected a pydantic model, a type such as list[Product], or a JSON "
                    f"Schema dict, not {type(value).__name__}"
                ]
            )
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(value)
            schema = adapter.json_schema()
        except (PydanticUserError, TypeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InvalidOutputSchema([f"pydantic cannot use {value!r}: {first}"]) from exc
        return cls(schema, python_type=value, adapter=adapter)

    @classmethod
    def _from_json(cls, value: Mapping[str, Any]) -> OutputSchema:
        try:
            # A copy of plain JSON: the caller's dict may change later, or hold no JSON at all.
            schema = json.loads(json.dumps(value))
        except (TypeError, ValueError) as exc:
            raise InvalidOutputSchema([f"the JSON Schema is not JSON: {exc}"]) from exc
        try:
            checker = JsonSchema(schema)
        except SchemaError as exc:
            raise InvalidOutputSchema([str(problem) for problem in exc.problems]) from exc
        return cls(schema, checker=checker)

    def __repr__(self) -> str:
        if self.python_type is None:
            return f"<OutputSchema {self.name} (JSON Schema)>"
        written = repr(self.python_type)
        if "[" not in written:  # a class: its name, not "<class 'shop.Product'>"
            written = getattr(self.python_type, "__name__", written)
        return f"<OutputSchema {_MODULES.sub('', written)}>"

    # -- checking answers ---------------------------------------------------

    def validate(self, value: Any) -> Any:
        """``value`` as data of this schema; :class:`OutputInvalid` when it does not match.

        For a Python type the value is converted by pydantic (``"24.00"`` to
        ``Decimal``, dicts to model instances); for a JSON Schema it is checked
        and returned as it is. Text holding JSON (as some models write their
        answer) is read as JSON when it does not match as text.
        """
        try:
            return self._validate(value)
        except OutputInvalid:
            parsed = _read_json(value)
            if parsed is _NOT_JSON:
                raise
        return self._validate(parsed)

    def _validate(self, value: Any) -> Any:
        if self._adapter is not None:
            try:
                return self._adapter.validate_python(value)
            except ValidationError as exc:
                raise OutputInvalid(
                    [
                        Problem(".".join(str(part) for part in error["loc"]), error["msg"])
                        for error in exc.errors(include_url=False)
                    ]
                ) from exc
        assert self._checker is not None  # one of the two, says of()
        problems = self._checker.problems(value)
        if problems:
            raise OutputInvalid(problems)
        return value

    # -- what providers are sent -------------------------------------------

    @property
    def name(self) -> str:
        """A name for the schema as providers want one (letters, digits, ``_``, ``-``)."""
        title = self.json_schema.get("title")
        if not isinstance(title, str) and self.json_schema.get("type") == "array":
            items = self.json_schema.get("items")
            if isinstance(items, Mapping) and "$ref" in items:
                title = f"{str(items['$ref']).rsplit('/', 1)[-1]}_list"
            elif isinstance(items, Mapping) and isinstance(items.get("title"), str):
                title = f"{items['title']}_list"
        cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", title if isinstance(title, str) else "")
        return cleaned.strip("_")[:64] or "answer"

    def for_model(self) -> dict[str, Any]:
        """The JSON Schema with every ``$ref`` written out, as providers read best.

        Several OpenAI-compatible servers cannot resolve references; a model
        that refers to itself is written out to a depth, then left open.
        """
        inlined = _Inliner(self.json_schema).inline(self.json_schema, 0)
        return inlined if isinstance(inlined, dict) else {}


def json_schema_of(value: OutputSchemaLike) -> dict[str, Any]:
    """The JSON Schema of an output schema given in any form (what the client sends)."""
    return OutputSchema.of(value).json_schema


_NOT_JSON = object()


def _read_json(value: Any) -> Any:
    """The JSON that text holds (not a mere string), or ``_NOT_JSON``."""
    if not isinstance(value, str):
        return _NOT_JSON
    try:
        parsed = json.loads(value)
    except ValueError:
        return _NOT_JSON
    return _NOT_JSON if isinstance(parsed, str) else parsed


class _Inliner:
    """Writes references out, within a budget of nodes: references can repeat a part
    many times over, and a schema from an API client must not grow without bound."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.left = _INLINE_NODES

    def inline(self, node: Any, depth: int) -> Any:
        self.left -= 1
        if self.left < 0:
            return {}
        if isinstance(node, list):
            return [self.inline(item, depth) for item in node]
        if not isinstance(node, Mapping):
            return node
        if isinstance(node.get("$ref"), str):
            if depth >= _INLINE_DEPTH:
                return {}
            target = _pointer(self.root, node["$ref"])
            rest = {k: v for k, v in node.items() if k != "$ref"}
            merged = {**target, **rest} if isinstance(target, Mapping) else rest
            return self.inline(merged, depth + 1)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$defs", "definitions"):
                continue  # written out where they are used
            if key == "properties" and isinstance(value, Mapping):
                # Property names are names, not keywords: a field may be called "$defs".
                out[key] = {name: self.inline(sub, depth) for name, sub in value.items()}
            else:
                out[key] = self.inline(value, depth)
        return out


def _pointer(root: Mapping[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref.removeprefix("#").strip("/").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node
