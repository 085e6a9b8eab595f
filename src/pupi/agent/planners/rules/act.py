"""From an understood clause and the current page to concrete actions.

One function per kind of intent. Each either returns the actions (all for
elements of this observation; only the last one may leave the page) or
raises :class:`GroundingError` with a reason a user can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urljoin

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.base import Action
from pupi.agent.planners.rules.ground import (
    GroundingError,
    ground,
    is_checkable,
    is_selectable,
    is_typeable,
    overlap,
    pick_record,
    record_element,
    text_score,
)
from pupi.agent.planners.rules.parse import Intent, Target, parse_target
from pupi.agent.planners.rules.text import normalize, similarity, tokens
from pupi.agent.planners.rules.values import format_for_field

__all__ = ["Context", "actions_for"]

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
_SUBMIT_WORDS = (
    "submit send save confirm continue ok done apply sign in log in login register"
    " sign up book place order go"
)


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


def _absolute(url: str, base: str) -> str:
    if re.match(r"^(?:localhost|127\.0\.0\.1)(?::\d+)?", url):
        return "http://" + url
    if url.startswith("www."):
        return "https://" + url
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return url
    return urljoin(base, url) if base.startswith(("http://", "https://")) else url


def _option(element: Element, value: str) -> str | None:
    """The option label of ``element`` that ``value`` names."""
    options = element.options or []
    scored = [(similarity(value, option), option) for option in options]
    scored += [
        (0.9, o) for o in options if normalize(o).startswith(normalize(value)) and len(value) >= 2
    ]
    if not scored:
        return None
    score, option = max(scored, key=lambda s: s[0])
    return option if score >= 0.6 else None


def _fill(element: Element, value: str, why: str, *, exact: bool = False) -> Action:
    """The action that puts ``value`` into ``element``, whatever kind of control it is."""
    if is_selectable(element):
        option = _option(element, value)
        if option is None:
            raise GroundingError(
                f"'{element.label or element.name}' has no option '{value}' "
                f"(options: {', '.join((element.options or [])[:12])})"
            )
        return Action(kind="select", element=element.index, value=option, why=why)
    if is_checkable(element):
        off = normalize(value) in ("no", "off", "false", "unchecked", "unticked", "0")
        return Action(kind="uncheck" if off else "check", element=element.index, why=why)
    text = value if exact else format_for_field(value, element.type, element.placeholder)
    return Action(kind="type", element=element.index, text=text, why=why)


def _radio_choice(observation: Observation, group: str | None, value: str) -> Element | None:
    """A radio button or checkbox labelled ``value``, inside ``group`` when one is named."""
    choices = [e for e in observation.elements if is_checkable(e)]
    best: tuple[float, Element] | None = None
    for element in choices:
        score = text_score(element, value)
        if group:
            score *= 0.6 + 0.5 * max(
                similarity(group, element.context or ""), similarity(group, element.name)
            )
        if best is None or score > best[0]:
            best = (score, element)
    return best[1] if best and best[0] >= 0.55 else None


def _control(observation: Observation, name: str, used: set[int]) -> tuple[Element | None, float]:
    """The field, drop-down or radio group called ``name``; its score."""

    def usable(element: Element) -> float:
        return 0.0 if element.index in used else 1.0

    password = "password" in tokens(name) or normalize(name) in ("pass", "pw")

    def password_bias(element: Element) -> float:
        is_password = (element.type or "") == "password"
        if password:
            return 1.2 if is_password else 0.5
        return 0.6 if is_password else 1.0

    best: tuple[Element | None, float] = (None, 0.0)
    for kind in ("type", "select"):
        try:
            element = ground(
                observation,
                parse_target(name),
                kind=kind,
                what="field",
                extra=lambda e: usable(e) * password_bias(e),
                threshold=0.45,
            )
        except GroundingError:
            continue
        score = text_score(element, name)
        if score > best[1]:
            best = (element, score)
    return best


def _split_pair(observation: Observation, chunk: str, used: set[int]) -> tuple[Element, str] | None:
    """Read "name Ada Lovelace" as field "name" and value "Ada Lovelace", guided by the page."""
    words = chunk.split()
    best: tuple[float, Element, str] | None = None
    for size in range(1, min(7, len(words))):
        element, score = _control(observation, " ".join(words[:size]), used)
        if element is not None and (best is None or score > best[0] + 0.05):
            best = (score, element, " ".join(words[size:]))
    if best and best[0] >= 0.5:
        return best[1], best[2]
    # "plan Pro": a radio group has no field of its own, only its choices.
    for size in range(1, min(4, len(words))):
        radio = _radio_choice(observation, " ".join(words[:size]), " ".join(words[size:]))
        if radio is not None and radio.index not in used:
            return radio, "on"
    return None


def _submit_button(
    observation: Observation, after: int, words: str | None, used: set[int] | None = None
) -> Element | None:
    for index in sorted(used or (), reverse=True):
        form = observation.element(index).form
        if form is not None and form < len(observation.forms):
            submit = observation.forms[form].submit
            if submit is not None:
                return observation.element(submit)
    buttons = [
        e
        for e in observation.elements
        if e.role == "button" or (e.type or "") in ("submit", "image")
    ]
    buttons = [e for e in buttons if e.visible and not e.disabled]
    if words:
        named = [(text_score(e, words), e) for e in buttons]
        good = [p for p in named if p[0] >= 0.6]
        if good:
            return max(good, key=lambda p: (p[0], -abs(p[1].index - after)))[1]
    submits = [e for e in buttons if (e.type or "") == "submit"]
    following = [e for e in submits if e.index > after]
    if following:
        return following[0]
    if submits:
        return submits[-1]
    generic = [
        (max(similarity(w, e.name) for w in _SUBMIT_WORDS.split()), e) for e in buttons if e.name
    ]
    good = [p for p in generic if p[0] >= 0.8]
    return max(good, key=lambda p: p[0])[1] if good else None


def _fill_pairs(intent: Intent, ctx: Context, why: str, *, login: bool = False) -> list[Action]:
    observation = ctx.observation
    used: set[int] = set()
    actions: list[Action] = []
    for name, value in intent.pairs:
        element: Element | None
        if name is None:
            split = _split_pair(observation, value, used)
            if split is None:
                raise GroundingError(f"no field on the page for '{value}'")
            element, value = split
        else:
            element, score = _control(observation, name, used)
            if login and element is None and "password" not in name:
                element = next(
                    (
                        e
                        for e in observation.elements
                        if is_typeable(e)
                        and e.visible
                        and (e.type or "text") in ("text", "email")
                        and e.index not in used
                    ),
                    None,
                )
            if element is None or score < 0.45:
                radio = _radio_choice(observation, name, value)
                if radio is not None:
                    actions.append(Action(kind="check", element=radio.index, why=why))
                    used.add(radio.index)
                    continue
            if element is None:
                raise GroundingError(f"no field labelled '{name}' on the page")
        used.add(element.index)
        actions.append(_fill(element, value, why))
    if login or intent.extra.get("submit"):
        after = max(used) if used else -1
        button = _submit_button(observation, after, None, used)
        if button is not None:
            actions.append(Action(kind="click", element=button.index, why=why))
        elif actions and actions[-1].kind == "type":
            actions.append(Action(kind="press", element=actions[-1].element, key="Enter", why=why))
    return actions


def _click_target(ctx: Context, target: Target, *, kind: str = "any") -> Element:
    observation = ctx.observation
    if target.superlative:
        picked = pick_record(observation, target)
        element = record_element(observation, picked[0], wanted=None) if picked else None
        if element is None:
            raise GroundingError(f"could not find a link for the {target.describe()} item")
        return element
    if target.ordinal is not None and target.text and not _named_on_page(observation, target.text):
        # "the third product": a noun for the page's items, not the name of a control.
        picked = pick_record(observation, target)
        element = record_element(observation, picked[0], wanted=None) if picked else None
        if element is not None:
            return element
    try:
        return ground(observation, target, kind=kind)
    except GroundingError as error:
        if error.ambiguous:
            raise
        picked = pick_record(observation, target) if (target.ordinal or target.text) else None
        element = record_element(observation, picked[0], wanted=None) if picked else None
        if element is None:
            raise error from None
        return element


def _named_on_page(observation: Observation, text: str) -> bool:
    """Whether some element's own name, label or text matches ``text`` well."""
    return any(
        similarity(text, value) >= 0.8
        for e in observation.elements
        for value in (e.name, e.label or "", e.text or "")
        if value
    )


