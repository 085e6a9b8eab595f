"""A ``type`` that replaces a field's text at once: the same events and state as
Playwright's ``fill``, and every field it cannot fill at once left to ``fill``."""

from __future__ import annotations

import pytest
from tests.conftest import RunSteps
from tests.engine.shortcuts import Done, assert_same, both_ways
from tests.engine.test_actions import html

from pupi.engine import fill

pytestmark = pytest.mark.browser

# Every event a field gets, in order, with what it held then; not "select",
# which the browser queues and so fires at no fixed place among the others.
PAGE = html(
    """
    <input id=name value="old"><textarea id=note>old
    text</textarea><input id=mail type=email>
    <input id=gone style="visibility:hidden"><input id=none style="display:none">
    <input id=off disabled><fieldset disabled><input id=inside></fieldset>
    <input id=fixed readonly value="kept"><input id=count type=number>
    <input id=day type=date><div id=edit contenteditable>old</div>
    <input class=twin><input class=twin>
    <script>
      window.seen = [];
      for (const type of ["keydown", "beforeinput", "input", "change", "focus", "blur"])
        document.addEventListener(type, e => window.seen.push(
          `${type}:${e.target.id}:${e.target.value ?? e.target.innerText}:${e.inputType ?? ""}`),
          true);
    </script>
    """
)


FILLS = [
    {"action": "go", "url": PAGE},
    {"action": "type", "selector": "#name", "text": "Ada Lovelace"},
    {"action": "type", "selector": "#note", "text": "two\nlines"},
    {"action": "type", "selector": "#mail", "text": "ada@example.org"},
    {"action": "type", "selector": "#name", "text": "Ada"},
    {"action": "extract", "selector": "#name", "as": "name"},
    {"action": "extract", "selector": "#note", "as": "note"},
    {"action": "extract", "selector": "#mail", "as": "mail"},
    {"action": "evaluate", "script": "window.seen", "as": "seen"},
    {"action": "evaluate", "script": "document.activeElement.id", "as": "focused"},
]


async def test_fields_filled_at_once_end_as_playwrights_fill_leaves_them(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Done(monkeypatch, fill, "fill_now")
    fast, slow = await both_ways(run, monkeypatch, fill, FILLS)
    assert fast.ok, fast.error
    assert slow.ok, slow.error
    assert calls.done == 4  # all in the first run
    assert fast.outputs == slow.outputs
    assert fast.outputs["name"] == "Ada"
    assert fast.outputs["note"] == "two\nlines"
    assert fast.outputs["focused"] == "name"
    assert "input:name:Ada:insertText" in fast.outputs["seen"]


@pytest.mark.parametrize(
    ("selector", "text"),
    [
        ("#gone", "x"),  # visibility: hidden
        ("#none", "x"),  # display: none
        ("#off", "x"),  # disabled
        ("#inside", "x"),  # in a disabled fieldset
        ("#fixed", "x"),  # read-only
        ("#count", "twelve"),  # not a number
        ("#count", "12"),
        ("#day", "2026-12-03"),  # Playwright sets a date's value
        ("#edit", "new"),  # contenteditable
        (".twin", "x"),  # two matches: Playwright's strictness error
        ("#missing", "x"),
        ("text=old", "x"),  # Playwright's selector engines
        ("#name", ""),  # emptied with a Delete key press
    ],
)
async def test_a_field_that_cannot_be_filled_at_once_goes_to_playwright_unchanged(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch, selector: str, text: str
) -> None:
    steps = [
        {"action": "go", "url": PAGE},
        {"action": "type", "selector": selector, "text": text, "timeout_ms": 400},
        {"action": "evaluate", "script": "window.seen", "as": "seen"},
    ]
    calls = Done(monkeypatch, fill, "fill_now")
    fast, slow = await both_ways(run, monkeypatch, fill, steps, stop_on_error=False)
    assert calls.done == 0
    assert_same(fast, slow)


async def test_a_field_in_a_frame_is_filled_by_playwright(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = html('<iframe srcdoc="<input id=inner>"></iframe>')
    calls = Done(monkeypatch, fill, "fill_now")
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "type", "selector": "#inner", "text": "Ada", "frame": [0]},
            {"action": "extract", "selector": "#inner", "frame": [0], "as": "inner"},
        ]
    )
    assert result.ok, result.error
    assert result.outputs["inner"] == "Ada"
    assert calls.done == 0
