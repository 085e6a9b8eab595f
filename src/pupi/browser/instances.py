"""Open browser instances: one isolated BrowserContext each, on a shared browser.

Why contexts and not a process per instance: a context has its own cookies,
storage and cache like a fresh browser, but costs a few milliseconds and a few
megabytes instead of a launch (hundreds of milliseconds, 100+ MB); see
docs/benchmarks.md for the figures. Spare contexts with their pages are kept
warm so that the next instances are ready at once (:mod:`pupi.browser.spares`).
The price is that a crash of the browser process takes every instance with it;
each is then marked dead with a clear reason, and the next ``open`` launches a
new browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psutil
from playwright.async_api import (
    Browser,
    BrowserContext,
    Dialog,
    Error,
    Page,
    Playwright,
    Route,
)
from pydantic import BaseModel, Field

from pupi.browser import reaper
from pupi.browser.downloads import Downloads
from pupi.browser.driver import start_driver
from pupi.browser.launch import connect_browser, launch_browser, launch_persistent
from pupi.browser.options import BrowserOptions
from pupi.browser.profiles import ProfileLock
from pupi.browser.spares import DEFAULT_MAX_SPARES, SparePool
from pupi.browser.tabs import TabInfo, Tabs
from pupi.errors import InstanceDead, InstanceNotFound

__all__ = ["Instance", "InstanceInfo", "InstanceManager", "RequestFilter", "get_manager"]

logger = logging.getLogger("pupi.browser")

RequestFilter = Callable[[str], str | None]
"""Given a request URL, a reason to refuse it, or None to let it through."""

VIEWPORT = {"width": 1280, "height": 720}
_CONTEXT_CLOSED = "its browser context was closed"

_BrowserKey = tuple[str, str, str]
"""("local", headless, proxy), ("cdp", url, "") or ("profile", name, id): one browser each."""
_PLAIN = BrowserOptions()


class InstanceInfo(BaseModel):
    """What ``list_instances`` tells about one open instance."""

    id: str
    created_at: datetime
    pid: int | None
    """The browser process (shared by the instances of one browser); None when remote."""
    url: str
    """The current tab's URL."""
    alive: bool
    tabs: list[TabInfo] = Field(default_factory=list)
    """The open tabs, oldest first; the one steps act on has ``current`` set."""

    def __repr__(self) -> str:
        state = "alive" if self.alive else "dead"
        return f"<InstanceInfo {self.id[:8]} {state} tabs={len(self.tabs)} {self.url!r}>"


