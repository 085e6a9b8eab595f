"""The context an action handler works in (see :mod:`.act`)."""

from __future__ import annotations

from pupi.agent.observe.model import Element, Observation

__all__ = ["Context"]


class Context:
    """What a handler may use besides the intent: the page and the last field used."""

    def __init__(self, observation: Observation, last_selector: str | None) -> None:
        self.observation = observation
        self.last_selector = last_selector

    def last_element(self) -> Element | None:
        """The element the previous action used, when it is still on the page."""
        for element in self.observation.elements:
            if self.last_selector and element.selector == self.last_selector:
                return element
        return None
