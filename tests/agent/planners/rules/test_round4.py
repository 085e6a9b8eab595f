"""General behaviours found with the fourth round of held-out pages, on hand-made observations."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, ItemList, Observation, Table
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.act import Context, actions_for
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.parse import parse_task
from pupi.agent.planners.rules.question import comparisons

URL = "http://example.test/page"

SCHEDULE = Observation(
    url=URL,
    title="Classes",
    tables=[
        Table(
            selector="table",
            headers=["Course", "Title", "Teacher", "Seats"],
            rows=[
                ["ART 1", "Drawing", "Ms. Ito", "2"],
                ["ART 2", "Painting", "Dr. Bell", "9"],
                ["MUS 1", "Choir", "Dr. Bell", "14"],
                ["MUS 2", "Piano", "Mr. Roy", "4"],
            ],
            total_rows=4,
        )
    ],
)


def _answer(observation: Observation, task: str) -> str | None:
    decision = decide(task, observation, [])
    assert decision.done, (decision.reason, decision.actions)
    return decision.answer


def test_bounds_are_rewritten_into_one_form() -> None:
    assert comparisons("homes with 3 or more beds") == "homes with no less than 3 beds"
    assert comparisons("5 or fewer seats") == "no more than 5 seats"
    assert comparisons("between $300 and $500") == "no less than $300 and no more than $500"


def test_which_rows_fall_between_two_bounds_answers_their_names() -> None:
    answer = _answer(SCHEDULE, "Which courses have between 3 and 10 seats?")
    assert answer == '["ART 2", "MUS 2"]'


def test_fewer_than_applies_to_the_field_named_after_the_number() -> None:
    assert _answer(SCHEDULE, "Which courses have fewer than 5 seats?") == '["ART 1", "MUS 2"]'


def test_who_reads_the_column_that_names_a_person() -> None:
    assert _answer(SCHEDULE, "Who teaches Piano?") == "Mr. Roy"


def test_a_title_before_a_name_does_not_end_the_sentence() -> None:
    (intent,) = parse_task("How many courses does Dr. Bell teach?")
    assert intent.kind == "ask"
    assert _answer(SCHEDULE, "How many courses does Dr. Bell teach?") == "2"


def test_a_json_format_note_with_please_is_not_a_clause() -> None:
    (intent,) = parse_task("What sizes are there? JSON list please")
    assert intent.kind == "ask"


def test_how_many_reads_a_number_field_named_by_the_question() -> None:
    observation = Observation(
        url=URL,
        title="Prefs",
        elements=[
            Element(
                index=1,
                role="spinbutton",
                type="number",
                name="Reminders per week",
                label="Reminders per week",
                value="3",
                selector="#n",
            )
        ],
    )
    assert _answer(observation, "How many reminders per week will I get?") == "3"


def test_options_asked_with_can_i_choose_are_listed() -> None:
    observation = Observation(
        url=URL,
        title="Prefs",
        elements=[
            Element(
                index=1,
                role="listbox",
                tag="select",
                name="Colours",
                label="Colours",
                options=["Red", "Blue"],
                selector="#c",
            )
        ],
    )
    assert _answer(observation, "What colours can I choose from?") == '["Red", "Blue"]'


def test_an_object_the_page_never_mentions_is_refused_not_guessed() -> None:
    observation = Observation(
        url=URL,
        title="Shop",
        elements=[
            Element(index=1, role="textbox", name="Name", label="Name", selector="#n", form=0),
            Element(index=2, role="button", name="Send", type="submit", selector="#s", form=0),
        ],
    )
    (intent,) = parse_task("Pay my parking fine")
    with pytest.raises(GroundingError, match="parking fine"):
        actions_for(intent, Context(observation, None), "why")


def test_a_verb_and_object_the_page_lacks_do_not_press_the_items_one_button() -> None:
    observation = Observation(
        url=URL,
        title="Homes",
        items=[
            ItemList(
                selector="article",
                items=[{"title": "1 Elm Road", "text": "1 Elm Road"}, {"title": "2 Oak Way"}],
                total=2,
            )
        ],
        elements=[
            Element(index=1, role="button", name="Call", context="1 Elm Road", selector="a"),
            Element(index=2, role="button", name="Call", context="2 Oak Way", selector="b"),
        ],
    )
    (intent,) = parse_task("Arrange a tour of 1 Elm Road")
    with pytest.raises(GroundingError):
        actions_for(intent, Context(observation, None), "why")


def test_when_on_a_timetable_without_dates_reads_its_days_and_times() -> None:
    timetable = Observation(
        url=URL,
        title="Timetable",
        tables=[
            Table(
                selector="table",
                headers=["Class", "Days", "Time"],
                rows=[["Yoga", "Tue", "18:00"], ["Spin", "Fri", "07:00"]],
                total_rows=2,
            )
        ],
    )
    assert _answer(timetable, "When does Spin meet?") == '{"Days": "Fri", "Time": "07:00"}'
