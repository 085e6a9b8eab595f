"""Tabs: popups followed or left in the background, and the steps that open, switch
to and close tabs, in real Chromium against the demo site's /popups page."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import InvalidSteps, PupiPuppeteerSDK
from pupi.browser import Instance, TabInfo
from pupi.browser.instances import get_manager
from pupi.engine import run_steps
from pupi.steps import parse_steps

browser = pytest.mark.browser


async def eventually(predicate: Callable[[], bool], timeout_s: float = 60) -> None:
    """Poll ``predicate`` until it holds: Playwright reports new tabs, closed tabs and
    titles asynchronously. The bound says how long to wait for a state that must
    come, never how soon it should."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "the tabs never reached the expected state"
        await asyncio.sleep(0.05)


def go(url: str) -> dict[str, Any]:
    return {"action": "go", "url": url}


def heading(name: str) -> dict[str, Any]:
    return {"action": "extract", "selector": "h1", "as": name}


async def opened(run: RunSteps, steps: list[dict[str, Any]]) -> Instance:
    """Run ``steps`` in a new instance and return it."""
    result = await run(steps)
    result.raise_for_status()
    return get_manager().get(result.instance_id)


@browser
@pytest.mark.parametrize(
    ("selector", "opener"),
    [
        pytest.param("#new-tab-link", "link", id="target-blank-link"),
        pytest.param("#open-popup", "button", id="window-open"),
    ],
)
async def test_a_tab_opened_by_a_click_becomes_the_current_tab(
    run: RunSteps, demo_url: str, selector: str, opener: str
) -> None:
    instance = await opened(
        run, [go(f"{demo_url}/popups"), {"action": "click", "selector": selector}]
    )
    # The popup may be reported a moment after the click has returned.
    await eventually(lambda: instance.page.url.endswith(f"by={opener}"))
    more = await run(
        [{"action": "extract", "selector": "#opened-by", "as": "by"}], instance_id=instance.id
    )
    assert more.raise_for_status().outputs["by"] == f"Opened by the {opener} on the Popups page."


@browser
@pytest.mark.parametrize(
    "step",
    [
        pytest.param({"action": "click", "selector": "#open-popup", "popup": "stay"}, id="click"),
        pytest.param(
            {"action": "press", "selector": "#new-tab-link", "key": "Enter", "popup": "stay"},
            id="press",
        ),
    ],
)
async def test_with_popup_stay_the_steps_stay_on_the_opener(
    run: RunSteps, demo_url: str, step: dict[str, Any]
) -> None:
    instance = await opened(run, [go(f"{demo_url}/popups"), step])
    await eventually(lambda: len(instance.tabs.pages) == 2 and "by=" in instance.tabs.pages[1].url)
    more = await run([heading("heading")], instance_id=instance.id)
    assert more.raise_for_status().outputs["heading"] == "Popups"
    assert [tab.current for tab in instance.tabs.info()] == [True, False]


@browser
async def test_a_later_click_that_follows_ends_the_stay(run: RunSteps, demo_url: str) -> None:
    instance = await opened(
        run,
        [go(f"{demo_url}/popups"), {"action": "click", "selector": "#open-popup", "popup": "stay"}],
    )
    await eventually(lambda: len(instance.tabs.pages) == 2)
    more = await run([{"action": "click", "selector": "#new-tab-link"}], instance_id=instance.id)
    more.raise_for_status()
    await eventually(lambda: instance.page.url.endswith("by=link"))
    assert len(instance.tabs.pages) == 3


@browser
async def test_a_popup_that_closes_itself_hands_the_steps_back_to_its_opener(
    run: RunSteps, demo_url: str
) -> None:
    instance = await opened(
        run, [go(f"{demo_url}/popups"), {"action": "click", "selector": "#open-popup"}]
    )
    await eventually(lambda: instance.page.url.endswith("by=button"))
    # The click is a success even when Playwright sees its page close under it.
    closing = await run([{"action": "click", "selector": "#close-tab"}], instance_id=instance.id)
    closing.raise_for_status()
    await eventually(lambda: len(instance.tabs.pages) == 1)
    more = await run([heading("heading")], instance_id=instance.id)
    assert more.raise_for_status().outputs["heading"] == "Popups"


