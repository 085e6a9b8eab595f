"""Playwright's exceptions, translated: into a step error type and a readable
message for a step's result, or into a :class:`PageQueryFailed` for a read of
the page (:class:`~pupi.engine.page_view.PageView`).

This is the only place that reads Playwright's error texts.
"""

from __future__ import annotations

import re

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

__all__ = [
    "ConditionTimedOut",
    "DownloadFailed",
    "ElementNotChangeable",
    "NavigationRefused",
    "PageClosed",
    "PageNavigated",
    "PageQueryFailed",
    "SelectorNotFound",
    "StepCheckFailed",
    "TabStepRefused",
    "describe_error",
    "is_transient",
    "translate_page_error",
]


class StepCheckFailed(Exception):
    """An ``assert`` (or a similar check) found the page not as expected."""


class SelectorNotFound(Exception):
    """None of a step's alternative selectors matched before its timeout."""


class NavigationRefused(Exception):
    """The instance's request filter refused a ``go`` before it was sent."""


class ConditionTimedOut(Exception):
    """Something the engine polls for (a ``target`` page, a ``frame``, a number of
    elements, an element becoming enabled) did not happen before the step's timeout."""


class DownloadFailed(Exception):
    """A ``download`` step's download started but was not saved: the browser
    reported a failure, or it did not finish before the step's timeout."""


class TabStepRefused(Exception):
    """A tab step asked for what the tabs cannot do: close the instance's last tab,
    close a tab at an index no open tab has, or run on a bare page, without an
    instance's tabs. Unlike ``switch_tab``'s wait for a tab, nothing is waited for."""


class ElementNotChangeable(Exception):
    """A ``change`` step found an element that is no form control nor contenteditable."""


class PageQueryFailed(Exception):
    """A read of the page (a script, a selector count) failed; the message says why.

    Raised by :class:`~pupi.engine.page_view.PageView`; the subclasses name the
    two causes a caller may act on, anything else (a bad selector, a script that
    threw) is this class itself.
    """


class PageNavigated(PageQueryFailed):
    """A navigation replaced the document while the script ran; reading again may work."""


class PageClosed(PageQueryFailed):
    """The page, its context or its browser is closed (or crashed); nothing more can be read."""


_NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
_CALL_LOG = re.compile(r"\n\s*(Call log|=+ logs =+)", re.IGNORECASE)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """Return ``(type, message)`` for an exception raised while running a step.

    Types: ``timeout``, ``assertion``, ``ambiguous_selector``, ``invalid_selector``,
    ``navigation``, ``blocked``, ``target_closed``, ``evaluation``, ``download``, ``error``.
    """
    message = _first_lines(str(exc))
    if isinstance(exc, StepCheckFailed | AssertionError):
        return "assertion", message
    if isinstance(exc, DownloadFailed):
        return "download", message
    if isinstance(exc, PlaywrightTimeoutError | SelectorNotFound | ConditionTimedOut):
        return "timeout", message
    if isinstance(exc, NavigationRefused):
        return "blocked", message
    if isinstance(exc, TabStepRefused):
        return "error", message
    if isinstance(exc, PlaywrightError):
        text = str(exc)
        if "strict mode violation" in text:
            count = re.search(r"resolved to (\d+) elements", text)
            found = f" matched {count.group(1)} elements" if count else " matched several elements"
            return "ambiguous_selector", (
                f"the selector{found}; make it specific (e.g. add '>> nth=0' or a "
                f"parent selector). {message}"
            )
        if "ERR_BLOCKED_BY_CLIENT" in text:
            return "blocked", message
        net = _NET_ERROR.search(text)
        if net:
            return "navigation", message
        if (
            "Unexpected token" in text
            or "is not a valid selector" in text
            or ("Unknown engine" in text)
        ):
            return "invalid_selector", message
        if _closed(text):
            return "target_closed", message
        if text.startswith(("Error: Evaluation failed", "Evaluation failed")) or (
            "evaluate" in text.split("\n", 1)[0]
        ):
            return "evaluation", message
        return "error", message
    return "error", f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def translate_page_error(exc: PlaywrightError) -> PageQueryFailed:
    """The :class:`PageQueryFailed` for a Playwright error raised by a read of the page.

    The caller chains it: ``raise translate_page_error(exc) from exc``.
    """
    text = str(exc)
    message = _first_lines(text)
    if "Execution context was destroyed" in text or "navigation" in text:
        return PageNavigated(message)
    if _closed(text):
        return PageClosed(message)
    return PageQueryFailed(message)


def is_transient(exc: PlaywrightError) -> bool:
    """Whether a read of the page that failed may succeed when tried again.

    True when the document changed under it (a navigation, a node that went
    away between two CDP calls); False when the page is closed or the selector
    is invalid, which no retry mends.
    """
    kind, _ = describe_error(exc)
    return kind not in ("target_closed", "invalid_selector")


def _closed(text: str) -> bool:
    return "has been closed" in text or "Target closed" in text


def _first_lines(text: str) -> str:
    """Drop Playwright's call log, keep what a person needs to read."""
    text = _CALL_LOG.split(text, maxsplit=1)[0].strip()
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:6])
