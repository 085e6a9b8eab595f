"""Observation of real pages: numbering, selectors, structure, frames, budget, determinism."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page

from pupi.agent.observe import Observation, observe
from pupi.agent.observe.selectors import is_generated_id, selector_in_frame
from pupi.browser.instances import Instance, get_manager

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def instance() -> AsyncIterator[Instance]:
    """One browser instance shared by the module's tests (they only read pages)."""
    opened = await get_manager().open(headless=True)
    yield opened
    await get_manager().close(opened.id)


@pytest.fixture
async def page(instance: Instance) -> Page:
    return instance.page


async def _open(page: Page, url: str) -> Observation:
    await page.goto(url)
    await page.wait_for_load_state("load")
    return await observe(page)


def _by_name(observation: Observation, role: str, name: str) -> list[int]:
    return [e.index for e in observation.elements if e.role == role and e.name == name]


async def test_elements_are_numbered_with_roles_names_and_labels(page: Page, demo_url: str) -> None:
    observation = await _open(page, f"{demo_url}/login")

    assert [e.index for e in observation.elements] == list(range(1, len(observation.elements) + 1))
    username = observation.element(_by_name(observation, "textbox", "Username")[0])
    assert username.label == "Username"
    assert username.selector == "#username"
    password = next(e for e in observation.elements if e.type == "password")
    assert password.label == "Password"
    assert _by_name(observation, "button", "Log in")
    assert observation.title.startswith("Log in")
    assert "Log in" in observation.headings
    assert observation.forms
    assert username.index in observation.forms[0].fields


async def test_form_control_states_are_observed(page: Page, demo_url: str) -> None:
    await page.goto(f"{demo_url}/booking")
    await page.get_by_label("Guest name").fill("Ada")
    observation = await observe(page)

    guests = next(e for e in observation.elements if e.role == "spinbutton")
    assert guests.value == "2"
    room = next(e for e in observation.elements if e.role == "combobox")
    assert room.options
    assert room.options[0].startswith("Standard room")
    assert room.value == room.options[0]
    name = next(e for e in observation.elements if e.name == "Guest name")
    assert name.value == "Ada"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/shop", id="shop"),
        pytest.param("/login", id="login"),
        pytest.param("/table", id="table"),
        pytest.param("/todos", id="todos"),
        pytest.param("/search", id="search"),
        pytest.param("/faq", id="faq"),
        pytest.param("/booking", id="booking"),
        pytest.param("/tabs", id="tabs"),
        pytest.param("/dialogs", id="dialogs"),
        pytest.param("/frames", id="frames"),
    ],
)
async def test_every_selector_matches_exactly_its_own_element(
    page: Page, demo_url: str, path: str
) -> None:
    observation = await _open(page, f"{demo_url}{path}")
    assert observation.elements

    for element in observation.elements:
        robust = page.locator(element.selector)
        assert await robust.count() == 1, element.selector
        assert "nth=" not in element.selector
        assert str(element.index) != element.selector
        structural = page.locator(element.fingerprint.css_path)
        assert await structural.count() == 1, element.fingerprint.css_path
        one = await robust.element_handle()
        other = await structural.element_handle()
        assert one is not None
        assert other is not None
        assert await one.evaluate("(a, b) => a === b", other), element.selector


async def test_repeated_buttons_get_selectors_scoped_to_their_card(
    page: Page, demo_url: str
) -> None:
    observation = await _open(page, f"{demo_url}/shop")

    buttons = [e for e in observation.elements if e.name == "Add to cart"]
    assert len(buttons) >= 2
    assert len({b.selector for b in buttons}) == len(buttons)
    mug = next(b for b in buttons if b.context == "Ceramic Coffee Mug")
    card_text = await page.locator(mug.selector).evaluate("e => e.closest('article').innerText")
    assert "Ceramic Coffee Mug" in card_text


async def test_tables_are_extracted_with_headers_and_rows(page: Page, demo_url: str) -> None:
    observation = await _open(page, f"{demo_url}/table")

    assert len(observation.tables) == 1
    table = observation.tables[0]
    assert table.headers[:2] == ["Name", "Department"]
    assert table.rows[0][0] == "Ada Lovelace"
    assert table.total_rows == len(table.rows) == await page.locator("tbody tr").count()
    assert await page.locator(table.selector).count() == 1


