"""LLM planners with an output schema: the provider is sent it, and the answer must match it.

Against the local protocol stubs (real HTTP on loopback): the request carries the
schema where each provider's structured output reads it (the ``decide`` tool's
``answer`` parameter; OpenAI's ``response_format``), and a reply is checked
against it, a mismatch answered once with what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from pupi.agent.observe.model import Observation
from pupi.agent.planners.anthropic import AnthropicPlanner
from pupi.agent.planners.llm_common import HTTPPlanner
from pupi.agent.planners.openai import OpenAIPlanner
from pupi.agent.planners.strict import strict_variant
from pupi.agent.schema import OutputSchema
from pupi.errors import AgentError

from .stubs import AnthropicStub, OpenAIStub

TASK = "List the products with their name and price"
MUG = [{"name": "Blue mug", "price": "12.00"}]


class Product(BaseModel):
    name: str
    price: Decimal


PRODUCTS = OutputSchema.of(list[Product])

Make = Callable[..., HTTPPlanner]


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    """Build planners of either kind against a stub; all closed after the test."""
    planners: list[HTTPPlanner] = []

    def build(kind: type[HTTPPlanner], base_url: str, **options: Any) -> HTTPPlanner:
        planner = kind(base_url=base_url, model="stub", api_key="sk-test", **options)
        planners.append(planner)
        return planner

    yield build
    for planner in planners:
        await planner.aclose()


def answer_schema(parameters: dict[str, Any]) -> dict[str, Any]:
    """The output schema inside a decision schema's ``answer`` (it may also be null)."""
    answer = parameters["properties"]["answer"]
    shaped, null = answer["anyOf"]
    assert null == {"type": "null"}
    result: dict[str, Any] = shaped
    return result


async def test_openai_tools_carry_the_schema_as_the_answers_parameter(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url)
    openai_stub.reply_tool_call({"done": True, "answer": MUG})

    decision = await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    (request,) = openai_stub.requests
    (tool,) = request.body["tools"]
    parameters = tool["function"]["parameters"]
    assert answer_schema(parameters) == PRODUCTS.for_model()
    item = answer_schema(parameters)["items"]
    assert item["required"] == ["name", "price"]
    assert "data" not in parameters["properties"]
    assert "$ref" not in json.dumps(parameters)
    user = request.body["messages"][-1]["content"]
    assert "ANSWER SCHEMA" in user and '"price"' in user  # for servers that ignore tools
    assert PRODUCTS.validate(decision.answer) == [Product(name="Blue mug", price=Decimal("12"))]


async def test_without_a_schema_the_request_is_as_before(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url)
    openai_stub.reply_tool_call({"done": True, "answer": "$12.00"})

    await planner.decide(TASK, shop_page, [])

    parameters = openai_stub.requests[0].body["tools"][0]["function"]["parameters"]
    assert "anyOf" not in parameters["properties"]["answer"]
    assert "ANSWER SCHEMA" not in openai_stub.requests[0].body["messages"][-1]["content"]


async def test_an_answer_that_does_not_match_is_sent_back_once_with_its_problems(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url, retry_backoff=0.01)
    openai_stub.reply_tool_call({"done": True, "answer": [{"name": "Blue mug"}]}, call_id="bad")
    openai_stub.reply_tool_call({"done": True, "answer": MUG})

    decision = await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    assert decision.answer == MUG
    *_, tool_answer = openai_stub.requests[1].body["messages"]
    assert tool_answer["tool_call_id"] == "bad"
    assert "0.price: Field required" in tool_answer["content"]


async def test_a_second_mismatch_is_an_agent_error_naming_it(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url)
    for _ in range(2):
        openai_stub.reply_tool_call({"done": True, "answer": "a mug for twelve dollars"})

    with pytest.raises(AgentError, match=r"invalid decision twice.*does not match the output"):
        await planner.decide(TASK, shop_page, [], output=PRODUCTS)


