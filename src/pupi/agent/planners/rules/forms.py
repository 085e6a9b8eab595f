"""Action handlers for forms: typing, field/value pairs, drop-downs, checkboxes, submitting.

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
from pupi.agent.planners.rules.fields import fill_action, find_control, radio_choice, split_pair
from pupi.agent.planners.rules.ground import (
    GroundingError,
    ground,
    is_typeable,
    pick_record,
    record_element,
    text_score,
)
from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.items import item_button, unknown_object
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.references import (
    carries_literal,
    is_reference,
    reference_key,
    resolve_reference,
)
from pupi.agent.planners.rules.spinners import step_to
from pupi.agent.planners.rules.text import normalize, phrase_in, similarity

__all__ = ["check", "fill", "login", "select", "set_field", "submit", "submit_button", "type_text"]

_SUBMIT_WORDS = (
    "submit send save confirm continue ok done apply sign in log in login register"
    " sign up book place order go"
)
# Words that name no button of their own: "submit the form" means the form's button.
_GENERIC_SUBMIT = frozenset(
    {"submit", "send", "save", "confirm", "continue", "done", "ok", "apply", "finish", "complete"}
)


_AFFIRM = frozenset({"confirm", "ok", "okay", "yes", "accept", "continue", "proceed", "agree"})
_WAY_OUT = re.compile(r"^(?:cancel|close|no|dismiss|back|not now|keep|x|\u00d7)\b", re.I)


def _dialog_affirmative(observation: Observation) -> Element | None:
    """The one button of an open dialog that is not a way out ("Cancel", "Close", "No")."""
    buttons = [
        e
        for e in observation.elements
        if e.region == "dialog" and e.role == "button" and e.visible and not e.disabled
    ]
    rest = [e for e in buttons if not _WAY_OUT.match(normalize(e.name or e.text or ""))]
    return rest[0] if len(rest) == 1 and len(buttons) > 1 else None


def submit_button(
    observation: Observation, after: int, words: str | None, used: set[int] | None = None
) -> Element | None:
    """The button that submits the form of the ``used`` fields, or the likeliest one."""
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


def _first_text_field(observation: Observation, used: set[int]) -> Element | None:
    """The first visible text or e-mail field not used yet: a login form's user name."""
    return next(
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


def fill(intent: Intent, ctx: Context, why: str, *, login: bool = False) -> list[Action]:
    """Fill each field/value pair, then submit when the intent says so (or for a login)."""
    observation = ctx.observation
    used: set[int] = set()
    actions: list[Action] = []
    for name, value in intent.pairs:
        element: Element | None
        if name is None:
            split = split_pair(observation, value, used)
            if split is None:
                raise GroundingError(f"no field on the page for '{value}'")
            element, value = split
        else:
            element, score = find_control(observation, name, used)
            if login and element is None and "password" not in name:
                element = _first_text_field(observation, used)
            if element is None or score < 0.45:
                radio = radio_choice(observation, name, value)
                if radio is not None:
                    actions.append(Action(kind="check", element=radio.index, why=why))
                    used.add(radio.index)
                    continue
            if element is None:
                raise GroundingError(f"no field labelled '{name}' on the page")
        used.add(element.index)
        actions.append(fill_action(element, value, why))
    if login or intent.submit:
        after = max(used) if used else -1
        button = submit_button(observation, after, None, used)
        if button is not None:
            actions.append(Action(kind="click", element=button.index, why=why))
        elif actions and actions[-1].kind == "type":
            actions.append(Action(kind="press", element=actions[-1].element, key="Enter", why=why))
    return actions


def login(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Fill the credentials and submit."""
    return fill(intent, ctx, why, login=True)


def type_text(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Type into the named field, else the one just used, else the page's only field."""
    value = intent.value or ""
    if intent.field is not None:
        try:
            element: Element | None = ground(
                ctx.observation, intent.field, kind="type", what="field", threshold=0.45
            )
        except GroundingError:
            element = _field_of_form(ctx.observation, intent.field, value, intent.exact_value)
            if element is None:
                raise
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
    # Dates and times are always put in the field's format, quoted or not.
    exact = intent.exact_value and element.type not in ("date", "time")
    if not intent.exact_value and is_reference(value):
        # "the value of Country": what the page says, never the words themselves.
        resolved = resolve_reference(value, ctx.observation)
        if resolved is not None:
            value, exact = resolved, True
        elif not carries_literal(value):
            raise GroundingError(f"could not find {value!r} on the page to type")
    return [fill_action(element, value, why, exact=exact)]


# "the form field", "the support form": a form, not the name of one of its fields.
_FORM_PHRASE = re.compile(
    r"^(?:(?P<about>.+?)\s+)?form(?:\s+(?:field|input|box|text\s*field))?$", re.IGNORECASE
)


def _field_of_form(
    observation: Observation, field: Target, value: str, exact: bool
) -> Element | None:
    """The field of the form ``field`` names that ``value`` belongs in, or None.

    "Copy the order number into the support form": the support form's field
    labelled like the thing copied, else its one empty text field.
    """
    found = _FORM_PHRASE.match(normalize(field.text))
    if found is None:
        return None
    fields = [e for e in observation.elements if is_typeable(e) and e.visible and not e.disabled]
    if about := found["about"]:
        near = [
            e
            for e in fields
            if phrase_in(about, e.context or "") or _in_form(observation, e, about)
        ]
        fields = near or fields
    if not exact and is_reference(value):
        key = reference_key(value)
        scored = sorted(((text_score(e, key), e.index, e) for e in fields), reverse=True)
        if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][2]
    empty = [e for e in fields if not e.value and e.tag != "textarea"]
    return empty[0] if len(empty) == 1 else None


def _in_form(observation: Observation, element: Element, about: str) -> bool:
    form = observation.forms[element.form] if element.form is not None else None
    return form is not None and phrase_in(about, form.name or "")


def select(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Choose an option of a named drop-down (or the radio button of that name)."""
    field = intent.field or Target()
    value = intent.value or ""
    try:
        element = ground(ctx.observation, field, kind="select", what="drop-down", threshold=0.45)
    except GroundingError as error:
        radio = radio_choice(ctx.observation, field.text, value)
        if radio is None:
            raise error from None
        return [Action(kind="check", element=radio.index, why=why)]
    return [fill_action(element, value, why)]


def set_field(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Put a value into a named control of any kind, or tick the radio button it names."""
    field = intent.field or Target()
    element, score = find_control(ctx.observation, field.text, set())
    if element is None or score < 0.5:
        radio = radio_choice(ctx.observation, field.text, intent.value or "")
        if radio is not None:
            return [Action(kind="check", element=radio.index, why=why)]
        if element is None:
            raise GroundingError(f"no field labelled '{field.text}' on the page")
    if (stepped := step_to(ctx.observation, element, intent.value or "", why)) is not None:
        return stepped  # a custom spinner: its own buttons, pressed until it shows the value
    return [fill_action(element, intent.value or "", why, exact=intent.exact_value)]


def check(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Tick (or untick) each target that is not already in the wanted state."""
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


def _on_item(observation: Observation, text: str) -> Element | None:
    """The button ``text`` ("put a reservation on X") names inside the well-named item X."""
    found = re.search(r"\s(?:on|for|to|of)\s+(?:the\s+)?(.+)$", text, re.I)
    if found is None:
        return None
    picked = pick_record(observation, parse_target(found[1]))
    if picked is None or similarity(found[1], picked[0].title()) < 0.8:
        return None
    wanted = re.sub(r"\b(?:a|an|the)\s+", "", text[: found.start()], flags=re.I)
    return record_element(observation, picked[0], wanted=Target(text=wanted))


def _mentioned(observation: Observation, phrase: str) -> bool:
    texts = [*observation.texts, *observation.headings]
    texts += [v for e in observation.elements for v in (e.name, e.label, e.text) if v]
    return any(phrase_in(phrase, t) for t in texts)


def submit(intent: Intent, ctx: Context, why: str) -> list[Action]:
    """Press the named button, or the submit button of the form being filled."""
    words = normalize((intent.target.text if intent.target else "") or intent.value or "")
    words = (
        re.sub(r"\b(?:the|it|form|this|my|a|an)\b", " ", words).strip() or intent.value or "submit"
    )
    last = ctx.last_element()
    observation = ctx.observation
    element: Element | None = None
    target = intent.target or Target()
    if target.text and (target.superlative or target.ordinal is not None):
        # "book the cheapest room": that item's own button, never the page's submit.
        element = item_button(observation, target.text, target)
        if element is None:
            raise GroundingError(f"could not find a button for the {target.describe()} item")
        return [Action(kind="click", element=element.index, why=why)]
    if target.text and (element := _on_item(observation, target.text)) is not None:
        # "put a reservation on Item 2": the named row's own button.
        return [Action(kind="click", element=element.index, why=why)]
    # "confirm in the dialog", "confirm when asked": where the button is, not its name.
    words = re.sub(
        r"\s+(?:in\s+)?(?:dialog|modal|pop ?up|popup|prompt)$|\s+(?:when|if)\s+(?:asked|prompted)$",
        "",
        words,
    )
    if words in _AFFIRM and (element := _dialog_affirmative(observation)) is not None:
        # "confirm in the dialog": the open dialog's one button that is not a way out.
        return [Action(kind="click", element=element.index, why=why)]
    if set(words.split()) <= _GENERIC_SUBMIT:
        used = {last.index} if last is not None else set()
        if not used and observation.forms:
            biggest = max(observation.forms, key=lambda f: len(f.fields))
            used = set(biggest.fields)
        element = submit_button(observation, last.index if last else -1, None, used)
    if element is None:
        try:
            element = ground(observation, Target(text=words), kind="press", what="button")
        except GroundingError:
            means = re.search(r"\b(?:with|using|via|through)\s+(.+)$", target.text or "", re.I)
            if means and not _mentioned(observation, means[1]):
                # "Pay with Wallet" on a page without a Wallet: not some other button.
                raise GroundingError(f"nothing on the page offers '{means[1]}'") from None
            element = item_button(observation, target.text, target) if target.text else None
            verb, _, rest = (target.text or "").partition(" ")
            unknown = (
                unknown_object(observation, rest) if verb.lower() not in _GENERIC_SUBMIT else None
            )
            if element is None and unknown:
                # "Pay my tuition fees" on a page that never mentions them: not its submit button.
                raise GroundingError(f"nothing on the page for '{unknown}'") from None
            if element is None and carries_literal(target.text or ""):
                # "Book a trim on 12/14 at 10:30 for Sam": values no field was filled with.
                raise GroundingError(
                    f"'{target.text}' gives values to enter; name the fields they go into"
                ) from None
            element = element or submit_button(observation, last.index if last else -1, None)
            if element is None:
                if last is not None and is_typeable(last):
                    return [Action(kind="press", element=last.index, key="Enter", why=why)]
                raise GroundingError(f"no '{words}' button on the page") from None
    return [Action(kind="click", element=element.index, why=why)]
