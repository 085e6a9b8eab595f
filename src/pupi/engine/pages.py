"""Which page and frame a step acts on, how URL patterns match, waiting for the
navigation a step starts, and the CDP sessions for what Playwright has no API for.
"""

from __future__ import annotations

import fnmatch
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from playwright.async_api import CDPSession, Frame, Page
from playwright.async_api import Error as PlaywrightError

from pupi.engine.polling import poll_until

__all__ = [
    "cdp_session",
    "expecting_navigation",
    "frame_session",
    "resolve_frame",
    "resolve_page",
    "url_pattern",
]

_SESSIONS: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()


def url_pattern(text: str) -> re.Pattern[str]:
    """``*`` globs match the whole URL; plain text matches anywhere in it.

    Tab titles (``switch_tab``) match by the same rule.
    """
    if "*" in text:
        return re.compile(fnmatch.translate(text.replace("**", "*")))
    return re.compile(re.escape(text))


async def resolve_page(current: Page, target: str | None, timeout_ms: float) -> Page:
    """The page a step with ``target`` acts on.

    None: ``current`` (the instance's newest open page). ``"main"``: the oldest
    open page of the instance, where a Recorder recording started. Anything else
    is a URL: the open page whose URL is exactly that, polled for until the
    timeout, because a popup exists before it has navigated to its URL.
    """
    if target is None:
        return current
    context = current.context

    async def find() -> Page | None:
        pages = [page for page in context.pages if not page.is_closed()]
        if target == "main":
            return pages[0] if pages else None
        return next((page for page in pages if page.url == target), None)

    what = "an open page" if target == "main" else f"a page at {target}"
    return await poll_until(find, timeout_ms, f"no {what} appeared")


async def resolve_frame(page: Page, path: list[int] | None, timeout_ms: float) -> Frame:
    """The frame at ``path`` (child-frame indexes from the main frame), polled for
    until the timeout since an iframe may attach after the page has loaded."""
    if not path:
        return page.main_frame

    async def find() -> Frame | None:
        frame = page.main_frame
        for index in path:
            children = [child for child in frame.child_frames if not child.is_detached()]
            if index >= len(children):
                return None
            frame = children[index]
        return frame

    return await poll_until(find, timeout_ms, f"no frame at {path}")


@asynccontextmanager
async def expecting_navigation(frame: Frame, timeout_ms: float) -> AsyncIterator[None]:
    """Around a step that starts a navigation of ``frame``: after the step, wait
    for that navigation and for its page to load.

    The listener is in place before the step acts, so a navigation that
    finishes during the step's own call is not missed.
    """
    page = frame.page
    async with page.expect_event(
        "framenavigated", predicate=lambda navigated: navigated == frame, timeout=timeout_ms
    ) as navigated:
        yield
    await navigated.value
    await frame.wait_for_load_state("load", timeout=timeout_ms)


async def cdp_session(page: Page) -> CDPSession:
    """One CDP session per page, kept open: Chromium drops a session's emulation
    (network conditions, device metrics) when the session detaches."""
    session = _SESSIONS.get(page)
    if session is None:
        session = await page.context.new_cdp_session(page)
        _SESSIONS[page] = session
    return session


@asynccontextmanager
async def frame_session(frame: Frame) -> AsyncIterator[tuple[CDPSession, list[Frame]]]:
    """A CDP session that holds ``frame``'s document, and the frames from the one
    whose document is the session's own down to ``frame``.

    Chromium gives a session to each page and to each out-of-process iframe; an
    iframe in its parent's process is in its parent's session. The page's session
    is the one :func:`cdp_session` keeps; an out-of-process one is detached on exit.
    """
    path = [frame]
    session: CDPSession | None = None
    while path[0].parent_frame is not None:
        try:
            session = await frame.page.context.new_cdp_session(path[0])
            break
        except PlaywrightError:
            # Playwright has no session for a frame in its parent's process.
            path.insert(0, path[0].parent_frame)
    if session is None:
        yield await cdp_session(frame.page), path
        return
    try:
        yield session, path
    finally:
        with suppress(PlaywrightError):  # the frame may be gone already
            await session.detach()
