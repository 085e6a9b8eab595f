"""PageView: the agent's window on a page, with Playwright's errors translated."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route

from pupi.browser.instances import Instance, get_manager
from pupi.engine import PageView
from pupi.engine.translate import (
    PageClosed,
    PageNavigated,
    PageQueryFailed,
    translate_page_error,
)


def html(body: str) -> str:
    page = f"<!doctype html><title>View</title><body>{body}</body>"
    return "data:text/html;base64," + base64.b64encode(page.encode()).decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Execution context was destroyed, most likely because of a navigation",
            PageNavigated,
            id="navigated",
        ),
        pytest.param(
            "Target page, context or browser has been closed", PageClosed, id="page-closed"
        ),
        pytest.param("Target closed", PageClosed, id="target-closed"),
        pytest.param("Unexpected token '!' while parsing selector", PageQueryFailed, id="other"),
    ],
)
def test_playwright_errors_become_page_query_errors(
    text: str, expected: type[PageQueryFailed]
) -> None:
    error = translate_page_error(PlaywrightError(text + "\nCall log:\n  - waiting"))
    assert type(error) is expected
    assert str(error) == text


@pytest.fixture
async def instance() -> AsyncIterator[Instance]:
    opened = await get_manager().open()
    yield opened
    await get_manager().close(opened.id)


@pytest.mark.browser
async def test_counts_selectors_and_reads_the_url(instance: Instance) -> None:
    url = html("<p class=a>1</p><p class=a>2</p><p id=b>3</p>")
    await instance.page.goto(url)
    view = PageView(instance)
    assert view.url == url
    assert await view.count(".a") == 2
    assert await view.count("#b") == 1
    assert await view.count("#missing") == 0


@pytest.mark.browser
async def test_a_bad_selector_raises_a_page_query_error_not_playwrights(
    instance: Instance,
) -> None:
    await instance.page.goto(html("<p>x</p>"))
    with pytest.raises(PageQueryFailed) as caught:
        await PageView(instance).count("p >> !!")
    assert not isinstance(caught.value, PlaywrightError)
    assert isinstance(caught.value.__cause__, PlaywrightError)


@pytest.mark.browser
async def test_snapshot_returns_the_scripts_value_and_translates_its_errors(
    instance: Instance,
) -> None:
    await instance.page.goto(html("<h1>Hello</h1>"))
    view = PageView(instance)
    assert await view.snapshot("(tag) => document.querySelector(tag).textContent", "h1") == "Hello"
    with pytest.raises(PageQueryFailed, match="boom"):
        await view.snapshot("() => { throw new Error('boom') }")


@pytest.mark.browser
async def test_snapshot_reads_the_new_document_when_a_navigation_interrupts_it(
    instance: Instance, demo_url: str
) -> None:
    await instance.page.goto(f"{demo_url}/tabs")
    # On the first page the script starts a navigation and never returns, so its
    # document is always destroyed under it; in the new document it returns at once.
    script = """(next) => location.href === next
        ? document.querySelector('h1').textContent
        : new Promise(() => { location.href = next })"""
    assert await PageView(instance).snapshot(script, f"{demo_url}/faq") == "FAQ"
    with pytest.raises(PageNavigated):
        await PageView(instance).snapshot(script, f"{demo_url}/tabs", attempts=1)


@pytest.mark.browser
async def test_a_closed_page_raises_page_closed_at_once(instance: Instance) -> None:
    page = await instance.context.new_page()
    view = PageView(page)
    await page.close()
    with pytest.raises(PageClosed):
        await view.snapshot("() => 1", attempts=3)
    with pytest.raises(PageClosed):
        await view.count("p")
    await view.settle(timeout_s=5)  # nothing to wait for, and not an error


@pytest.mark.browser
async def test_settle_returns_on_a_quiet_page_and_on_one_that_never_goes_quiet(
    instance: Instance,
) -> None:
    view = PageView(instance)
    await instance.page.goto(html("<p>still</p>"))
    await view.settle(timeout_s=30)
    # A page that changes forever: settle gives up after its own cap, not the caller's.
    await instance.page.goto(
        html(
            """<p id=n>0</p><script>
            let n = 0;
            setInterval(() => { document.getElementById('n').textContent = String(++n) }, 10);
            </script>"""
        )
    )
    await view.settle(timeout_s=600)
    assert await view.count("#n") == 1


@pytest.mark.browser
async def test_a_view_of_an_instance_follows_a_new_tab(instance: Instance) -> None:
    await instance.page.goto(html("<p>first</p>"))
    view = PageView(instance)
    # Waiting for the context's "page" event: the instance has seen the tab by then.
    async with instance.context.expect_page() as opened:
        await instance.context.new_page()
    second = await opened.value
    await second.goto(html("<p>second</p>"))
    assert await view.snapshot("() => document.querySelector('p').textContent") == "second"
    assert PageView.of(view) is view


_FETCHING = """<!doctype html><button onclick="fetch('/data').then((r) => r.text())
  .then((t) => { document.getElementById('out').textContent = t })">Load</button><p id=out></p>"""


async def _held_data(instance: Instance) -> tuple[asyncio.Event, asyncio.Event]:
    """Serve https://pupi.test/ and hold its /data until the second event is set."""
    requested, released = asyncio.Event(), asyncio.Event()

    async def data(route: Route) -> None:
        requested.set()
        await released.wait()
        await route.fulfill(body="loaded", content_type="text/plain")

    await instance.context.route(
        "https://pupi.test/", lambda route: route.fulfill(body=_FETCHING, content_type="text/html")
    )
    await instance.context.route("https://pupi.test/data", data)
    await instance.page.goto("https://pupi.test/")
    return requested, released


@pytest.mark.browser
async def test_settle_waits_for_the_request_an_action_started(instance: Instance) -> None:
    requested, released = await _held_data(instance)
    view = PageView(instance)
    watch = view.watch_requests()
    try:
        await instance.page.click("button")
        settling = asyncio.create_task(
            view.settle(timeout_s=600, requests=watch, request_wait_s=600)
        )
        await requested.wait()
        await asyncio.sleep(0.2)  # settle's DOM window is 50 ms; it must be waiting by now
        assert not settling.done(), "settle returned with the page's request unanswered"
        released.set()
        await settling
    finally:
        watch.stop()
        released.set()


@pytest.mark.browser
async def test_settle_without_a_watch_does_not_wait_for_requests(instance: Instance) -> None:
    requested, released = await _held_data(instance)
    view = PageView(instance)
    try:
        await instance.page.click("button")
        await requested.wait()
        await view.settle(timeout_s=600)
        assert not released.is_set()
    finally:
        released.set()


@pytest.mark.browser
async def test_a_stopped_watch_follows_nothing(instance: Instance) -> None:
    requested, released = await _held_data(instance)
    view = PageView(instance)
    watch = view.watch_requests()
    watch.stop()
    try:
        await instance.page.click("button")
        await requested.wait()
        assert not await watch.answered(600), "a stopped watch saw a request"
    finally:
        released.set()
