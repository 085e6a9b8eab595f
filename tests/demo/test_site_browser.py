"""The demo site in real Chromium: every page loads cleanly and its scripts work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from playwright.async_api import Browser, Dialog, Page, async_playwright, expect
from playwright.async_api import Error as PlaywrightError

from pupi.demo import DemoServer
from pupi.demo.render import PAGES

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/lib/chromium/chromium"


async def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Poll ``condition``: pages record events with fire-and-forget requests (generous bound)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, site: DemoServer) -> AsyncIterator[Page]:
    """A fresh page whose JavaScript and console errors fail the test."""
    context = await browser.new_context(base_url=site.url)
    new_page = await context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    new_page.on(
        "console",
        lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    yield new_page
    await context.close()
    assert errors == []


async def test_every_page_loads_without_errors(page: Page) -> None:
    for path in ["/", *(path for path, _, _ in PAGES), "/shop/product/1", "/search?q=python"]:
        response = await page.goto(path)
        assert response is not None
        assert response.status == 200, path
        await expect(page.locator("h1").first).to_be_visible()
    await page.goto("/slow")
    await expect(page.locator("#loaded-message")).to_have_text("Data loaded: 42 widgets in stock")
    await expect(page.get_by_role("button", name="Continue")).to_be_enabled()


async def test_todos_are_added_toggled_and_cleared(page: Page, site: DemoServer) -> None:
    await page.goto("/todos")
    await page.get_by_label("New todo").fill("Walk the dog")
    await page.get_by_label("New todo").press("Enter")
    await expect(page.locator("#todo-list li")).to_have_count(3)
    await expect(page.locator("#todo-count")).to_have_text("2 items left")
    await page.get_by_label("Buy milk").check()
    await expect(page.locator("#todo-count")).to_have_text("1 item left")
    await page.get_by_role("button", name="Clear completed").click()
    await expect(page.locator("#todo-list li")).to_have_count(1)
    await page.locator("li", has_text="Walk the dog").get_by_role("button", name="Delete").click()
    await expect(page.locator("#todo-count")).to_have_text("0 items left")
    assert site.state()["todos"] == []


async def test_shop_and_cart_buttons_call_the_api(page: Page, site: DemoServer) -> None:
    await page.goto("/shop")
    await page.get_by_role("button", name="Add to cart").first.click()
    await expect(page.locator("#shop-status")).to_have_text("Added Wireless Mouse to cart.")
    await expect(page.locator("#cart-count")).to_have_text("1")
    await page.goto("/cart")
    await page.get_by_label("Quantity for Wireless Mouse").fill("3")
    await page.get_by_label("Quantity for Wireless Mouse").dispatch_event("change")
    await expect(page.locator("#cart-total")).to_have_text("$72.00")
    await page.get_by_role("button", name="Remove Wireless Mouse").click()
    await expect(page.locator("#cart-empty")).to_be_visible()
    assert site.state()["cart"] == []


async def test_table_sorts_by_clicked_column(page: Page) -> None:
    await page.goto("/table")
    first_name = page.locator("#employees tbody tr").first.locator("th")
    await page.get_by_role("button", name="Salary").click()
    await expect(first_name).to_have_text("Farid Haddad")
    await page.get_by_role("button", name="Salary").click()
    await expect(first_name).to_have_text("Grace Hopper")
    await expect(page.locator("th[aria-sort=descending]")).to_have_text("Salary")


async def test_dialogs_report_their_answers(page: Page, site: DemoServer) -> None:
    async def answer(dialog: Dialog) -> None:
        await (dialog.accept("Ada") if dialog.type == "prompt" else dialog.accept())

    page.on("dialog", answer)
    await page.goto("/dialogs")
    await page.get_by_role("button", name="Open dialog").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await page.get_by_role("button", name="Confirm").click()
    await expect(page.locator("#modal-result")).to_have_text("You confirmed the dialog.")
    await page.get_by_role("button", name="Ask to continue").click()
    await expect(page.locator("#confirm-result")).to_have_text("Confirm result: OK")
    await page.get_by_role("button", name="Show alert").click()
    await expect(page.locator("#alert-result")).to_have_text("Alert dismissed")
    await page.get_by_role("button", name="Ask for your name").click()
    await expect(page.locator("#prompt-result")).to_have_text("Hello, Ada!")
    await wait_until(lambda: len(site.state()["events"]) == 4)
    # Each answer is reported by a fetch of its own, so they may arrive in any order.
    assert {event["event"]: event["value"] for event in site.state()["events"]} == {
        "modal": "confirmed",
        "confirm": True,
        "alert": "dismissed",
        "prompt": "Ada",
    }


async def test_tabs_faq_frames_and_shadow_dom_respond(page: Page) -> None:
    await page.goto("/tabs")
    await page.get_by_role("tab", name="Reviews").click()
    await expect(page.locator("#average-rating")).to_have_text("4.4")
    await expect(page.get_by_role("tabpanel", name="Overview")).to_be_hidden()
    await page.goto("/faq")
    await page.get_by_role("button", name="What is your return policy?").click()
    await expect(page.get_by_text("within 30 days of delivery")).to_be_visible()
    await page.goto("/frames")
    frame = page.frame_locator("#inner-frame")
    await frame.get_by_label("Email").fill("ada@example.com")
    await frame.get_by_role("button", name="Join").click()
    await expect(frame.locator("#frame-result")).to_contain_text("ada@example.com")
    await page.get_by_label("Name in shadow").fill("Alan")
    await page.get_by_role("button", name="Greet").click()
    await expect(page.locator("#shadow-result")).to_have_text("Hello from the shadow, Alan!")


async def test_popups_open_tabs_that_say_what_opened_them(page: Page) -> None:
    await page.goto("/popups")
    async with page.expect_popup() as link_tab:
        await page.get_by_role("link", name="Open the page in a new tab").click()
    tab = await link_tab.value
    await expect(tab.locator("#opened-by")).to_have_text("Opened by the link on the Popups page.")
    async with page.expect_popup() as button_popup:
        await page.get_by_role("button", name="Open a popup").click()
    popup = await button_popup.value
    await expect(popup).to_have_title("Opened tab · Pupi Demo")
    await expect(page.locator("#popup-status")).to_have_text("Popup opened.")
    # The close button's handler comes with the tab's script: wait for it to have run.
    await popup.wait_for_load_state("load")
    async with popup.expect_event("close"):
        # The tab may close while Playwright still finishes the click.
        with contextlib.suppress(PlaywrightError):
            await popup.get_by_role("button", name="Close this tab").click()


async def test_benchmark_form_summarises_without_loading_a_page(page: Page) -> None:
    await page.goto("/benchmark-form")
    await page.get_by_label("First name").fill("Ada")
    await page.get_by_label("Country").select_option("France")
    await page.get_by_label("Premium").check()
    await page.get_by_label("News").check()
    await page.get_by_role("button", name="Submit").click()
    await expect(page.locator("#bench-result")).to_have_text(
        "Form submitted: 4 of 20 fields filled."
    )
    assert page.url.endswith("/benchmark-form")
