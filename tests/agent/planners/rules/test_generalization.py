"""General behaviours found with the held-out pages, on small hand-made observations."""

from __future__ import annotations

from pupi.agent.observe.model import Element, ItemList, Observation, Table
from pupi.agent.planners.base import HistoryEntry
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.answer import answer_question
from pupi.agent.planners.rules.layout import is_transposed, subject_nouns, text_pairs
from pupi.agent.planners.rules.yesno import covers, looked_for

URL = "http://example.test/page"


def _answer(observation: Observation, task: str) -> str | None:
    decision = decide(task, observation, [])
    assert decision.done, (decision.reason, decision.actions)
    return decision.answer


def _acted(observation: Observation, task: str) -> list[tuple[str, int | None, str | None]]:
    decision = decide(task, observation, [])
    assert not decision.failed, decision.reason
    return [(a.kind, a.element, a.text or a.value) for a in decision.actions]


# -- comparison tables: products across, features down ------------------------------

_COMPARE = Observation(
    url=URL,
    tables=[
        Table(
            selector="table",
            headers=["Feature", "Alpha", "Beta", "Gamma"],
            rows=[
                ["Price", "$1,199", "$1,499", "$849"],
                ["Weight", "1.2 kg", "1.6 kg", "1.4 kg"],
                ["Battery life", "14 h", "18 h", "10 h"],
            ],
        )
    ],
)


def test_a_table_with_features_down_and_products_across_is_read_per_product() -> None:
    assert is_transposed(_COMPARE.tables[0])
    assert _answer(_COMPARE, "How much does the Gamma cost?") == "$849"
    assert _answer(_COMPARE, "Which one is the cheapest?") == "Gamma"
    assert _answer(_COMPARE, "How many laptops are compared?") == "3"
    assert _answer(_COMPARE, "What is the battery life of the Beta?") == "18 h"


def test_an_ordinary_table_is_not_turned_round() -> None:
    people = Table(
        selector="table",
        headers=["Name", "Team", "Salary"],
        rows=[["Ada", "Research", "$120,000"], ["Alan", "Crypto", "$110,000"]],
    )
    assert not is_transposed(people)


# -- a label and its value as two text blocks --------------------------------------


def test_a_short_label_followed_by_a_number_is_a_field_of_the_page() -> None:
    texts = ["Northwind", "Everyday Checking 2231", "Available balance", "$4,218.50", "Job type"]
    assert text_pairs(texts) == {"Available balance": "$4,218.50"}
    observation = Observation(url=URL, texts=texts)
    assert _answer(observation, "What is my available balance?") == "$4,218.50"


# -- which words of a question name the field asked for -----------------------------

_JOBS = Observation(
    url=URL,
    lists=[
        ItemList(
            selector=".job",
            items=[
                {"title": "Backend Engineer", "company": "Lumen", "location": "Berlin"},
                {"title": "Product Designer", "company": "Orbit", "location": "Remote"},
            ],
        )
    ],
)


def test_the_noun_after_an_ordinal_or_a_name_is_the_subject_not_the_field() -> None:
    assert (
        subject_nouns("Which company posted the second job?") == "which company posted the second?"
    )
    assert "flight" not in subject_nouns("What time does the Air France flight depart?")
    assert "price" in subject_nouns("What is the Price of X?")
    assert _answer(_JOBS, "Which company posted the second job?") == "Orbit"


def test_where_asks_for_the_location() -> None:
    assert _answer(_JOBS, "Where is the Product Designer job located?") == "Remote"


def test_a_word_read_as_a_field_that_no_row_has_is_dropped() -> None:
    observation = Observation(
        url=URL,
        tables=[
            Table(
                selector="table",
                headers=["Date", "Description", "Category"],
                rows=[["Nov 21", "Blue Bottle", "Dining"], ["Nov 15", "Streamflix", "Fun"]],
            )
        ],
    )
    assert _answer(observation, "On what date did I pay Streamflix?") == "Nov 15"


# -- yes/no questions about what the page contains ---------------------------------


def test_containment_questions_look_for_the_object_anywhere_on_the_page() -> None:
    assert looked_for("Does the recipe contain garlic?") == ("the recipe", "garlic")
    assert covers("deleting my account", "How do I delete my account?")
    assert not covers("butter", "3 tbsp olive oil")
    observation = Observation(
        url=URL,
        headings=["Lemon pasta"],
        lists=[ItemList(selector="li", items=[{"text": "3 cloves garlic"}, {"text": "1 lemon"}])],
        elements=[
            Element(index=1, role="button", name="How do I delete my account?", selector="s")
        ],
    )
    assert _answer(observation, "Does the recipe contain garlic?") == "yes"
    assert _answer(observation, "Does this recipe use butter?") == "no"
    assert _answer(observation, "Is there a question about deleting my account?") == "yes"


