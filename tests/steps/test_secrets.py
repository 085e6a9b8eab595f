"""Secrets: ``{{secret.name}}`` placeholders, their validation, and redaction."""

from __future__ import annotations

import pytest

from pupi.agent.observe.model import Element, Observation
from pupi.errors import InvalidSteps
from pupi.steps import Secrets, TypeStep, parse_steps
from pupi.steps.templating import find_references, render

PASSWORD = "c0rrect-h0rse"


def test_references_are_found_with_their_field_and_keys() -> None:
    found = list(find_references({"text": "{{secret.password}}", "url": "{{base}}/x"}))
    assert found == [("text", "secret", ("password",)), ("url", "base", ())]


def test_a_step_may_name_a_secret_that_is_given() -> None:
    steps = parse_steps(
        [{"action": "type", "selector": "#p", "text": "{{secret.password}}"}],
        secrets={"password"},
    )
    assert isinstance(steps[0], TypeStep) and steps[0].text == "{{secret.password}}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "{{secret.pin}}", "unknown secret {{secret.pin}}: pass it in secrets", id="unknown"
        ),
        pytest.param("{{secret}}", "one name after 'secret.'", id="no-name"),
        pytest.param("{{secret.a.b}}", "one name after 'secret.'", id="a-path"),
    ],
)
def test_a_secret_not_given_is_an_error_naming_it(text: str, message: str) -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps([{"action": "type", "selector": "#p", "text": text}], secrets={"password"})
    (error,) = caught.value.errors
    assert (error.index, error.field) == (0, "text")
    assert message in error.message


def test_without_secrets_a_secret_placeholder_says_to_pass_secrets() -> None:
    with pytest.raises(InvalidSteps, match=r"unknown secret \{\{secret.password\}\}"):
        parse_steps([{"action": "type", "selector": "#p", "text": "{{secret.password}}"}])


def test_a_variable_called_secret_still_works_without_secrets_and_clashes_with_them() -> None:
    step = {"action": "type", "selector": "#p", "text": "{{secret.code}}"}
    assert parse_steps([step], variables={"secret"})
    with pytest.raises(InvalidSteps, match="reserved for secrets"):
        parse_steps([step], variables={"secret"}, secrets={"code"})


@pytest.mark.parametrize(
    "given",
    [
        pytest.param({"password": ""}, id="empty-value"),
        pytest.param({"pass word": "x"}, id="bad-name"),
        pytest.param({"password": 123}, id="not-a-string"),
    ],
)
def test_bad_secrets_are_refused_without_showing_their_value(given: dict[str, object]) -> None:
    with pytest.raises(InvalidSteps) as caught:
        Secrets(given)  # type: ignore[arg-type]
    assert "123" not in str(caught.value)
    assert caught.value.errors[0].field == f"secrets.{next(iter(given))}"


def test_values_are_rendered_under_the_secret_root() -> None:
    secrets = Secrets({"password": PASSWORD})
    assert render("pw: {{secret.password}}", secrets.context()) == f"pw: {PASSWORD}"


def test_redaction_replaces_every_value_at_any_depth_and_keeps_the_rest() -> None:
    secrets = Secrets({"password": PASSWORD, "short": "h0rse"})
    value = {"a": [f"x {PASSWORD} y", ("h0rse", 3)], "b": None, PASSWORD: "key kept"}
    assert secrets.redact(value) == {
        # The longer secret first: the one inside it is not split out of it.
        "a": ["x {{secret.password}} y", ("{{secret.short}}", 3)],
        "b": None,
        PASSWORD: "key kept",
    }


def test_redaction_rebuilds_models_and_leaves_untouched_ones_as_they_are() -> None:
    secrets = Secrets({"password": PASSWORD})
    page = Observation(
        url=f"http://a/?pw={PASSWORD}",
        elements=[Element(index=1, role="textbox", value=PASSWORD, selector="#p")],
    )
    shown = secrets.redact(page)
    assert shown.url == "http://a/?pw={{secret.password}}"
    assert shown.elements[0].value == "{{secret.password}}"
    assert PASSWORD not in shown.model_dump_json()
    plain = Observation(url="http://a/")
    assert secrets.redact(plain) is plain


def test_the_repr_names_the_secrets_and_shows_no_value() -> None:
    secrets = Secrets({"password": PASSWORD, "pin": "4921"})
    assert repr(secrets) == "<Secrets password, pin>"
    assert not Secrets() and secrets.names == {"password", "pin"}


def test_a_prompt_is_checked_for_secrets_it_names() -> None:
    Secrets({"password": PASSWORD}).check("log in with {{secret.password}}", "prompt")
    with pytest.raises(InvalidSteps, match="field 'prompt': unknown secret"):
        Secrets().check("log in with {{secret.password}}", "prompt")
