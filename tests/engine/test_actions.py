"""Every action, run by the engine in real Chromium."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from tests.conftest import RunSteps

from pupi import InvalidSteps, StepFailed
from pupi.engine.handlers import HANDLERS
from pupi.steps import ACTIONS

pytestmark = pytest.mark.browser


def html(body: str, title: str = "Test") -> str:
    """A self-contained page as a data: URL (no server needed for single-page checks)."""
    page = f"<!doctype html><title>{title}</title><body>{body}</body>"
    return "data:text/html;base64," + base64.b64encode(page.encode()).decode()


FORM = html(
    """
    <label for=name>Name</label><input id=name value="old">
    <select id=plan><option value=f>Free</option><option value=p>Pro</option></select>
    <select id=multi multiple><option>a</option><option>b</option><option>c</option></select>
    <input type=checkbox id=agree><input type=radio name=r id=r1 value=one>
    <button id=go onclick="const q = s => document.querySelector(s);
      q('#out').textContent = q('#name').value + '|' + q('#plan').value">Go</button>
    <p id=out></p>
    <ul><li class=i data-n=1>one</li><li class=i data-n=2>two</li></ul>
    <div style="height:3000px"></div><p id=far>far away</p>
    """
)


def test_every_action_has_a_handler() -> None:
    assert set(HANDLERS) == set(ACTIONS)


async def test_type_select_check_click_and_extract(run: RunSteps) -> None:
    result = await run(
        [
            {"action": "go", "url": FORM},
            {"action": "type", "selector": "#name", "text": "Ada"},
            {"action": "select", "selector": "#plan", "label": "Pro"},
            {"action": "select", "selector": "#multi", "values": ["a", "c"]},
            {"action": "check", "selector": "#agree"},
            {"action": "check", "selector": "#r1"},
            {"action": "click", "selector": "text=Go"},
            {"action": "extract", "selector": "#out", "as": "out"},
            {"action": "extract", "selector": ".i", "all": True, "as": "items"},
            {"action": "extract", "selector": ".i", "attribute": "data-n", "all": True, "as": "ns"},
            {"action": "extract", "selector": "#agree", "property": "checked", "as": "agreed"},
            {"action": "extract", "selector": "#name", "as": "typed"},
            {"action": "uncheck", "selector": "#agree"},
            {"action": "extract", "selector": "#agree", "property": "checked", "as": "after"},
        ]
    )
    result.raise_for_status()
    assert result.outputs == {
        "out": "Ada|p",
        "items": ["one", "two"],
        "ns": ["1", "2"],
        "agreed": True,
        "typed": "Ada",
        "after": False,
    }
    assert [step.status for step in result.steps] == ["ok"] * 14
    assert result.steps[8].output == ["one", "two"]


async def test_type_without_clear_appends_and_delay_types_key_by_key(run: RunSteps) -> None:
    result = await run(
        [
            {"action": "go", "url": FORM},
            {"action": "type", "selector": "#name", "text": "+1", "clear": False},
            {"action": "extract", "selector": "#name", "as": "appended"},
            {"action": "type", "selector": "#name", "text": "xy", "delay_ms": 5},
            {"action": "extract", "selector": "#name", "as": "replaced"},
        ]
    )
    assert result.raise_for_status().outputs == {"appended": "old+1", "replaced": "xy"}


async def test_press_scroll_hover_evaluate_and_viewport(run: RunSteps) -> None:
    page = html(
        """<input id=q onkeydown="if(event.key==='Enter') this.value='entered'">
        <p id=h onmouseover="this.textContent='hovered'">h</p><div style="height:4000px"></div>"""
    )
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "press", "selector": "#q", "key": "Enter"},
            {"action": "hover", "selector": "#h"},
            {"action": "scroll", "to": "bottom"},
            {"action": "evaluate", "script": "window.scrollY > 1000", "as": "bottom"},
            {"action": "scroll", "y": 100},
            {"action": "evaluate", "script": "window.scrollY", "as": "y"},
            {"action": "set_viewport", "width": 500, "height": 400},
            {
                "action": "evaluate",
                "script": "([a, b]) => a + b + innerWidth",
                "arg": [1, 2],
                "as": "sum",
            },
            {"action": "extract", "selector": "#q", "as": "q"},
            {"action": "extract", "selector": "#h", "as": "h"},
        ]
    )
    assert result.raise_for_status().outputs == {
        "bottom": True,
        "y": 100,
        "sum": 503,
        "q": "entered",
        "h": "hovered",
    }


async def test_navigation_back_forward_reload_and_waits(run: RunSteps, demo_url: str) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/"},
            {"action": "go", "url": f"{demo_url}/shop"},
            {"action": "back"},
            {"action": "wait", "url": "*/"},
            {"action": "forward"},
            {"action": "wait", "url": "/shop"},
            {"action": "reload"},
            {"action": "wait", "load_state": "domcontentloaded"},
            {"action": "wait", "ms": 10},
            {"action": "assert", "url": "/shop"},
            {"action": "evaluate", "script": "location.pathname", "as": "path"},
        ]
    )
    assert result.raise_for_status().outputs["path"] == "/shop"


async def test_waiting_for_late_content(run: RunSteps) -> None:
    page = html(
        """<script>setTimeout(() => { const p = document.createElement('p');
        p.id = 'late'; p.textContent = 'arrived'; document.body.append(p); window.ready = 1 }, 300)
        </script>"""
    )
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "wait", "text": "arrived"},
            {"action": "wait", "selector": "#late", "state": "visible"},
            {"action": "wait", "expression": "window.ready === 1"},
            {"action": "assert", "selector": "#late", "text": "arrived"},
        ]
    )
    result.raise_for_status()


async def test_assertions_pass_and_fail(run: RunSteps) -> None:
    page = html("<h1>Shop</h1><p class=x>1</p><p class=x>2</p>", title="My Shop")
    passing = await run(
        [
            {"action": "go", "url": page},
            {"action": "assert", "title": "Shop"},
            {"action": "assert", "selector": ".x", "count": 2},
            {"action": "assert", "selector": "h1", "text": "Sho"},
            {"action": "assert", "selector": "#missing", "state": "detached"},
        ]
    )
    passing.raise_for_status()
    failing = await run(
        [
            {"action": "go", "url": page},
            {"action": "assert", "selector": "h1", "text": "Cart", "timeout_ms": 300},
        ]
    )
    assert failing.status == "failed"
    assert failing.error is not None
    assert failing.error["type"] == "assertion"
    assert failing.error["step_index"] == 1


async def test_selector_alternatives_use_the_first_that_matches(run: RunSteps) -> None:
    page = html("<button id=b onclick=\"this.textContent='done'\">Buy</button>")
    result = await run(
        [
            {"action": "go", "url": page},
            {
                "action": "click",
                "selector": ["#nope", "role=button[name='Buy']"],
                "timeout_ms": 30_000,  # only bounds the wait for a button already there
            },
            {"action": "extract", "selector": "#b", "as": "text"},
        ]
    )
    assert result.raise_for_status().outputs["text"] == "done"
    missing = await run(
        [
            {"action": "go", "url": page},
            {"action": "click", "selector": ["#a", "#b2"], "timeout_ms": 200},
        ]
    )
    assert missing.error is not None
    assert missing.error["type"] == "timeout"
    assert "'#a'" in missing.error["message"]
    assert "'#b2'" in missing.error["message"]


async def test_screenshot_and_upload(run: RunSteps, tmp_path: Path) -> None:
    upload = tmp_path / "hello.txt"
    upload.write_text("hi")
    page = html(
        "<input type=file id=f "
        "onchange=\"document.querySelector('#n').textContent=this.files[0].name\">"
        "<p id=n></p>"
    )
    target = tmp_path / "shots" / "page.png"
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "upload", "selector": "#f", "files": str(upload)},
            {"action": "extract", "selector": "#n", "as": "name"},
            {"action": "screenshot", "path": str(target), "as": "shot"},
            {"action": "screenshot", "selector": "#n", "as": "element"},
        ]
    )
    result.raise_for_status()
    assert result.outputs["name"] == "hello.txt"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(result.outputs["element"]).read_bytes()[:4] == b"\x89PNG"


async def test_variables_and_outputs_fill_placeholders(run: RunSteps) -> None:
    page = html("<h1>Ada</h1><input id=q>")
    result = await run(
        [
            {"action": "go", "url": "{{page}}"},
            {"action": "extract", "selector": "h1", "as": "who"},
            {"action": "type", "selector": "#q", "text": "{{greeting}}, {{who}}"},
            {"action": "extract", "selector": "#q", "as": "typed"},
        ],
        variables={"page": page, "greeting": "Hello"},
    )
    assert result.raise_for_status().outputs["typed"] == "Hello, Ada"


async def test_a_failure_stops_the_run_skips_the_rest_and_keeps_a_screenshot(run: RunSteps) -> None:
    result = await run(
        [
            {"action": "go", "url": html("<p>x</p>")},
            {"action": "click", "selector": "#missing", "timeout_ms": 200},
            {"action": "reload"},
        ]
    )
    assert result.status == "failed"
    assert [step.status for step in result.steps] == ["ok", "failed", "skipped"]
    assert result.error is not None
    assert result.error["step_index"] == 1
    assert result.error["type"] == "timeout"
    assert "#missing" in result.error["message"]
    assert Path(result.error["screenshot"]).exists()
    with pytest.raises(StepFailed) as caught:
        result.raise_for_status()
    assert caught.value.run is result


async def test_optional_steps_and_stop_on_error_false_keep_going(run: RunSteps) -> None:
    page = html("<p id=p>x</p>")
    optional = await run(
        [
            {"action": "go", "url": page},
            {"action": "click", "selector": "#missing", "timeout_ms": 100, "optional": True},
            {"action": "extract", "selector": "#p", "as": "p"},
        ]
    )
    assert optional.status == "completed"
    assert [s.status for s in optional.steps] == ["ok", "failed", "ok"]
    keep_going = await run(
        [
            {"action": "go", "url": page},
            {"action": "click", "selector": "#missing", "timeout_ms": 100},
            {"action": "extract", "selector": "#p", "as": "p"},
        ],
        stop_on_error=False,
    )
    assert keep_going.status == "failed"
    assert keep_going.outputs == {"p": "x"}


async def test_an_ambiguous_selector_is_reported_as_such(run: RunSteps) -> None:
    result = await run(
        [{"action": "go", "url": html("<a>x</a><a>x</a>")}, {"action": "click", "selector": "a"}]
    )
    assert result.error is not None
    assert result.error["type"] == "ambiguous_selector"
    assert "2 elements" in result.error["message"]


async def test_invalid_steps_start_no_browser_instance(run: RunSteps) -> None:
    from pupi.browser.instances import get_manager

    before = len(get_manager().list())
    with pytest.raises(InvalidSteps):
        await run([{"action": "go", "url": "http://x"}, {"action": "click"}])
    assert len(get_manager().list()) == before
