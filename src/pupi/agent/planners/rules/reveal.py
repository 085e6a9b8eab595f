"""Looking behind tabs and closed sections for what a clause names but the page does not show.

Tab panels, accordions and tree views keep most of their content out of the
page (``display: none``) until opened, so the observation simply lacks it.
When a clause cannot be grounded, :func:`hidden_pane` gives the next place to
look: a tab not selected or a section not expanded that the clause has not
opened yet, the ones whose names share words with the clause first. The
planner opens it and grounds the clause again on what the page then shows.
"""

from __future__ import annotations

from collections.abc import Collection

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.text import similarity

__all__ = ["hidden_pane"]

# What opens a pane in place; a link or a menu button would leave the page or open a popup.
_OPENERS = frozenset({"tab", "button", "summary", "treeitem", "heading", "menuitem"})


def hidden_pane(observation: Observation, words: str, opened: Collection[str]) -> Element | None:
    """The next closed tab or section to open while looking for ``words``, or None.

    ``opened`` names what was opened for this clause already, so every pane is
    looked in once and the search ends.
    """
    closed = [
        e
        for e in observation.elements
        if e.visible
        and not e.disabled
        and e.name
        and e.name not in opened
        and e.role in _OPENERS
        and (
            (e.role == "tab" and e.selected is False)
            or (e.expanded is False and e.region != "nav" and not e.href)
        )
    ]
    if not closed:
        return None
    return max(closed, key=lambda e: (similarity(e.name, words), -e.index))
