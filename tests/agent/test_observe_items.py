"""Observation of list items, pointer-only controls and open modals, on real pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page

from pupi.agent.observe import Observation, observe
from pupi.browser.instances import get_manager

pytestmark = pytest.mark.browser

INBOX = """
<h2>Inbox</h2>
<style>.subject{cursor:pointer}.link{cursor:pointer;text-decoration:underline}</style>
<div id="rows">
 <div class="row"><span>Ana Lind</span><span class="subject">Boat trip</span>
  <button title="Archive">&#128230;</button></div>
 <div class="row"><span>Bo Sand</span><span class="subject">Invoice</span>
  <button title="Archive">&#128230;</button></div>
 <div class="row"><span>Cy Moor</span><span class="subject">Budget</span>
  <button title="Archive">&#128230;</button></div>
</div>
<p>Read the <span class="link" id="terms">terms</span> first.</p>
<button id="open" onclick="document.getElementById('box').showModal()">Delete</button>
<dialog id="box"><p>Sure?</p><button>Cancel</button><button>Delete for good</button></dialog>
"""


@pytest.fixture
async def inbox() -> AsyncIterator[Page]:
    instance = await get_manager().open(headless=True)
    try:
        await instance.page.set_content(INBOX)
        yield instance.page
    finally:
        await get_manager().close(instance.id)


def _named(observation: Observation, name: str) -> list[tuple[str, tuple[int, int] | None]]:
    return [(e.role, e.item) for e in observation.elements if e.name == name]


async def test_each_control_of_a_list_item_knows_its_item(inbox: Page) -> None:
    observation = await observe(inbox)
    archives = [e for e in observation.elements if e.fingerprint.title == "Archive"]
    assert [e.item for e in archives] == [(0, 0), (0, 1), (0, 2)]
    assert len(observation.lists[0].items) == 3
    assert observation.lists[0].label == "Inbox"  # the heading before the list
    assert _named(observation, "Delete") == [("button", None)]


async def test_text_with_a_pointer_cursor_is_offered_as_a_link_or_button(inbox: Page) -> None:
    observation = await observe(inbox)
    assert _named(observation, "Invoice") == [("button", (0, 1))]
    assert _named(observation, "terms") == [("link", None)]
    # The pointer only counts at the top of its subtree: "Read the" is no control.
    assert not _named(observation, "Read the terms first.")


async def test_nothing_behind_an_open_modal_is_offered(inbox: Page) -> None:
    await inbox.click("#open")
    observation = await observe(inbox)
    names = sorted(e.name for e in observation.elements)
    assert names == ["Cancel", "Delete for good"]
    assert all(e.region == "dialog" for e in observation.elements)
