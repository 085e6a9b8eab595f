"""The chainable Puppeteer."""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import operator
import time
import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest

from pupi import InvalidSteps, PupiPuppeteerSDK, Puppeteer
from pupi._chain import StepOptions
from pupi.browser.instances import get_manager
from pupi.steps import ACTIONS, BaseStep, Position, StepIntent

# Chain parameters that accept more than the model's field type, which the model
# coerces: a position as a plain dict, a single file as a string.
WIDER: dict[tuple[str, str], Any] = {
    ("click", "position"): Position | dict[str, float] | None,
    ("upload", "files"): str | list[str],
}
COMMON = set(BaseStep.model_fields) - {"action"}


def _plain(annotation: Any) -> Any:
    """``annotation`` without ``Annotated`` metadata, at any depth."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _plain(args[0])
    if origin in (Union, types.UnionType):
        return functools.reduce(operator.or_, [_plain(arg) for arg in args])
    if origin is None or origin is Literal or not args:
        return annotation
    return origin[tuple(_plain(arg) for arg in args)]


def test_every_action_has_a_chain_method() -> None:
    for action in ACTIONS:
        assert callable(getattr(Puppeteer, action)), action


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_chain_method_takes_its_step_models_fields(action: str) -> None:
    # Names, types and defaults: a field added to a model fails here until its
    # chain method takes it too.
    model = ACTIONS[action]
    method = getattr(Puppeteer, action)
    parameters = dict(inspect.signature(method).parameters)
    del parameters["self"]
    assert parameters.pop("options").kind is inspect.Parameter.VAR_KEYWORD
    hints = typing.get_type_hints(method)
    fields = {name: info for name, info in model.model_fields.items() if name not in COMMON}
    del fields["action"]
    assert set(parameters) == set(fields)
    for name, info in fields.items():
        expected = WIDER.get((action, name), _plain(info.annotation))
        assert _plain(hints[name]) == expected, name
        default = inspect.Parameter.empty if info.is_required() else info.default
        assert parameters[name].default == default, name


def test_the_options_every_chain_method_takes_are_the_fields_every_step_has() -> None:
    hints = typing.get_type_hints(StepOptions)
    assert set(hints) == COMMON
    for name in COMMON:
        assert _plain(hints[name]) == _plain(BaseStep.model_fields[name].annotation), name


def test_defaults_are_left_out_of_queued_steps_and_options_go_in() -> None:
    browser = Puppeteer()
    browser.go("http://x", wait_until="load").click("#a", force=False, timeout_ms=500)
    browser.wait("#b", optional=True, expect_navigation=False)
    assert browser.queued == [
        {"action": "go", "url": "http://x"},
        {"action": "click", "selector": "#a", "timeout_ms": 500},
        {"action": "wait", "selector": "#b", "optional": True},
    ]


def test_methods_queue_step_dicts_with_as_spelled_as_() -> None:
    browser = Puppeteer()
    returned = browser.go("http://x").click("#a", click_count=2).extract("h1", as_="title")
    assert returned is browser
    assert browser.queued == [
        {"action": "go", "url": "http://x"},
        {"action": "click", "selector": "#a", "click_count": 2},
        {"action": "extract", "selector": "h1", "as": "title"},
    ]


async def test_an_invalid_queue_raises_before_any_browser_starts() -> None:
    browser = Puppeteer()
    browser.go("http://x").select("#s")
    before = len(get_manager().list())
    with pytest.raises(InvalidSteps, match="step 1"):
        await browser.run()
    assert browser.instance_id is None
    assert len(get_manager().list()) == before


@pytest.mark.browser
async def test_runs_share_one_instance_until_closed(demo_url: str) -> None:
    async with Puppeteer() as browser:
        await browser.go(f"{demo_url}/shop").run()
        first_id = browser.instance_id
        result = await browser.evaluate("location.pathname", as_="path").run()
        assert result.outputs["path"] == "/shop"
        assert browser.instance_id == first_id
    assert first_id not in {info.id for info in get_manager().list()}


@pytest.mark.browser
async def test_close_all_instances_releases_puppeteer_instances(demo_url: str) -> None:
    browser = Puppeteer()
    await browser.go(f"{demo_url}/").run()
    await PupiPuppeteerSDK().close_all_instances()
    assert browser.instance_id not in {info.id for info in get_manager().list()}
    # The object stays usable: its next run opens a fresh instance.
    result = await browser.go(f"{demo_url}/table").run()
    assert result.ok
    assert result.instance_id in {i.id for i in get_manager().list()}
    await browser.close()


@pytest.mark.browser
async def test_a_garbage_collected_puppeteer_closes_its_instance(demo_url: str) -> None:
    async def use_and_forget() -> str | None:
        # Its own frame: Playwright snapshots callers' locals, which a plain
        # ``del`` in this frame would not clear.
        browser = Puppeteer()
        await browser.go(f"{demo_url}/").run()
        return browser.instance_id

    instance_id = await use_and_forget()
    assert instance_id in {info.id for info in get_manager().list()}
    gc.collect()
    deadline = time.monotonic() + 60  # the finalizer closes it on the loop, soon after
    while instance_id in {info.id for info in get_manager().list()}:
        assert time.monotonic() < deadline, "the forgotten Puppeteer's instance stayed open"
        await asyncio.sleep(0.02)


@pytest.mark.browser
async def test_a_chained_step_with_an_intent_heals_when_its_selector_matches_nothing(
    demo_url: str,
) -> None:
    intent = StepIntent(role="textbox", name="Username", tag="input", type="text")
    async with Puppeteer(timeout_ms=5_000) as browser:
        browser.go(f"{demo_url}/login").type("#user-name", "ada", intent=intent)
        assert browser.queued[1]["intent"] == intent
        result = await browser.extract("#username", property="value", as_="typed").run(heal=True)
    assert result.ok, result.error
    assert result.outputs["typed"] == "ada"
    assert [(h.old_selector, h.new_selector) for h in result.healing] == [
        ("#user-name", "#username")
    ]
