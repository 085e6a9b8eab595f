"""The offline planner fills output schemas from recorded demo pages: lists, tables, records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from pupi.agent.observe.model import Element, ItemList, Observation
from pupi.agent.planners.base import Action, HistoryEntry
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.progress import Mark
from pupi.agent.planners.rules.structured import fill_output
from pupi.agent.planners.rules.typed import MISSING, typed_value
from pupi.agent.schema import OutputSchema
from pupi.agent.shapes import ValueShape

from .conftest import page


class Product(BaseModel):
    name: str
    price: Decimal


class Listing(BaseModel):
    """Field names that are not the page's: matched by synonyms, titles and descriptions."""

    title: str = Field(description="The product's name")
    cost: float
    stars: float
    link: str
    category: Literal["Electronics", "Home", "Outdoors", "Books"]


class Employee(BaseModel):
    name: str
    department: str
    start_date: date
    salary: int
    email: str


class Detail(BaseModel):
    name: str
    price: Decimal
    category: str
    weight: str
    colour: str
    warranty: str | None = None


def fill(schema: Any, question: str | None, name: str) -> Any:
    output = OutputSchema.of(schema)
    return output.validate(fill_output(output, question, page(name)))


def test_the_products_list_fills_a_list_of_models_with_decimal_prices() -> None:
    products = fill(list[Product], "list the products with their name and price", "shop")

    assert len(products) == 12
    assert products[0] == Product(name="Wireless Mouse", price=Decimal("24.00"))
    assert products[3] == Product(name="Ceramic Coffee Mug", price=Decimal("12.50"))
    assert str(products[4].price) == "39.99"  # the page's digits, not a float's


def test_fields_named_otherwise_are_matched_by_synonym_description_and_link_words() -> None:
    (first, *_) = fill(list[Listing], None, "shop")

    assert first.title == "Wireless Mouse"
    assert first.cost == 24.0
    assert first.stars == 4.5  # from "★ 4.5 (312 reviews)"
    assert first.link.endswith("/shop/product/1")
    assert first.category == "Electronics"


def test_a_bound_in_the_question_narrows_the_list() -> None:
    cheap = fill(list[Product], "list the products under $20", "shop")
    assert [p.name for p in cheap] == ["Ceramic Coffee Mug", "Insulated Water Bottle"]


def test_a_tables_rows_fill_dates_and_whole_numbers() -> None:
    employees = fill(list[Employee], "extract the employees", "table")

    assert len(employees) == 15
    assert employees[0] == Employee(
        name="Ada Lovelace",
        department="Engineering",
        start_date=date(2015, 3, 2),
        salary=145000,
        email="ada.lovelace@example.com",
    )


def test_a_json_schema_gets_json_numbers() -> None:
    schema = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"Name": {"type": "string"}, "Salary": {"type": "number"}},
            "required": ["Name", "Salary"],
        },
    }
    rows = fill(schema, None, "table")
    assert rows[1] == {"Name": "Alan Turing", "Salary": 138000}


def test_one_record_is_the_row_the_question_picks() -> None:
    assert fill(Product, "get the cheapest product", "shop") == Product(
        name="Ceramic Coffee Mug", price=Decimal("12.50")
    )
    assert fill(Product, "get the second product", "shop").name == "Mechanical Keyboard"


def test_one_record_on_a_detail_page_is_the_page_itself() -> None:
    assert fill(Detail, None, "shop_product_1") == Detail(
        name="Wireless Mouse",
        price=Decimal("24.00"),
        category="Electronics",
        weight="85 g",
        colour="Graphite",
        warranty=None,  # not on the page, and allowed to be missing
    )


def test_one_record_from_a_list_without_a_choice_is_refused_not_guessed() -> None:
    with pytest.raises(GroundingError, match="lists 12 items; say which one"):
        fill_output(OutputSchema.of(Product), "get the product", page("shop"))


def test_a_page_sized_record_takes_its_lists_from_the_page_and_the_rest_from_the_page() -> None:
    class ShopPage(BaseModel):
        title: str
        products: list[Product]

    shop = fill(ShopPage, None, "shop")
    assert shop.title == "Shop"
    assert len(shop.products) == 12
    assert shop.products[1] == Product(name="Mechanical Keyboard", price=Decimal("89.00"))


def test_a_list_of_values_inside_a_record_is_its_text_split() -> None:
    class Tagged(BaseModel):
        name: str
        tags: list[str]

    cards = Observation(
        url="http://127.0.0.1/items",
        lists=[
            ItemList(
                selector="li",
                items=[
                    {"title": "Scarf", "tags": "wool, red and warm"},
                    {"title": "Hat", "tags": "cotton"},
                ],
            )
        ],
    )
    output = OutputSchema.of(list[Tagged])
    assert output.validate(fill_output(output, None, cards)) == [
        Tagged(name="Scarf", tags=["wool", "red", "warm"]),
        Tagged(name="Hat", tags=["cotton"]),
    ]


def test_a_list_of_values_holds_the_field_the_question_asks_for() -> None:
    prices = fill(list[Decimal], "list the prices", "shop")
    assert prices[:3] == [Decimal("24.00"), Decimal("89.00"), Decimal("199.00")]
    names = fill(list[str], "list the products", "shop")
    assert names[-1] == "Clean Python"


def test_a_single_value_is_the_questions_answer_converted() -> None:
    assert fill(int, "how many products are there", "shop") == 12
    assert fill(Decimal, "what is the price of the cheapest product", "shop") == Decimal("12.50")


