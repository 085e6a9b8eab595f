"""A ``hover``, ``check`` or ``uncheck`` done at once: the same events, scroll,
``:hover`` and checked state as Playwright's own, and every element it cannot
do at once left to Playwright."""

from __future__ import annotations

import pytest
from tests.conftest import RunSteps
from tests.engine.shortcuts import Done, assert_same, both_ways
from tests.engine.test_actions import html

from pupi.engine import pointer

pytestmark = pytest.mark.browser

# The events a pointer gives to the elements named, in order. Not those of
# others: after a scroll the browser may move the pointer over whatever is now
# under it, at a moment of its own.
PAGE = html(
    """
    <style>
      button, label { display: block; margin: 8px; }
      button:hover { outline: 3px solid red; }
      #spin { animation: drift 1000s linear; }  /* never twice in one place */
      @keyframes drift { from { margin-left: 0 } to { margin-left: 100000px } }
      .under { position: relative; } .veil { position: absolute; inset: 0; }
    </style>
    <button id=top>Top</button><input type=checkbox id=near>
    <div style="height: 3000px"></div>
    <button id=low>Low</button><input type=checkbox id=far>
    <label><input type=radio name=r id=one> One</label>
    <label><input type=radio name=r id=two checked> Two</label>
    <button id=hid style="visibility:hidden">Hidden</button>
    <input type=checkbox id=boxhid style="visibility:hidden">
    <input type=checkbox id=off disabled><input type=checkbox id=stuck onclick="return false">
    <div role=checkbox aria-checked=false id=aria tabindex=0>Aria</div>
    <button class=twin>A</button><button class=twin>B</button>
    <button id=spin>Spinning</button>
    <div style="width: 60px"><a id=wrap href="#">a link that wraps over lines</a></div>
    <div class=under><button id=covered>Covered</button><div class=veil id=veil1></div></div>
    <div class=under><input type=checkbox id=boxcovered><div class=veil id=veil2></div></div>
    <script>
      window.seen = [];
      for (const type of ["mouseover", "mouseenter", "mousemove", "mousedown", "click", "change"])
        document.addEventListener(
          type, e => e.target.id && window.seen.push(`${type}:${e.target.id}`), true);
    </script>
    """
)


STATE = [
    {"action": "evaluate", "script": "window.seen", "as": "seen"},
    {"action": "evaluate", "script": "[scrollX, scrollY]", "as": "scrolled"},
    {
        "action": "evaluate",
        "script": "Array.from(document.querySelectorAll(':hover')).map(e => e.tagName + e.id)",
        "as": "hovered",
    },
    {
        "action": "evaluate",
        "script": "Array.from(document.querySelectorAll('input:checked')).map(e => e.id)",
        "as": "checked",
    },
]

AT_ONCE = [
    {"action": "go", "url": PAGE},
    {"action": "hover", "selector": "#top"},
    {"action": "check", "selector": "#near"},
    {"action": "check", "selector": "#near"},  # already checked: nothing clicked
    {"action": "hover", "selector": "#low"},  # below the view: scrolled to first
    {"action": "check", "selector": "#far"},
    {"action": "uncheck", "selector": "#near"},  # above the view again
    {"action": "uncheck", "selector": "#one"},  # a radio already off
    {"action": "check", "selector": "#one"},
    *STATE,
]


async def test_pointer_steps_done_at_once_end_as_playwrights_own_leave_the_page(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Done(monkeypatch, pointer, "hover_now", "check_now")
    fast, slow = await both_ways(run, monkeypatch, pointer, AT_ONCE)
    assert fast.ok, fast.error
    assert slow.ok, slow.error
    assert calls.done == 8  # all in the first run
    assert fast.outputs == slow.outputs
    assert fast.outputs["checked"] == ["far", "one"]
    assert fast.outputs["scrolled"][1] > 2000
    assert fast.outputs["seen"].count("click:near") == 2
    assert "mouseover:top" in fast.outputs["seen"]


@pytest.mark.parametrize(
    ("action", "selector"),
    [
        ("hover", "#hid"),  # visibility: hidden
        ("hover", ".twin"),  # two matches: Playwright's strictness error
        ("hover", "#spin"),  # never stable
        ("hover", "#covered"),  # another element receives the pointer there
        ("hover", "#wrap"),  # over two lines: Playwright picks its point among the boxes
        ("hover", "#missing"),
        ("hover", "text=Top"),  # Playwright's selector engines
        ("check", "#boxhid"),
        ("check", "#off"),  # disabled
        ("check", "#stuck"),  # a click that does not change it
        ("check", "#aria"),  # not a native box: Playwright reads aria-checked
        ("check", "#boxcovered"),
        ("check", "#top"),  # not a box at all
        ("uncheck", "#two"),  # a radio cannot be unchecked
    ],
)
async def test_an_element_that_cannot_be_done_at_once_goes_to_playwright_unchanged(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch, action: str, selector: str
) -> None:
    steps = [
        {"action": "go", "url": PAGE},
        {"action": action, "selector": selector, "timeout_ms": 400},
        *STATE,
    ]
    calls = Done(monkeypatch, pointer, "hover_now", "check_now")
    fast, slow = await both_ways(run, monkeypatch, pointer, steps, stop_on_error=False)
    assert calls.done == 0
    assert_same(fast, slow)


async def test_a_click_bound_elsewhere_once_checked_is_stopped_and_left_to_playwright(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cover that appears as the button goes down, after the point was checked:
    # the watch stops the press there, and Playwright waits and then gives up.
    page = html(
        """
        <style>#cover { position: fixed; inset: 0; display: none; }</style>
        <input type=checkbox id=box><div id=cover></div>
        <script>
          window.covered = 0;
          addEventListener("mousemove", () => {
            document.getElementById("cover").style.display = "block";
          }, true);
          document.getElementById("cover").addEventListener("click", () => covered++);
        </script>
        """
    )
    calls = Done(monkeypatch, pointer, "hover_now", "check_now")
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "check", "selector": "#box", "timeout_ms": 400},
            {"action": "evaluate", "script": "[covered, box.checked]", "as": "after"},
        ],
        stop_on_error=False,
    )
    assert calls.done == 0
    assert result.steps[1].status == "failed"
    assert result.outputs["after"] == [0, False]


async def test_pointer_steps_in_a_frame_or_forced_are_playwrights(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = html(
        '<iframe srcdoc="<button id=inner>In</button><input type=checkbox id=box>"></iframe>'
        "<button id=out>Out</button>"
    )
    calls = Done(monkeypatch, pointer, "hover_now", "check_now")
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "hover", "selector": "#inner", "frame": [0]},
            {"action": "check", "selector": "#box", "frame": [0]},
            {"action": "hover", "selector": "#out", "force": True},
        ]
    )
    assert result.ok, result.error
    assert calls.done == 0


async def test_checks_that_end_too_late_leave_no_watch_behind(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when an evaluation is held up behind a dialog: its point is never used,
    # and no watch set then stops the events of the steps after it.
    monkeypatch.setattr(pointer, "_IN_TIME_MS", -1_000)
    calls = Done(monkeypatch, pointer, "hover_now", "check_now")
    result = await run(
        [
            {"action": "go", "url": PAGE},
            {"action": "check", "selector": "#near"},
            {"action": "check", "selector": "#far"},
            {"action": "hover", "selector": "#top"},
            *STATE,
        ]
    )
    assert result.ok, result.error
    assert calls.done == 0
    assert result.outputs["checked"] == ["near", "far", "two"]
