"""Reading prompts into clauses and intents, and values into field formats."""

from __future__ import annotations

from typing import get_args

import pytest

from pupi.agent.planners.rules import act
from pupi.agent.planners.rules.intents import IntentKind
from pupi.agent.planners.rules.parse import parse_task
from pupi.agent.planners.rules.values import format_for_field, parse_date, parse_time


@pytest.mark.parametrize(
    ("task", "kinds"),
    [
        pytest.param(
            "type 'hello, world' into the search box and press Enter",
            ["type", "press"],
            id="quoted-comma",
        ),
        pytest.param("tick Email, SMS and Post", ["check"], id="list-is-one-clause"),
        pytest.param(
            "go to http://x/login, log in as ada / lovelace, then click Shop",
            ["go", "login", "click"],
            id="then",
        ),
        pytest.param(
            "Open the first product. Tell me its price.", ["click", "ask"], id="sentences"
        ),
        pytest.param(
            "Find the cheapest product and tell me its price", ["ask"], id="merged-question"
        ),
        pytest.param("What is X? It is on http://x/table", ["go", "ask"], id="trailing-location"),
        pytest.param(
            "On http://x/todos mark Buy milk as done", ["go", "check"], id="leading-location"
        ),
        pytest.param("go back and reload", ["back", "reload"], id="history"),
        pytest.param("wait 2 seconds", ["wait"], id="wait"),
        pytest.param("search for laptops", ["search"], id="search"),
        pytest.param("register with name Ada, email a@b.c", ["fill"], id="register"),
    ],
)
def test_prompts_split_into_clauses(task: str, kinds: list[str]) -> None:
    assert [intent.kind for intent in parse_task(task)] == kinds


def test_pairs_keep_their_field_names() -> None:
    (intent,) = parse_task("enter ada as the username and lovelace as the password")
    assert intent.pairs == (("username", "ada"), ("password", "lovelace"))


def test_targets_carry_role_ordinal_and_context() -> None:
    (intent,) = parse_task("click the second Add to cart button for the Desk Lamp")
    assert intent.target is not None
    assert (
        intent.target.text,
        intent.target.role,
        intent.target.ordinal,
        intent.target.context,
    ) == (
        "Add to cart",
        "button",
        2,
        "Desk Lamp",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("March 5, 2025", "2025-03-05", id="month-day"),
        pytest.param("5th of March 2025", "2025-03-05", id="day-month"),
        pytest.param("2025-03-05", "2025-03-05", id="iso"),
        pytest.param("03/05/2025", "2025-03-05", id="us-slashes"),
        pytest.param("25/12/2025", "2025-12-25", id="day-over-12"),
    ],
)
def test_dates_are_read_in_common_forms(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.isoformat() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3pm", (15, 0), id="pm"),
        pytest.param("3:30 PM", (15, 30), id="colon-pm"),
        pytest.param("12 a.m.", (0, 0), id="midnight"),
        pytest.param("15:45", (15, 45), id="24h"),
        pytest.param("noon", (12, 0), id="noon"),
    ],
)
def test_times_are_read_in_common_forms(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("value", "input_type", "placeholder", "expected"),
    [
        pytest.param("June 1, 2025", "date", None, "2025-06-01", id="date-input"),
        pytest.param("June 1, 2025", "text", "DD/MM/YYYY", "01/06/2025", id="placeholder"),
        pytest.param("7:05 pm", "time", None, "19:05", id="time-input"),
        pytest.param("June 1, 2025 9am", "datetime-local", None, "2025-06-01T09:00", id="datetime"),
        pytest.param("hello", "text", None, "hello", id="plain"),
    ],
)
def test_values_take_the_fields_format(
    value: str, input_type: str, placeholder: str | None, expected: str
) -> None:
    assert format_for_field(value, input_type, placeholder) == expected


