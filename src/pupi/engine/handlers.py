"""One small coroutine per action: it performs the step on the page and returns its output.

Handlers call Playwright's locator actions directly, so every action keeps
Playwright's actionability checks (attached, visible, stable, enabled, receives
events) and its auto-waiting. They raise whatever Playwright raises; the runner
translates.
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, expect

from pupi.browser.storage import save_storage_state
from pupi.engine.context import Handler, StepContext
from pupi.engine.fill import fill_now
from pupi.engine.locate import has_names, locate, matches_now, poll_until, wait_until_gone
from pupi.engine.pages import cdp_session, url_pattern
from pupi.engine.pointer import check_now, hover_now
from pupi.engine.tabs import close_tab, new_tab, switch_tab
from pupi.engine.translate import (
    ConditionTimedOut,
    DownloadFailed,
    ElementNotChangeable,
    StepCheckFailed,
)
from pupi.steps import models as m

__all__ = ["HANDLERS", "StepContext"]


async def _go(step: m.GoStep, ctx: StepContext) -> Any:
    await ctx.check_url(step.url)
    frame = ctx.frame or ctx.page.main_frame
    response = await frame.goto(step.url, wait_until=step.wait_until, timeout=ctx.timeout_ms)
    return {"url": frame.url, "status": response.status if response else None}


@asynccontextmanager
async def _tab_effects(step: m.ClickStep | m.PressStep, ctx: StepContext) -> AsyncIterator[None]:
    """Around a click or press, what it may do to tabs: open one, followed or not as
    ``popup`` says, or close its own (a popup's "Close" button)."""
    # Set before the action: its popup may be reported while it still runs.
    if ctx.tabs is not None:
        ctx.tabs.follow_popups(ctx.page, step.popup == "follow")
    try:
        yield
    except PlaywrightError:
        # Playwright reports the page closed under the action; the action did its job.
        if not ctx.page.is_closed():
            raise


async def _click(step: m.ClickStep, ctx: StepContext) -> None:
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    async with _tab_effects(step, ctx):
        if step.force or step.button in ("back", "forward"):
            await _click_at_point(locator, step, ctx)
            return
        position = step.position.model_dump() if step.position else None
        await locator.click(
            button=step.button,  # type: ignore[arg-type]  # back/forward are handled above
            click_count=step.click_count,
            position=position,  # type: ignore[arg-type]
            delay=step.delay_ms or 0,
            timeout=ctx.timeout_ms,
        )


async def _ready_for_pointer(locator: Locator, ctx: StepContext) -> None:
    """What the Recorder's replayer waits for before it clicks or hovers: the element
    visible, enabled and in view. Unlike Playwright it does not check that the
    element receives the events at that point."""
    await locator.wait_for(state="visible", timeout=ctx.timeout_ms)
    await poll_until(
        lambda: locator.is_enabled(timeout=ctx.timeout_ms),
        ctx.timeout_ms,
        "the element stayed disabled",
    )
    await locator.scroll_into_view_if_needed(timeout=ctx.timeout_ms)


_CDP_BUTTONS = {"back": 8, "forward": 16}
"""The ``buttons`` bit of each extra mouse button in CDP's Input.dispatchMouseEvent."""


async def _click_at_point(locator: Locator, step: m.ClickStep, ctx: StepContext) -> None:
    # A point inside an element's box can belong to another element (the corner
    # of an SVG circle's box is the <svg>): the press goes there, as in Chrome.
    await _ready_for_pointer(locator, ctx)
    box = await locator.bounding_box(timeout=ctx.timeout_ms)
    if box is None:
        raise StepCheckFailed("the element has no box to click: it left the page")
    if step.position is not None:
        x, y = box["x"] + step.position.x, box["y"] + step.position.y
    else:
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if step.button not in _CDP_BUTTONS:
        await ctx.page.mouse.click(
            x,
            y,
            button=step.button,  # type: ignore[arg-type]
            click_count=step.click_count,
            delay=step.delay_ms or 0,
        )
        return
    # Playwright's mouse has no back/forward buttons; Chromium's input domain does.
    session = await cdp_session(ctx.page)
    event = {"x": x, "y": y, "button": step.button}
    await session.send(
        "Input.dispatchMouseEvent", {**event, "type": "mouseMoved", "button": "none"}
    )
    for count in range(1, step.click_count + 1):
        pressed = {**event, "clickCount": count, "buttons": _CDP_BUTTONS[step.button]}
        await session.send("Input.dispatchMouseEvent", {**pressed, "type": "mousePressed"})
        if step.delay_ms:
            await asyncio.sleep(step.delay_ms / 1000)
        released = {**event, "clickCount": count, "buttons": 0}
        await session.send("Input.dispatchMouseEvent", {**released, "type": "mouseReleased"})


_CARET_TO_END = """el => {
  el.focus();
  try { const n = el.value.length; el.setSelectionRange(n, n); } catch (e) {}
}"""


async def _type(step: m.TypeStep, ctx: StepContext) -> None:
    replace = step.clear and not step.delay_ms
    if (
        replace
        and ctx.frame is None
        and await fill_now(ctx.page, step.selector, step.text, ctx.timeout_ms)
    ):
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    if replace:
        await locator.fill(step.text, timeout=ctx.timeout_ms)
        return
    if step.clear:
        await locator.fill("", timeout=ctx.timeout_ms)
    else:
        # Focusing puts the caret at the start; typing should add to what is there.
        await locator.evaluate(_CARET_TO_END, timeout=ctx.timeout_ms)
    await locator.press_sequentially(step.text, delay=step.delay_ms or 0, timeout=ctx.timeout_ms)


async def _key_down(step: m.KeyDownStep, ctx: StepContext) -> None:
    await ctx.page.keyboard.down(step.key)


async def _key_up(step: m.KeyUpStep, ctx: StepContext) -> None:
    await ctx.page.keyboard.up(step.key)


async def _press(step: m.PressStep, ctx: StepContext) -> None:
    if step.selector is None:
        async with _tab_effects(step, ctx):
            await ctx.page.keyboard.press(step.key)
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    async with _tab_effects(step, ctx):
        await locator.press(step.key, timeout=ctx.timeout_ms)


async def _select(step: m.SelectStep, ctx: StepContext) -> list[str]:
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    if step.values is not None:
        # Each entry may be an option's value or its label, as a person would name it.
        chosen = await locator.select_option(step.values, timeout=ctx.timeout_ms)
    elif step.label is not None:
        chosen = await locator.select_option(label=step.label, timeout=ctx.timeout_ms)
    else:
        chosen = await locator.select_option(value=step.value, timeout=ctx.timeout_ms)
    return chosen


async def _check(step: m.CheckStep, ctx: StepContext) -> None:
    if ctx.frame is None and await check_now(ctx.page, step.selector, True, ctx.timeout_ms):
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    await locator.check(timeout=ctx.timeout_ms)


async def _uncheck(step: m.UncheckStep, ctx: StepContext) -> None:
    if ctx.frame is None and await check_now(ctx.page, step.selector, False, ctx.timeout_ms):
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    await locator.uncheck(timeout=ctx.timeout_ms)


async def _hover(step: m.HoverStep, ctx: StepContext) -> None:
    if (
        not step.force
        and ctx.frame is None
        and await hover_now(ctx.page, step.selector, ctx.timeout_ms)
    ):
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    if step.force:
        await _ready_for_pointer(locator, ctx)
    await locator.hover(force=step.force, timeout=ctx.timeout_ms)


# What the Recorder's replayer does for each kind of element (Puppeteer's
# Locator.fill): a select, text to type, a value already set, or nothing to do.
_CHANGE_JS = """(el, value) => {
  const typeable = new Set(
    ["textarea", "text", "url", "tel", "search", "password", "number", "email"]);
  if (el instanceof HTMLSelectElement) return {kind: "select"};
  const editable = el.isContentEditable;
  if (!editable && !(el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement))
    return {kind: "other"};
  if (!editable && !typeable.has(el.type)) {
    el.focus();
    el.value = value;
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
    return {kind: "set"};
  }
  const current = editable ? el.innerText : el.value;
  el.focus();
  if (value.length <= current.length || !value.startsWith(current)) {
    if (editable) el.innerText = ""; else el.value = "";
    return {kind: "type", text: value};
  }
  // Keep what is there and put the caret after it, to type only the rest.
  if (editable) {
    const range = document.createRange();
    range.selectNodeContents(el);
    range.collapse(false);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  } else {
    el.value = "";
    el.value = current;
  }
  return {kind: "type", text: value.substring(current.length)};
}"""


async def _change(step: m.ChangeStep, ctx: StepContext) -> None:
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    await locator.wait_for(state="visible", timeout=ctx.timeout_ms)
    await locator.scroll_into_view_if_needed(timeout=ctx.timeout_ms)
    plan = await locator.evaluate(_CHANGE_JS, step.value, timeout=ctx.timeout_ms)
    if plan["kind"] == "select":
        await locator.select_option(value=step.value, timeout=ctx.timeout_ms)
    elif plan["kind"] == "type":
        await locator.press_sequentially(plan["text"], timeout=ctx.timeout_ms)
    elif plan["kind"] == "other":
        raise ElementNotChangeable(
            "the element is neither a form control nor contenteditable; its value cannot change"
        )


async def _scroll(step: m.ScrollStep, ctx: StepContext) -> None:
    if step.to is not None:
        await ctx.scope.evaluate(
            "top => window.scrollTo(0, top ? 0 : document.documentElement.scrollHeight)",
            step.to == "top",
        )
        return
    offsets = {"x": step.x, "y": step.y}
    if step.selector is None:
        await ctx.scope.evaluate(
            "o => window.scrollTo(o.x ?? window.scrollX, o.y ?? window.scrollY)", offsets
        )
        return
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    await locator.scroll_into_view_if_needed(timeout=ctx.timeout_ms)
    if step.x is not None or step.y is not None:
        await locator.evaluate(
            "(el, o) => el.scrollTo(o.x ?? el.scrollLeft, o.y ?? el.scrollTop)",
            offsets,
            timeout=ctx.timeout_ms,
        )


async def _wait(step: m.WaitStep, ctx: StepContext) -> None:
    scope, timeout = ctx.scope, ctx.timeout_ms
    if step.ms is not None:
        await asyncio.sleep(step.ms / 1000)
    elif step.selector is not None and step.counts_elements:
        await _wait_for_elements(step, ctx)
    elif (
        step.selector is not None
        and step.state in ("hidden", "detached")
        and has_names(step.selector)
    ):
        # An aria-name= lookup is a snapshot, so its going away is polled for.
        await wait_until_gone(scope, step.selector, timeout, hidden=step.state == "hidden")
    elif step.selector is not None:
        locator = await locate(scope, step.selector, timeout)
        await locator.first.wait_for(state=step.state, timeout=timeout)
    elif step.text is not None:
        await scope.get_by_text(step.text).first.wait_for(state="visible", timeout=timeout)
    elif step.url is not None:
        await scope.wait_for_url(url_pattern(step.url), timeout=timeout, wait_until="commit")
    elif step.load_state is not None:
        await scope.wait_for_load_state(step.load_state, timeout=timeout)
    elif step.expression is not None:
        await scope.wait_for_function(step.expression, timeout=timeout)


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">=": lambda found, wanted: found >= wanted,
    "==": lambda found, wanted: found == wanted,
    "<=": lambda found, wanted: found <= wanted,
}

