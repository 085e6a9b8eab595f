"""A ``type`` step that replaces a field's text, in two calls to the browser.

Playwright's ``fill`` on a text field waits for it to be visible, enabled and
editable, selects its text and focuses it, then inserts the new text with CDP's
``Input.insertText``; each of those is a trip through its driver. When all the
checks already hold, the same happens here in one evaluation and one
``Input.insertText``: the same input events, the same final state. When any
does not hold at once (the field not there yet, hidden, disabled, read-only, a
kind of input Playwright fills another way, a selector only Playwright reads),
nothing has been touched and the step goes to ``fill``, which waits and fails
exactly as it always did.
"""

from __future__ import annotations

import json

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from pupi.engine.inpage import SHADOW_JS, VISIBLE_JS, evaluate_now, plain_css
from pupi.engine.pages import cdp_session

__all__ = ["fill_now"]

_ENABLED = True
"""Off only in tests that compare a run with and without this shortcut."""

# The input types Playwright types into (number aside: it checks the text first).
_FOCUS_JS = r"""(selector) => {
  if (SHADOW_JS) return false;
  let found;
  try { found = document.querySelectorAll(selector); } catch { return false; }
  if (found.length !== 1) return false;  // none yet, or Playwright's strictness error
  const el = found[0];
  const typed = new Set(["", "text", "email", "password", "search", "tel", "url"]);
  const input = el instanceof HTMLInputElement && typed.has(el.type.toLowerCase());
  if (!input && !(el instanceof HTMLTextAreaElement)) return false;
  if (!(VISIBLE_JS)(el) || el.matches(":disabled") || el.readOnly) return false;
  if (el.closest("[aria-disabled=true], [aria-readonly=true], [inert]")) return false;
  if (input) el.select(); else el.setSelectionRange(0, el.value.length);
  el.focus();
  return document.activeElement === el;
}""".replace("SHADOW_JS", SHADOW_JS).replace("VISIBLE_JS", VISIBLE_JS)


async def fill_now(page: Page, selector: str | list[str], text: str, timeout_ms: float) -> bool:
    """Replace the text of the field ``selector`` names in ``page``'s main frame
    with ``text`` if it can be done at once; False, with nothing touched, if not."""
    if not _ENABLED or not text or not plain_css(selector):
        return False
    expression = f"({_FOCUS_JS})({json.dumps(selector)})"
    if await evaluate_now(page, expression, timeout_ms, False) is not True:
        return False
    try:
        await (await cdp_session(page)).send("Input.insertText", {"text": text})
    except PlaywrightError:
        return False
    return True
