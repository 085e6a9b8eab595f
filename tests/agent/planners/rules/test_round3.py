"""General behaviours found with the third round of held-out pages, on hand-made observations."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, ItemList, Observation, Table
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.act import Context, actions_for
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.parse import parse_task

URL = "http://example.test/page"


def _answer(observation: Observation, task: str) -> str | None:
    decision = decide(task, observation, [])
    assert decision.done, (decision.reason, decision.actions)
    return decision.answer


def _acted(observation: Observation, task: str) -> list[tuple[str, int | None]]:
    decision = decide(task, observation, [])
    assert not decision.failed, decision.reason
    return [(a.kind, a.element) for a in decision.actions]


# -- parsing ------------------------------------------------------------------------


def test_polite_wishes_and_a_trailing_please_are_not_part_of_the_target() -> None:
    (intent,) = parse_task("I'd like store pickup please")
    assert intent.target is not None and intent.target.text == "store pickup"


def test_search_names_the_place_searched_before_for() -> None:
    (intent,) = parse_task("Search the catalogue for octavia butler")
    assert (intent.kind, intent.value) == ("search", "octavia butler")


def test_next_page_presses_the_pager() -> None:
    for task in ("next page", "Go to the next page", "previous page"):
        (intent,) = parse_task(task)
        assert intent.kind == "click" and intent.target is not None
        assert intent.target.text in ("next", "previous")


def test_bare_field_value_pairs_fill_a_form() -> None:
    fill, submit = parse_task("subject: Printer offline, priority urgent, submit")
    assert fill.kind == "fill" and submit.kind == "submit"
    assert fill.pairs == (("subject", "Printer offline"), ("priority", "urgent"))


def test_make_something_with_pairs_fills_them() -> None:
    (fill,) = parse_task(
        "Create a ticket with subject 'Cannot log in', priority High and category Billing"
    )
    assert fill.pairs == (
        ("subject", "Cannot log in"),
        ("priority", "High"),
        ("category", "Billing"),
    )
    assert fill.submit


def test_a_code_is_typed_into_the_field_named_for_it() -> None:
    intents = parse_task("Apply the discount code WINTER15")
    assert intents[0].kind == "fill"
    assert intents[0].pairs == (("discount code", "WINTER15"),)


# -- items with their own buttons ---------------------------------------------------

_EVENTS = Observation(
    url=URL,
    lists=[
        ItemList(
            selector="li.event",
            items=[
                {"title": "Jazz Night", "date": "Sat, Dec 12", "time": "20:00", "where": "Hall"},
                {"title": "Meetup", "date": "Thu, Dec 3", "time": "18:30", "where": "Room 4"},
                {"title": "Fun Run", "date": "Fri, Jan 1", "time": "10:00", "where": "Harbour"},
            ],
        )
    ],
    elements=[
        Element(index=1, role="button", name="RSVP", context="Jazz Night", selector="a"),
        Element(index=2, role="button", name="RSVP", context="Meetup", selector="b"),
        Element(index=3, role="button", name="RSVP", context="Fun Run", selector="c"),
    ],
)


def test_a_verb_that_is_each_items_button_presses_the_named_items_one() -> None:
    assert _acted(_EVENTS, "RSVP to the Meetup") == [("click", 2)]
    assert _acted(_EVENTS, "rsvp for the last event") == [("click", 3)]


def test_when_and_what_time_read_the_items_date_and_time() -> None:
    assert _answer(_EVENTS, "When is the Meetup?") == "Thu, Dec 3"
    assert _answer(_EVENTS, "What time does the second event start?") == "18:30"
    assert _answer(_EVENTS, "Is there an event at Harbour?") == "yes"


_BOOKS = Observation(
    url=URL,
    tables=[
        Table(
            selector="table",
            headers=["Title", "Author", "Year", "Format", "Availability", ""],
            rows=[
                ["Dune", "Frank Herbert", "1965", "Book", "Available", "Place hold"],
                ["Kindred", "Octavia Butler", "1979", "eBook", "On loan", "Place hold"],
                ["Foundation", "Isaac Asimov", "1951", "Audiobook", "Available", "Place hold"],
            ],
        )
    ],
    elements=[
        Element(index=i, role="button", name="Place hold", context=title, selector=f"#h{i}")
        for i, title in ((1, "Dune"), (2, "Kindred"), (3, "Foundation"))
    ],
)


def test_a_row_is_asked_about_a_state_its_cells_hold() -> None:
    assert _answer(_BOOKS, "Is Kindred available?") == "no"
    assert _answer(_BOOKS, "Is Dune available?") == "yes"


def test_the_noun_after_which_names_the_rows_and_a_year_is_a_date() -> None:
    assert _answer(_BOOKS, "Which book is the oldest?") == "Foundation"


def test_a_button_on_a_named_row_is_that_rows_button() -> None:
    assert _acted(_BOOKS, "Place a hold on Kindred") == [("click", 2)]


# -- forms --------------------------------------------------------------------------

_CHECKOUT = Observation(
    url=URL,
    elements=[
        Element(
            index=1,
            role="radio",
            name="Standard 3-5 days $4.99",
            context="Delivery method",
            checked=True,
            selector="#s",
        ),
        Element(
            index=2,
            role="radio",
            name="Express 1-2 days $12.00",
            context="Delivery method",
            selector="#e",
        ),
        Element(index=3, role="button", name="Apply", type="submit", selector="#a"),
        Element(
            index=4,
            role="combobox",
            name="Priority",
            value="Normal",
            options=["Low", "Normal", "High"],
            selector="#p",
        ),
    ],
)


def test_an_option_card_is_named_by_its_first_words_and_its_group() -> None:
    assert _acted(_CHECKOUT, "Choose Express delivery") == [("check", 2)]


def test_paying_with_something_the_page_does_not_offer_is_refused() -> None:
    (intent,) = parse_task("Pay with PayPal")
    with pytest.raises(GroundingError, match="PayPal"):
        actions_for(intent, Context(_CHECKOUT, None), "why")


def test_the_default_of_a_drop_down_is_its_selected_option() -> None:
    assert _answer(_CHECKOUT, "What's the default priority?") == "Normal"


def test_a_polite_request_ending_in_a_question_mark_is_an_action() -> None:
    intents = parse_task("Could you untick SMS and submit the form with name Ada and email a@b.c?")
    assert [i.kind for i in intents] == ["uncheck", "fill"]
    assert parse_task("Could you tell me the price?")[0].kind == "ask"


def test_the_choices_of_a_named_group_are_listed() -> None:
    observation = Observation(
        url=URL,
        elements=[
            Element(index=1, role="radio", name="Billing", context="Category", selector="#b"),
            Element(index=2, role="radio", name="Other", context="Category", selector="#o"),
            Element(
                index=3, role="combobox", name="Priority", options=["Low", "High"], selector="#p"
            ),
        ],
    )
    task = "What are the category options? Answer as a JSON list"
    assert _answer(observation, task) == '["Billing", "Other"]'
    assert _answer(observation, "What are the priority choices?") == '["Low", "High"]'


def test_an_option_card_is_answered_by_its_own_name() -> None:
    assert _answer(_CHECKOUT, "Which delivery method is selected?") == "Standard"


def test_a_search_in_a_named_option_also_picks_that_option() -> None:
    observation = Observation(
        url=URL,
        elements=[
            Element(index=1, role="searchbox", name="Search", type="search", selector="#q"),
            Element(
                index=2,
                role="combobox",
                name="Format",
                options=["Any format", "Book", "eBook"],
                selector="#f",
            ),
            Element(index=3, role="button", name="Search", type="submit", selector="#go"),
        ],
    )
    assert _acted(observation, "Search for Le Guin in eBook format") == [
        ("select", 2),
        ("type", 1),
        ("click", 3),
    ]


def test_yearless_dates_are_ranked_by_their_machine_date() -> None:
    observation = Observation(
        url=URL,
        lists=[
            ItemList(
                selector="li",
                items=[
                    {"title": "Party", "date": "Thu, Dec 3", "datetime": "2026-12-03"},
                    {"title": "Run", "date": "Fri, Jan 1", "datetime": "2027-01-01"},
                ],
            )
        ],
    )
    assert _answer(observation, "Which event is the earliest?") == "Party"
    assert _answer(observation, "Which is the latest event?") == "Run"


def test_the_terms_of_a_definition_list_can_be_listed() -> None:
    observation = Observation(
        url=URL,
        tables=[Table(selector="#glossary > dl", rows=[["APR", "Annual rate"], ["Fee", "$5"]])],
    )
    assert _answer(observation, "List the glossary terms") == '["APR", "Fee"]'