@browser
async def test_new_tab_opens_a_current_tab_blank_or_at_its_url(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "new_tab"},
            {"action": "evaluate", "script": "location.href", "as": "blank"},
            {"action": "new_tab", "url": f"{demo_url}/faq"},
            heading("heading"),
        ]
    )
    assert result.raise_for_status().outputs == {"blank": "about:blank", "heading": "FAQ"}
    assert result.steps[1].output == {"index": 1, "url": "about:blank", "title": "", "status": None}
    assert result.steps[3].output == {
        "index": 2,
        "url": f"{demo_url}/faq",
        "title": "FAQ · Pupi Demo",
        "status": 200,
    }


@browser
async def test_new_tab_is_refused_by_the_request_filter_before_a_tab_opens() -> None:
    manager = get_manager()
    instance = await manager.open(
        request_filter=lambda url: "no browser pages" if url.startswith("chrome:") else None
    )
    try:
        result = await run_steps(
            instance,
            parse_steps([{"action": "new_tab", "url": "chrome://version"}]),
            instance_id=instance.id,
        )
        assert result.error is not None
        assert (result.error.type, result.error.message) == ("blocked", "no browser pages")
        assert len(instance.tabs.pages) == 1
    finally:
        await manager.close(instance.id)


@browser
async def test_switch_tab_by_index_url_glob_and_title(run: RunSteps, demo_url: str) -> None:
    def switch(**which: Any) -> dict[str, Any]:
        return {"action": "switch_tab", **which}

    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "new_tab", "url": f"{demo_url}/faq"},
            {"action": "new_tab", "url": f"{demo_url}/tabs"},
            switch(index=0),
            heading("oldest"),
            switch(index=-1),
            heading("newest"),
            switch(url="/faq"),
            heading("by_url"),
            switch(url="*/popups"),
            heading("by_glob"),
            switch(title="Tabs"),
            heading("by_title"),
        ]
    )
    assert result.raise_for_status().outputs == {
        "oldest": "Popups",
        "newest": "Tabs",
        "by_url": "FAQ",
        "by_glob": "Popups",
        "by_title": "Tabs",
    }
    assert result.steps[3].output == {
        "index": 0,
        "url": f"{demo_url}/popups",
        "title": "Popups · Pupi Demo",
    }


@browser
async def test_switch_tab_waits_for_a_popup_still_opening(run: RunSteps, demo_url: str) -> None:
    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "click", "selector": "#open-popup", "popup": "stay"},
            {"action": "switch_tab", "title": "Opened tab"},
            {"action": "extract", "selector": "#opened-by", "as": "by"},
        ]
    )
    assert result.raise_for_status().outputs["by"] == "Opened by the button on the Popups page."
    assert result.steps[2].output["index"] == 1


@browser
async def test_a_tab_that_never_appears_fails_listing_the_open_tabs(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "new_tab", "url": f"{demo_url}/faq"},
            {"action": "switch_tab", "title": "Checkout", "timeout_ms": 200},
        ]
    )
    assert result.error is not None
    assert result.error.step_index == 2
    assert result.error.type == "timeout"
    message = result.error.message
    assert message.startswith("no tab whose title matches 'Checkout' within 200 ms; open tabs: ")
    assert f"[0] {demo_url}/popups 'Popups · Pupi Demo'," in message
    assert message.endswith(f"[1] {demo_url}/faq 'FAQ · Pupi Demo' (current)")


@browser
async def test_closing_the_current_tab_returns_to_the_one_current_before_it(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "new_tab", "url": f"{demo_url}/faq"},
            {"action": "new_tab", "url": f"{demo_url}/tabs"},
            {"action": "switch_tab", "index": 0},
            {"action": "switch_tab", "index": 1},
            # Current in turn: Popups, FAQ, Tabs, Popups, FAQ. Closing FAQ goes back
            # to Popups, not to Tabs, the newest tab.
            {"action": "close_tab"},
            heading("after_faq"),
            {"action": "close_tab"},
            heading("after_popups"),
        ]
    )
    assert result.raise_for_status().outputs == {"after_faq": "Popups", "after_popups": "Tabs"}
    assert result.steps[5].output == {
        "index": 0,
        "url": f"{demo_url}/popups",
        "title": "Popups · Pupi Demo",
    }


