"""General behaviour on small hand-made pages, not the demo site's recordings."""

from __future__ import annotations

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.parse import parse_task
from pupi.agent.planners.rules.values import fits_field


def _field(index: int, name: str, **more: object) -> Element:
    return Element(
        index=index,
        role=str(more.pop("role", "textbox")),
        name=name,
        label=name,
        selector=f"#f{index}",
        form=0,
        **more,  # type: ignore[arg-type]
    )


def _typed(observation: Observation, task: str) -> list[tuple[str, str | None]]:
    decision = decide(task, observation, [])
    assert not decision.failed, decision.reason
    return [
        (observation.element(a.element).name, a.text or a.value)
        for a in decision.actions
        if a.element is not None and a.kind in ("type", "select")
    ]


def test_an_unnamed_pair_skips_a_number_field_that_cannot_take_the_value() -> None:
    # "party name ..." starts like "Party size", a number field: text never goes there.
    observation = Observation(
        url="http://example.test/reserve",
        elements=[
            _field(1, "Party size", role="spinbutton", type="number"),
            _field(2, "Party name", type="text"),
            _field(3, "Table", role="combobox", options=["Window seat", "Terrace"]),
        ],
    )
    task = "reserve a table: party name Grace Hopper, party size 4, table Terrace"
    assert _typed(observation, task) == [
        ("Party name", "Grace Hopper"),
        ("Party size", "4"),
        ("Table", "Terrace"),
    ]


def test_number_fields_take_only_numbers() -> None:
    assert fits_field("4", "number")
    assert fits_field("-2.5", "range")
    assert not fits_field("name Ada", "number")
    assert fits_field("name Ada", "text")


def test_an_exclamation_mark_stays_in_the_value_before_the_next_sentence() -> None:
    fill, click = parse_task("post a comment: text Great work! Then click Publish")
    assert fill.pairs == ((None, "text Great work!"),)
    assert click.kind == "click"


def test_a_byline_answers_who_wrote_a_lone_item() -> None:
    # One result is no list: the author comes from the "By ..." line of the page text.
    observation = Observation(
        url="http://example.test/news?q=rust",
        headings=["News search", "Why Rust is fast"],
        texts=["1 result for rust.", "By Grace Hopper · 3 March 2024", "A look at the compiler."],
    )
    decision = decide("tell me who wrote the first result", observation, [])
    assert decision.done, decision.reason
    assert decision.answer == "Grace Hopper"


def test_a_written_by_line_names_the_author_of_an_article() -> None:
    observation = Observation(
        url="http://example.test/posts/7",
        headings=["Caching for beginners"],
        texts=["Written by Linus van Dam on 2 May 2023", "Caches keep answers close."],
    )
    assert decide("Who is the author?", observation, []).answer == "Linus van Dam"


def test_a_list_of_values_after_any_verb_and_a_colon_is_a_form_to_submit() -> None:
    (intent,) = parse_task("request a quote: company Acme, seats 12")
    assert intent.kind == "fill"
    assert intent.pairs == ((None, "company Acme"), (None, "seats 12"))
    assert intent.submit
    # One value after a colon is no form: "sort by price: low to high" keeps its meaning.
    assert parse_task("sort by price: low to high")[0].kind == "sort"