async def test_repeated_cards_are_extracted_as_a_list(page: Page, demo_url: str) -> None:
    observation = await _open(page, f"{demo_url}/shop")

    products = next(
        lst for lst in observation.lists if lst.items[0].get("title") == "Wireless Mouse"
    )
    assert products.items[0]["price"] == "$24.00"
    assert [item["title"] for item in products.items[:2]] == [
        "Wireless Mouse",
        "Mechanical Keyboard",
    ]
    assert await page.locator(products.selector).count() == len(products.items) == products.total


async def test_iframe_and_shadow_root_contents_are_observed(page: Page, demo_url: str) -> None:
    observation = await _open(page, f"{demo_url}/frames")

    email = next(e for e in observation.elements if e.name == "Email")
    assert email.in_frame
    assert "internal:control=enter-frame" in email.selector
    shadow_button = next(e for e in observation.elements if e.name == "Greet")
    assert not shadow_button.in_frame
    assert "This text is inside a shadow root." in observation.texts

    await page.locator(email.selector).fill("ada@example.com")
    after = await observe(page)
    assert next(e for e in after.elements if e.name == "Email").value == "ada@example.com"


async def test_two_observations_of_the_same_page_are_equal(page: Page, demo_url: str) -> None:
    first = await _open(page, f"{demo_url}/shop")
    await page.mouse.wheel(0, 600)  # scrolling changes no observed state
    second = await observe(page)

    assert first == second
    assert first.fingerprint() == second.fingerprint()
    await page.select_option("#sort", index=1)
    third = await observe(page)
    assert third.fingerprint() != first.fingerprint()


async def test_hidden_content_is_left_out(page: Page) -> None:
    await page.set_content(
        "<h1>Visible</h1><p>Shown text</p>"
        "<p style='display:none'>Secret display none</p>"
        "<div style='visibility:hidden'><button>Ghost</button>Invisible</div>"
        "<button hidden>Hidden button</button><button>Real</button>"
    )
    observation = await observe(page)

    text = observation.to_text()
    assert "Shown text" in text
    for hidden in ("Secret", "Ghost", "Invisible", "Hidden button"):
        assert hidden not in text
    assert [e.name for e in observation.elements] == ["Real"]


async def test_budget_keeps_page_order_and_stays_under_max_chars(page: Page) -> None:
    buttons = "".join(f"<button id='b{i}'>Button {i}</button>" for i in range(300))
    faded = "".join(f"<button style='opacity:0'>Faded {i}</button>" for i in range(20))
    paragraphs = "".join(f"<p>Paragraph number {i} with some filler text.</p>" for i in range(300))
    await page.set_content(f"<main>{faded}{buttons}{paragraphs}</main>")

    observation = await observe(page, max_elements=40, max_chars=4_000)

    assert len(observation.to_text()) <= 4_000
    assert len(observation.elements) <= 40
    assert [e.index for e in observation.elements] == list(range(1, len(observation.elements) + 1))
    assert all(e.visible for e in observation.elements)  # the faded ones went first
    numbers = [int(e.name.split()[-1]) for e in observation.elements]
    assert numbers == sorted(numbers)
    assert numbers[0] == 0
    kept = [int(t.split()[2]) for t in observation.texts]
    assert kept == sorted(kept)
    assert observation.omitted["elements"] >= 280
    assert observation.omitted["texts"] > 0
    assert observation == await observe(page, max_elements=40, max_chars=4_000)


@pytest.mark.parametrize(
    ("value", "generated"),
    [
        pytest.param("username", False, id="plain"),
        pytest.param("product-1-name", False, id="small-number"),
        pytest.param(":r1:", True, id="react"),
        pytest.param("ember1234", True, id="ember"),
        pytest.param("input-8f3a9c2b1d", True, id="hash"),
    ],
)
def test_generated_ids_are_recognised(value: str, generated: bool) -> None:
    assert is_generated_id(value) is generated


def test_selector_preference_falls_from_id_to_role_to_path() -> None:
    base = {"tag": "button", "css_path": "main > button:nth-of-type(2)"}
    assert selector_in_frame({**base, "id": "buy", "id_unique": True}) == "#buy"
    assert (
        selector_in_frame(
            {
                **base,
                "id": ":r1:",
                "id_unique": True,
                "role": "button",
                "role_name": 'Say "hi"',
                "role_unique": True,
            }
        )
        == 'role=button[name="Say \\"hi\\""s]'
    )
    assert selector_in_frame({**base, "name": "go", "name_unique": False}) == base["css_path"]
