"""``{{name}}`` placeholders."""

from __future__ import annotations

import pytest

from pupi.steps.templating import find_placeholders, has_placeholders, render


def test_placeholders_are_replaced_inside_strings() -> None:
    assert render("Hello {{ who }}!", {"who": "Ada"}) == "Hello Ada!"


def test_a_whole_string_placeholder_keeps_the_value_type() -> None:
    assert render({"arg": "{{items}}"}, {"items": [1, 2]}) == {"arg": [1, 2]}


def test_paths_reach_into_dicts_and_lists() -> None:
    context = {"user": {"emails": ["a@x", "b@x"]}}
    assert render("{{user.emails.1}}", context) == "b@x"


def test_missing_names_and_paths_raise_key_error_naming_them() -> None:
    with pytest.raises(KeyError, match="who"):
        render("{{who}}", {})
    with pytest.raises(KeyError, match="nope"):
        render("{{user.nope}}", {"user": {}})


def test_placeholders_are_found_with_their_field_path() -> None:
    found = list(find_placeholders({"a": ["x {{one}}"], "b": "{{two}}", "c": 3}))
    assert found == [("a.0", "one"), ("b", "two")]
    assert has_placeholders(["{{x}}"])
    assert not has_placeholders({"a": "no braces", "b": 1})