@pytest.mark.parametrize(
    ("task", "field", "value"),
    [
        ("Set the brightness to 35 with the slider", "brightness", "35"),
        ("turn the speaker volume down to 2", "speaker volume", "2"),
        ("move the zoom slider to 150", "zoom", "150"),
    ],
)
def test_setting_a_control_to_a_value_leaves_the_widget_word_out(
    task: str, field: str, value: str
) -> None:
    (intent,) = parse_task(task)
    assert intent.kind == "set"
    assert intent.field is not None and intent.field.text == field
    assert intent.value == value


def test_answering_a_question_of_a_form_picks_the_option_in_that_question() -> None:
    (intent, _) = parse_task("Answer no to question 2 and submit")
    assert intent.kind == "choose"
    assert intent.target is not None
    assert (intent.target.text, intent.target.context) == ("no", "question 2")


@pytest.mark.parametrize(
    ("task", "pairs"),
    [
        (
            "Enter the username 'ada' and the password 'x9' into the text fields",
            (("username", "ada"), ("password", "x9")),
        ),
        (
            "Give the ticket the title 'Printer jam' and the tags 'office, urgent'",
            (("title", "Printer jam"), ("tags", "office, urgent")),
        ),
    ],
)
def test_several_quoted_values_each_go_to_the_field_named_before_them(
    task: str, pairs: tuple[tuple[str, str], ...]
) -> None:
    (intent,) = parse_task(task)
    assert (intent.kind, intent.pairs) == ("fill", pairs)


def test_a_question_about_another_page_of_results_goes_there_first() -> None:
    go, ask = parse_task("What is the price of the first result on page 3?")
    assert go.kind == "click" and go.target is not None and go.target.text == "page 3"
    assert ask.kind == "ask" and ask.value == "What is the price of the first result?"


def test_forwarding_a_message_is_not_the_browsers_forward() -> None:
    kinds = [i.kind for i in parse_task("Open the email from Li and forward it to a@b.test")]
    assert "forward" not in kinds
    assert [i.kind for i in parse_task("go forward")] == ["forward"]


@pytest.mark.parametrize(
    ("task", "kinds"),
    [
        ("Tick Show online status and save.", ["check", "submit"]),
        ("Choose Monthly for Frequency and continue.", ["select", "submit"]),
        ("Set the Zoom slider to 175 and apply.", ["set", "submit"]),
        ("Get rid of the Atlas project", ["remove"]),
    ],
)
def test_a_closing_verb_after_and_is_its_own_clause(task: str, kinds: list[str]) -> None:
    assert [i.kind for i in parse_task(task)] == kinds


def test_first_and_last_name_are_field_names_not_ordinals() -> None:
    (intent, _) = parse_task("Type Jensen into the Last name field and submit")
    assert intent.field is not None
    assert (intent.field.text, intent.field.ordinal) == ("Last name", None)


def test_every_kind_of_action_intent_has_a_handler() -> None:
    # "ask" is answered from the page, never grounded as an action.
    assert set(act._HANDLERS) == set(get_args(IntentKind)) - {"ask"}


@pytest.mark.parametrize(
    ("task", "kinds"),
    [
        pytest.param(
            "Get rid of the Atlas project (confirm the dialog).", ["remove", "submit"], id="aside"
        ),
        pytest.param(
            "Start to remove the project Nimbus but press Keep it in the dialog.",
            ["remove", "click"],
            id="but",
        ),
        pytest.param("Sign in. Username: chloe, password: Emerald-22.", ["login"], id="login-next"),
        pytest.param(
            "Complete the form: Last name: Kovacs; Phone: 555-8445. Then send it.",
            ["fill", "fill", "submit"],
            id="semicolons",
        ),
    ],
)
def test_asides_buts_and_split_forms_are_clauses(task: str, kinds: list[str]) -> None:
    assert [intent.kind for intent in parse_task(task)] == kinds


