"""What the agent's observation of a page numbers its elements, for scripting LLM stubs."""

from __future__ import annotations

from pupi.agent.observe import observe
from pupi.browser.instances import get_manager
from pupi.engine import PageView


async def element_numbers(url: str) -> dict[str, int]:
    """Each interactive element's number in the agent's observation of ``url``, by name.

    The numbering is deterministic, so a stub's scripted reply can point at the
    element the planner would be shown.
    """
    manager = get_manager()
    instance = await manager.open()
    try:
        await instance.page.goto(url)
        observation = await observe(PageView(instance))
    finally:
        await manager.close(instance.id)
    return {element.name: element.index for element in observation.elements}
