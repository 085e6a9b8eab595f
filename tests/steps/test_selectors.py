"""Pupi's ``aria-name=`` selector part and the splitting of selector chains."""

from __future__ import annotations

import pytest

from pupi import InvalidSteps
from pupi.steps import parse_steps
from pupi.steps.selectors import aria_name, aria_name_part, has_aria_name, split_chain


@pytest.mark.parametrize(
    ("selector", "parts"),
    [
        pytest.param("#a >> .b>>c", ["#a", ".b", "c"], id="plain"),
        pytest.param('aria-name="a >> b" >> #c', ['aria-name="a >> b"', "#c"], id="quoted"),
        pytest.param("text=/a \\>\\> b/ >> #c", ["text=/a \\>\\> b/", "#c"], id="escaped"),
        pytest.param("text=it's >> #c", ["text=it's", "#c"], id="quote-in-text"),
    ],
)
def test_chains_split_at_double_angles_outside_quotes(selector: str, parts: list[str]) -> None:
    assert split_chain(selector) == parts


def test_an_aria_name_part_round_trips_any_name() -> None:
    name = 'Say "hi" >> \\ now'
    assert aria_name(aria_name_part(name)) == name
    assert aria_name("aria-name=Bare name") == "Bare name"
    assert aria_name("role=button") is None
    assert has_aria_name(f"#form >> {aria_name_part(name)}")
    assert not has_aria_name('text="aria-name=x"')


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        pytest.param('aria-name="unclosed', "double-quoted (JSON) string", id="bad-quotes"),
        pytest.param('aria-name=""', "needs an accessible name", id="empty"),
        pytest.param(
            'iframe >> internal:control=enter-frame >> aria-name="Buy"',
            "cannot follow a part that enters a frame",
            id="enters-frame",
        ),
    ],
)
def test_a_malformed_aria_name_is_invalid_naming_the_step_and_field(
    selector: str, message: str
) -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps([{"action": "click", "selector": ["#ok", selector]}])
    (error,) = caught.value.errors
    assert (error.index, error.action, error.field) == (0, "click", "selector")
    assert message in error.message
