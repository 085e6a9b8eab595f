"""Runs of reads in one round trip: the same outputs and failures as one by one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from tests.conftest import RunSteps
from tests.engine.shortcuts import both_ways, outcome
from tests.engine.test_actions import html

from pupi.engine import batch
from pupi.steps import Step, parse_steps

pytestmark = pytest.mark.browser

PAGE = html(
    """
    <h1 id=title>  Orders   today </h1>
    <input id=name value="Ada"><textarea id=note>two
    lines</textarea>
    <select id=plan><option>Free</option><option selected>Pro</option></select>
    <ul><li class=i data-n=1>one</li><li class=i data-n=2>two</li></ul>
    <a id=link href="/next" title="Next page">next</a>
    <p id=gone style="visibility:hidden">hidden text</p>
    <p id=none style="display:none">not shown</p>
    <button id=off disabled>Off</button>
    <svg id=pic width=10 height=10></svg>
    """
)

READS: list[dict[str, Any]] = [
    {"action": "go", "url": PAGE},
    {"action": "extract", "selector": "#title", "as": "title"},
    {"action": "extract", "selector": "#name", "as": "name"},
    {"action": "extract", "selector": "#note", "as": "note"},
    {"action": "extract", "selector": "#plan", "as": "plan"},
    {"action": "extract", "selector": ".i", "all": True, "as": "items"},
    {"action": "extract", "selector": ".i", "attribute": "data-n", "all": True, "as": "ns"},
    {"action": "extract", "selector": "#link", "attribute": "title", "as": "tip"},
    {"action": "extract", "selector": "#link", "attribute": "rel", "as": "rel"},
    {"action": "extract", "selector": "#name", "property": "value", "as": "value"},
    {"action": "extract", "selector": "#plan", "property": "selectedIndex", "as": "index"},
    {"action": "extract", "selector": ".i", "property": "tagName", "all": True, "as": "tags"},
    {"action": "assert", "selector": "#title", "text": "Orders today"},
    {"action": "assert", "selector": "#link"},
    {"action": "assert", "selector": "#gone", "state": "attached"},
    {"action": "wait", "selector": "#link"},
    {"action": "wait", "selector": "#gone", "state": "attached"},
    # Playwright's CSS, not the browser's: the batch stops here.
    {"action": "extract", "selector": "li:has-text('two')", "as": "two"},
    {"action": "extract", "selector": "#none", "as": "invisible"},
    # An object: Playwright serialises it its own way, so the handler reads it.
    {"action": "extract", "selector": "#name", "property": "dataset", "as": "dataset"},
]


class Batches:
    """What each call to ``read_batch`` was given and answered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[int, int | None]] = []
        real = batch.read_batch

        async def spy(page: Any, steps: Sequence[Step], timeout_ms: float) -> Any:
            answer = await real(page, steps, timeout_ms)
            self.calls.append((len(steps), None if answer is None else len(answer)))
            return answer

        monkeypatch.setattr("pupi.engine.runner.read_batch", spy)


async def test_a_run_of_reads_is_read_at_once_with_the_outputs_one_by_one_gives(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = Batches(monkeypatch)
    batched = await run(READS)
    assert batched.ok, batched.error
    # One round trip answered every read up to the selector only Playwright
    # reads; the step after it was tried in a batch again.
    assert batches.calls[0] == (19, 16)
    assert batches.calls[1:] == [(2, 1)]

    monkeypatch.setattr(batch, "_ENABLED", False)
    single = await run(READS)
    assert single.ok, single.error
    assert batched.outputs == single.outputs
    assert batched.outputs["title"] == "Orders today"
    assert batched.outputs["note"] == "two\n    lines"
    assert batched.outputs["plan"] == "Pro"
    assert batched.outputs["ns"] == ["1", "2"]
    assert batched.outputs["rel"] is None
    assert batched.outputs["value"] == "Ada"
    assert batched.outputs["index"] == 1
    assert batched.outputs["tags"] == ["LI", "LI"]
    assert batched.outputs["two"] == "two"
    assert [step.duration_ms > 0 for step in batched.steps] == [True] * len(READS)


@pytest.mark.parametrize(
    "step",
    [
        {"action": "assert", "selector": "#gone"},  # visibility: hidden
        {"action": "assert", "selector": "#none", "state": "visible"},  # display: none
        {"action": "assert", "selector": "#title", "text": "Orders yesterday"},
        {"action": "wait", "selector": "#none"},  # display: none
        {"action": "extract", "selector": "#pic"},  # not an HTML element: no innerText
        {"action": "click", "selector": "#off"},  # disabled
    ],
)
async def test_a_read_that_does_not_hold_fails_exactly_as_one_by_one(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch, step: dict[str, Any]
) -> None:
    steps = [
        {"action": "go", "url": PAGE},
        {"action": "extract", "selector": "#name"},
        step | {"timeout_ms": 400},
        {"action": "extract", "selector": "#title"},
    ]
    batched, single = await both_ways(run, monkeypatch, batch, steps, stop_on_error=False)
    assert outcome(batched) == outcome(single)
    assert [status for status, _ in outcome(batched)] == ["ok", "ok", "failed", "ok"]
    assert batched.error is not None and single.error is not None
    assert batched.error["type"] == single.error["type"]


def test_only_plain_reads_of_the_main_frame_are_batched() -> None:
    yes = parse_steps(
        [
            {"action": "extract", "selector": "div.a > p:nth-child(2)"},
            {"action": "wait", "selector": "#a"},
            {"action": "wait", "selector": "#a", "state": "attached"},
            {"action": "extract", "selector": "#a", "property": "checked"},
        ]
    )
    assert [batch.batchable(step) for step in yes] == [True] * len(yes)
    no = parse_steps(
        [
            {"action": "click", "selector": "#a"},
            {"action": "extract", "selector": "text=Sign in"},
            {"action": "extract", "selector": "role=button[name='Go']"},
            {"action": "extract", "selector": "//p"},
            {"action": "extract", "selector": "#a >> .b"},
            {"action": "extract", "selector": "aria-name=Go"},
            {"action": "extract", "selector": "#a", "frame": [0]},
            {"action": "extract", "selector": "#{{id}}"},
            {"action": "assert", "selector": "#a", "count": 2},
            {"action": "assert", "selector": "#a", "state": "hidden"},
            {"action": "wait", "selector": "#a", "state": "hidden"},
            {"action": "wait", "selector": "#a", "count": 2},
            {"action": "wait", "text": "Ready"},
        ],
        variables=["id"],
    )
    assert [batch.batchable(step) for step in no] == [False] * len(no)


async def test_a_page_with_shadow_roots_is_left_to_playwright(
    run: RunSteps, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = Batches(monkeypatch)
    page = html(
        """<div id=host></div><p id=light>light</p><script>
        document.querySelector("#host").attachShadow({mode: "open"}).innerHTML =
          "<p class=deep>deep</p>";
        </script>"""
    )
    result = await run(
        [
            {"action": "go", "url": page},
            {"action": "extract", "selector": "#light", "as": "light"},
            {"action": "extract", "selector": ".deep", "as": "deep"},
        ]
    )
    assert result.ok, result.error
    assert result.outputs == {"light": "light", "deep": "deep"}
    assert batches.calls == [(2, None)]
