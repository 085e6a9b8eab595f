"""Chrome DevTools Recorder exports, replayed in Chromium as Chrome's replayer replays them.

Each fixture under tests/steps/recorder_fixtures/ is a Recorder export whose URLs
start with ``{{base}}``: a small local server for its pages/ folder (conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import RunResult
from pupi.browser.instances import get_manager

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parents[1] / "steps" / "recorder_fixtures"


def recording(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


async def replay(run: RunSteps, base: str, name: str, *checks: dict[str, Any]) -> RunResult:
    """Replay a fixture, then run ``checks`` (Pupi steps) on the same instance."""
    replayed = await run(recording(name), variables={"base": base})
    replayed.raise_for_status()
    if not checks:
        return replayed
    checked = await run(list(checks), instance_id=replayed.instance_id)
    return checked.raise_for_status()


def read(script: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"action": "evaluate", "script": script, "as": name, **fields}


async def test_change_selects_by_value_and_types_into_inputs(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "change",
        read(
            "['plan', 'name', 'day', 'note'].map(id => document.getElementById(id).value)",
            "values",
        ),
        read("document.getElementById('bio').innerText", "bio"),
        read("document.getElementById('log').textContent.trim()", "log"),
    )
    assert result.outputs["values"] == ["p", "Ada", "2024-05-01", "new"]
    assert result.outputs["bio"] == "Hi there"
    # The select fired its change event; the input already held "Ad", so only
    # the missing "a" was typed, key by key.
    assert result.outputs["log"] == "change:p key:a"


async def test_key_down_and_up_make_a_shift_tab_chord(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "keys",
        read("document.activeElement.id", "focused"),
        read("document.getElementById('b').value", "typed"),
    )
    # Shift+Tab moved focus backwards from #c, and Shift was released before "x".
    assert result.outputs == {"focused": "b", "typed": "x"}


async def test_clicks_use_every_button_and_land_where_the_offset_points(
    run: RunSteps, base: str
) -> None:
    result = await replay(
        run, base, "click", read("document.getElementById('log').textContent.trim()", "log")
    )
    log = result.outputs["log"].split()
    downs = [entry for entry in log if entry.startswith("mousedown:")]
    assert downs == [
        "mousedown:target:3",  # back
        "mousedown:target:4",  # forward
        "mousedown:target:1",  # auxiliary
        "mousedown:target:2",  # secondary
        "mousedown:target:0",  # primary
        "mousedown:dot:0",  # the circle's centre
        "mousedown:shape:0",  # its box's corner lies outside it, on the <svg>
        "mousedown:buy2:0",  # text/Buy now: contained in "Buy now!"
        "mousedown:buy1:0",  # aria/Buy[role="button"]: the name exactly
        "mousedown:close:0",  # aria/Close dialog: the aria-label
        "mousedown:inner:0",  # pierce/.inner, inside a shadow root
        "mousedown:inner:0",  # ["#host", ".inner"]
        "mousedown:target:0",  # xpath/
    ]
    assert "auxclick:target:1" in log
    assert "contextmenu:target:2" in log


async def test_a_double_click_fires_dblclick(run: RunSteps, base: str) -> None:
    result = await replay(
        run, base, "double_click", read("document.getElementById('log').textContent", "log")
    )
    assert result.outputs["log"].split().count("dblclick:target:0") == 1


async def test_hover_with_a_text_selector(run: RunSteps, base: str) -> None:
    result = await replay(run, base, "hover", read("document.getElementById('h').textContent", "h"))
    assert result.outputs["h"] == "hovered"


async def test_scroll_sets_element_and_window_offsets(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "scroll",
        read("(b => [b.scrollLeft, b.scrollTop])(document.getElementById('box'))", "box"),
        read("window.scrollY", "y"),
    )
    assert result.outputs == {"box": [30, 200], "y": 500}


async def test_set_viewport_emulates_scale_touch_and_orientation(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "set_viewport",
        read(
            "[innerWidth, innerHeight, devicePixelRatio, navigator.maxTouchPoints > 0,"
            " screen.orientation.type]",
            "device",
        ),
    )
    assert result.outputs["device"] == [400, 300, 2, True, "landscape-primary"]


async def test_wait_for_element_counts_compares_and_negates(run: RunSteps, base: str) -> None:
    result = await replay(
        run, base, "wait_for_element", read("document.querySelectorAll('.item').length", "left")
    )
    assert result.outputs["left"] == 0


async def test_wait_for_element_fails_when_the_count_never_matches(
    run: RunSteps, base: str
) -> None:
    flow = recording("wait_for_element")
    flow["steps"][1] |= {"count": 3, "timeout": 300}
    result = await run(flow, variables={"base": base})
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["step_index"] == 1
    assert result.error["type"] == "timeout"
    assert "== 3 elements" in result.error["message"]


async def test_steps_with_a_frame_act_in_that_iframe(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "wait_for_expression",
        read("window.clicked ?? null", "second", frame=[1]),
        read("window.clicked ?? null", "first", frame=[0]),
    )
    assert result.outputs == {"second": "?second", "first": None}


async def test_popup_steps_run_in_the_page_they_target(run: RunSteps, base: str) -> None:
    result = await replay(
        run, base, "popup_close", read("document.getElementById('log').textContent", "log")
    )
    # The popup's button wrote "popup", then the main page's "main"; after the
    # popup closed the last, untargeted, click went to the main page again.
    assert result.outputs["log"].split() == ["popup", "main", "main"]
    instance = get_manager().get(result.instance_id)
    assert [page.url for page in instance.context.pages] == [f"{base}/opener.html"]


async def test_an_asserted_navigation_waits_for_the_next_page_to_load(
    run: RunSteps, base: str
) -> None:
    result = await replay(
        run,
        base,
        "navigation",
        {"action": "evaluate", "script": "[location.pathname, document.readyState]", "as": "page"},
    )
    assert result.outputs["page"] == ["/nav2.html", "complete"]


async def test_enter_on_key_down_navigates_and_is_waited_for(run: RunSteps, base: str) -> None:
    result = await replay(
        run, base, "key_navigation", read("[location.search, document.readyState]", "page")
    )
    assert result.outputs["page"] == ["?from=key", "complete"]


async def test_emulate_network_conditions_throttles_the_page(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "emulate_network",
        read("[navigator.connection.rtt, navigator.connection.downlink]", "connection"),
    )
    # Chromium reports the emulated 400 ms and 50 000 B/s (0.4 Mbit/s), rounded and
    # with up to 10% of random noise it adds against fingerprinting.
    rtt, downlink = result.outputs["connection"]
    assert 350 <= rtt <= 450
    assert 0.35 <= downlink <= 0.45


async def test_emulate_network_offline_fails_requests(run: RunSteps, base: str) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{base}/keys.html"},
            {"action": "emulate_network", "offline": True},
            read(
                "fetch('/keys.html?' + Math.random()).then(() => 'fetched', () => 'failed')",
                "offline",
            ),
            {"action": "emulate_network"},
            read(
                "fetch('/keys.html?' + Math.random()).then(() => 'fetched', () => 'failed')",
                "online",
            ),
        ]
    )
    assert result.raise_for_status().outputs == {"offline": "failed", "online": "fetched"}