# -- radio groups named by a legend, switches --------------------------------------

_SETTINGS = Observation(
    url=URL,
    elements=[
        Element(index=1, role="switch", name="Marketing emails", checked=True, selector="#m"),
        Element(
            index=2, role="radio", name="Daily", context="Frequency", checked=True, selector="#d"
        ),
        Element(index=3, role="radio", name="Weekly", context="Frequency", selector="#w"),
        Element(index=4, role="radio", name="Light", context="Theme", selector="#l"),
        Element(index=5, role="radio", name="Dark", context="Theme", selector="#k"),
        Element(index=6, role="radio", name="System", context="Theme", checked=True, selector="#s"),
    ],
)


def test_an_option_is_named_with_its_group() -> None:
    assert _acted(_SETTINGS, "choose the Dark theme") == [("check", 5, None)]
    assert _acted(_SETTINGS, "Under Frequency, pick Weekly") == [("check", 3, None)]


def test_which_option_of_a_group_is_selected() -> None:
    assert _answer(_SETTINGS, "Which theme is selected?") == "System"


def test_switches_are_turned_on_and_off() -> None:
    assert _acted(_SETTINGS, "switch off marketing emails") == [("uncheck", 1, None)]
    assert _acted(_SETTINGS, "turn marketing emails off") == [("uncheck", 1, None)]
    assert _acted(_SETTINGS, "switch on marketing emails") == []


def test_filtering_by_several_checkboxes_ticks_each() -> None:
    observation = Observation(
        url=URL,
        elements=[
            Element(index=1, role="checkbox", name="Contract", checked=False, selector="#c"),
            Element(index=2, role="checkbox", name="Remote", checked=False, selector="#r"),
        ],
    )
    assert _acted(observation, "Filter by Contract and Remote") == [
        ("check", 1, None),
        ("check", 2, None),
    ]


# -- a row's own button ------------------------------------------------------------

_FLIGHTS = Observation(
    url=URL,
    elements=[Element(index=i, role="button", name="Select", selector=f"#b{i}") for i in (1, 2, 3)],
    tables=[
        Table(
            selector="table",
            headers=["Airline", "Flight", "Price", ""],
            rows=[
                ["Iberia", "IB 1", "€129", "Select"],
                ["Vueling", "VY 2", "€74", "Select"],
                ["Air France", "AF 3", "€156", "Select"],
            ],
        )
    ],
)


def test_a_row_is_picked_by_ordinal_or_by_a_word_only_it_holds() -> None:
    assert _acted(_FLIGHTS, "Select the first flight") == [("click", 1, None)]
    assert _acted(_FLIGHTS, "Select the flight operated by Vueling") == [("click", 2, None)]
    assert _acted(_FLIGHTS, "Select the cheapest flight") == [("click", 2, None)]


# -- an answer behind a closed disclosure ------------------------------------------


def test_a_question_repeated_by_a_closed_disclosure_opens_it_then_reads_the_answer() -> None:
    closed = Element(
        index=1, role="button", name="How long does a refund take?", expanded=False, selector="#q"
    )
    observation = Observation(url=URL, elements=[closed], texts=["Contact us any time."])
    decision = decide("How long does a refund take?", observation, [])
    assert [(a.kind, a.element) for a in decision.actions] == [("click", 1)]
    opened = observation.model_copy(
        update={
            "elements": [closed.model_copy(update={"expanded": True})],
            "texts": ["Contact us any time.", "Refunds are processed within 5-7 business days."],
        }
    )
    history = [
        HistoryEntry(
            action=decision.actions[0],
            step={"action": "click", "selector": "#q"},
            ok=True,
            url_before=URL,
            url_after=URL,
        )
    ]
    after = decide("How long does a refund take?", opened, history)
    assert after.answer == "Refunds are processed within 5-7 business days."


# -- forms filled from prepositions, options named with a noun ---------------------

_SEARCH = Observation(
    url=URL,
    elements=[
        Element(
            index=1,
            role="textbox",
            name="Leaving from",
            placeholder="Leaving from",
            form=0,
            selector="#o",
        ),
        Element(
            index=2, role="textbox", name="Going to", placeholder="Going to", form=0, selector="#d"
        ),
        Element(index=3, role="textbox", name="Depart", type="date", form=0, selector="#t"),
        Element(
            index=4, role="spinbutton", name="Passengers", type="number", form=0, selector="#p"
        ),
        Element(
            index=5,
            role="combobox",
            name="Cabin",
            options=["Economy", "Business"],
            value="Economy",
            form=0,
            selector="#c",
        ),
        Element(index=6, role="button", name="Search", type="submit", form=0, selector="#s"),
    ],
)


