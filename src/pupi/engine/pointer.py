"""``hover``, ``check`` and ``uncheck`` steps in a few calls to the browser.

Playwright's pointer actions wait for the element to be visible and stable (the
same box in two animation frames; enabled too, for a click), scroll it into
view if needed, check that the point they will use, the centre of the
element's box, hits the element and not something on top of it, then move (and
click) the mouse there, a click watched so that its events reach no other
element; ``check`` reads the box's state before and after. Each of those is a
trip through Playwright's driver. When all of it already holds, the checks
happen here in one evaluation that waits for those two frames, the mouse moves or
clicks through Playwright (which so keeps knowing where the mouse is), and a
click's watch and the new state are read back in a second one.

When any does not hold at once (not there yet, hidden, disabled, moving,
covered, split over lines, larger than the view, in a shadow root, not a native
checkbox or radio, a selector only Playwright reads) or the watch caught a
click's events bound for another element (and stopped them), nothing has been
clicked (the element may have been scrolled into view, as Playwright would
next) and the step goes to Playwright, which waits and fails exactly as it
always did.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from pupi.engine.inpage import SHADOW_JS, VISIBLE_JS, evaluate_now, plain_css
from pupi.engine.translate import StepCheckFailed

__all__ = ["check_now", "hover_now"]

_ENABLED = True
"""Off only in tests that compare a run with and without this shortcut."""

Aim = Literal["hover", "check", "uncheck"]

_IN_TIME_MS = 1_000
"""How long the checks may take (two frames, normally about 35 ms) before the point
they found is too late to use."""

# The frame is raced against a timer: a page the browser does not paint (a tab
# behind another) gets no animation frames, and then Playwright waits instead.
# ``watch`` names where the verdict on the events that follow is read back.
_POINT_JS = r"""async (selector, aim, watch, deadline) => {
  if (SHADOW_JS) return null;
  let found;
  try { found = document.querySelectorAll(selector); } catch { return null; }
  if (found.length !== 1) return null;
  const el = found[0];
  if (aim !== "hover") {
    const box = el instanceof HTMLInputElement && ["checkbox", "radio"].includes(el.type);
    if (!box) return null;
    if (el.checked === (aim === "check")) return "done";
    if (aim === "uncheck" && el.type === "radio") return null;
    if (el.matches(":disabled") || el.closest("[aria-disabled=true], [inert]")) return null;
  }
  if (!(VISIBLE_JS)(el) || el.getClientRects().length !== 1) return null;
  const frame = () => Promise.race([
    new Promise(done => requestAnimationFrame(() => done(true))),
    new Promise(done => setTimeout(() => done(false), 250)),
  ]);
  // The same box in two frames in a row, as Playwright reads it.
  if (!await frame()) return null;
  const before = el.getBoundingClientRect();
  if (!await frame() || !el.isConnected) return null;
  const after = el.getBoundingClientRect();
  if (["x", "y", "width", "height"].some(side => after[side] !== before[side])) return null;
  // Stable first, then scrolled: what never settles is never scrolled to, as there.
  el.scrollIntoViewIfNeeded(true);
  const box = el.getBoundingClientRect();
  const view = document.documentElement;
  if (box.left < 0 || box.top < 0 || box.right > view.clientWidth || box.bottom > view.clientHeight)
    return null;
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit === null || !el.contains(hit)) return null;
  // Too late (held up behind a dialog, say): the step has gone to Playwright by now.
  if (Date.now() > deadline) return null;
  // Playwright's watch over the events the move or click gives: one that would
  // reach another element (the page changed after the point was checked) stops.
  const seen = {stopped: false};
  const types = aim === "hover" ? ["mousemove"] : [
    "pointerdown", "mousedown", "pointerup", "mouseup", "click", "auxclick", "dblclick",
    "contextmenu"];
  const guard = event => {
    if (!event.isTrusted || el.contains(event.target)) return;
    seen.stopped = true;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  const release = () => {
    for (const type of types) window.removeEventListener(type, guard, true);
  };
  for (const type of types) window.addEventListener(type, guard, true);
  setTimeout(release, 5000);  // should the verdict never be read, nothing stays stopped
  Object.defineProperty(window, watch, {configurable: true, value: () => {
    release();
    delete window[watch];
    return {stopped: seen.stopped, checked: el.isConnected ? el.checked : null};
  }});
  return [x, y];
}""".replace("SHADOW_JS", SHADOW_JS).replace("VISIBLE_JS", VISIBLE_JS)


async def _at_point(
    page: Page,
    selector: str | list[str],
    aim: Aim,
    timeout_ms: float,
    act: Callable[[float, float], Awaitable[None]],
) -> bool | dict[str, Any] | None:
    """The checks for ``aim``, then ``act`` (a move or a click) at the point they
    found. False: nothing done, the step goes to Playwright; True: nothing to do
    (the box was already so); else what the watch saw, taken off the page again
    (None: the page went away under the act, leaving nothing to read back)."""
    if not _ENABLED or not plain_css(selector):
        return False
    watch = f"__pupi_watch_{secrets.token_hex(6)}"
    # Well before evaluate_now gives up waiting: a watch set after that would stop
    # the events of later steps.
    deadline = time.time() * 1000 + min(timeout_ms, _IN_TIME_MS)
    arguments = ", ".join(json.dumps(value) for value in (selector, aim, watch, deadline))
    expression = f"({_POINT_JS})({arguments})"
    point = await evaluate_now(page, expression, timeout_ms, None, awaits=True)
    if point == "done":
        return True
    if not isinstance(point, list):
        return False
    verdict_js = f"window[{json.dumps(watch)}]()"
    try:
        await act(*point)
    except PlaywrightError:
        await evaluate_now(page, verdict_js, timeout_ms, None)
        return False
    verdict = await evaluate_now(page, verdict_js, timeout_ms, None)
    return verdict if isinstance(verdict, dict) else None


async def hover_now(page: Page, selector: str | list[str], timeout_ms: float) -> bool:
    """Move the mouse over the element ``selector`` names in ``page``'s main frame
    if every check holds at once; False, with nothing reached, if not."""
    seen = await _at_point(page, selector, "hover", timeout_ms, page.mouse.move)
    if isinstance(seen, bool):
        return seen
    return seen is None or not seen["stopped"]


async def check_now(
    page: Page, selector: str | list[str], checked: bool, timeout_ms: float
) -> bool:
    """Check (or uncheck) the box ``selector`` names in ``page``'s main frame if
    it can be done at once; False, with nothing clicked, if not."""
    aim: Aim = "check" if checked else "uncheck"
    seen = await _at_point(page, selector, aim, timeout_ms, page.mouse.click)
    if isinstance(seen, bool):
        return seen
    if seen is None:
        # The click took the page with it: Playwright could not read the box back either.
        raise StepCheckFailed("the page changed under the click: the box could not be read back")
    if seen["stopped"]:
        return False
    if seen["checked"] is not checked:
        # Playwright's own error for it, so that the step fails as it did there.
        raise PlaywrightError("Locator.check: Clicking the checkbox did not change its state")
    return True
