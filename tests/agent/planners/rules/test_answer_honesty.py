"""Answers the page does not give are refused, never stood in for by its heading or a count."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import ItemList, Observation, Table
from pupi.agent.planners.rules.answer import answer_question
from pupi.agent.planners.rules.ground import GroundingError, pick_record
from pupi.agent.planners.rules.intents import Target


def _product() -> Observation:
    return Observation(
        url="http://x.test/p",
        title="Nimbus 13",
        headings=["Nimbus 13"],
        texts=["A light laptop for travel."],
        tables=[Table(selector="#spec", rows=[["Screen", "13.3 in"], ["Colour", "Silver"]])],
    )


def test_a_question_about_what_the_page_never_says_is_refused() -> None:
    page = _product()
    assert answer_question("What is this product?", page) == "Nimbus 13"
    assert answer_question("What is the screen size?", page) == "13.3 in"
    for question in ("How heavy is the laptop?", "What is the battery life?"):
        with pytest.raises(GroundingError, match="does not say"):
            answer_question(question, page)


def test_a_possessive_asks_for_one_field() -> None:
    page = Observation(
        url="http://x.test/c",
        headings=["Customer"],
        tables=[
            Table(
                selector="#c",
                rows=[["Name", "Ana Lind"], ["Postcode", "1200"], ["Account manager", "Bo Sand"]],
            )
        ],
    )
    assert answer_question("What is the customer's postcode?", page) == "1200"
    assert answer_question("What is the account manager's name?", page) == "Bo Sand"


def test_a_quantity_the_page_does_not_show_is_not_answered_by_counting_items() -> None:
    posts = ItemList(
        selector="#feed > article",
        items=[{"author": name, "text": f"{name} wrote a post"} for name in ("Ana", "Bo", "Cy")],
    )
    page = Observation(url="http://x.test/f", headings=["Feed"], lists=[posts])
    assert answer_question("How many posts are there?", page) == "3"
    with pytest.raises(GroundingError, match="no comments"):
        answer_question("How many comments does Ana's post have?", page)


def test_a_superlative_no_item_states_is_refused_and_a_stated_number_is_read() -> None:
    questions = ItemList(
        selector="#quiz > div",
        items=[
            {"title": f"Question {n}", "text": f"Question {n} ({points} points)"}
            for n, points in ((1, 2), (2, 5), (3, 1))
        ],
    )
    page = Observation(url="http://x.test/q", headings=["Quiz"], lists=[questions])
    assert answer_question("How many points is the second question worth?", page) == "5"
    with pytest.raises(GroundingError):
        answer_question("Which question has the most likes?", page)


def test_a_count_is_of_the_list_the_question_names() -> None:
    def tasks(label: str, names: list[str]) -> ItemList:
        items = [{"title": n, "text": n} for n in names]
        return ItemList(selector=f"#{label.replace(' ', '')} > li", label=label, items=items)

    page = Observation(
        url="http://x.test/t",
        headings=["Tasks"],
        lists=[tasks("To do", ["a", "b", "c", "d", "e"]), tasks("Done", ["f", "g"])],
    )
    assert answer_question("How many items are listed under Done?", page) == "2"
    assert answer_question("How many tasks are in the To do list?", page) == "5"


def test_a_quantity_question_is_not_answered_with_a_name() -> None:
    accounts = Table(
        selector="#accounts",
        headers=["Account", "Number"],
        rows=[["Current", "NL01"], ["Savings", "NL02"]],
    )
    observation = Observation(url="http://x.test/", headings=["Accounts"], tables=[accounts])
    with pytest.raises(GroundingError, match="no answer to 'How much is in my savings"):
        answer_question("How much is in my savings account?", observation)


def test_a_superlative_is_taken_among_the_rows_that_hold_the_words() -> None:
    flights = ItemList(
        selector="#r li",
        items=[
            {"title": "KL 1 KLM nonstop", "price": "€90", "text": "KL 1 KLM nonstop €90"},
            {"title": "TP 2 TAP nonstop", "price": "€140", "text": "TP 2 TAP nonstop €140"},
            {"title": "TP 3 TAP 1 stop", "price": "€120", "text": "TP 3 TAP 1 stop €120"},
        ],
        total=3,
    )
    observation = Observation(url="http://x.test/", lists=[flights])
    picked = pick_record(observation, Target(text="nonstop TAP flight", superlative="cheapest"))
    assert picked is not None and picked[0].title() == "TP 2 TAP nonstop"


def test_a_paged_list_is_counted_by_the_total_it_states() -> None:
    people = Table(
        selector="#people",
        headers=["Name", "Office"],
        rows=[["Ada", "Leeds"], ["Bram", "Utrecht"]],
    )
    observation = Observation(
        url="http://x.test/", texts=["Showing 1-2 of 22 people"], tables=[people]
    )
    assert answer_question("How many people are in the directory?", observation) == "22"


def test_a_quantity_is_read_from_its_key_and_a_plural_names_its_list() -> None:
    facts = Table(selector="#n", rows=[["Calories", "310 kcal"], ["Protein", "18 g"]])
    observation = Observation(url="http://x.test/", tables=[facts])
    assert answer_question("How many calories are in one serving?", observation) == "310 kcal"
    sweets = ItemList(
        selector="#d li",
        label="Desserts",
        items=[
            {"title": "Tiramisu", "price": "€6.50", "text": "Tiramisu €6.50"},
            {"title": "Affogato", "price": "€5.00", "text": "Affogato €5.00"},
        ],
        total=2,
    )
    drinks = ItemList(
        selector="#k li",
        label="Drinks",
        items=[
            {"title": "Water", "price": "€3.00", "text": "Water €3.00"},
            {"title": "Espresso", "price": "€2.50", "text": "Espresso €2.50"},
        ],
        total=2,
    )
    menu = Observation(url="http://x.test/", lists=[drinks, sweets])
    assert answer_question("What's the cheapest dessert?", menu) == "Affogato"


def test_what_is_shown_is_counted_as_shown() -> None:
    results = Table(selector="#r", headers=["Title"], rows=[["A"], ["B"]])
    observation = Observation(
        url="http://x.test/", texts=["Showing 1-2 of 12 results"], tables=[results]
    )
    assert answer_question("How many results are shown?", observation) == "2"
    assert answer_question("How many results are there?", observation) == "12"