def _sort(intent: Intent, ctx: Context, why: str) -> list[Action]:
    value = intent.value or ""
    observation = ctx.observation
    sorters = [
        e
        for e in observation.elements
        if is_selectable(e) and re.search(r"sort|order", f"{e.name} {e.label or ''}", re.I)
    ]
    for element in sorters:
        option = _option(element, value)
        if option is not None:
            return [Action(kind="select", element=element.index, value=option, why=why)]
    element = ground(
        observation, Target(text=re.sub(r"\s+(?:asc|desc)\w*$", "", value)), kind="click"
    )
    return [Action(kind="click", element=element.index, why=why)]


def _go(intent: Intent, ctx: Context, why: str) -> list[Action]:
    url = _absolute(intent.url or "", ctx.observation.url)
    return [Action(kind="go", url=url, why=why)]


def _click(intent: Intent, ctx: Context, why: str) -> list[Action]:
    target = intent.target or Target()
    if intent.extra.get("soft_role"):
        try:
            element = _click_target(ctx, target)
        except GroundingError:
            element = _click_target(
                ctx, Target(text=target.text, ordinal=target.ordinal, context=target.context)
            )
    else:
        try:
            element = _click_target(ctx, target)
        except GroundingError:
            alt = intent.extra.get("alt")
            if not alt:
                raise
            element = _click_target(ctx, Target(text=alt.split("|")[0]))
    return [Action(kind="click", element=element.index, why=why)]


