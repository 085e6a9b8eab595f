"""Action handlers for a page's list of items: searching, adding, removing, sorting.

Each handler takes an intent, the :class:`~.context.Context` and the ``why``
to tag actions with, and returns the actions or raises
:class:`~.ground.GroundingError` (see :mod:`.act`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.context import Context
from pupi.agent.planners.rules.fields import fill_action, option_for
from pupi.agent.planners.rules.forms import submit_button
from pupi.agent.planners.rules.ground import (
    GroundingError,
    ground,
    is_selectable,
    is_typeable,
    overlap,
    pick_record,
    record_element,
    text_score,
)
from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.scoped import scoped_element
from pupi.agent.planners.rules.slots import prepositional_fill
from pupi.agent.planners.rules.text import normalize, similarity

__all__ = ["add", "remove", "search", "sort"]

# Words that point back at the item in view rather than name one.
_PRONOUNS = frozenset(
    {
        "",
        "it",
        "this",
        "that",
        "them",
        "this product",
        "this item",
        "one",
        "the product",
        "product",
        "item",
    }
)


def _search_field(observation: Observation, field: Target | None) -> Element:
    if field is not None:
        return ground(observation, field, kind="type", what="field", threshold=0.45)
    fields = [e for e in observation.elements if is_typeable(e) and e.visible and not e.disabled]

    def searchy(element: Element) -> float:
        words = (
            f"{element.name} {element.label or ''} {element.placeholder or ''} {element.selector}"
        ).lower()
        bonus = 1.0 if (element.type == "search" or element.role == "searchbox") else 0.0
        return bonus + (0.8 if re.search(r"search|query|find|filter|\bq\b", words) else 0.0)

    ranked = sorted(fields, key=lambda e: (-searchy(e), e.index))
    if ranked and (searchy(ranked[0]) > 0 or len(ranked) == 1):
        return ranked[0]
    raise GroundingError("no search field on the page")


def _option_phrase(observation: Observation, text: str) -> tuple[Element, str] | None:
    """ "paperback edition": the option "Paperback" of the drop-down "Edition", or None."""
    words = normalize(text).split()
    for element in observation.elements:
        if not is_selectable(element) or not element.options:
            continue
        name = set(normalize(element.label or element.name).split())
        rest = " ".join(w for w in words if w not in name)
        if not name & set(words) or not rest:
            continue
        for option in element.options:
            if normalize(option) == rest:
                return element, option
    return None


def search(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Type the query into the search field and press its button (or Enter).

    A form without a search box takes "flights from A to B on D" field by field;
    "search for X in paperback edition" also picks that option of the search's drop-down.
    """
    if intent.field is not None and (chosen := _option_phrase(ctx.observation, intent.field.text)):
        option = Action(kind="select", element=chosen[0].index, value=chosen[1], why=why)
        return [option, *search(replace(intent, field=None), ctx, why)]
    try:
        element = _search_field(ctx.observation, intent.field)
    except GroundingError:
        filled = prepositional_fill(ctx.observation, intent.value or "")
        if intent.field is not None or not filled:
            raise
        used = {e.index for e, _ in filled}
        actions = [fill_action(e, value, why) for e, value in filled]
        button = submit_button(ctx.observation, max(used), "search", used)
        if button is None:
            raise
        return [*actions, Action(kind="click", element=button.index, why=why)]
    actions = [Action(kind="type", element=element.index, text=intent.value or "", why=why)]
    buttons = [
        e
        for e in ctx.observation.elements
        if e.role == "button"
        and e.visible
        and e.index > element.index
        and re.search(r"search|find|\bgo\b|filter|look", f"{e.name} {e.value or ''}", re.I)
    ]
    if buttons:
        actions.append(Action(kind="click", element=buttons[0].index, why=why))
    else:
        actions.append(Action(kind="press", element=element.index, key="Enter", why=why))
    return actions


