"""The agent's healer: finds a step's element again from its intent, on the page as it is now.

The engine hands a step whose selector matches nothing to a
:class:`~pupi.engine.healing.StepHealer`; :class:`IntentHealer` is Pupi's. It
observes the page (:func:`~pupi.agent.observe.observe`), scores its elements
against the step's :class:`~pupi.steps.StepIntent` offline
(:func:`~pupi.agent.reground.reground`) and answers the chosen element's robust
selector, or refuses with the reason. With a ``fallback`` planner, a refusal is
put to the planner as a one-action task (the intent's instruction) before it stands.
"""

from __future__ import annotations

import logging

from pupi.agent.loop import unique_selector
from pupi.agent.observe import Element, Observation, observe
from pupi.agent.planners.base import Planner
from pupi.agent.reground import THRESHOLD, reground
from pupi.engine import PageTarget, PageView
from pupi.engine.healing import HealOutcome, StepHealer
from pupi.errors import AgentError
from pupi.steps import BaseStep, StepIntent

__all__ = ["IntentHealer", "healer_for"]

logger = logging.getLogger("pupi.agent")

_MAX_ELEMENTS = 1_000
"""No planner reads this observation: keep every element the page has, within reason."""

_SAME_KIND = {"press": {"press", "type", "click"}, "change": {"type", "select", "check"}}


class IntentHealer:
    """Heals steps from their intents, offline; optionally asks a planner when unsure.

    ``execute_steps_locally(heal=True)`` uses one with the defaults. Pass your own
    to change the ``threshold`` (0..1, the identity score an element needs) or to
    give a ``fallback`` planner::

        from pupi.agent.planners import get_planner
        healer = IntentHealer(fallback=get_planner("openai"))
        run = await sdk.execute_steps_locally(steps, heal=healer)
    """

    def __init__(self, *, threshold: float = THRESHOLD, fallback: Planner | None = None) -> None:
        self.threshold = threshold
        self.fallback = fallback

    def __repr__(self) -> str:
        fallback = f" fallback={self.fallback.name}" if self.fallback is not None else ""
        return f"<IntentHealer threshold={self.threshold}{fallback}>"

    async def heal(self, step: BaseStep, page: PageTarget) -> HealOutcome:
        """A new selector for ``step``'s element on ``page``, or a refusal saying why."""
        intent: StepIntent | None = getattr(step, "intent", None)
        if intent is None:
            return HealOutcome(None, "the step has no intent to heal from")
        view = PageView.of(page)
        try:
            observation = await observe(view, max_elements=_MAX_ELEMENTS, max_chars=10**7)
        except AgentError as exc:
            return HealOutcome(None, str(exc))
        found = reground(observation, intent, step.action, threshold=self.threshold)
        element, reason = found.element, found.reason
        if element is None and self.fallback is not None:
            element = await self._ask(self.fallback, step.action, intent, observation)
            if element is not None:
                chooser = self.fallback.name
                reason = f"{element.role} '{element.name}' (chosen by {chooser}; {reason})"
        if element is None:
            return HealOutcome(None, reason)
        return HealOutcome(await unique_selector(view, element), reason)

    async def _ask(
        self, planner: Planner, action: str, intent: StepIntent, observation: Observation
    ) -> Element | None:
        task = intent.instruction or f"{action} the {intent.role or 'element'} '{intent.name}'"
        try:
            decision = await planner.decide(task, observation, [])
        except AgentError as exc:
            logger.info("the fallback planner failed: %s", exc)
            return None
        kinds = _SAME_KIND.get(action, {action})
        for chosen in decision.actions:
            if chosen.element is not None and chosen.kind in kinds:
                try:
                    return observation.element(chosen.element)
                except IndexError:
                    return None
        return None


def healer_for(heal: bool | StepHealer, planner: str | None = None) -> StepHealer | None:
    """The healer a ``heal=`` argument asks for: None, an :class:`IntentHealer`
    (asking ``planner`` when the page's evidence is too weak), or itself."""
    if heal is True:
        from pupi.agent.planners import get_planner

        return IntentHealer(fallback=get_planner(planner) if planner else None)
    if heal is False:
        return None
    return heal