def _type(intent: Intent, ctx: Context, why: str) -> list[Action]:
    value = intent.value or ""
    if intent.field is not None:
        element: Element | None = ground(
            ctx.observation, intent.field, kind="type", what="field", threshold=0.45
        )
    else:
        element = ctx.last_element()
        if element is None or not is_typeable(element):
            fields = [
                e
                for e in ctx.observation.elements
                if is_typeable(e) and e.visible and not e.disabled
            ]
            if len(fields) != 1:
                raise GroundingError(
                    f"which field should '{value}' go into? "
                    f"Name it, e.g. 'type {value} into the Name field'"
                )
            element = fields[0]
    assert element is not None  # both branches above end with an element or raise
    return [
        _fill(
            element, value, why, exact=intent.exact_value and element.type not in ("date", "time")
        )
    ]


def _select(intent: Intent, ctx: Context, why: str) -> list[Action]:
    field = intent.field or Target()
    value = intent.value or ""
    try:
        element = ground(ctx.observation, field, kind="select", what="drop-down", threshold=0.45)
    except GroundingError as error:
        radio = _radio_choice(ctx.observation, field.text, value)
        if radio is None:
            raise error from None
        return [Action(kind="check", element=radio.index, why=why)]
    return [_fill(element, value, why)]


def _set(intent: Intent, ctx: Context, why: str) -> list[Action]:
    field = intent.field or Target()
    element, score = _control(ctx.observation, field.text, set())
    if element is None or score < 0.5:
        radio = _radio_choice(ctx.observation, field.text, intent.value or "")
        if radio is not None:
            return [Action(kind="check", element=radio.index, why=why)]
        if element is None:
            raise GroundingError(f"no field labelled '{field.text}' on the page")
    return [_fill(element, intent.value or "", why, exact=intent.exact_value)]


def _choose(intent: Intent, ctx: Context, why: str) -> list[Action]:
    target = intent.target or Target()
    value = intent.value or target.text
    observation = ctx.observation
    best_option: tuple[float, Element, str] | None = None
    for element in observation.elements:
        if is_selectable(element):
            option = _option(element, target.text or value)
            if option is not None:
                score = similarity(target.text or value, option)
                if best_option is None or score > best_option[0]:
                    best_option = (score, element, option)
    try:
        element = _click_target(ctx, target)
        element_score = text_score(element, target.text) if target.text else 0.6
    except GroundingError:
        if best_option is None:
            raise
        element_score = 0.0
    if best_option is not None and best_option[0] >= element_score:
        return [Action(kind="select", element=best_option[1].index, value=best_option[2], why=why)]
    if is_checkable(element):
        return [Action(kind="check", element=element.index, why=why)]
    return [Action(kind="click", element=element.index, why=why)]


def _check(intent: Intent, ctx: Context, why: str) -> list[Action]:
    kind = intent.kind
    actions = []
    for target in intent.targets:
        if target.role == "textbox":  # "the terms box" is a checkbox here
            target = replace(target, role=None)
        element = ground(ctx.observation, target, kind="check", what="checkbox")
        state = bool(element.checked)
        if (kind == "check") != state:
            actions.append(Action(kind=kind, element=element.index, why=why))
    return actions


def _press(intent: Intent, ctx: Context, why: str) -> list[Action]:
    element: Element | None = None
    if intent.field is not None:
        element = ground(ctx.observation, intent.field, what="field")
    else:
        element = ctx.last_element()
    return [
        Action(kind="press", key=intent.key, element=element.index if element else None, why=why)
    ]