def _add_to(intent: Intent, ctx: Context, why: str, dest: str) -> list[Action] | None:
    """Click the "add to <dest>" button of the item named; ``None`` when the page has none."""
    observation = ctx.observation
    target = intent.target or Target()
    button_words = Target(text=f"add to {dest}")
    buttons = [
        e
        for e in observation.elements
        if not is_typeable(e) and text_score(e, button_words.text) >= 0.7
    ]
    if not buttons:
        return None
    if normalize(target.text) in _PRONOUNS and not target.ordinal and not target.superlative:
        element = ground(observation, button_words, kind="click", what="button")
        return [Action(kind="click", element=element.index, why=why)]
    in_context = [e for e in buttons if e.context and overlap(target.text, e.context) >= 0.6]
    if in_context and not target.superlative and not target.ordinal:
        return [Action(kind="click", element=in_context[0].index, why=why)]
    picked = pick_record(observation, target)
    found = record_element(observation, picked[0], wanted=button_words) if picked else None
    if found is None:
        raise GroundingError(f"could not find an 'add to {dest}' button for {target.describe()}")
    return [Action(kind="click", element=found.index, why=why)]


def add(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Add an item to a cart or list by its button, or type a new entry and add it."""
    observation = ctx.observation
    dest = intent.field.text if intent.field else ""
    if dest and (clicked := _add_to(intent, ctx, why, dest)) is not None:
        return clicked
    fields = [e for e in observation.elements if is_typeable(e) and e.visible and not e.disabled]
    if not fields:
        raise GroundingError(f"nothing on the page to add '{intent.value}' with")

    def fit(element: Element) -> float:
        words = (
            f"{element.name} {element.label or ''} {element.placeholder or ''} {element.selector}"
        )
        score = similarity(dest, words) if dest else 0.0
        return score + (0.5 if re.search(r"\b(?:add|new|create)\b", words, re.I) else 0.0)

    field = max(fields, key=lambda e: (fit(e), -e.index))
    value = intent.value or ""
    value = re.sub(
        r"^(?:a|an|the)\s+(?:new\s+)?(?:\w+\s+)?(?:called|named|titled|saying)\s+", "", value
    )
    actions = [Action(kind="type", element=field.index, text=value, why=why)]
    adders = [
        e
        for e in observation.elements
        if e.role == "button"
        and e.visible
        and e.index > field.index
        and re.search(r"\badd\b|\bcreate\b|\bsave\b|^\+$", e.name, re.I)
    ]
    if adders:
        actions.append(Action(kind="click", element=adders[0].index, why=why))
    else:
        actions.append(Action(kind="press", element=field.index, key="Enter", why=why))
    return actions


def remove(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Click the remove (or delete, or cross) button of the item named."""
    observation = ctx.observation
    target = intent.target or Target()
    verb = intent.value or "remove"
    # "\u00d7" is the multiplication sign used as a close/remove button label.
    verbs = ["remove", "delete", "discard", "drop", "trash", "clear", "\u00d7"]
    buttons = [
        e
        for e in observation.elements
        if not is_typeable(e)
        and any(similarity(v, e.name or e.text or "") >= 0.7 for v in (verb, *verbs))
    ]
    if target.scope is not None:
        names = tuple(dict.fromkeys((verb, *verbs)))
        element = scoped_element(observation, target.scope, names=names)
        if element is not None:
            return [Action(kind="click", element=element.index, why=why)]
    if not buttons:
        raise GroundingError(f"no '{verb}' button on the page")
    if len(buttons) == 1 and normalize(target.text) in _PRONOUNS:
        return [Action(kind="click", element=buttons[0].index, why=why)]
    in_context = sorted(
        ((overlap(target.text, e.context or ""), e) for e in buttons if e.context),
        key=lambda p: -p[0],
    )
    if in_context and in_context[0][0] >= 0.6:
        return [Action(kind="click", element=in_context[0][1].index, why=why)]
    picked = pick_record(observation, target)
    if picked is not None:
        ordered = sorted(buttons, key=lambda e: e.index)
        if len(ordered) > picked[0].position:
            return [Action(kind="click", element=ordered[picked[0].position].index, why=why)]
    raise GroundingError(f"could not find a '{verb}' button for {target.describe()}")


def sort(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Choose the option of a sort drop-down, else click the column or button named."""
    value = intent.value or ""
    observation = ctx.observation
    sorters = [
        e
        for e in observation.elements
        if is_selectable(e) and re.search(r"sort|order", f"{e.name} {e.label or ''}", re.I)
    ]
    for element in sorters:
        option = option_for(element, value)
        if option is not None:
            return [Action(kind="select", element=element.index, value=option, why=why)]
    element = ground(
        observation, Target(text=re.sub(r"\s+(?:asc|desc)\w*$", "", value)), kind="click"
    )
    return [Action(kind="click", element=element.index, why=why)]
