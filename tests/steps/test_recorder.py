"""Chrome DevTools Recorder exports become Pupi steps that replay as Chrome's replayer does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pupi import InvalidSteps
from pupi.steps import parse_steps
from pupi.steps.recorder import is_recording, recorder_selector

FIXTURES = Path(__file__).parent / "recorder_fixtures"
REPLAYABLE = sorted(path.stem for path in FIXTURES.glob("*.json") if path.stem != "custom_step")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def converted(recording: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        step.model_dump(by_alias=True, exclude_defaults=True) | {"action": step.action}
        for step in parse_steps(recording, variables=["base"])
    ]


def one(step: dict[str, Any], **recording: Any) -> dict[str, Any]:
    """The Pupi step a single Recorder step becomes (its `target` left out)."""
    steps = converted({"title": "t", **recording, "steps": [step]})
    assert len(steps) == 1
    assert steps[0].pop("target") == step.get("target", "main")
    return steps[0]


def refusal(step: dict[str, Any], **recording: Any) -> tuple[int, str | None, str | None, str]:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps({"title": "t", **recording, "steps": [{"type": "close"}, step]})
    (error,) = caught.value.errors
    return error.index, error.action, error.field, error.message


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in REPLAYABLE])
def test_every_fixture_is_detected_and_converts_to_valid_steps(name: str) -> None:
    recording = fixture(name)
    assert is_recording(recording)
    steps = converted(recording)
    assert steps
    assert all(step["target"] for step in steps)


def test_change_becomes_a_change_step_not_a_fill() -> None:
    step = one({"type": "change", "value": "p", "selectors": [["#plan"]]})
    assert step == {"action": "change", "selector": "#plan", "value": "p"}


def test_keys_go_down_and_up_separately_so_chords_hold() -> None:
    steps = converted(fixture("keys"))
    keys = [(step["action"], step["key"]) for step in steps if "key" in step]
    assert keys[:4] == [
        ("key_down", "Shift"),
        ("key_down", "Tab"),
        ("key_up", "Tab"),
        ("key_up", "Shift"),
    ]


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        pytest.param("primary", None, id="primary"),
        pytest.param("auxiliary", "middle", id="auxiliary"),
        pytest.param("secondary", "right", id="secondary"),
        pytest.param("back", "back", id="back"),
        pytest.param("forward", "forward", id="forward"),
    ],
)
def test_every_pointer_button_keeps_its_meaning(button: str, expected: str | None) -> None:
    step = one({"type": "click", "selectors": ["#a"], "offsetX": 1, "offsetY": 2, "button": button})
    assert step.get("button") == expected


def test_clicks_are_forced_at_their_offset_with_duration_and_device() -> None:
    step = one(
        {
            "type": "doubleClick",
            "selectors": [["#a"]],
            "offsetX": 4.5,
            "offsetY": 6,
            "duration": 80,
            "deviceType": "pen",
            "frame": [0, 2],
            "target": "http://x/popup",
            "timeout": 1500,
        }
    )
    assert step == {
        "action": "click",
        "selector": "#a",
        "click_count": 2,
        "position": {"x": 4.5, "y": 6},
        "delay_ms": 80,
        "force": True,
        "frame": [0, 2],
        "timeout_ms": 1500,
    }


def test_a_recording_timeout_is_every_step_default() -> None:
    steps = converted(fixture("click"))
    assert steps[0]["timeout_ms"] == 10_000
    assert steps[-1]["timeout_ms"] == 5_000


def test_asserted_navigations_make_the_step_wait_for_the_next_page() -> None:
    steps = converted(fixture("navigation"))
    assert "expect_navigation" not in steps[0]  # go waits for the load itself
    assert steps[1]["expect_navigation"] is True


def test_every_step_without_a_target_acts_on_the_main_page() -> None:
    steps = converted(fixture("popup_close"))
    assert [step["target"] for step in steps] == [
        "main",
        "main",
        "{{base}}/popup.html",
        "main",
        "{{base}}/popup.html",
        "main",
    ]
    assert steps[4]["action"] == "close_page"


def test_wait_for_element_keeps_operator_count_visibility_and_values() -> None:
    step = one(
        {
            "type": "waitForElement",
            "selectors": [[".item"]],
            "operator": "<=",
            "count": 2,
            "visible": False,
            "attributes": {"data-state": "ready"},
            "properties": {"dataset": {"n": "1"}},
        }
    )
    assert step == {
        "action": "wait",
        "selector": ".item",
        "count": 2,
        "compare": "<=",
        "negate": True,
        "attributes": {"data-state": "ready"},
        "properties": {"dataset": {"n": "1"}},
    }
    # The replayer's defaults: at least one element.
    assert one({"type": "waitForElement", "selectors": ["#a"]}) == {
        "action": "wait",
        "selector": "#a",
        "count": 1,
        "compare": ">=",
    }


def test_scroll_set_viewport_network_and_expression_steps() -> None:
    assert one({"type": "scroll", "x": 10.4, "y": 20}) == {"action": "scroll", "x": 10, "y": 20}
    assert one({"type": "scroll", "selectors": ["#box"], "y": 5}) == {
        "action": "scroll",
        "selector": "#box",
        "x": 0,
        "y": 5,
    }
    assert one(
        {
            "type": "setViewport",
            "width": 390,
            "height": 844,
            "deviceScaleFactor": 3,
            "isMobile": True,
            "hasTouch": True,
            "isLandscape": False,
        }
    ) == {
        "action": "set_viewport",
        "width": 390,
        "height": 844,
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    }
    assert one(
        {"type": "emulateNetworkConditions", "download": -1, "upload": 100, "latency": 20}
    ) == {"action": "emulate_network", "download": -1, "upload": 100, "latency_ms": 20}
    assert one({"type": "waitForExpression", "expression": "ok", "frame": [1]}) == {
        "action": "wait",
        "expression": "ok",
        "frame": [1],
    }
    assert one({"type": "hover", "selectors": ["#h"]}) == {
        "action": "hover",
        "selector": "#h",
        "force": True,
    }


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        pytest.param("text/Buy now", "text=/Buy now/", id="text-contains"),
        pytest.param('text/a "b" >> c.d', 'text=/a \\"b\\" \\>\\> c\\.d/', id="text-escaped"),
        pytest.param('aria/Buy[role="button"]', 'role=button[name="Buy"s]', id="aria-role"),
        pytest.param("aria/Niño", 'aria-name="Niño"', id="aria-name"),
        pytest.param(
            'aria/  Pay  "now" >> ', 'aria-name="Pay \\"now\\" >>"', id="aria-name-normalized"
        ),
        pytest.param("xpath//html/body/h1", "xpath=/html/body/h1", id="xpath"),
        pytest.param("pierce/.item", ".item", id="pierce"),
        pytest.param("#plain", "#plain", id="css"),
    ],
)
def test_selector_prefixes(recorded: str, expected: str | list[str]) -> None:
    assert recorder_selector([[recorded]]) == expected


def test_selector_alternatives_and_nested_parts() -> None:
    assert recorder_selector([["#host", "button.inner"]]) == "#host >> button.inner"
    assert recorder_selector([["aria/Form", "aria/Name"]]) == 'aria-name="Form" >> aria-name="Name"'

    assert recorder_selector([["#a"], "#b", ["#a"]]) == ["#a", "#b"]


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        pytest.param(
            {"type": "customStep", "name": "lighthouse", "parameters": {}},
            "name",
            "custom step 'lighthouse'",
            id="custom-step",
        ),
        pytest.param({"type": "tap"}, "type", "unknown Recorder step type 'tap'", id="type"),
        pytest.param(
            {"type": "hover", "selectors": ["#a"], "offsetX": 1},
            "offsetX",
            "not a field of a Recorder hover step",
            id="unknown-field",
        ),
        pytest.param(
            {"type": "keyDown", "key": "Power"}, "key", "no key 'Power'", id="unknown-key"
        ),
        pytest.param(
            {"type": "click", "selectors": [["::-p-text(Buy)"]], "offsetX": 1, "offsetY": 1},
            "selectors",
            "extended CSS",
            id="p-selector",
        ),
        pytest.param(
            {"type": "click", "selectors": ["#a"], "button": "left"},
            "button",
            "unknown button",
            id="button",
        ),
        pytest.param(
            {"type": "click", "selectors": ["#a"], "assertedEvents": [{"type": "dialog"}]},
            "assertedEvents",
            "only navigation events",
            id="event",
        ),
        pytest.param(
            {"type": "waitForElement", "selectors": ["#a"], "operator": ">"},
            "operator",
            "expected '>='",
            id="operator",
        ),
        pytest.param({"type": "change", "selectors": ["#a"]}, "value", "required", id="missing"),
        pytest.param(
            {"type": "hover", "selectors": [["aria/ "]]},
            "selectors",
            "needs an accessible name",
            id="aria-empty",
        ),
        pytest.param({"type": "click", "offsetX": 1}, "selectors", "required", id="no-selectors"),
    ],
)
def test_steps_that_cannot_be_replayed_are_refused_naming_index_type_and_field(
    step: dict[str, Any], field: str, message: str
) -> None:
    index, action, refused_field, text = refusal(step)
    assert (index, action, refused_field) == (1, f"recorder {step['type']}", field)
    assert message in text


def test_the_custom_step_fixture_is_refused_before_anything_runs() -> None:
    with pytest.raises(InvalidSteps, match=r"step 1 \(recorder customStep\), field 'name'"):
        parse_steps(fixture("custom_step"), variables=["base"])


def test_an_unknown_recording_field_is_refused() -> None:
    with pytest.raises(InvalidSteps, match="field 'speed': unknown field of a Recorder export"):
        parse_steps({"title": "t", "speed": 2, "steps": [{"type": "close"}]})


def test_a_pupi_steps_mapping_is_not_mistaken_for_a_recording() -> None:
    assert not is_recording({"steps": [{"action": "go", "url": "http://x"}]})
