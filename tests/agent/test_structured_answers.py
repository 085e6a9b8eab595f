"""Structured answers end to end: real Chromium on the demo site, the answer validated into data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from tests.agent.planners.stubs import OpenAIStub

from pupi import InvalidOutputSchema, PromptFailed, PupiPuppeteerSDK
from pupi.agent import run_agent
from pupi.agent.observe import Observation
from pupi.agent.planners.base import Decision, HistoryEntry, Usage
from pupi.agent.planners.openai import OpenAIPlanner
from pupi.browser.instances import get_manager

pytestmark = pytest.mark.browser


class Product(BaseModel):
    name: str
    price: Decimal


class WithSku(BaseModel):
    name: str
    sku: str


async def test_the_demo_shops_products_come_back_as_validated_models_offline(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    result = await sdk.run_prompt_locally(
        "list the products with their name and price",
        start_url=f"{demo_url}/shop",
        output_schema=list[Product],
    )

    products = result.raise_for_status().data
    assert len(products) == 12
    assert all(isinstance(product, Product) for product in products)
    assert products[0] == Product(name="Wireless Mouse", price=Decimal("24.00"))
    assert products[-1] == Product(name="Clean Python", price=Decimal("41.00"))
    assert isinstance(result.answer, str) and '"price": "$24.00"' in result.answer  # as before
    assert result.steps == [{"action": "go", "url": f"{demo_url}/shop"}]


async def test_a_json_schema_gives_the_json_value_of_a_detail_page(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "price": {"type": "number"},
            "category": {"type": "string", "enum": ["Electronics", "Home"]},
        },
        "required": ["name", "price", "category"],
    }

    result = await sdk.run_prompt_locally(f"Open {demo_url}/shop/product/4", output_schema=schema)

    assert result.raise_for_status().data == {
        "name": "Ceramic Coffee Mug",
        "price": 12.5,
        "category": "Home",
    }
    assert result.answer is None  # the prompt asked nothing: there is no text answer


async def test_an_answer_that_does_not_match_fails_the_run_with_every_problem(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    result = await sdk.run_prompt_locally(
        "list the products", start_url=f"{demo_url}/shop", output_schema=list[WithSku]
    )

    assert result.status == "failed"
    assert result.data is None
    assert result.error is not None
    assert result.error["type"] == "output_invalid"
    assert result.error["errors"][0] == {"path": "0.sku", "message": "Field required"}
    assert len(result.error["errors"]) == 12
    assert "Wireless Mouse" in result.answer  # kept, to see what came instead
    with pytest.raises(PromptFailed, match="output_invalid"):
        result.raise_for_status()


async def test_a_schema_that_cannot_be_used_is_refused_before_a_browser_opens(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    before = len(get_manager().list())
    with pytest.raises(InvalidOutputSchema, match="'minimun'"):
        await sdk.run_prompt_locally(
            f"Open {demo_url}/shop", output_schema={"type": "number", "minimun": 0}
        )
    assert len(get_manager().list()) == before


class _AnswersText:
    """A planner written before output schemas: its decide takes no ``output``."""

    name = "text"

    def __init__(self, answer: str) -> None:
        self.usage = Usage()
        self.answer = answer

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        return Decision(done=True, answer=self.answer)


async def test_a_planner_that_takes_no_output_still_has_its_answer_validated(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    instance = await get_manager().open(headless=True)
    try:
        good = await run_agent(
            instance,
            "price?",
            planner=_AnswersText('{"name": "Desk Lamp", "price": "39.99"}'),
            start_url=f"{demo_url}/shop",
            output_schema=Product,
        )
        bad = await run_agent(
            instance,
            "price?",
            planner=_AnswersText("about forty dollars"),
            output_schema=Product,
        )
    finally:
        await get_manager().close(instance.id)

    assert good.data == Product(name="Desk Lamp", price=Decimal("39.99"))
    assert bad.status == "failed"
    assert bad.error is not None and bad.error["type"] == "output_invalid"


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    with OpenAIStub() as stub:
        yield stub


async def test_an_llm_planners_reply_is_validated_into_data(
    openai_stub: OpenAIStub, demo_url: str
) -> None:
    answer: list[dict[str, Any]] = [
        {"name": "Wireless Mouse", "price": "24.00"},
        {"name": "Mechanical Keyboard", "price": 89},
    ]
    openai_stub.reply_tool_call({"done": True, "answer": answer})
    instance = await get_manager().open(headless=True)
    planner = OpenAIPlanner(base_url=openai_stub.base_url, model="stub")
    try:
        result = await run_agent(
            instance,
            "list the products with their name and price",
            planner=planner,
            start_url=f"{demo_url}/shop",
            output_schema=list[Product],
        )
    finally:
        await planner.aclose()
        await get_manager().close(instance.id)

    assert result.raise_for_status().data == [
        Product(name="Wireless Mouse", price=Decimal("24.00")),
        Product(name="Mechanical Keyboard", price=Decimal("89")),
    ]
    assert result.answer == answer
    (request,) = openai_stub.requests
    parameters = request.body["tools"][0]["function"]["parameters"]
    assert parameters["properties"]["answer"]["anyOf"][0]["items"]["required"] == [
        "name",
        "price",
    ]
    assert "Wireless Mouse" in request.body["messages"][-1]["content"]  # it saw the page
