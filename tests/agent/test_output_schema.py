"""Output schemas: one typed value from a model, a type or a JSON Schema; answers checked."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from pupi import InvalidOutputSchema
from pupi.agent.jsonschema import JsonSchema, Problem, SchemaError
from pupi.agent.schema import OutputInvalid, OutputSchema, json_schema_of
from pupi.agent.shapes import FieldShape, ListShape, ObjectShape, ValueShape, describe


class Product(BaseModel):
    name: str
    price: Decimal


class Employee(BaseModel):
    name: str
    start_date: date
    salary: int
    level: Literal["junior", "senior"] | None = None


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


class Opaque:
    """A plain class: pydantic has no way to validate it."""


PRODUCTS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "price": {"type": "number", "minimum": 0}},
        "required": ["name", "price"],
    },
}


def paths(problems: list[Problem]) -> list[str]:
    return [problem.path for problem in problems]


# -- normalising ------------------------------------------------------------


def test_a_list_of_models_becomes_its_json_schema_and_validates_into_instances() -> None:
    schema = OutputSchema.of(list[Product])

    data = schema.validate([{"name": "Wireless Mouse", "price": "24.00"}])

    assert data == [Product(name="Wireless Mouse", price=Decimal("24.00"))]
    assert isinstance(data[0].price, Decimal)
    assert schema.json_schema["type"] == "array"
    assert schema.python_type == list[Product]
    assert repr(schema) == "<OutputSchema list[Product]>"


def test_a_json_schema_validates_and_returns_the_json_value_itself() -> None:
    schema = OutputSchema.of(PRODUCTS)
    answer = [{"name": "Desk Lamp", "price": 39.99}]

    assert schema.validate(answer) == answer
    assert schema.python_type is None
    assert repr(schema) == "<OutputSchema answer (JSON Schema)>"


def test_the_json_schema_is_copied_so_later_changes_to_the_callers_dict_do_not_count() -> None:
    given: dict[str, Any] = {"type": "object", "properties": {"n": {"type": "integer"}}}
    schema = OutputSchema.of(given)
    given["properties"]["n"]["type"] = "string"

    assert schema.validate({"n": 3}) == {"n": 3}


def test_of_returns_an_output_schema_as_it_is() -> None:
    schema = OutputSchema.of(Product)
    assert OutputSchema.of(schema) is schema


def test_json_schema_of_gives_what_the_client_sends() -> None:
    sent = json_schema_of(list[Product])
    assert sent == OutputSchema.of(list[Product]).json_schema
    assert json.loads(json.dumps(sent)) == sent
    assert json_schema_of(PRODUCTS) == PRODUCTS


@pytest.mark.parametrize(
    ("value", "says"),
    [
        pytest.param(42, "not int", id="a number"),
        pytest.param("Product", "not str", id="a name, not a type"),
        pytest.param(None, "not NoneType", id="none"),
        pytest.param(Opaque, "pydantic cannot use", id="a type pydantic cannot validate"),
        pytest.param({"type": "text"}, "#/type: must be one of", id="an unknown type"),
        pytest.param(
            {"type": "object", "requried": ["a"]},
            "#: unknown or unsupported keyword 'requried'",
            id="a typo",
        ),
        pytest.param(
            {"if": {"type": "string"}, "then": {"minLength": 1}},
            "unsupported keyword 'if'",
            id="a rule not checked",
        ),
        pytest.param(
            {"$ref": "https://example.com/product.json"},
            "does not point into this schema",
            id="a remote reference",
        ),
        pytest.param({"a": {1, 2}}, "the JSON Schema is not JSON", id="not json"),
        pytest.param({"type": "string", "pattern": "("}, "#/pattern: is not a regular", id="regex"),
    ],
)
def test_a_schema_pupi_cannot_check_is_refused_naming_the_problem(value: Any, says: str) -> None:
    with pytest.raises(InvalidOutputSchema) as caught:
        OutputSchema.of(value)
    assert says in str(caught.value)
    assert caught.value.details == {"errors": caught.value.errors}
    assert isinstance(caught.value, ValueError)


def test_annotations_and_extensions_are_accepted() -> None:
    schema = OutputSchema.of(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Thing",
            "description": "What the page shows",
            "x-origin": "docs",
            "type": "string",
            "examples": ["a"],
        }
    )
    assert schema.validate("a") == "a"
    assert schema.name == "Thing"


# -- validating ---------------------------------------------------------------


def test_a_mismatch_names_every_problem_by_its_path() -> None:
    with pytest.raises(OutputInvalid) as caught:
        OutputSchema.of(list[Product]).validate([{"name": 1}, {"name": "x", "price": "abc"}])

    assert paths(caught.value.problems) == ["0.name", "0.price", "1.price"]
    assert {"path": "0.price", "message": "Field required"} in caught.value.details()
    assert "0.price: Field required" in str(caught.value)


def test_json_written_as_text_is_read_as_json() -> None:
    text = '[{"name": "Desk Lamp", "price": 39.99}]'
    assert OutputSchema.of(list[Product]).validate(text)[0].price == Decimal("39.99")
    assert OutputSchema.of(PRODUCTS).validate(text) == [{"name": "Desk Lamp", "price": 39.99}]


def test_text_that_is_no_json_is_not_taken_for_some() -> None:
    with pytest.raises(OutputInvalid):
        OutputSchema.of(list[Product]).validate("the products are...")
    assert OutputSchema.of(str).validate('"quoted"') == '"quoted"'


def test_dates_ints_and_literals_are_converted_by_the_model() -> None:
    data = OutputSchema.of(Employee).validate(
        {"name": "Ada", "start_date": "2015-03-02", "salary": "145000", "level": "senior"}
    )
    assert data == Employee(name="Ada", start_date=date(2015, 3, 2), salary=145000, level="senior")


# -- the JSON Schema checker ----------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value", "problem"),
    [
        pytest.param({"type": "integer"}, 3.0, None, id="3.0 is an integer"),
        pytest.param({"type": "integer"}, True, "true is not an integer", id="true is no int"),
        pytest.param({"type": "number"}, "1", '"1" is not a number', id="text is no number"),
        pytest.param({"type": ["string", "null"]}, None, None, id="a list of types"),
        pytest.param({"enum": [1, 2]}, True, "true is not one of 1, 2", id="enum and booleans"),
        pytest.param({"const": "a"}, "b", '"b" is not "a"', id="const"),
        pytest.param({"minLength": 2}, "a", "is shorter than 2", id="minLength"),
        pytest.param({"maxLength": 1}, "ab", "is longer than 1", id="maxLength"),
        pytest.param({"pattern": "^\\d+$"}, "12a", "does not match", id="pattern"),
        pytest.param({"format": "date"}, "March 2", "is not a date", id="date"),
        pytest.param({"format": "date-time"}, "2015-03-02T10:00:00Z", None, id="date-time"),
        pytest.param({"format": "email"}, "ada@", "is not an email", id="email"),
        pytest.param({"format": "uri"}, "anything", None, id="other formats annotate"),
        pytest.param({"minimum": 0}, -1, "less than the minimum", id="minimum"),
        pytest.param({"exclusiveMaximum": 5}, 5, "not less than 5", id="exclusiveMaximum"),
        pytest.param({"multipleOf": 0.5}, 1.25, "not a multiple of 0.5", id="multipleOf"),
        pytest.param({"minItems": 1}, [], "fewer than 1 items", id="minItems"),
        pytest.param({"uniqueItems": True}, [1, 1.0], "repeats an earlier item", id="unique"),
        pytest.param(
            {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
            ["a", 1, "b"],
            '"b" is not an integer',
            id="prefixItems then items",
        ),
        pytest.param(
            {"properties": {"a": {}}, "additionalProperties": False},
            {"b": 1},
            "is not a known field",
            id="closed object",
        ),
        pytest.param({"minProperties": 1}, {}, "fewer than 1 fields", id="minProperties"),
        pytest.param(
            {"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^\\d"}]},
            "x",
            "matches none of the allowed shapes (anyOf)",
            id="anyOf",
        ),
        pytest.param(
            {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            3,
            "fits 2 of the oneOf shapes",
            id="oneOf twice",
        ),
        pytest.param({"allOf": [{"minimum": 1}, {"maximum": 2}]}, 3, "more than the max", id="all"),
        pytest.param({"not": {"type": "null"}}, None, "fits the shape it must not", id="not"),
        pytest.param(False, 1, "no value is allowed here", id="false schema"),
    ],
)
def test_the_checker_knows_the_keywords_of_data(
    schema: Any, value: Any, problem: str | None
) -> None:
    found = JsonSchema(schema).problems(value)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p.message for p in found), found


def test_references_are_followed_and_a_loop_of_them_is_stopped() -> None:
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}},
            }
        },
        "$ref": "#/$defs/node",
    }
    assert JsonSchema(tree).problems({"kids": [{"kids": []}]}) == []
    assert paths(JsonSchema(tree).problems({"kids": [{"kids": 3}]})) == ["kids.0.kids"]

    loop = {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    (problem,) = JsonSchema(loop).problems(1)
    assert "nests too deeply" in problem.message


def test_a_broken_schema_lists_every_problem_at_once() -> None:
    with pytest.raises(SchemaError) as caught:
        JsonSchema({"type": "object", "properties": {"a": {"type": "str"}, "b": {"minimum": "0"}}})
    assert paths(caught.value.problems) == ["#/properties/a/type", "#/properties/b/minimum"]


# -- what providers and planners are given ----------------------------------------


def test_for_model_writes_references_out_and_keeps_fields_named_like_keywords() -> None:
    class Holder(BaseModel):
        definitions: list[Product]

    inlined = OutputSchema.of(Holder).for_model()

    assert "$ref" not in json.dumps(inlined) and "$defs" not in inlined
    assert inlined["properties"]["definitions"]["items"]["properties"]["price"]
    assert OutputSchema.of(Holder).name == "Holder"
    assert OutputSchema.of(list[Product]).name == "Product_list"


def test_the_shape_describes_lists_records_and_values_for_planners() -> None:
    shape = OutputSchema.of(list[Employee]).shape

    assert isinstance(shape, ListShape) and isinstance(shape.item, ObjectShape)
    fields = {field.name: field for field in shape.item.fields}
    assert fields["start_date"].names() == ["start date"]
    assert fields["start_date"].shape == ValueShape(frozenset({"string"}), "date")
    assert fields["salary"].required and not fields["level"].required
    level = fields["level"].shape
    assert isinstance(level, ValueShape) and level.nullable
    assert set(level.enum) == {"junior", "senior"}
    assert fields["name"].shape == ValueShape(frozenset({"string"}))


def test_a_fields_title_and_description_name_it_too() -> None:
    shape = describe(
        {
            "type": "object",
            "properties": {
                "unitPrice": {
                    "type": "number",
                    "title": "Cost",
                    "description": "What one item costs",
                }
            },
        }
    )
    assert isinstance(shape, ObjectShape)
    (field,) = shape.fields
    assert field == FieldShape(
        "unitPrice", ValueShape(frozenset({"number"})), False, "Cost", "What one item costs"
    )
    assert field.names() == ["unit price", "cost", "what one item costs"]


def test_an_optional_record_is_a_record_that_may_be_null() -> None:
    shape = OutputSchema.of(Closed | None).shape
    assert isinstance(shape, ObjectShape) and shape.nullable


def test_references_that_multiply_the_work_are_cut_off_not_followed_for_ever() -> None:
    # Each level is an anyOf of the next level twice: 2**40 paths to the leaf.
    levels = 40
    defs: dict[str, Any] = {
        f"l{i}": {"anyOf": [{"$ref": f"#/$defs/l{i + 1}"}, {"$ref": f"#/$defs/l{i + 1}"}]}
        for i in range(levels)
    }
    defs[f"l{levels}"] = {"type": "string"}
    schema = OutputSchema.of({"$defs": defs, "$ref": "#/$defs/l0"})

    with pytest.raises(OutputInvalid) as caught:
        schema.validate(1)
    assert any("too much work" in p.message for p in caught.value.problems)
    assert len(json.dumps(schema.for_model())) < 10_000_000
    assert isinstance(schema.shape, ValueShape)
