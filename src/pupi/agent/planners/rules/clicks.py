"""Action handlers for clicking: a named control, the nth or the cheapest item, an option.

Each handler takes an intent, the :class:`~.context.Context` and the ``why``
to tag actions with, and returns the actions or raises
:class:`~.ground.GroundingError` (see :mod:`.act`).
"""

from __future__ import annotations

import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.context import Context
from pupi.agent.planners.rules.controls import grouped_choice
from pupi.agent.planners.rules.fields import option_for
from pupi.agent.planners.rules.ground import (
    GroundingError,
    ground,
    is_checkable,
    is_selectable,
    pick_record,
    record_element,
    text_score,
)
from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.items import item_button, unknown_object
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.scoped import scoped_element
from pupi.agent.planners.rules.text import normalize, similarity

__all__ = ["choose", "click", "click_target", "hover"]


def _named_on_page(observation: Observation, text: str) -> bool:
    """Whether some element's own words (an icon button's title too) match ``text`` well."""
    return any(text_score(e, text) >= 0.8 for e in observation.elements)


def _record_link(observation: Observation, target: Target) -> Element | None:
    """The link of the list item ``target`` picks ("the third product", "the cheapest")."""
    picked = pick_record(observation, target)
    return record_element(observation, picked[0], wanted=None) if picked else None


def _in_context_item(observation: Observation, target: Target) -> Element | None:
    """The control named ``target.text`` inside the item its context names, or None."""
    picked = pick_record(observation, parse_target(target.context))
    if picked is None:
        return None
    return record_element(observation, picked[0], wanted=Target(text=target.text))


def click_target(ctx: Context, target: Target, *, kind: str = "any") -> Element:
    """The element to click for ``target``: a control by name, or a list item's link."""
    observation = ctx.observation
    if target.scope is not None:
        # "the trash icon of the email from Mira": that item's control, when the page has it.
        element = scoped_element(observation, target.scope)
        if element is not None:
            return element
    if target.superlative:
        element = _record_link(observation, target)
        if element is None:
            raise GroundingError(f"could not find a link for the {target.describe()} item")
        return element
    if target.ordinal is not None and target.text and not _named_on_page(observation, target.text):
        # "the third product": a noun for the page's items, not the name of a control.
        element = _record_link(observation, target)
        if element is not None:
            return element
    try:
        return ground(observation, target, kind=kind)
    except GroundingError as error:
        # "join for the last class", "refund the one for #5521": the context picks the
        # item whose control it is, whether or not its name alone was enough.
        element = _in_context_item(observation, target) if target.context else None
        if element is not None:
            return element
        if error.ambiguous:
            raise
        element = _record_link(observation, target) if (target.ordinal or target.text) else None
        head = re.match(r"^(.+?)\s+(?:of|on|for|about)\s+", target.text or "", re.I)
        if head and unknown_object(observation, head[1]):
            element = None  # "schedule a viewing of X": nothing offers a viewing
        if element is None:
            raise error from None
        return element


def click(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Click the target; a guessed role ("go to X" as a link) or a second name may give way."""
    target = intent.target or Target()
    if intent.role_guessed:
        try:
            element = click_target(ctx, target)
        except GroundingError:
            element = click_target(
                ctx, Target(text=target.text, ordinal=target.ordinal, context=target.context)
            )
    else:
        try:
            element = click_target(ctx, target)
        except GroundingError:
            alt = intent.alternative
            if not alt:
                guess = intent.guessed
                verb = intent.verb
                # "follow Lina Moss": a click verb that is also the item's own button.
                clause = target.text if guess else f"{verb} {target.text}" if verb else ""
                guessed = (
                    item_button(ctx.observation, clause, target, verb_only=not guess)
                    if clause
                    else None
                )
                if guessed is None:
                    raise
                # "Reserve the Family Suite": a verb that is the item's own button.
                return [Action(kind="click", element=guessed.index, why=why)]
            element = click_target(ctx, Target(text=alt.split("|")[0]))
    return [Action(kind="click", element=element.index, why=why)]


def choose(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Pick what the user named: a drop-down option, a radio button or checkbox, or a link."""
    target = intent.target or Target()
    value = intent.value or target.text
    observation = ctx.observation
    best_option: tuple[float, Element, str] | None = None
    for element in observation.elements:
        if is_selectable(element):
            option = option_for(element, target.text or value)
            if option is not None:
                score = similarity(target.text or value, option)
                if best_option is None or score > best_option[0]:
                    best_option = (score, element, option)
    words = (target.text or value).split()
    if best_option is None and len(words) > 1:
        # "Business class": an option named exactly, then a word for what it is.
        head = " ".join(words[:-1])
        exact = [
            (e, o)
            for e in observation.elements
            if is_selectable(e)
            for o in e.options or []
            if normalize(o) == normalize(head)
        ]
        if len(exact) == 1:
            best_option = (0.8, exact[0][0], exact[0][1])
    try:
        element = click_target(ctx, target)
        element_score = text_score(element, target.text) if target.text else 0.6
    except GroundingError:
        grouped = grouped_choice(observation, target.text) if target.text else None
        if grouped is not None:  # "the Dark theme": option "Dark" of the group "Theme"
            return [Action(kind="check", element=grouped.index, why=why)]
        if best_option is None:
            raise
        element_score = 0.0
    if best_option is not None and best_option[0] >= element_score:
        return [Action(kind="select", element=best_option[1].index, value=best_option[2], why=why)]
    if is_checkable(element):
        return [Action(kind="check", element=element.index, why=why)]
    return [Action(kind="click", element=element.index, why=why)]


def hover(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Move the mouse over the target."""
    element = ground(ctx.observation, intent.target or Target())
    return [Action(kind="hover", element=element.index, why=why)]