def test_credentials_given_apart_from_the_verb_are_the_logins() -> None:
    for task in (
        "Sign in. Username: chloe, password: Emerald-22.",
        "Use the credentials chloe / Emerald-22 to log in.",
        "Use username chloe and password Emerald-22 to sign in",
    ):
        (intent,) = parse_task(task)
        assert intent.kind == "login"
        assert [value for _, value in intent.pairs] == ["chloe", "Emerald-22"], task
    *_, phone, _ = parse_task("Complete the form: City: Krakow; Phone: 555-8445. Then send it.")
    assert phone.pairs == (("Phone", "555-8445"),)


@pytest.mark.parametrize(
    ("task", "text", "region"),
    [
        ("Open Events from the navigation.", "Events", "nav"),
        ("Click the Privacy link in the site footer", "Privacy", "footer"),
        ("Press Keep it in the dialog", "Keep it", "dialog"),
        ('Hit "Reset" on the toolbar.', "Reset", None),
    ],
)
def test_a_landmark_is_where_the_target_is_not_its_name(
    task: str, text: str, region: str | None
) -> None:
    (intent,) = parse_task(task)
    assert intent.target is not None
    assert (intent.target.text, intent.target.region, intent.target.scope) == (text, region, None)


def test_a_place_said_first_goes_with_the_action() -> None:
    (typed,) = parse_task("In the search box, type shoes")
    assert typed.kind == "type" and typed.value == "shoes"
    assert typed.field is not None and typed.field.text == "search"
    (click,) = parse_task("In the Warranty section, click Read more.")
    assert click.target is not None
    assert (click.target.text, click.target.context) == ("Read more", "Warranty section")
    (archive,) = parse_task('In the inbox, archive the mail sent by Jonas (subject "Outage").')
    assert archive.target is not None and archive.target.scope is not None
    assert archive.target.scope.words == ("Jonas", "Outage")


@pytest.mark.parametrize(
    ("task", "clicks"),
    [
        ("Choose Edit > Find and replace", ["Edit", "Find and replace"]),
        (
            "Switch between the tabs to find the Quick start guide and click it",
            ["Quick start guide"],
        ),
        ("Find the Quick start guide and click it", ["Quick start guide"]),
        (
            "Open the recent file budget.xlsx from the File menu",
            ["File", "recent file budget.xlsx"],
        ),
    ],
)
def test_menu_paths_and_searches_are_the_clicks_they_lead_to(task: str, clicks: list[str]) -> None:
    intents = parse_task(task)
    assert [i.target.text for i in intents if i.target is not None] == clicks
    assert all(i.kind in ("click", "choose") for i in intents)


def test_a_field_named_by_its_noun_takes_the_literal_after_it() -> None:
    (intent,) = parse_task("Fill in the email ola@example.test")
    assert (intent.kind, intent.pairs) == ("fill", (("email", "ola@example.test"),))
    (word,) = parse_task("type the 5th word in the paragraph")
    assert word.kind == "type" and word.value == "the 5th word"


def test_politeness_is_no_clause_and_no_part_of_a_name() -> None:
    kinds = [intent.kind for intent in parse_task("Archive it for now, please, and go back.")]
    assert "wait" not in kinds and len(kinds) == 2
    (click,) = parse_task("Please click Save, thanks")
    assert click.target is not None and click.target.text == "Save"
    (button,) = parse_task("Click Thank you")
    assert button.target is not None and button.target.text == "Thank you"


@pytest.mark.parametrize(
    ("task", "ms", "value"),
    [
        ("pause for a moment", 1000, None),
        ("sleep 3s", 3000, None),
        ("wait until Saved appears", None, "Saved"),
    ],
)
def test_a_wait_is_a_duration_or_what_to_wait_for(task: str, ms: int | None, value: str) -> None:
    (intent,) = parse_task(task)
    assert (intent.kind, intent.ms, intent.value) == ("wait", ms, value)


def test_pause_with_an_object_is_not_a_wait() -> None:
    assert [intent.kind for intent in parse_task("Pause the playlist")] != ["wait"]
