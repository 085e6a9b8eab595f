"""Step intents: what the agent records about the element each of its steps acts on.

:func:`intent_for` reads a :class:`~pupi.steps.StepIntent` off an observed
element when the agent acts on it; :mod:`pupi.agent.reground` finds the element
again from it on a changed page.
"""

from __future__ import annotations

from pupi.agent.observe.model import Element
from pupi.steps import StepIntent

__all__ = ["intent_for"]

_MAX_TEXT = 120
"""An element's own text is kept up to this length: enough to know it again."""


def intent_for(element: Element, instruction: str | None = None) -> StepIntent:
    """The intent the agent records for a step on ``element``, serving ``instruction``."""
    text = element.text if element.text and element.text != element.name else None
    return StepIntent(
        role=element.role or None,
        name=element.name or None,
        label=element.label or None,
        placeholder=element.placeholder or None,
        text=text[:_MAX_TEXT] if text else None,
        context=element.context or None,
        region=element.region or None,
        tag=element.tag or None,
        type=element.type or None,
        instruction=_instruction(instruction),
    )


def _instruction(why: str | None) -> str | None:
    if not why:
        return None
    # The planner's reason as a person reads it: its own notes are in Action.memo.
    return why.strip() or None