async def test_a_model_writing_a_data_field_is_corrected(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url)
    openai_stub.reply_tool_call({"done": True, "answer": None, "data": MUG})
    openai_stub.reply_tool_call({"done": True, "answer": MUG})

    decision = await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    assert decision.data is None and decision.answer == MUG
    assert "data: unknown field" in openai_stub.requests[1].body["messages"][-1]["content"]


async def test_openai_json_schema_output_asks_for_a_strict_response_format(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url, output="json_schema")
    openai_stub.reply_content(json.dumps({"done": True, "answer": MUG}))

    decision = await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    format_ = openai_stub.requests[0].body["response_format"]
    assert format_["type"] == "json_schema"
    spec = format_["json_schema"]
    assert (spec["name"], spec["strict"]) == ("decision", True)
    schema = spec["schema"]
    assert schema == strict_variant(schema)  # already in strict mode's form
    assert set(schema["required"]) == set(schema["properties"])
    item = answer_schema(schema)["items"]
    assert item["additionalProperties"] is False
    assert item["required"] == ["name", "price"]
    assert PRODUCTS.validate(decision.answer)[0].name == "Blue mug"


async def test_a_schema_strict_mode_cannot_take_goes_without_strict(
    make: Make, openai_stub: OpenAIStub, shop_page: Observation
) -> None:
    planner = make(OpenAIPlanner, openai_stub.base_url, output="json_schema")
    prices = OutputSchema.of({"type": "object", "additionalProperties": {"type": "number"}})
    openai_stub.reply_content(json.dumps({"done": True, "answer": {"Blue mug": 12}}))

    await planner.decide(TASK, shop_page, [], output=prices)

    spec = openai_stub.requests[0].body["response_format"]["json_schema"]
    assert spec["strict"] is False
    assert answer_schema(spec["schema"]) == prices.for_model()


def test_the_strict_variant_requires_every_field_and_keeps_null_defaults_nullable() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            "count": {"type": "integer", "default": 0},
            "tag": {"type": "string", "default": None},
        },
        "required": ["name"],
    }
    strict = strict_variant(schema)

    assert strict is not None
    assert strict["required"] == ["name", "note", "count", "tag"]
    assert strict["additionalProperties"] is False
    assert strict["properties"]["count"] == {"type": "integer"}
    assert strict["properties"]["tag"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert strict["properties"]["note"]["anyOf"][1] == {"type": "null"}
    assert strict_variant({"type": "object", "properties": {"any": {}}}) is None
    assert strict_variant({"oneOf": [{"type": "string"}]}) is None


async def test_anthropic_carries_the_schema_in_the_tools_input_schema(
    make: Make, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    planner = make(AnthropicPlanner, anthropic_stub.url)
    anthropic_stub.reply_tool_use({"done": True, "answer": [{"name": "Blue mug", "price": 12}]})

    decision = await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    (tool,) = anthropic_stub.requests[0].body["tools"]
    assert answer_schema(tool["input_schema"]) == PRODUCTS.for_model()
    assert PRODUCTS.validate(decision.answer) == [Product(name="Blue mug", price=Decimal("12"))]


async def test_anthropic_retries_a_mismatch_with_a_tool_result_error(
    make: Make, anthropic_stub: AnthropicStub, shop_page: Observation
) -> None:
    planner = make(AnthropicPlanner, anthropic_stub.url, retry_backoff=0.01)
    anthropic_stub.reply_tool_use({"done": True, "answer": [{"price": "12"}]}, tool_id="toolu_bad")
    anthropic_stub.reply_tool_use({"done": True, "answer": MUG})

    await planner.decide(TASK, shop_page, [], output=PRODUCTS)

    correction = anthropic_stub.requests[1].body["messages"][-1]["content"][0]
    assert correction["tool_use_id"] == "toolu_bad" and correction["is_error"] is True
    assert "0.name: Field required" in correction["content"]
