"""Re-grounding: which element of a changed page a step's intent describes, or why none.

:func:`reground` is the inverse of :func:`~pupi.agent.intent.intent_for`: given a
:class:`~pupi.steps.StepIntent` recorded on the page as it was and a fresh
observation of the page as it is, which element is it?

Scoring, all pure and deterministic: each element that can take the step's action
gets an *identity* score from how well its name, label, placeholder and text match
the intent's (the rules planner's :func:`~pupi.agent.planners.rules.text.similarity`),
times factors for role, tag and input type. Below :data:`THRESHOLD` nothing is
chosen. Near-ties are broken by the nearby text (the card or heading the element
sits in) and the landmark; elements still alike after that are refused as
ambiguous, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import is_checkable, is_selectable, is_typeable
from pupi.agent.planners.rules.text import similarity
from pupi.steps import StepIntent

__all__ = ["THRESHOLD", "TIE", "Regrounding", "reground"]

THRESHOLD = 0.6
"""The lowest identity score an element may have and still be chosen."""

TIE = 0.05
"""Scores this close to the best are rivals: the nearby text must tell them apart."""

_IDENTITY = (("name", 1.0), ("label", 0.8), ("placeholder", 0.6), ("text", 0.5))
"""The intent's fields that name an element, and how much each one counts."""

_ROLE_KIN = {
    frozenset({"button", "link"}): 0.8,
    frozenset({"textbox", "searchbox"}): 1.0,
    frozenset({"textbox", "combobox"}): 0.7,
    frozenset({"checkbox", "switch"}): 0.9,
}


@dataclass(frozen=True, slots=True)
class Regrounding:
    """The element an intent means on a page, or None and why none was chosen."""

    element: Element | None
    reason: str
    score: float = 0.0


def reground(
    observation: Observation, intent: StepIntent, action: str, *, threshold: float = THRESHOLD
) -> Regrounding:
    """The element of ``observation`` that ``intent`` describes, for a step of ``action``.

    >>> found = reground(observation, StepIntent(role="textbox", name="Username"), "type")
    >>> found.element.selector, found.reason
    ('#v1-username', "textbox 'Username' (score 1.00; next best 0.42)")
    """
    if not any(getattr(intent, field) for field, _ in _IDENTITY):
        return Regrounding(None, "the intent names nothing (no name, label, placeholder, text)")
    scored = sorted(
        (
            (_identity(element, intent), element)
            for element in observation.elements
            if _fits(element, action)
        ),
        key=lambda pair: (-pair[0], pair[1].index),
    )
    wanted = _describe(intent)
    if not scored or scored[0][0] < threshold:
        closest = f" (closest: {_name(scored[0][1])}, {scored[0][0]:.2f})" if scored else ""
        return Regrounding(None, f"no element matches {wanted} well enough{closest}")
    best = scored[0][0]
    rivals = [element for score, element in scored if score >= best - TIE]
    runner_up = next((score for score, _ in scored[len(rivals) :]), 0.0)
    if len(rivals) > 1:
        ranked = sorted(rivals, key=lambda element: (-_nearby(element, intent), element.index))
        first, second = _nearby(ranked[0], intent), _nearby(ranked[1], intent)
        if first - second < 0.2:
            names = ", ".join(_name(element) for element in ranked[:3])
            return Regrounding(
                None, f"{len(rivals)} elements match {wanted} equally well: {names}", best
            )
        chosen = ranked[0]
        alike = len(rivals) - 1
        why = f"{_name(chosen)} (score {best:.2f}; told from {alike} alike by its context)"
        return Regrounding(chosen, why, best)
    chosen = rivals[0]
    why = f"{_name(chosen)} (score {best:.2f}; next best {runner_up:.2f})"
    return Regrounding(chosen, why, best)


def _fits(element: Element, action: str) -> bool:
    if action == "type":
        return is_typeable(element)
    if action == "select":
        return is_selectable(element)
    if action in ("check", "uncheck"):
        return is_checkable(element)
    return True


def _identity(element: Element, intent: StepIntent) -> float:
    """How surely ``element`` is the one ``intent`` names, 0..1, before any tie-break."""
    words = [
        value for value in (element.name, element.label, element.placeholder, element.text) if value
    ]
    total = weight_sum = 0.0
    for field, weight in _IDENTITY:
        wanted = getattr(intent, field)
        if not wanted:
            continue
        weight_sum += weight
        total += weight * max((_match(wanted, have) for have in words), default=0.0)
    score = total / weight_sum * _role_factor(element, intent) * _kind_factor(element, intent)
    if not element.visible:
        score *= 0.8
    if element.disabled:
        score *= 0.8
    return min(score, 1.0)


def _match(wanted: str, have: str) -> float:
    # Either way round: a label grown longer ("Email address") still names the field.
    return max(similarity(wanted, have), similarity(have, wanted))


def _role_factor(element: Element, intent: StepIntent) -> float:
    if not intent.role or element.role == intent.role:
        return 1.0
    return _ROLE_KIN.get(frozenset({element.role, intent.role}), 0.5)


def _kind_factor(element: Element, intent: StepIntent) -> float:
    factor = 1.0
    if intent.tag and element.tag and element.tag != intent.tag:
        factor *= 0.9
    # A password field is never the username field, whatever their labels say.
    if (intent.type or "text") != (element.type or "text") and element.tag == "input":
        factor *= 0.6 if "password" in (intent.type, element.type) else 0.9
    return factor


def _nearby(element: Element, intent: StepIntent) -> float:
    """How well the element's surroundings match the intent's: context, then landmark."""
    score = _match(intent.context, element.context) if intent.context and element.context else 0.0
    if intent.region and element.region == intent.region:
        score += 0.25
    return score


def _describe(intent: StepIntent) -> str:
    what = next(
        (f"'{getattr(intent, field)}'" for field, _ in _IDENTITY if getattr(intent, field)), ""
    )
    return f"{intent.role or 'element'} {what}"


def _name(element: Element) -> str:
    return f"{element.role} '{element.name}'"