# Puppeteer replay's isDeepMatch: every key given must match, recursively.
_ELEMENTS_MATCH_JS = """(elements, [attributes, properties]) => {
  const deepMatch = (a, b) => {
    if (a === b) return true;
    if ((a && !b) || (!a && b)) return false;
    if (!(a instanceof Object) || !(b instanceof Object)) return false;
    for (const key in a) if (!deepMatch(a[key], b[key])) return false;
    return true;
  };
  return elements.every(el =>
    Object.entries(attributes || {}).every(([name, value]) => el.getAttribute(name) === value)
    && (properties === null || deepMatch(properties, el)));
}"""


async def _wait_for_elements(step: m.WaitStep, ctx: StepContext) -> None:
    # As the Recorder's replayer: the first alternative matching anything is
    # counted (no visibility check), and `negate` waits for the opposite.
    assert step.selector is not None
    selector = step.selector
    wanted = 1 if step.count is None else step.count
    compare = _COMPARE[step.compare or ">="]
    checks_values = step.attributes is not None or step.properties is not None

    async def holds() -> bool:
        matched, found = await matches_now(ctx.scope, selector)
        result = compare(found, wanted)
        if result and found and checks_values:
            result = await matched.evaluate_all(
                _ELEMENTS_MATCH_JS, [step.attributes, step.properties]
            )
        return bool(result) != step.negate

    expected = f"{step.compare or '>='} {wanted} elements matching {step.selector!r}"
    if checks_values:
        expected += " with the given attributes and properties"
    await poll_until(holds, ctx.timeout_ms, ("still " if step.negate else "not ") + expected)