class Instance:
    """One open, isolated browser instance: a context and its tabs.

    ``page`` is the tab steps act on (``tabs.current``): a tab the page opens
    becomes current, so a link that opens a new tab is followed there, unless
    the click said ``popup: stay``; tab steps switch, open and close tabs.
    """

    def __init__(
        self,
        instance_id: str,
        context: BrowserContext,
        page: Page,
        key: _BrowserKey,
        request_filter: RequestFilter | None = None,
        options: BrowserOptions = _PLAIN,
    ):
        self.id = instance_id
        self.context = context
        self.options = options
        """What the instance was opened with (see :class:`BrowserOptions`)."""
        self.profile_lock: ProfileLock | None = None
        self.created_at = datetime.now(UTC)
        self.dead_reason: str | None = None
        self.own_filter = request_filter
        """The filter it was opened with (the server's fetch policy), for its whole life."""
        self.restrictions: list[RequestFilter] = []
        """Filters of the run on it now (its ``allowed_domains``), lifted when the run ends."""
        self.blocked: list[tuple[str, str]] = []
        """Requests refused by the request filter: (url, reason)."""
        self.dialogs: list[str] = []
        """Every ``alert``/``confirm``/``prompt`` seen, as ``"type: message"``."""
        self.downloads = Downloads(instance_id)
        """Every file its pages downloaded, saved in a directory removed with the instance."""
        self._key = key
        for open_page in {page, *context.pages}:  # a profile's browser may open more
            open_page.on("crash", self._on_crash)
            self.downloads.watch(open_page)
        self.tabs = Tabs(context, page)
        """The open tabs, which one is current, and their focus history."""
        context.on("page", self._on_page)
        context.on("requestfailed", self.downloads.on_request_failed)
        context.on("dialog", self._on_dialog)
        context.on("close", self._on_context_close)

    @property
    def page(self) -> Page:
        """The page steps act on: the current tab."""
        return self.tabs.current

    @property
    def request_filter(self) -> RequestFilter | None:
        """What every ``go`` step is checked with: the run's restrictions, then its own filter.

        Each also judges every request the pages make, through a route of its own
        (the own filter, unless an egress proxy judges them instead).
        """
        filters = [*self.restrictions, *([self.own_filter] if self.own_filter else [])]
        if len(filters) <= 1:
            return filters[0] if filters else None
        return functools.partial(_first_refusal, tuple(filters))

    @property
    def alive(self) -> bool:
        """False once the page crashed, the browser died or the instance was closed."""
        return self.dead_reason is None

    def _on_page(self, page: Page) -> None:
        page.on("crash", self._on_crash)
        self.downloads.watch(page)

    async def _on_dialog(self, dialog: Dialog) -> None:
        # Playwright dismisses unhandled dialogs, answering "Cancel" to every
        # confirm(); steps have no way to answer, and a click on "Delete" means OK.
        # Accepting them here makes a run and its replay behave the same.
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Error):  # the page may have closed meanwhile
            if dialog.type == "prompt":
                await dialog.accept(dialog.default_value)
            else:
                await dialog.accept()

    def _on_crash(self, _page: Page) -> None:
        self.dead_reason = "the page crashed (out of memory or a renderer bug)"

    def _on_context_close(self, _context: BrowserContext) -> None:
        # Also fires when the manager closes the instance or the browser dies;
        # those set their own, more precise reason (see InstanceManager).
        self.dead_reason = self.dead_reason or _CONTEXT_CLOSED

    def __repr__(self) -> str:
        return f"<Instance {self.id[:8]} {'alive' if self.alive else 'dead'}>"


