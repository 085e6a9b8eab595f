"""Driving widgets by what they are: a custom spinner stepped by its own buttons."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.spinners import step_to


def _spinner(value: str, *, buttons: bool = True) -> Observation:
    elements = [
        Element(
            index=1,
            role="button",
            name="\u2212",
            selector="#down",
            fingerprint={"aria_label": "Decrease heat"},
        ),
        Element(index=2, role="spinbutton", tag="div", name="Heat", value=value, selector="#h"),
        Element(index=3, role="button", name="+", selector="#up"),
    ]
    return Observation(url="http://x.test/", elements=elements if buttons else elements[1:2])


@pytest.mark.parametrize(
    ("now", "wanted", "button", "presses"),
    [
        ("21 \u00b0C", "24", 3, 3),
        ("21 \u00b0C", "19 \u00b0C", 1, 2),
        ("5", "5", None, 0),
    ],
)
def test_a_custom_spinner_is_stepped_by_its_own_buttons(
    now: str, wanted: str, button: int | None, presses: int
) -> None:
    observation = _spinner(now)
    actions = step_to(observation, observation.element(2), wanted, "why")
    assert actions is not None and len(actions) == presses
    assert {a.element for a in actions} <= {button}
    assert all(a.kind == "click" for a in actions)


def test_a_spinner_without_buttons_or_a_number_is_refused() -> None:
    bare = _spinner("3", buttons=False)
    with pytest.raises(GroundingError, match="no increase button"):
        step_to(bare, bare.element(2), "5", "why")
    observation = _spinner("3")
    with pytest.raises(GroundingError, match="how far"):
        step_to(observation, observation.element(2), "warm", "why")


def test_a_native_number_input_is_typed_not_stepped() -> None:
    field = Element(index=1, role="spinbutton", tag="input", type="number", selector="#n")
    assert step_to(Observation(url="http://x.test/", elements=[field]), field, "4", "w") is None


def test_saving_never_ticks_a_checkbox_that_shares_the_word() -> None:
    from pupi.agent.planners.rules.act import Context, actions_for
    from pupi.agent.planners.rules.parse import parse_task

    page = Observation(
        url="http://x.test/",
        elements=[
            Element(index=1, role="checkbox", type="checkbox", name="Save drafts", selector="#a"),
            Element(index=2, role="button", name="Store settings", selector="#s"),
        ],
    )
    (intent,) = parse_task("save")
    with pytest.raises(GroundingError, match="no 'save' button"):
        actions_for(intent, Context(page, None), "why")
