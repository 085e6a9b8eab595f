"""Recorder ``aria/Name`` selectors without a role, replayed through Chromium's
accessibility tree as Puppeteer's ARIA query resolves them."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import RunResult

pytestmark = pytest.mark.browser


def click(*selectors: list[str], **fields: Any) -> dict[str, Any]:
    return {"type": "click", "selectors": list(selectors), "offsetX": 2, "offsetY": 2, **fields}


async def replay(run: RunSteps, base: str, page: str, *steps: dict[str, Any]) -> RunResult:
    recording = {
        "title": "aria names",
        "timeout": 5000,
        "steps": [{"type": "navigate", "url": f"{base}/{page}"}, *steps],
    }
    return await run(recording)


async def pressed(run: RunSteps, result: RunResult) -> list[str]:
    """The ids of the elements the mouse went down on, in order."""
    read = {"action": "evaluate", "script": "document.getElementById('log').textContent"}
    checked = await run([read | {"as": "log"}], instance_id=result.instance_id)
    log: str = checked.raise_for_status().outputs["log"]
    return log.split()


async def test_the_name_is_the_accessible_name_however_the_page_gives_it(
    run: RunSteps, base: str
) -> None:
    result = await replay(
        run,
        base,
        "aria.html",
        click(["aria/Ship to"]),  # aria-labelledby
        click(["aria/Email"]),  # <label for>
        click(["aria/Submit order"]),  # its text, white space collapsed
        click(["aria/Search terms"]),  # title
        click(["aria/Company logo"]),  # alt
        click(["aria/Close"]),  # aria-label
        click(["aria/In the shadow"]),  # inside an open shadow root
    )
    result.raise_for_status()
    assert await pressed(run, result) == [
        "labelled",
        "email",
        "plain",
        "search",
        "logo",
        "close",
        "shadowed",
    ]


async def test_text_that_is_not_the_accessible_name_does_not_match(
    run: RunSteps, base: str
) -> None:
    # The button reads "Dismiss" but its aria-label names it "Close".
    result = await replay(run, base, "aria.html", click(["aria/Dismiss"], timeout=300))
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["step_index"] == 1
    assert result.error["type"] == "timeout"
    assert "no element has the accessible name 'Dismiss' within 300 ms" in result.error["message"]


async def test_elements_hidden_from_accessibility_are_passed_over(run: RunSteps, base: str) -> None:
    # Two hidden buttons named "Pay" (aria-hidden, display:none) come first.
    result = await replay(
        run,
        base,
        "aria.html",
        {"type": "waitForElement", "selectors": [["aria/Pay"]], "operator": "==", "count": 2},
        click(["aria/Pay"]),
    )
    result.raise_for_status()
    assert await pressed(run, result) == ["pay"]


async def test_a_name_in_a_chain_is_looked_for_inside_the_parts_before_it(
    run: RunSteps, base: str
) -> None:
    result = await replay(
        run,
        base,
        "aria.html",
        click(["aria/Checkout", "aria/Pay"]),
        click(["#host", "aria/In the shadow"]),
    )
    result.raise_for_status()
    assert await pressed(run, result) == ["pay-in-form", "shadowed"]


async def test_an_element_named_later_is_waited_for(run: RunSteps, base: str) -> None:
    result = await replay(
        run,
        base,
        "aria.html",
        click(["aria/Arrived late"]),
        {"type": "change", "selectors": [["aria/Email"]], "value": "ada@example.org"},
    )
    result.raise_for_status()
    assert await pressed(run, result) == ["late"]
    read = {"action": "evaluate", "script": "document.getElementById('email').value", "as": "v"}
    checked = await run([read], instance_id=result.instance_id)
    assert checked.raise_for_status().outputs["v"] == "ada@example.org"


async def test_names_are_looked_for_in_the_steps_frame_in_or_out_of_process(
    run: RunSteps, base: str
) -> None:
    result = await replay(
        run,
        base,
        "aria-frames.html",
        click(["aria/Inner action"], frame=[0]),
        click(["aria/Inner action"], frame=[1]),
    )
    result.raise_for_status()
    titles = [
        {"action": "evaluate", "script": "document.title", "as": name, **frame}
        for name, frame in (("top", {}), ("near", {"frame": [0]}), ("far", {"frame": [1]}))
    ]
    checked = await run(titles, instance_id=result.instance_id)
    assert checked.raise_for_status().outputs == {
        "top": "Accessible names in frames",
        "near": "pressed",
        "far": "pressed",
    }


async def test_pupi_steps_can_name_elements_count_them_and_wait_for_them_to_go(
    run: RunSteps, base: str
) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{base}/aria.html"},
            {"action": "assert", "selector": 'aria-name="Pay"', "count": 2},
            {"action": "extract", "selector": 'aria-name="Pay"', "all": True, "as": "pays"},
            {"action": "wait", "selector": 'aria-name="Arrived late"'},
            {"action": "evaluate", "script": "setTimeout(() => late.remove(), 200)"},
            {"action": "wait", "selector": 'aria-name="Arrived late"', "state": "detached"},
            {"action": "assert", "selector": 'aria-name="Arrived late"', "state": "detached"},
        ]
    )
    assert result.raise_for_status().outputs["pays"] == ["Pay", "Pay"]