class InstanceManager:
    """Opens, finds and closes the instances of one event loop.

    Use :func:`get_manager` rather than creating one: every SDK object and
    ``Puppeteer`` on a loop shares its manager, so ``close_all`` reaches them all.
    """

    def __init__(self, *, keep_spare: bool = True, max_spares: int | None = None) -> None:
        self.keep_spare = keep_spare
        self.max_spares = _max_spares() if max_spares is None else max_spares
        """The most spares a browser keeps (``PUPI_MAX_SPARES``, default 4)."""
        self._playwright: Playwright | None = None
        self._browsers: dict[_BrowserKey, Browser] = {}
        self._pids: dict[_BrowserKey, int] = {}
        self._tags: dict[_BrowserKey, str] = {}
        self._driver_pids: list[int] = []
        self._instances: dict[str, Instance] = {}
        self._spares: dict[_BrowserKey, SparePool] = {}
        self._lock = asyncio.Lock()

    async def open(
        self,
        *,
        headless: bool = True,
        cdp_url: str | None = None,
        request_filter: RequestFilter | None = None,
        egress_proxy: str | None = None,
        options: BrowserOptions | None = None,
    ) -> Instance:
        """Open a new isolated instance and return it.

        ``options`` (validated already) set up its context: a storage state,
        emulation, a proxy of its own (which, on the server, is the session's
        own egress proxy in front of the user's), or a ``profile``, which gets
        a browser of its own on the profile's directory.

        ``egress_proxy`` (``http://host:port``) carries every connection the
        instance's pages make, loopback included: the server's fetch policy. With
        it, ``request_filter`` is checked for ``go`` steps only, as the proxy
        judges every request.
        Local instances get a browser launched with it (shared by the instances
        with the same proxy); over CDP it is set on the instance's context.
        """
        options = options or _PLAIN
        cdp_url = cdp_url or os.environ.get("PUPI_CDP_URL") or None
        key: _BrowserKey = (
            ("cdp", cdp_url, "") if cdp_url else ("local", str(headless), egress_proxy or "")
        )
        lock: ProfileLock | None = None
        if options.profile is not None:
            lock = ProfileLock(options.profile)
            key = ("profile", options.profile, uuid.uuid4().hex)
            try:
                context, page = await self._open_profile(key, lock, headless, options, egress_proxy)
            except BaseException:
                lock.release()
                raise
        else:
            context, page = await self._context(key, options, egress_proxy)
        instance = Instance(uuid.uuid4().hex, context, page, key, request_filter, options)
        instance.profile_lock = lock
        if request_filter is not None and egress_proxy is None:
            # Behind an egress proxy the proxy judges every connection; routing each
            # request through Python as well would check it twice and slow every page.
            await context.route("**/*", _filtering_handler(instance, request_filter))
        self._instances[instance.id] = instance
        if self.keep_spare and key[0] == "local" and key in self._browsers:
            self._pool(key).opened()
        return instance

    async def open_or_get(
        self,
        instance_id: str | None = None,
        *,
        headless: bool = True,
        cdp_url: str | None = None,
        request_filter: RequestFilter | None = None,
        egress_proxy: str | None = None,
        options: BrowserOptions | None = None,
    ) -> Instance:
        """A new instance when ``instance_id`` is None (see :meth:`open`), else that one.

        Every entry point that runs on an instance comes through here, so each
        refuses the same way: ``InstanceNotFound`` when no open instance has the
        id, ``InstanceDead`` when its page crashed, its browser died or its
        context was closed. The options only apply to a new instance.
        """
        if instance_id is None:
            return await self.open(
                headless=headless,
                cdp_url=cdp_url,
                request_filter=request_filter,
                egress_proxy=egress_proxy,
                options=options,
            )
        instance = self.get(instance_id)
        if not instance.alive:
            raise InstanceDead(instance.id, instance.dead_reason or "unknown")
        return instance

    def get(self, instance_id: str) -> Instance:
        """The open instance with this id, or ``InstanceNotFound``."""
        try:
            return self._instances[instance_id]
        except KeyError:
            raise InstanceNotFound(instance_id) from None

    def list(self) -> list[InstanceInfo]:
        """Every open instance, oldest first."""
        return [
            InstanceInfo(
                id=instance.id,
                created_at=instance.created_at,
                pid=self._pid(instance._key),
                url=_url(instance),
                alive=instance.alive,
                tabs=instance.tabs.info(),
            )
            for instance in self._instances.values()
        ]

    async def close(self, instance_id: str) -> None:
        """Close one instance; ``InstanceNotFound`` if it is not open."""
        instance = self._instances.pop(instance_id, None)
        if instance is None:
            raise InstanceNotFound(instance_id)
        instance.dead_reason = instance.dead_reason or "the instance was closed"
        try:
            await _close_context(instance.context)  # a profile's browser exits with it
        finally:
            if instance._key[0] == "profile":
                # Only a profile's browser is the instance's own: the tag of a shared
                # one must stay, for the other instances' pids and for abandon().
                self._tags.pop(instance._key, None)
                self._pids.pop(instance._key, None)
            if instance.profile_lock is not None:
                instance.profile_lock.release()
            await instance.downloads.aclose()

    async def close_all(self) -> int:
        """Close every open instance; return how many were closed."""
        ids = list(self._instances)
        await asyncio.gather(*(self.close(instance_id) for instance_id in ids))
        return len(ids)

    async def shutdown(self) -> None:
        """Close every instance, the spares, the browsers and the Playwright driver."""
        await self.close_all()
        pools = list(self._spares.values())
        self._spares.clear()
        for pool in pools:
            await pool.aclose()
        for browser in list(self._browsers.values()):
            with contextlib.suppress(Error):
                await browser.close()
        self._browsers.clear()
        if self._playwright is not None:
            playwright, self._playwright = self._playwright, None
            with contextlib.suppress(Error):
                await playwright.stop()

    def _pool(self, key: _BrowserKey) -> SparePool:
        pool = self._spares.get(key)
        if pool is None:
            browser = self._browsers[key]
            pool = self._spares[key] = SparePool(
                functools.partial(self._new_context, browser, _PLAIN),
                max_spares=self.max_spares,
            )
        return pool

    def abandon(self) -> None:
        """Kill this manager's browsers and driver without their event loop.

        For a manager whose loop was closed with instances still open (a script
        calling ``asyncio.run`` twice): its Playwright objects can no longer be
        awaited, but its processes must not live on until the interpreter exits.
        """
        for tag in self._tags.values():
            reaper.kill_owned_browsers(f"--pupi-browser={tag}")
        reaper.kill_trees(self._driver_pids)
        for instance in self._instances.values():
            instance.dead_reason = instance.dead_reason or "its event loop was closed"
            if instance.profile_lock is not None:
                # Its browser was just killed; held on, the lock would refuse the
                # profile to every later instance of this process.
                instance.profile_lock.release()
            instance.downloads.discard()
        self._instances.clear()
        self._browsers.clear()
        for pool in self._spares.values():
            pool.discard()
        self._spares.clear()
        self._tags.clear()
        self._driver_pids = []
        self._playwright = None

    async def _context(
        self, key: _BrowserKey, options: BrowserOptions, egress_proxy: str | None
    ) -> tuple[BrowserContext, Page]:
        pool = self._spares.get(key)
        if options.plain and pool is not None:
            spare = await pool.take()
            if spare is not None and key in self._browsers:
                return spare
        browser = await self._browser(key)
        proxy = options.proxy.playwright() if options.proxy else None
        if proxy is None and key[0] == "cdp" and egress_proxy:
            proxy = {"server": egress_proxy}
        return await self._new_context(browser, options, proxy=proxy)

    async def _new_context(
        self,
        browser: Browser,
        options: BrowserOptions,
        *,
        proxy: dict[str, str] | None = None,
    ) -> tuple[BrowserContext, Page]:
        context = await browser.new_context(**_context_kwargs(options), proxy=proxy)  # type: ignore[arg-type]
        return context, await context.new_page()

    async def _open_profile(
        self,
        key: _BrowserKey,
        lock: ProfileLock,
        headless: bool,
        options: BrowserOptions,
        egress_proxy: str | None,
    ) -> tuple[BrowserContext, Page]:
        directory = lock.acquire()
        async with self._lock:
            playwright = await self._driver()
        tag = uuid.uuid4().hex
        self._tags[key] = tag
        # A profile's browser is its own, so the egress proxy, which would otherwise
        # come with the shared browser, must be given here or the fetch policy is lost.
        proxy = options.proxy.playwright() if options.proxy else None
        if proxy is None and egress_proxy:
            proxy = {"server": egress_proxy}
        try:
            context = await launch_persistent(
                playwright,
                directory,
                headless=headless,
                tag=tag,
                proxy=proxy,
                context=_context_kwargs(options),
            )
        except BaseException:
            self._tags.pop(key, None)
            raise
        # A persistent context opens with a blank page of its own: use it.
        page = context.pages[0] if context.pages else await context.new_page()
        return context, page

    async def _browser(self, key: _BrowserKey) -> Browser:
        async with self._lock:
            browser = self._browsers.get(key)
            if browser is not None and browser.is_connected():
                return browser
            playwright = await self._driver()
            if key[0] == "cdp":
                browser = await connect_browser(playwright, key[1])
            else:
                tag = uuid.uuid4().hex
                browser = await launch_browser(
                    playwright, headless=key[1] == "True", tag=tag, proxy=key[2] or None
                )
                self._tags[key] = tag
            browser.on("disconnected", lambda _: self._on_disconnected(key))
            self._browsers[key] = browser
            return browser

    async def _driver(self) -> Playwright:
        # Called under self._lock: the driver starts once.
        if self._playwright is None:
            reaper.install()
            before = {child.pid for child in psutil.Process().children()}
            self._playwright = await start_driver()
            # The driver's pid, to kill it should this manager's loop close
            # with the driver still running (see get_manager).
            self._driver_pids = [
                child.pid for child in psutil.Process().children() if child.pid not in before
            ]
        return self._playwright

    def _on_disconnected(self, key: _BrowserKey) -> None:
        self._browsers.pop(key, None)
        self._pids.pop(key, None)
        pool = self._spares.pop(key, None)
        if pool is not None:
            pool.discard()
        for instance in self._instances.values():
            # The contexts may report their close before the browser its disconnect.
            if instance._key == key and instance.dead_reason in {None, _CONTEXT_CLOSED}:
                instance.dead_reason = "the browser process exited or crashed"

    def _pid(self, key: _BrowserKey) -> int | None:
        if key[0] == "cdp" or key not in self._tags:
            return None
        if key[0] == "local" and key not in self._browsers:
            return None
        if key not in self._pids:
            # Found lazily: a process scan at launch would slow every cold start.
            pids = reaper.browser_pids(f"--pupi-browser={self._tags.get(key)}")
            if pids:
                self._pids[key] = pids[0]
        return self._pids.get(key)