def test_a_page_without_what_the_schema_asks_for_is_a_grounding_error() -> None:
    with pytest.raises(GroundingError, match="no list or table on the page has name, price"):
        fill_output(OutputSchema.of(list[Product]), None, page("login"))


def test_a_field_the_page_lacks_is_left_out_for_validation_to_name() -> None:
    class WithSku(BaseModel):
        name: str
        sku: str

    output = OutputSchema.of(list[WithSku])
    filled = fill_output(output, None, page("shop"))
    assert filled[0] == {"name": "Wireless Mouse"}


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        pytest.param("$1,299.00", {"number", "string"}, "1299.00", id="a decimal keeps digits"),
        pytest.param("$1,299.50", {"number"}, 1299.5, id="a float"),
        pytest.param("145,000", {"number"}, 145000, id="a whole number"),
        pytest.param("★ 4.5 (312 reviews)", {"integer"}, MISSING, id="no whole number"),
        pytest.param("312 reviews", {"integer"}, 312, id="an int"),
        pytest.param("\u221212", {"integer"}, -12, id="a unicode minus"),
        pytest.param("In stock", {"boolean"}, True, id="in stock"),
        pytest.param("Not available", {"boolean"}, False, id="not available"),
        pytest.param("Out of stock", {"boolean", "null"}, False, id="out of stock"),
        pytest.param("maybe", {"boolean"}, MISSING, id="no flag"),
        pytest.param("no price", {"number"}, MISSING, id="no number"),
        pytest.param("Engineering", {"string"}, "Engineering", id="text"),
        pytest.param("$24.00", {"string"}, "$24.00", id="text stays as written"),
        pytest.param("anything", set(), "anything", id="any type"),
    ],
)
def test_page_text_converts_to_the_fields_type(text: str, types: set[str], expected: Any) -> None:
    assert typed_value(text, ValueShape(frozenset(types))) == expected


def test_dates_emails_and_enums_convert_by_format_and_members() -> None:
    assert typed_value("Mar 2, 2015", ValueShape(frozenset({"string"}), "date")) == "2015-03-02"
    assert typed_value("soon", ValueShape(frozenset({"string"}), "date")) is MISSING
    email = ValueShape(frozenset({"string"}), "email")
    assert typed_value("Write to ada@example.com", email) == "ada@example.com"
    colours = ValueShape(frozenset({"string"}), None, ("Graphite", "Silver"))
    assert typed_value("graphite", colours) == "Graphite"
    assert typed_value("Gold", colours) == "Gold"  # not a member: validation says so


# -- in the planner ---------------------------------------------------------------


def test_the_planner_answers_text_as_before_and_data_in_the_schemas_shape() -> None:
    task = "list the products with their name and price"
    plain = decide(task, page("shop"), [])
    shaped = decide(task, page("shop"), [], output=OutputSchema.of(list[Product]))

    assert shaped.done and shaped.answer == plain.answer  # the text answer is unchanged
    assert shaped.data[0] == {"name": "Wireless Mouse", "price": "24.00"}
    assert plain.data is None


def test_without_a_question_the_page_where_the_run_ends_fills_the_schema() -> None:
    detail = page("shop_product_1")
    decision = decide(f"Go to {detail.url}", detail, _went_to(detail.url))

    assert decision.done and decision.answer is None
    assert decision.data is None
    shaped = decide(f"Go to {detail.url}", detail, _went_to(detail.url), output=_detail())
    assert shaped.data["name"] == "Wireless Mouse"
    assert shaped.data["price"] == "24.00"


def test_the_filled_answer_is_carried_through_later_actions_in_the_history() -> None:
    shop = page("shop")
    task = "tell me the price of the cheapest product, then click the first View details link"
    output = OutputSchema.of(Product)

    first = decide(task, shop, [], output=output)
    (click,) = first.actions
    assert click.kind == "click"
    entry = HistoryEntry(
        action=click,
        step={"action": "click", "selector": "a"},
        ok=True,
        url_before=shop.url,
        url_after=page("shop_product_1").url,
    )
    last = decide(task, page("shop_product_1"), [entry], output=output)

    assert last.done
    assert last.answer == "$12.50"
    assert output.validate(last.data) == Product(name="Ceramic Coffee Mug", price=Decimal("12.50"))


def test_a_schema_the_page_cannot_fill_waits_for_the_page_then_gives_up() -> None:
    login = page("login")
    output = OutputSchema.of(list[Product])
    history: list[HistoryEntry] = []
    for _ in range(2):
        decision = decide("list the products", login, history, output=output)
        (wait,) = decision.actions
        assert wait.kind == "wait"
        history.append(_done(wait, login.url))
    decision = decide("list the products", login, history, output=output)
    assert decision.failed
    assert "no list or table on the page has name, price" in (decision.reason or "")


def test_an_empty_page_gives_no_record() -> None:
    blank = Observation(url="about:blank", elements=[Element(index=1, role="link", selector="a")])
    with pytest.raises(GroundingError, match="shows none of name, price"):
        fill_output(OutputSchema.of(Product), None, blank)


def _detail() -> OutputSchema:
    class Item(BaseModel):
        name: str
        price: Decimal

    return OutputSchema.of(Item)


def _went_to(url: str) -> list[HistoryEntry]:
    go = Action(kind="go", url=url, why=f"Go to {url}", memo=Mark(clause=0).model_dump())
    return [_done(go, url)]


def _done(action: Action, url: str) -> HistoryEntry:
    return HistoryEntry(
        action=action, step={"action": action.kind}, ok=True, url_before=url, url_after=url
    )
