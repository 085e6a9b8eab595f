"""Observation of grouped content: fieldset legends as context, definition lists as tables."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pupi.agent.observe import observe
from pupi.browser.instances import Instance, get_manager

pytestmark = pytest.mark.browser

_PAGE = """<!doctype html><title>Groups</title>
<h1>Settings</h1>
<form>
 <fieldset><legend>Theme</legend>
  <label><input type="radio" name="t" value="l"> Light</label>
  <label><input type="radio" name="t" value="d" checked> Dark</label>
 </fieldset>
 <div role="radiogroup" aria-labelledby="size-l"><span id="size-l">Size</span>
  <span role="radio" aria-checked="false" tabindex="0">Small</span>
 </div>
 <label><input type="checkbox" role="switch" checked> Alerts</label>
</form>
<dl>
 <div><dt>Prep time</dt><dd>15 min</dd></div>
 <div><dt>Cook time</dt><dd>12 min</dd></div>
 <div><dt>Serves</dt><dd>4</dd></div>
</dl>
<dl><dt>APR</dt><dd>Annual percentage rate</dd>
 <dt>Fee</dt><dd>A charge</dd><dd>Often monthly</dd></dl>
"""


@pytest.fixture(scope="module")
async def instance() -> AsyncIterator[Instance]:
    opened = await get_manager().open(headless=True)
    yield opened
    await get_manager().close(opened.id)


async def test_a_fieldset_legend_or_group_label_is_the_context_of_its_controls(
    instance: Instance,
) -> None:
    await instance.page.set_content(_PAGE)
    observation = await observe(instance.page)
    by_name = {e.name: e for e in observation.elements}
    assert by_name["Light"].context == "Theme"
    assert by_name["Dark"].context == "Theme"
    assert by_name["Dark"].checked is True
    assert by_name["Small"].context == "Size"
    assert by_name["Alerts"].role == "switch"


async def test_a_definition_list_is_a_table_of_terms_and_definitions(instance: Instance) -> None:
    await instance.page.set_content(_PAGE)
    observation = await observe(instance.page)
    rows = [table.rows for table in observation.tables]
    assert [["Prep time", "15 min"], ["Cook time", "12 min"], ["Serves", "4"]] in rows
    assert [["APR", "Annual percentage rate"], ["Fee", "A charge; Often monthly"]] in rows
    assert all(table.headers == [] for table in observation.tables)
    # Its terms and definitions are not read again as a list of items.
    assert not any(
        item.get("dd") or item.get("title") == "Prep time"
        for item_list in observation.lists
        for item in item_list.items
    )