def _max_spares() -> int:
    value = os.environ.get("PUPI_MAX_SPARES", "").strip()
    if not value:
        return DEFAULT_MAX_SPARES
    if not value.isdigit():
        raise ValueError(f"PUPI_MAX_SPARES must be a whole number of spares, not {value!r}")
    return int(value)


def _context_kwargs(options: BrowserOptions) -> dict[str, Any]:
    kwargs = options.context_kwargs()
    kwargs.setdefault("viewport", VIEWPORT)
    # Playwright's default too, but Downloads relies on it: without it every
    # download is cancelled as it starts.
    kwargs["accept_downloads"] = True
    return kwargs


def _url(instance: Instance) -> str:
    try:
        return instance.page.url
    except Error:
        return ""


async def _close_context(context: BrowserContext) -> None:
    # Closing a context whose browser already died raises; there is nothing left to free.
    with contextlib.suppress(Error):
        await context.close()


def _first_refusal(filters: tuple[RequestFilter, ...], url: str) -> str | None:
    # In order: the run's domain rules are cheap; the fetch policy may resolve the host.
    for request_filter in filters:
        reason = request_filter(url)
        if reason:
            return reason
    return None


def _filtering_handler(instance: Instance, request_filter: RequestFilter) -> Any:
    async def handle(route: Route) -> None:
        url = route.request.url
        # In a thread: a filter may resolve the host, which must not block the loop.
        reason = await asyncio.to_thread(request_filter, url)
        if reason is None:
            await route.continue_()
            return
        instance.blocked.append((url, reason))
        logger.info("refused %s: %s", url, reason)
        await route.abort("blockedbyclient")

    return handle


# Strong references: a loop must stay a key until its manager has been abandoned.
_managers: dict[asyncio.AbstractEventLoop, InstanceManager] = {}


def get_manager() -> InstanceManager:
    """The instance manager of the running event loop (created on first use).

    Playwright objects belong to the loop that made them, so each loop has its
    own manager; the sync API's private loop has one shared by every sync object.
    Managers of loops closed meanwhile have their browsers and driver killed.
    """
    loop = asyncio.get_running_loop()
    for other in [other for other in _managers if other.is_closed()]:
        _managers.pop(other).abandon()
    manager = _managers.get(loop)
    if manager is None:
        manager = _managers[loop] = InstanceManager()
    return manager