READ_JS = """(el, [attribute, property]) => {
  if (attribute !== null) return el.getAttribute(attribute);
  if (property !== null) { const v = el[property]; return v === undefined ? null : v; }
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
  if (el instanceof HTMLSelectElement)
    return el.selectedOptions.length ? el.selectedOptions[0].textContent.trim() : "";
  return (el.innerText ?? el.textContent ?? "").trim();
}"""

_READ_ALL_JS = f"""(els, arg) => {{
  const read = {READ_JS};
  return els.map(el => read(el, arg));
}}"""

_FORM_CONTROLS = "input, textarea, select"


async def _extract(step: m.ExtractStep, ctx: StepContext) -> Any:
    # Reads go through Playwright's own commands where one exists: they run in
    # its utility world, while any evaluate in the page's main world makes
    # Playwright inject its script there first, about 20 ms after each navigation.
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms, every=step.all)
    arg = [step.attribute, step.property]
    if step.all:
        await locator.first.wait_for(state="attached", timeout=ctx.timeout_ms)
        return await locator.evaluate_all(_READ_ALL_JS, arg)
    first = locator.first
    if step.attribute is not None:
        return await first.get_attribute(step.attribute, timeout=ctx.timeout_ms)
    if step.property is not None:
        return await first.evaluate(READ_JS, arg, timeout=ctx.timeout_ms)
    text = await first.inner_text(timeout=ctx.timeout_ms)
    # A form control's innerText is empty (inputs) or every option (selects):
    # then read its value, or its chosen option's label, instead.
    if (not text or "\n" in text) and await first.and_(ctx.scope.locator(_FORM_CONTROLS)).count():
        return await first.evaluate(READ_JS, arg, timeout=ctx.timeout_ms)
    return text.strip()


