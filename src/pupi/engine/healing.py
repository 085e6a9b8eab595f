"""Healing: a step whose selector matches nothing is given a new one from its intent.

The engine decides *when*: a step that carries an :class:`~pupi.steps.StepIntent`,
whose selector still matches nothing after :data:`HEAL_AFTER_MS` and the page's
load, is handed to a :class:`StepHealer`. The healer decides *what*: the agent's
:class:`~pupi.agent.heal.IntentHealer` scores the page's elements against the
intent and answers a new selector, or refuses and says why. The engine then runs
the step with the new selector and records a :class:`Healing`. A refusal is not
final until the step's timeout: the page may still be on its way (a slow
navigation, content rendered late), so the engine looks again, for the old
selector and for the healer's answer, until then.

Only a missing element is healed. A selector that still matches something is
trusted, even if the site moved it onto another element; steps in a ``frame``
are not healed (the healer's selectors start from the page).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from pydantic import BaseModel, ConfigDict

from pupi.engine.locate import matches_now
from pupi.engine.polling import POLL_S, poll_until
from pupi.engine.translate import ConditionTimedOut
from pupi.steps import AssertStep, BaseStep, Step, WaitStep

__all__ = [
    "HEAL_AFTER_MS",
    "HealOutcome",
    "Healing",
    "StepHealer",
    "can_heal",
    "heal_if_missing",
    "healer_of",
    "step_dict",
]

logger = logging.getLogger("pupi.engine")

HEAL_AFTER_MS = 1_000
"""How long a step's own selector may take to match before the step is healed.

Long enough for an element that a script renders just after the load; short,
because every stale step of a redesigned site waits this long once.
"""


class Healing(BaseModel):
    """One step that ran with a new selector because its own matched nothing.

    ``index`` is the step's position in the run; ``reason`` says what the new
    selector's element was chosen for (its role and name, the score it got).

    >>> run = await sdk.execute_steps_locally(steps, heal=True)
    >>> run.healing[0]
    <Healing step=1 '#username' -> '#v1-username'>
    """

    model_config = ConfigDict(frozen=True)

    index: int
    action: str
    old_selector: str | list[str]
    new_selector: str
    reason: str

    def __repr__(self) -> str:
        return f"<Healing step={self.index} {self.old_selector!r} -> {self.new_selector!r}>"


@dataclass(frozen=True, slots=True)
class HealOutcome:
    """A healer's answer: the new ``selector``, or None with the ``reason`` it refused."""

    selector: str | None
    reason: str


class StepHealer(Protocol):
    """Finds a step's element again on the current page, from the step's ``intent``."""

    async def heal(self, step: BaseStep, page: Page) -> HealOutcome:
        """A new selector for ``step``'s element on ``page``, or a refusal."""
        ...


_FIRST_PAUSE_MS = 250
_LAST_PAUSE_MS = 2_000
"""Pauses between a refusal and the next try; each try observes the whole page."""


def healer_of(heal: bool | StepHealer, planner: str | None = None) -> StepHealer | None:
    """The healer a ``heal=`` argument asks for: None, the agent's offline healer (with
    ``planner`` as its fallback, an LLM planner's name), or itself.

    The agent (and its page observation) is imported only when healing is asked for.
    """
    if heal is False:
        return None
    from pupi.agent.heal import healer_for

    return healer_for(heal, planner)


async def close_healer(healer: StepHealer | None) -> None:
    """Let go of what a healer holds (an LLM planner's HTTP client)."""
    fallback = getattr(healer, "fallback", None)
    closer = getattr(fallback, "aclose", None)
    if closer is not None:
        await closer()


def can_heal(step: BaseStep) -> bool:
    """Whether ``step`` carries what healing needs (an intent, a selector, no frame)
    and expects its element to be there."""
    return (
        getattr(step, "intent", None) is not None
        and getattr(step, "selector", None) is not None
        and not getattr(step, "frame", None)
        and _expects_element(step)
    )


def _expects_element(step: BaseStep) -> bool:
    # A wait for an element to go, or an assert that none is left, succeeds exactly
    # when the selector matches nothing: that is no stale selector to heal.
    if isinstance(step, WaitStep):
        return step.state in ("visible", "attached") and not step.negate and step.count != 0
    if isinstance(step, AssertStep):
        return step.state not in ("hidden", "detached") and step.count != 0
    return True


async def heal_if_missing(
    healer: StepHealer, step: Step, page: Page, *, timeout_ms: float
) -> HealOutcome | None:
    """None once ``step``'s selector matches; else what ``healer`` makes of it.

    The selector gets :data:`HEAL_AFTER_MS` (at most half the step's timeout) to
    match, then the page's load, then one more look: a step right after a click
    that navigates must not be healed against the page that is going away. A
    refusal is asked again, with growing pauses, until ``timeout_ms`` has passed.
    """
    selector: str | list[str] = getattr(step, "selector")  # noqa: B009 - can_heal checked it
    begun = time.monotonic()
    deadline = begun + timeout_ms / 1000
    if await _matches_within(page, selector, min(HEAL_AFTER_MS, timeout_ms / 2)):
        return None
    pause_ms = _FIRST_PAUSE_MS
    while True:
        left_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            await page.wait_for_load_state("load", timeout=left_ms)
        except PlaywrightError as exc:
            logger.debug("page not loaded before healing: %s", exc)
        if await _matches_within(page, selector, POLL_S * 1000):
            return None
        outcome = await healer.heal(step, page)
        left_ms = (deadline - time.monotonic()) * 1000
        if outcome.selector is not None or left_ms <= 0:
            break
        if await _matches_within(page, selector, min(pause_ms, left_ms)):
            return None
        pause_ms = min(pause_ms * 2, _LAST_PAUSE_MS)
    logger.info(
        "step %s: selector %r matched nothing; %s (%.0f ms)",
        step.action,
        selector,
        f"healed to {outcome.selector!r}" if outcome.selector else "not healed",
        (time.monotonic() - begun) * 1000,
    )
    return outcome


async def _matches_within(page: Page, selector: str | list[str], timeout_ms: float) -> bool:
    async def matched() -> bool:
        try:
            return (await matches_now(page, selector))[1] > 0
        except PlaywrightError:
            return False  # a navigation replaced the document: look again

    try:
        return await poll_until(matched, timeout_ms, "no match")
    except ConditionTimedOut:
        return False


def step_dict(step: BaseStep) -> dict[str, Any]:
    """``step`` as the dict a steps file holds: its action first, its intent last,
    defaults left out (the agent records its steps in that shape)."""
    data = step.model_dump(by_alias=True, exclude_defaults=True)
    intent = data.pop("intent", None)
    return {"action": step.action, **data} | ({"intent": intent} if intent else {})
