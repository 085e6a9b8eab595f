"""One small coroutine per action: it performs the step on the page and returns its output.

Handlers call Playwright's locator actions directly, so every action keeps
Playwright's actionability checks (attached, visible, stable, enabled, receives
events) and its auto-waiting. They raise whatever Playwright raises; the runner
translates.
"""

from __future__ import annotations

import asyncio
import fnmatch
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from pupi.engine.locate import locate
from pupi.engine.translate import NavigationRefused, StepCheckFailed
from pupi.steps import models as m

__all__ = ["HANDLERS", "StepContext", "url_pattern"]


@dataclass(slots=True)
class StepContext:
    """What a handler needs besides its step."""

    page: Page
    timeout_ms: float
    index: int
    artifacts_dir: Path
    url_filter: Callable[[str], str | None] | None = None
    """The instance's request filter, checked before a ``go`` is sent."""


Handler = Callable[[Any, StepContext], Awaitable[Any]]


def url_pattern(text: str) -> re.Pattern[str]:
    """``*`` globs match the whole URL; plain text matches anywhere in it."""
    if "*" in text:
        return re.compile(fnmatch.translate(text.replace("**", "*")))
    return re.compile(re.escape(text))


async def _go(step: m.GoStep, ctx: StepContext) -> Any:
    # The filter also sees every request the page makes, but browser-internal
    # URLs (chrome:, about:) never reach the network layer, so check here too.
    reason = ctx.url_filter(step.url) if ctx.url_filter else None
    if reason:
        raise NavigationRefused(reason)
    response = await ctx.page.goto(step.url, wait_until=step.wait_until, timeout=ctx.timeout_ms)
    return {"url": ctx.page.url, "status": response.status if response else None}


async def _click(step: m.ClickStep, ctx: StepContext) -> None:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    position = step.position.model_dump() if step.position else None
    await locator.click(
        button=step.button,
        click_count=step.click_count,
        position=position,  # type: ignore[arg-type]
        timeout=ctx.timeout_ms,
    )


_CARET_TO_END = """el => {
  el.focus();
  try { const n = el.value.length; el.setSelectionRange(n, n); } catch (e) {}
}"""


async def _type(step: m.TypeStep, ctx: StepContext) -> None:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    if step.clear and not step.delay_ms:
        await locator.fill(step.text, timeout=ctx.timeout_ms)
        return
    if step.clear:
        await locator.fill("", timeout=ctx.timeout_ms)
    else:
        # Focusing puts the caret at the start; typing should add to what is there.
        await locator.evaluate(_CARET_TO_END, timeout=ctx.timeout_ms)
    await locator.press_sequentially(step.text, delay=step.delay_ms or 0, timeout=ctx.timeout_ms)


async def _press(step: m.PressStep, ctx: StepContext) -> None:
    if step.selector is None:
        await ctx.page.keyboard.press(step.key)
        return
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    await locator.press(step.key, timeout=ctx.timeout_ms)


async def _select(step: m.SelectStep, ctx: StepContext) -> list[str]:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    if step.values is not None:
        # Each entry may be an option's value or its label, as a person would name it.
        chosen = await locator.select_option(step.values, timeout=ctx.timeout_ms)
    elif step.label is not None:
        chosen = await locator.select_option(label=step.label, timeout=ctx.timeout_ms)
    else:
        chosen = await locator.select_option(value=step.value, timeout=ctx.timeout_ms)
    return chosen


async def _check(step: m.CheckStep, ctx: StepContext) -> None:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    await locator.check(timeout=ctx.timeout_ms)


async def _uncheck(step: m.UncheckStep, ctx: StepContext) -> None:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    await locator.uncheck(timeout=ctx.timeout_ms)


async def _hover(step: m.HoverStep, ctx: StepContext) -> None:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    await locator.hover(timeout=ctx.timeout_ms)


async def _scroll(step: m.ScrollStep, ctx: StepContext) -> None:
    if step.to is not None:
        await ctx.page.evaluate(
            "top => window.scrollTo(0, top ? 0 : document.documentElement.scrollHeight)",
            step.to == "top",
        )
        return
    offsets = {"x": step.x, "y": step.y}
    if step.selector is None:
        await ctx.page.evaluate(
            "o => window.scrollTo(o.x ?? window.scrollX, o.y ?? window.scrollY)", offsets
        )
        return
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    if step.x is None and step.y is None:
        await locator.scroll_into_view_if_needed(timeout=ctx.timeout_ms)
    else:
        await locator.evaluate(
            "(el, o) => el.scrollTo(o.x ?? el.scrollLeft, o.y ?? el.scrollTop)",
            offsets,
            timeout=ctx.timeout_ms,
        )


async def _wait(step: m.WaitStep, ctx: StepContext) -> None:
    page, timeout = ctx.page, ctx.timeout_ms
    if step.ms is not None:
        await asyncio.sleep(step.ms / 1000)
    elif step.selector is not None:
        locator = await locate(page, step.selector, timeout)
        await locator.first.wait_for(state=step.state, timeout=timeout)
    elif step.text is not None:
        await page.get_by_text(step.text).first.wait_for(state="visible", timeout=timeout)
    elif step.url is not None:
        await page.wait_for_url(url_pattern(step.url), timeout=timeout, wait_until="commit")
    elif step.load_state is not None:
        await page.wait_for_load_state(step.load_state, timeout=timeout)
    elif step.expression is not None:
        await page.wait_for_function(step.expression, timeout=timeout)