async def _screenshot(step: m.ScreenshotStep, ctx: StepContext) -> str:
    if step.path:
        path = Path(step.path)
    else:
        path = ctx.artifacts_dir / f"step-{ctx.index}-{time.time_ns()}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if step.selector is not None:
        locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
        await locator.screenshot(path=path, timeout=ctx.timeout_ms)
    else:
        await ctx.page.screenshot(path=path, full_page=step.full_page, timeout=ctx.timeout_ms)
    return str(path)


async def _evaluate(step: m.EvaluateStep, ctx: StepContext) -> Any:
    return await ctx.scope.evaluate(step.script, step.arg)


async def _assert(step: m.AssertStep, ctx: StepContext) -> None:
    timeout = ctx.timeout_ms
    if step.url is not None:
        await expect(ctx.page).to_have_url(url_pattern(step.url), timeout=timeout)
    elif step.title is not None:
        await expect(ctx.page).to_have_title(re.compile(re.escape(step.title)), timeout=timeout)
    elif step.selector is not None and has_names(step.selector):
        await _assert_names(step, step.selector, ctx)
    elif step.selector is not None:
        locator = await locate(ctx.scope, step.selector, timeout)
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


async def _assert_names(step: m.AssertStep, selector: str | list[str], ctx: StepContext) -> None:
    # Playwright's expect retries its own query, but an aria-name= lookup is a
    # snapshot: what changes over time (a count, an element going away) is
    # polled here, the rest is asked of the element once it is named.
    timeout = ctx.timeout_ms
    try:
        if step.count is not None:
            wanted = step.count

            async def counted() -> bool:
                return (await matches_now(ctx.scope, selector))[1] == wanted

            await poll_until(counted, timeout, f"not {wanted} elements matching {selector!r}")
        if step.state in ("hidden", "detached"):
            await wait_until_gone(ctx.scope, selector, timeout, hidden=step.state == "hidden")
    except ConditionTimedOut as exc:
        raise StepCheckFailed(str(exc)) from exc
    if step.state in ("hidden", "detached") or (step.count is not None and step.text is None):
        return
    locator = await locate(ctx.scope, selector, timeout)
    if step.text is not None:
        await expect(locator).to_contain_text(step.text, timeout=timeout)
    if step.state == "visible" or (step.state is None and step.text is None):
        await expect(locator).to_be_visible(timeout=timeout)


async def _back(step: m.BackStep, ctx: StepContext) -> None:
    await ctx.page.go_back(timeout=ctx.timeout_ms)


async def _forward(step: m.ForwardStep, ctx: StepContext) -> None:
    await ctx.page.go_forward(timeout=ctx.timeout_ms)