@browser
async def test_close_tab_by_index_keeps_the_current_tab(run: RunSteps, demo_url: str) -> None:
    result = await run(
        [
            go(f"{demo_url}/popups"),
            {"action": "new_tab", "url": f"{demo_url}/faq"},
            {"action": "new_tab", "url": f"{demo_url}/tabs"},
            {"action": "close_tab", "index": 0},
            {"action": "close_tab", "index": -2},
            heading("heading"),
            {"action": "close_tab", "index": 5},
        ]
    )
    assert result.outputs == {"heading": "Tabs"}
    assert result.steps[3].output == {
        "index": 1,
        "url": f"{demo_url}/tabs",
        "title": "Tabs · Pupi Demo",
    }
    assert result.error is not None
    assert result.error.step_index == 6
    assert result.error.message == (
        f"no tab at index 5; open tabs: [0] {demo_url}/tabs 'Tabs · Pupi Demo' (current)"
    )


@browser
async def test_closing_the_last_tab_is_refused(run: RunSteps, demo_url: str) -> None:
    result = await run([go(f"{demo_url}/popups"), {"action": "close_tab"}])
    assert result.error is not None
    assert result.error.type == "error"
    assert "last tab" in result.error.message
    more = await run([heading("heading")], instance_id=result.instance_id)
    assert more.raise_for_status().outputs["heading"] == "Popups"


@browser
async def test_tab_steps_on_a_bare_page_fail_clearly() -> None:
    manager = get_manager()
    instance = await manager.open()
    try:
        result = await run_steps(
            instance.page, parse_steps([{"action": "new_tab"}]), instance_id=instance.id
        )
        assert result.error is not None
        assert "need an instance" in result.error.message
    finally:
        await manager.close(instance.id)


@browser
async def test_list_instances_shows_each_instances_tabs(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    instance = await opened(
        run,
        [
            go(f"{demo_url}/popups"),
            {"action": "click", "selector": "#open-popup", "popup": "stay"},
            {"action": "switch_tab", "url": "by=button"},
        ],
    )

    def tabs() -> list[TabInfo]:
        return next(info for info in sdk.list_instances() if info.id == instance.id).tabs

    # Titles are read as each tab loads: they may lag by a moment.
    await eventually(
        lambda: [tab.title for tab in tabs()] == ["Popups · Pupi Demo", "Opened tab · Pupi Demo"]
    )
    popup = f"{demo_url}/popups/opened?by=button"
    assert [(tab.index, tab.url, tab.current) for tab in tabs()] == [
        (0, f"{demo_url}/popups", False),
        (1, popup, True),
    ]
    assert next(info for info in sdk.list_instances() if info.id == instance.id).url == popup


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        pytest.param({"action": "switch_tab"}, None, "give one of index, url, title", id="none"),
        pytest.param(
            {"action": "switch_tab", "index": 0, "title": "Shop"},
            None,
            "give only one of index, url, title (got index, title)",
            id="two",
        ),
        pytest.param({"action": "switch_tab", "url": ""}, "url", "at least 1", id="empty-url"),
        pytest.param({"action": "close_tab", "index": "last"}, "index", "integer", id="index"),
        pytest.param({"action": "new_tab", "url": ""}, "url", "at least 1", id="new-tab-url"),
        pytest.param(
            {"action": "click", "selector": "#a", "popup": "background"},
            "popup",
            "'follow' or 'stay'",
            id="popup",
        ),
        pytest.param({"action": "new_tab", "tab": 1}, "tab", "unknown field", id="unknown"),
    ],
)
async def test_invalid_tab_fields_are_rejected_before_any_browser_starts(
    sdk: PupiPuppeteerSDK, step: dict[str, Any], field: str | None, message: str
) -> None:
    before = len(get_manager().list())
    with pytest.raises(InvalidSteps) as caught:
        await sdk.execute_steps_locally([go("about:blank"), step])
    (error,) = caught.value.errors
    assert (error.index, error.action, error.field) == (1, step["action"], field)
    assert message in error.message
    assert len(get_manager().list()) == before