def test_a_search_without_a_search_box_fills_the_form_from_prepositions() -> None:
    task = "search flights from Lisbon to Oslo on 2026-03-14 for 2 passengers"
    assert _acted(_SEARCH, task) == [
        ("type", 1, "Lisbon"),
        ("type", 2, "Oslo"),
        ("type", 3, "2026-03-14"),
        ("type", 4, "2"),
        ("click", 6, None),
    ]


def test_a_piece_no_field_takes_refuses_the_whole_search() -> None:
    task = "search flights from Lisbon with my dog"
    history: list[HistoryEntry] = []
    for _ in range(5):
        decision = decide(task, _SEARCH, history)
        if decision.failed:
            break
        # Nothing is typed, not even "Lisbon": it waits for the page, then gives up.
        assert [a.kind for a in decision.actions] == ["wait"]
        step = {"action": "wait", "ms": decision.actions[0].ms}
        history.append(
            HistoryEntry(
                action=decision.actions[0], step=step, ok=True, url_before=URL, url_after=URL
            )
        )
    assert decision.failed
    assert "search" in (decision.reason or "")


def test_an_option_named_then_described_is_chosen() -> None:
    assert _acted(_SEARCH, "Choose Business class") == [("select", 5, "Business")]


def test_answers_are_read_from_the_page_facts_when_rows_lack_them() -> None:
    observation = Observation(
        url=URL,
        tables=[Table(selector="dl", rows=[["APR", "Annual percentage rate"], ["Fee", "$5"]])],
        lists=[ItemList(selector="section", items=[{"title": "Glossary", "dt": "APR"}] * 3)],
    )
    assert answer_question("What does APR mean?", observation) == "Annual percentage rate"


# -- items with a button of their own ----------------------------------------------

_ROOMS = Observation(
    url=URL,
    elements=[
        Element(index=1, role="button", name="Reserve", context="Standard Double", selector="#a"),
        Element(index=2, role="button", name="Reserve", context="Family Suite", selector="#b"),
        Element(index=3, role="button", name="Confirm booking", type="submit", selector="#c"),
    ],
    lists=[
        ItemList(
            selector=".room",
            items=[
                {"title": "Standard Double", "beds": "1 queen bed", "rate": "$140 / night"},
                {"title": "Family Suite", "beds": "2 queen beds", "rate": "$265 / night"},
            ],
        )
    ],
)


def test_a_verb_that_is_an_items_button_presses_that_items_button() -> None:
    assert _acted(_ROOMS, "Reserve the Family Suite") == [("click", 2, None)]


def test_booking_the_cheapest_item_presses_its_button_not_the_forms() -> None:
    assert _acted(_ROOMS, "Book the cheapest room") == [("click", 1, None)]


def test_a_yes_no_question_about_one_item_reads_only_that_item() -> None:
    assert _answer(_ROOMS, "Does the Family Suite have a king bed?") == "no"
    assert _answer(_ROOMS, "Does the Family Suite have queen beds?") == "yes"


def test_how_much_asks_for_the_price() -> None:
    assert _answer(_ROOMS, "How much is the Family Suite per night?") == "$265"


def test_how_much_is_read_from_a_column_of_amounts_not_the_one_naming_the_row() -> None:
    cards = Observation(
        url=URL,
        tables=[
            Table(
                selector="#cards",
                headers=["Card", "Expires", "Balance"],
                rows=[["Everyday", "09/2027", "€24.50"], ["Travel", "03/2028", "€102.00"]],
                total_rows=2,
            )
        ],
    )
    assert _answer(cards, "How much is left on my travel card?") == "€102.00"
    assert _answer(cards, "When does my travel card expire?") == "03/2028"


def test_a_group_noun_in_the_question_is_not_part_of_the_groups_name() -> None:
    assert _answer(_SETTINGS, "Which theme option is selected?") == "System"


def test_a_form_named_field_first_then_unnamed_pairs_and_a_number_before_its_field() -> None:
    observation = Observation(
        url=URL,
        elements=[
            Element(
                index=1,
                role="textbox",
                name="Full name",
                placeholder="Full name",
                form=0,
                selector="#n",
            ),
            Element(
                index=2,
                role="spinbutton",
                name="Nights",
                label="Nights",
                type="number",
                form=0,
                selector="#k",
            ),
        ],
    )
    task = "Fill in Full name with Grace Hopper, 3 nights"
    assert _acted(observation, task) == [("type", 1, "Grace Hopper"), ("type", 2, "3")]