async def _reload(step: m.ReloadStep, ctx: StepContext) -> None:
    await ctx.page.reload(timeout=ctx.timeout_ms)


_DEVICES: weakref.WeakKeyDictionary[Page, tuple[bool, bool]] = weakref.WeakKeyDictionary()
"""Per page, the (mobile, touch) emulation a ``set_viewport`` left on."""


async def _set_viewport(step: m.SetViewportStep, ctx: StepContext) -> None:
    page = ctx.page
    await page.set_viewport_size({"width": step.width, "height": step.height})
    device = (step.is_mobile, step.has_touch)
    before = _DEVICES.get(page, (False, False))
    if (
        step.device_scale_factor is None
        and not step.is_landscape
        and device == before == (False, False)
    ):
        return
    # Playwright sets these once per context; Puppeteer (and so the Recorder's
    # replayer) sets them per page through the emulation domain, as here.
    session = await cdp_session(page)
    landscape = {"type": "landscapePrimary", "angle": 90}
    portrait = {"type": "portraitPrimary", "angle": 0}
    await session.send(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": step.width,
            "height": step.height,
            "deviceScaleFactor": step.device_scale_factor or 0,
            "mobile": step.is_mobile,
            "screenOrientation": landscape if step.is_landscape else portrait,
        },
    )
    await session.send("Emulation.setTouchEmulationEnabled", {"enabled": step.has_touch})
    _DEVICES[page] = device
    if device != before:
        # A page reads "mobile" and "touch" as it loads, so Puppeteer reloads it.
        await page.reload(timeout=ctx.timeout_ms)


async def _emulate_network(step: m.EmulateNetworkStep, ctx: StepContext) -> None:
    await ctx.page.context.set_offline(step.offline)
    session = await cdp_session(ctx.page)
    await session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": step.offline,
            "latency": step.latency_ms,
            "downloadThroughput": -1 if step.download is None else step.download,
            "uploadThroughput": -1 if step.upload is None else step.upload,
        },
    )


async def _close_page(step: m.ClosePageStep, ctx: StepContext) -> None:
    await ctx.page.close()


async def _save_state(step: m.SaveStateStep, ctx: StepContext) -> dict[str, Any]:
    if step.path is None:  # refused before the run by parse_steps(local=True)
        raise ValueError("a save_state step needs a path to write the storage state to")
    state = await save_storage_state(ctx.page.context, step.path)
    # The state itself is a secret: the output only says where it went and how much.
    return {
        "path": str(Path(step.path).expanduser()),
        "cookies": len(state.get("cookies", [])),
        "origins": len(state.get("origins", [])),
    }


async def _upload(step: m.UploadStep, ctx: StepContext) -> list[str]:
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    await locator.set_input_files(step.files, timeout=ctx.timeout_ms)
    return [Path(file).name for file in step.files]


async def _download(step: m.DownloadStep, ctx: StepContext) -> dict[str, Any]:
    if ctx.downloads is None:
        raise StepCheckFailed("this page belongs to no instance, so nothing saves its downloads")
    begun = time.perf_counter()
    locator = await locate(ctx.scope, step.selector, ctx.timeout_ms)
    # Counted before the click, so the download it starts is the next one, on
    # whichever page of the instance it comes (a link may open a popup to
    # download); once the downloads earlier clicks announced are counted too.
    before = await ctx.downloads.settle(timeout_ms=ctx.timeout_ms)
    await locator.click(timeout=ctx.timeout_ms)
    left_ms = max(1.0, ctx.timeout_ms - (time.perf_counter() - begun) * 1000)
    file = await ctx.downloads.next_file(before, timeout_ms=left_ms, name=step.save_as)
    if file is None:
        raise ConditionTimedOut(
            f"no download started within {ctx.timeout_ms:.0f} ms of the click on {step.selector!r}"
        )
    if file.error is not None:
        raise DownloadFailed(f"the download of {file.url} failed: {file.error}")
    return file.model_dump(mode="json")


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
    "change": _change,
    "key_down": _key_down,
    "key_up": _key_up,
    "emulate_network": _emulate_network,
    "close_page": _close_page,
    "save_state": _save_state,
    "download": _download,
    "new_tab": new_tab,
    "switch_tab": switch_tab,
    "close_tab": close_tab,
}
"""Every action's handler; a test checks that each step model has one."""