_READ_JS = """(el, [attribute, property]) => {
  if (attribute !== null) return el.getAttribute(attribute);
  if (property !== null) { const v = el[property]; return v === undefined ? null : v; }
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
  if (el instanceof HTMLSelectElement)
    return el.selectedOptions.length ? el.selectedOptions[0].textContent.trim() : "";
  return (el.innerText ?? el.textContent ?? "").trim();
}"""

_READ_ALL_JS = f"""(els, arg) => {{
  const read = {_READ_JS};
  return els.map(el => read(el, arg));
}}"""

_FORM_CONTROLS = "input, textarea, select"


async def _extract(step: m.ExtractStep, ctx: StepContext) -> Any:
    # Reads go through Playwright's own commands where one exists: they run in
    # its utility world, while any evaluate in the page's main world makes
    # Playwright inject its script there first, about 20 ms after each navigation.
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    arg = [step.attribute, step.property]
    if step.all:
        await locator.first.wait_for(state="attached", timeout=ctx.timeout_ms)
        return await locator.evaluate_all(_READ_ALL_JS, arg)
    first = locator.first
    if step.attribute is not None:
        return await first.get_attribute(step.attribute, timeout=ctx.timeout_ms)
    if step.property is not None:
        return await first.evaluate(_READ_JS, arg, timeout=ctx.timeout_ms)
    text = await first.inner_text(timeout=ctx.timeout_ms)
    # A form control's innerText is empty (inputs) or every option (selects):
    # then read its value, or its chosen option's label, instead.
    if (not text or "\n" in text) and await first.and_(ctx.page.locator(_FORM_CONTROLS)).count():
        return await first.evaluate(_READ_JS, arg, timeout=ctx.timeout_ms)
    return text.strip()


async def _screenshot(step: m.ScreenshotStep, ctx: StepContext) -> str:
    if step.path:
        path = Path(step.path)
    else:
        path = ctx.artifacts_dir / f"step-{ctx.index}-{time.time_ns()}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if step.selector is not None:
        locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
        await locator.screenshot(path=path, timeout=ctx.timeout_ms)
    else:
        await ctx.page.screenshot(path=path, full_page=step.full_page, timeout=ctx.timeout_ms)
    return str(path)


async def _evaluate(step: m.EvaluateStep, ctx: StepContext) -> Any:
    return await ctx.page.evaluate(step.script, step.arg)


async def _assert(step: m.AssertStep, ctx: StepContext) -> None:
    timeout = ctx.timeout_ms
    if step.url is not None:
        await expect(ctx.page).to_have_url(url_pattern(step.url), timeout=timeout)
    elif step.title is not None:
        await expect(ctx.page).to_have_title(re.compile(re.escape(step.title)), timeout=timeout)
    elif step.selector is not None:
        locator = await locate(ctx.page, step.selector, timeout)
        if step.count is not None:
            await expect(locator).to_have_count(step.count, timeout=timeout)
        if step.text is not None:
            await expect(locator.first).to_contain_text(step.text, timeout=timeout)
        state = step.state or ("visible" if step.count is None and step.text is None else None)
        if state == "visible":
            await expect(locator.first).to_be_visible(timeout=timeout)
        elif state == "hidden":
            await expect(locator.first).to_be_hidden(timeout=timeout)
        elif state == "attached":
            await expect(locator.first).to_be_attached(timeout=timeout)
        elif state == "detached":
            await expect(locator).to_have_count(0, timeout=timeout)
    else:  # pragma: no cover - the model guarantees one subject
        raise StepCheckFailed("nothing to assert")


async def _back(step: m.BackStep, ctx: StepContext) -> None:
    await ctx.page.go_back(timeout=ctx.timeout_ms)


async def _forward(step: m.ForwardStep, ctx: StepContext) -> None:
    await ctx.page.go_forward(timeout=ctx.timeout_ms)


async def _reload(step: m.ReloadStep, ctx: StepContext) -> None:
    await ctx.page.reload(timeout=ctx.timeout_ms)


async def _set_viewport(step: m.SetViewportStep, ctx: StepContext) -> None:
    await ctx.page.set_viewport_size({"width": step.width, "height": step.height})


async def _upload(step: m.UploadStep, ctx: StepContext) -> list[str]:
    locator = await locate(ctx.page, step.selector, ctx.timeout_ms)
    await locator.set_input_files(step.files, timeout=ctx.timeout_ms)
    return [Path(file).name for file in step.files]


HANDLERS: dict[str, Handler] = {
    "go": _go,
    "click": _click,
    "type": _type,
    "press": _press,
    "select": _select,
    "check": _check,
    "uncheck": _uncheck,
    "hover": _hover,
    "scroll": _scroll,
    "wait": _wait,
    "extract": _extract,
    "screenshot": _screenshot,
    "evaluate": _evaluate,
    "assert": _assert,
    "back": _back,
    "forward": _forward,
    "reload": _reload,
    "set_viewport": _set_viewport,
    "upload": _upload,
}
"""Every action's handler; a test checks that each step model has one."""
