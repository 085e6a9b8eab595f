"""Starting a local Chromium, or connecting to a remote one over CDP."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import Browser, BrowserContext, Error, Playwright

from pupi.browser import reaper
from pupi.browser.discovery import find_browser, install_hint
from pupi.errors import BrowserLaunchError

__all__ = [
    "CHROMIUM_ARGS",
    "PROXIED_ARGS",
    "connect_browser",
    "launch_browser",
    "launch_persistent",
]

T = TypeVar("T")

logger = logging.getLogger("pupi.browser")

CHROMIUM_ARGS = (
    # Containers often give /dev/shm 64 MB, which makes renderers crash on big pages.
    "--disable-dev-shm-usage",
    # No calls home: these machines (and many CI runners) have no outside network,
    # and every refused connection costs start-up time.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--disable-gpu",
    # Chromium keeps one --disable-features switch (the last), so all go in one.
    # The WebUIOmnibox* ones: since Chromium ~150, every window (so every headless
    # context) preloads its omnibox popup in a renderer process of its own, about
    # 28 MB an instance for a popup nobody can open.
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
    "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
)


# With a proxy, WebRTC may still send UDP (STUN, media) straight from the
# renderer's network process; this keeps it to TCP through the proxy.
PROXIED_ARGS = ("--webrtc-ip-handling-policy=disable_non_proxied_udp",)


async def launch_browser(
    playwright: Playwright,
    *,
    headless: bool = True,
    tag: str | None = None,
    proxy: str | None = None,
) -> Browser:
    """Launch a local Chromium found by :func:`~pupi.browser.discovery.find_browser`.

    ``tag`` is added as a ``--pupi-browser=TAG`` switch, so that this browser's
    process can be told apart from the others this process launched. ``proxy``
    (``http://host:port``) carries every connection the browser makes, loopback
    included (Playwright adds ``<-loopback>`` to the bypass list), and WebRTC
    is kept off direct UDP: the server's egress proxy relies on both.
    """
    return await _launching(
        playwright.chromium.launch,
        headless=headless,
        tag=tag,
        proxy={"server": proxy} if proxy else None,
    )


async def launch_persistent(
    playwright: Playwright,
    user_data_dir: Path,
    *,
    headless: bool = True,
    tag: str | None = None,
    proxy: dict[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> BrowserContext:
    """Launch a Chromium of its own on a user-data directory (a profile) and
    return its one context; ``context`` holds ``new_context``'s options."""
    return await _launching(
        functools.partial(playwright.chromium.launch_persistent_context, user_data_dir),
        headless=headless,
        tag=tag,
        proxy=proxy,
        **(context or {}),
    )


async def _launching(
    launch: Callable[..., Awaitable[T]],
    *,
    headless: bool,
    tag: str | None,
    proxy: Mapping[str, str] | None,
    **options: Any,
) -> T:
    location = find_browser()
    args = [*CHROMIUM_ARGS, reaper.MARKER]
    if tag:
        args.append(f"--pupi-browser={tag}")
    if proxy:
        args.extend(PROXIED_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root.
    reaper.install()
    try:
        launched = await launch(
            executable_path=location.path,
            headless=headless,
            args=args,
            # Our reaper handles signals; Playwright's own handlers would close the
            # browser on SIGINT before user code's finally blocks could use it.
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
            proxy=proxy,
            **options,
        )
    except Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise BrowserLaunchError(
            f"Chromium at {location.path} (from {location.source}) would not start: "
            f"{first_line}\n{install_hint()} Run `pupi doctor` for a full diagnosis."
        ) from exc
    logger.debug("launched %s (%s) headless=%s", location.path, location.source, headless)
    return launched


async def connect_browser(playwright: Playwright, cdp_url: str) -> Browser:
    """Connect to a running Chromium (or a browserless-style service) over CDP."""
    try:
        return await playwright.chromium.connect_over_cdp(cdp_url)
    except Error as exc:
        raise BrowserLaunchError(
            f"could not connect to the browser at {cdp_url} over CDP: "
            f"{str(exc).strip().splitlines()[0]}. Check that it runs with "
            "--remote-debugging-port and that the URL (PUPI_CDP_URL) is right."
        ) from exc
