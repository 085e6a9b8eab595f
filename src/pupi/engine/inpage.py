"""Evaluations in a page's main world over its CDP session, for steps that
can be answered at once without Playwright's driver in between.

Whatever is answered this way must be something Playwright would have answered
the same on its first try; anything else is left to Playwright (see
:mod:`pupi.engine.batch` and :mod:`pupi.engine.fill`).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, TypeGuard

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from pupi.engine.pages import cdp_session
from pupi.steps.selectors import has_aria_name

__all__ = ["SHADOW_JS", "VISIBLE_JS", "evaluate_now", "plain_css"]

_BOUND_MS = 2_000

# What Playwright reads as something other than CSS: an engine prefix
# ("text=", "role=", "internal:..."), XPath, a quoted text, or a chain.
_NOT_CSS = re.compile(r"""^\s*(?:[\w-]+\s*=|/|\.\.|["'])|>>""")


def plain_css(selector: object) -> TypeGuard[str]:
    """Whether ``selector`` is CSS that the browser's ``querySelectorAll`` reads
    as Playwright does: no engine prefix, XPath, chain or accessible name."""
    return (
        isinstance(selector, str) and not has_aria_name(selector) and not _NOT_CSS.search(selector)
    )


# Visible as Playwright defines it (visibility style and a non-empty box), and
# as the browser's own checkVisibility() does: at least as strict as either.
VISIBLE_JS = """el => {
  if (!el.checkVisibility()) return false;
  const style = getComputedStyle(el);
  if (style.display === "contents" || style.visibility !== "visible") return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}"""

# Playwright's CSS pierces open shadow roots and querySelectorAll does not: a
# page with one is left to Playwright.
SHADOW_JS = "Array.from(document.querySelectorAll('*')).some(el => el.shadowRoot)"


async def evaluate_now(
    page: Page, expression: str, timeout_ms: float, failed: Any, *, awaits: bool = False
) -> Any:
    """The value of ``expression`` in ``page``'s main world over its CDP session
    (of the promise it returns, with ``awaits``), or ``failed`` when anything goes
    wrong on the way (a navigation under the evaluation, a closed page, an
    exception, no answer in time)."""
    try:
        session = await cdp_session(page)
        # Bounded: an open dialog holds every evaluation until it is answered,
        # and giving up here only means the step runs through Playwright.
        answer = await asyncio.wait_for(
            session.send(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True, "awaitPromise": awaits},
            ),
            min(timeout_ms, _BOUND_MS) / 1000,
        )
    except (PlaywrightError, TimeoutError):
        return failed
    if "exceptionDetails" in answer:
        return failed
    return answer.get("result", {}).get("value")
