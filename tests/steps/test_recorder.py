"""Chrome DevTools Recorder exports become Pupi steps."""

from __future__ import annotations

import pytest

from pupi import InvalidSteps
from pupi.steps import parse_steps
from pupi.steps.recorder import is_recording, recorder_selector

RECORDING = {
    "title": "checkout",
    "steps": [
        {
            "type": "setViewport",
            "width": 800,
            "height": 600,
            "deviceScaleFactor": 1,
            "isMobile": False,
            "hasTouch": False,
            "isLandscape": False,
        },
        {
            "type": "navigate",
            "url": "http://127.0.0.1:8000/login",
            "assertedEvents": [{"type": "navigation", "url": "http://127.0.0.1:8000/login"}],
        },
        {
            "type": "click",
            "selectors": [["aria/Username"], ["#username"]],
            "offsetX": 5,
            "offsetY": 6,
        },
        {"type": "change", "value": "ada", "selectors": [["#username"]]},
        {
            "type": "keyDown",
            "key": "Enter",
            "assertedEvents": [{"type": "navigation", "url": "http://127.0.0.1:8000/account"}],
        },
        {"type": "keyUp", "key": "Enter"},
        {"type": "doubleClick", "selectors": [["text/Welcome"]]},
        {"type": "hover", "selectors": [["xpath//html/body/h1"]]},
        {"type": "scroll", "x": 0, "y": 400},
        {"type": "waitForElement", "selectors": [["pierce/.item"]], "count": 3, "operator": "=="},
        {"type": "waitForExpression", "expression": "document.readyState === 'complete'"},
        {"type": "click", "selectors": [['aria/Buy[role="button"]']], "button": "secondary"},
    ],
}


def test_a_recording_is_detected_and_converted_step_by_step() -> None:
    assert is_recording(RECORDING)
    steps = [
        step.model_dump(by_alias=True, exclude_defaults=True) | {"action": step.action}
        for step in parse_steps(RECORDING)
    ]
    actions = [step["action"] for step in steps]
    assert actions == [
        "set_viewport",
        "go",
        "click",
        "type",
        "press",
        "wait",
        "click",
        "hover",
        "scroll",
        "assert",
        "wait",
        "click",
    ]
    assert steps[2]["selector"] == ['[aria-label="Username"]', 'text="Username"', "#username"]
    assert steps[2]["position"] == {"x": 5, "y": 6}
    assert steps[3] == {"action": "type", "selector": "#username", "text": "ada"}
    assert steps[5]["url"] == "http://127.0.0.1:8000/account"
    assert steps[6]["click_count"] == 2
    assert steps[6]["selector"] == 'text="Welcome"'
    assert steps[7]["selector"] == "xpath=/html/body/h1"
    assert steps[9] == {"action": "assert", "selector": ".item", "count": 3}
    assert steps[10]["expression"].startswith("document.readyState")
    assert steps[11]["selector"] == 'role=button[name="Buy"]'
    assert steps[11]["button"] == "right"


def test_nested_selector_parts_are_chained() -> None:
    assert recorder_selector([["#host", "button.inner"]]) == "#host >> button.inner"


def test_an_unsupported_recorder_step_is_an_invalid_steps_error() -> None:
    with pytest.raises(InvalidSteps, match="recorder step 0"):
        parse_steps({"title": "x", "steps": [{"type": "customStep", "name": "x"}]})


def test_a_pupi_steps_mapping_is_not_mistaken_for_a_recording() -> None:
    assert not is_recording({"steps": [{"action": "go", "url": "http://x"}]})