def _submit(intent: Intent, ctx: Context, why: str) -> list[Action]:
    words = normalize((intent.target.text if intent.target else "") or intent.value or "")
    words = (
        re.sub(r"\b(?:the|it|form|this|my|a|an)\b", " ", words).strip() or intent.value or "submit"
    )
    last = ctx.last_element()
    observation = ctx.observation
    generic = set(words.split()) <= {
        "submit",
        "send",
        "save",
        "confirm",
        "continue",
        "done",
        "ok",
        "apply",
        "finish",
        "complete",
    }
    element: Element | None = None
    if generic:
        used = {last.index} if last is not None else set()
        if not used and observation.forms:
            biggest = max(observation.forms, key=lambda f: len(f.fields))
            used = set(biggest.fields)
        element = _submit_button(observation, last.index if last else -1, None, used)
    if element is None:
        try:
            element = ground(observation, Target(text=words), kind="click", what="button")
        except GroundingError:
            element = _submit_button(observation, last.index if last else -1, None)
            if element is None:
                if last is not None and is_typeable(last):
                    return [Action(kind="press", element=last.index, key="Enter", why=why)]
                raise GroundingError(f"no '{words}' button on the page") from None
    return [Action(kind="click", element=element.index, why=why)]


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


def _search(intent: Intent, ctx: Context, why: str) -> list[Action]:
    element = _search_field(ctx.observation, intent.field)
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


def _add(intent: Intent, ctx: Context, why: str) -> list[Action]:
    observation = ctx.observation
    dest = intent.field.text if intent.field else ""
    target = intent.target or Target()
    if dest:
        button_words = Target(text=f"add to {dest}")
        buttons = [
            e
            for e in observation.elements
            if not is_typeable(e) and text_score(e, button_words.text) >= 0.7
        ]
        if buttons:
            if (
                normalize(target.text) in _PRONOUNS
                and not target.ordinal
                and not target.superlative
            ):
                element = ground(observation, button_words, kind="click", what="button")
                return [Action(kind="click", element=element.index, why=why)]
            in_context = [
                e for e in buttons if e.context and overlap(target.text, e.context) >= 0.6
            ]
            if in_context and not target.superlative and not target.ordinal:
                return [Action(kind="click", element=in_context[0].index, why=why)]
            picked = pick_record(observation, target)
            found = record_element(observation, picked[0], wanted=button_words) if picked else None
            if found is None:
                raise GroundingError(
                    f"could not find an 'add to {dest}' button for {target.describe()}"
                )
            return [Action(kind="click", element=found.index, why=why)]
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


def _remove(intent: Intent, ctx: Context, why: str) -> list[Action]:
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


def _scroll(intent: Intent, ctx: Context, why: str) -> list[Action]:
    if intent.target is not None:
        element = ground(ctx.observation, intent.target)
        return [Action(kind="scroll", element=element.index, why=why)]
    return [Action(kind="scroll", value=intent.value or "bottom", why=why)]


def _wait(intent: Intent, ctx: Context, why: str) -> list[Action]:
    if intent.ms is not None:
        return [Action(kind="wait", ms=intent.ms, why=why)]
    return [Action(kind="wait", text=intent.value, why=why)]


def _hover(intent: Intent, ctx: Context, why: str) -> list[Action]:
    element = ground(ctx.observation, intent.target or Target())
    return [Action(kind="hover", element=element.index, why=why)]


def _simple(kind: str) -> Callable[[Intent, Context, str], list[Action]]:
    def handler(intent: Intent, ctx: Context, why: str) -> list[Action]:
        return [Action(kind=kind, why=why)]

    return handler


_HANDLERS: dict[str, Callable[[Intent, Context, str], list[Action]]] = {
    "go": _go,
    "back": _simple("back"),
    "forward": _simple("forward"),
    "reload": _simple("reload"),
    "click": _click,
    "type": _type,
    "fill": lambda i, c, w: _fill_pairs(i, c, w),
    "login": lambda i, c, w: _fill_pairs(i, c, w, login=True),
    "select": _select,
    "set": _set,
    "choose": _choose,
    "check": _check,
    "uncheck": _check,
    "press": _press,
    "submit": _submit,
    "search": _search,
    "add": _add,
    "remove": _remove,
    "scroll": _scroll,
    "wait": _wait,
    "hover": _hover,
    "sort": _sort,
}


def actions_for(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """The actions that carry out ``intent`` on ``ctx``'s page."""
    handler = _HANDLERS.get(intent.kind)
    if handler is None:
        raise GroundingError(f"do not know how to '{intent.clause}'")
    return handler(intent, ctx, why)
