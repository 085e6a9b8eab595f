"""Validation of step lists: every problem reported at once, before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pupi import InvalidSteps
from pupi.steps import ACTIONS, ClickStep, GoStep, parse_steps, steps_json_schema


def test_a_valid_list_becomes_models_of_the_right_type() -> None:
    steps = parse_steps(
        [{"action": "go", "url": "http://x"}, {"action": "click", "selector": "#buy"}]
    )
    assert [type(step) for step in steps] == [GoStep, ClickStep]
    assert steps[1].selector == "#buy"  # type: ignore[union-attr]


def test_every_bad_step_is_reported_with_index_action_and_field() -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps(
            [
                {"action": "go", "url": "http://ok"},
                {"action": "go"},
                {"action": "clik", "selector": "a"},
                {"action": "click", "selecter": "a"},
                {"action": "type", "selector": "#a", "text": 3},
            ]
        )
    errors = [(e.index, e.action, e.field) for e in caught.value.errors]
    assert (1, "go", "url") in errors
    assert (2, None, "action") in errors
    assert (3, "click", "selecter") in errors
    assert (3, "click", "selector") in errors
    assert (4, "type", "text") in errors
    assert all(error.index != 0 for error in caught.value.errors)
    message = str(caught.value)
    assert "did you mean 'click'" in message
    assert "did you mean 'selector'" in message


@pytest.mark.parametrize(
    ("step", "field_or_message"),
    [
        pytest.param(
            {"action": "select", "selector": "s"}, "give one of value", id="select-no-choice"
        ),
        pytest.param(
            {"action": "wait", "ms": 5, "text": "x"}, "give only one of", id="wait-two-conditions"
        ),
        pytest.param({"action": "scroll"}, "give one of selector", id="scroll-nothing"),
        pytest.param(
            {"action": "assert", "url": "x", "text": "y"},
            "need a selector",
            id="assert-text-no-selector",
        ),
        pytest.param({"action": "click", "selector": ""}, "may not be empty", id="empty-selector"),
        pytest.param({"action": "click", "selector": []}, "at least one", id="empty-alternatives"),
        pytest.param(
            {"action": "extract", "selector": "h1", "as": "1x"}, "pattern", id="bad-output-name"
        ),
        pytest.param(
            {"action": "go", "url": "x", "timeout_ms": 0}, "greater than 0", id="zero-timeout"
        ),
    ],
)
def test_rules_across_fields_are_enforced(step: dict[str, object], field_or_message: str) -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps([step])
    assert field_or_message in str(caught.value)


def test_unknown_placeholders_are_errors_but_saved_outputs_and_variables_are_not() -> None:
    steps = [
        {"action": "extract", "selector": "h1", "as": "title"},
        {"action": "type", "selector": "#q", "text": "{{title}} by {{author}}"},
        {"action": "go", "url": "{{base}}/x"},
    ]
    with pytest.raises(InvalidSteps) as caught:
        parse_steps(steps)
    assert [(e.index, e.field) for e in caught.value.errors] == [(1, "text"), (2, "url")]
    assert "{{author}}" in str(caught.value)
    assert len(parse_steps(steps, variables=["author", "base"])) == 3


def test_a_placeholder_used_before_the_step_that_saves_it_is_an_error() -> None:
    with pytest.raises(InvalidSteps, match="title"):
        parse_steps(
            [
                {"action": "go", "url": "http://x/{{title}}"},
                {"action": "extract", "selector": "h1", "as": "title"},
            ]
        )


def test_models_and_dicts_mix_and_models_are_revalidated() -> None:
    steps = parse_steps([GoStep(url="http://x"), {"action": "back"}])
    assert [step.action for step in steps] == ["go", "back"]


def test_yaml_and_json_files_load(tmp_path: Path) -> None:
    yaml_file = tmp_path / "flow.yaml"
    yaml_file.write_text("- action: go\n  url: http://x\n- {action: reload}\n")
    json_file = tmp_path / "flow.json"
    json_file.write_text(json.dumps({"steps": [{"action": "go", "url": "http://y"}]}))
    assert [s.action for s in parse_steps(yaml_file)] == ["go", "reload"]
    assert parse_steps(str(json_file))[0].url == "http://y"  # type: ignore[union-attr]


def test_a_missing_or_broken_file_is_invalid_steps(tmp_path: Path) -> None:
    with pytest.raises(InvalidSteps, match="cannot read"):
        parse_steps(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    with pytest.raises(InvalidSteps, match="not valid"):
        parse_steps(broken)


def test_non_list_input_is_rejected_clearly() -> None:
    with pytest.raises(InvalidSteps, match="expected a list"):
        parse_steps(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidSteps, match="must be a mapping"):
        parse_steps(["go"])


def test_the_json_schema_covers_every_action() -> None:
    schema = steps_json_schema()
    text = json.dumps(schema)
    for action in ACTIONS:
        assert f'"const": "{action}"' in text
    assert schema["type"] == "array"


def test_a_wait_for_elements_needs_a_selector_and_no_state() -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps(
            [
                {"action": "wait", "text": "x", "negate": True},
                {"action": "wait", "selector": ".i", "count": 2, "state": "hidden"},
                {"action": "wait", "selector": ".i", "compare": ">"},
            ]
        )
    assert [(error.index, error.field) for error in caught.value.errors] == [
        (0, None),
        (1, None),
        (2, "compare"),
    ]
    (step,) = parse_steps([{"action": "wait", "selector": ".i", "count": 0, "compare": "=="}])
    assert step.counts_elements  # type: ignore[union-attr]
