"""Grounding: which element of the observation a description means, or why none does.

Every element gets a score in 0..1 from how well its name, label,
placeholder, text, value, id and link target match the description, times a
factor for the role ("button", "link", "field") and for being hidden or
disabled. Below :data:`THRESHOLD` nothing is chosen; a tie between elements
that differ only by the item they belong to is reported as ambiguous, never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.intents import Target
from pupi.agent.planners.rules.records import (
    Record,
    datasets,
    sort_value,
    superlative_spec,
)
from pupi.agent.planners.rules.text import STOPWORDS, normalize, phrase_in, similarity, tokens

__all__ = [
    "THRESHOLD",
    "GroundingError",
    "Kind",
    "ground",
    "is_checkable",
    "is_selectable",
    "is_typeable",
    "named_by_number",
    "overlap",
    "pick_record",
    "record_element",
]

THRESHOLD = 0.5
"""The lowest score an element may have and still be acted on."""

Kind = str
"""What the action needs: "click", "press" (a button or link, no checkbox), "type",
"value" (typed or set whole, as a slider), "select", "check" or "any"."""

_TEXT_INPUT_TYPES = {
    None,
    "",
    "text",
    "email",
    "password",
    "search",
    "tel",
    "url",
    "number",
    "date",
    "time",
    "datetime-local",
    "month",
    "week",
}
_CLICK_ROLES = {"button", "link", "tab", "menuitem", "option", "treeitem", "switch", "summary"}
_ROLE_GROUPS: dict[str, set[str]] = {
    "button": {"button", "summary", "menuitem"},
    "link": {"link"},
    "tab": {"tab"},
    "checkbox": {"checkbox", "switch"},
    "radio": {"radio"},
    "option": {"option", "radio", "menuitem"},
    "menuitem": {"menuitem", "option", "link", "button"},
    "img": {"img", "link", "button"},
    "section": {"button", "summary", "heading", "tab", "link"},
    "heading": {"heading", "button", "summary"},
}


_CHROME = ("nav", "header", "footer")


class GroundingError(Exception):
    """No element matches with enough confidence; ``str(error)`` says why.

    ``ambiguous`` is true when several elements fit equally well.
    """

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


def is_typeable(element: Element) -> bool:
    """Whether text can be typed into ``element``."""
    if element.tag == "textarea" or element.role in ("textbox", "searchbox", "spinbutton"):
        return True
    return element.tag == "input" and (element.type or "").lower() in _TEXT_INPUT_TYPES


def is_selectable(element: Element) -> bool:
    """Whether ``element`` is a drop-down whose options can be selected."""
    return element.tag == "select" or (
        element.role in ("combobox", "listbox") and bool(element.options)
    )


def is_checkable(element: Element) -> bool:
    """Whether ``element`` is a checkbox, radio button or switch."""
    return element.role in ("checkbox", "radio", "switch") or (element.type or "") in (
        "checkbox",
        "radio",
    )


def _fits(element: Element, kind: Kind) -> bool:
    if kind == "type":
        return is_typeable(element)
    if kind == "value":
        return is_typeable(element) or element.set_whole
    if kind == "select":
        return is_selectable(element)
    if kind == "check":
        return is_checkable(element)
    if kind == "click":
        return not is_typeable(element) and not is_selectable(element) and not element.set_whole
    if kind == "press":  # a button to press: never a checkbox that shares its word
        return _fits(element, "click") and not is_checkable(element)
    return True


def _role_factor(element: Element, role: str | None) -> float:
    if role is None or role == "item":
        return 1.0
    if role == "textbox":
        return 1.1 if is_typeable(element) else 0.5
    if role == "combobox":
        return 1.1 if is_selectable(element) else 0.5
    group = _ROLE_GROUPS.get(role, {role})
    if element.role in group or (element.type or "") in group:
        return 1.1
    if role == "button" and element.role == "link":
        return 0.8  # links styled as buttons are common
    return 0.6


_SELECTOR_WORDS = re.compile(
    r"#([\w-]+)|(?:name|data-testid|aria-label|placeholder)=[\"']?([\w -]+)"
)


def _selector_words(selector: str) -> str:
    found = [a or b for a, b in _SELECTOR_WORDS.findall(selector)]
    return " ".join(word.replace("-", " ").replace("_", " ") for word in found)


def _fields(element: Element) -> Iterable[tuple[str, float]]:
    yield element.name, 1.0
    if element.label:
        yield element.label, 1.0
    if element.text and element.text != element.name:
        yield element.text, 0.95
    if element.placeholder:
        yield element.placeholder, 0.9
    # An icon button's name is its glyph; its title or aria-label says what it does.
    for hint in (element.fingerprint.title, element.fingerprint.aria_label):
        if hint and hint != element.name:
            yield hint, 0.9
    if element.value and element.role == "button":
        yield element.value, 0.9
    if element.fingerprint.name and element.role not in ("button", "link", "radio", "checkbox"):
        # A field's form name ("comments" for "Anything else?") names it too.
        yield re.sub(r"[_\-\[\]]+", " ", element.fingerprint.name), 0.8
    if element.selector:
        yield _selector_words(element.selector), 0.7
    if element.href and element.role == "link":
        tail = element.href.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        yield tail.replace("-", " ").replace("_", " "), 0.6


def overlap(a: str, b: str) -> float:
    """Similarity either way round: "todo Buy milk" and "Buy milk" match well."""
    return max(similarity(a, b), similarity(b, a))


def text_score(element: Element, text: str) -> float:
    """How well the element's own words match ``text``."""
    return max(
        (similarity(text, value) * weight for value, weight in _fields(element) if value),
        default=0.0,
    )


@dataclass
class _Scored:
    element: Element
    score: float


def _score_all(
    observation: Observation, target: Target, kind: Kind, extra: Callable[[Element], float] | None
) -> list[_Scored]:
    scored: list[_Scored] = []
    for element in observation.elements:
        if not _fits(element, kind):
            continue
        if target.text:
            base = text_score(element, target.text)
            if target.exact and base < 0.8:
                base *= 0.5
        else:
            base = 0.6 if target.role else 0.0
        if base <= 0.0:
            continue
        score = base * _role_factor(element, target.role)
        if target.whole:
            # "Share link" may be a button's whole name rather than a link called "Share".
            score = max(score, text_score(element, target.whole))
        if target.context:
            context = max(
                overlap(target.context, element.context or ""),
                _item_says(observation, element, target.context),
            )
            score *= 0.55 + 0.5 * context
        if target.region is not None:
            # A page's navigation is not always a <nav>: the landmark is evidence, not a filter.
            score *= 1.1 if element.region == target.region else 0.6
        if not element.visible:
            score *= 0.75
        if element.disabled:
            score *= 0.7
        if extra is not None:
            score *= extra(element)
        scored.append(_Scored(element, min(score, 1.0)))
    return scored


def _item_says(observation: Observation, element: Element, phrase: str) -> float:
    """1.0 when the list item the element sits in says ``phrase`` in so many words
    ("Refund for #5521": the button in the row that shows #5521)."""
    if element.item is None:
        return 0.0
    lists, position = element.item
    if lists >= len(observation.lists) or position >= len(observation.lists[lists].items):
        return 0.0
    fields = observation.lists[lists].items[position]
    return 1.0 if any(phrase_in(phrase, value) for value in fields.values()) else 0.0


def _nth(items: list[_Scored], ordinal: int) -> _Scored | None:
    ordered = sorted(items, key=lambda s: s.element.index)
    position = ordinal - 1 if ordinal > 0 else len(ordered) + ordinal
    return ordered[position] if 0 <= position < len(ordered) else None


def _same(a: Element, b: Element) -> bool:
    if a.href and a.href == b.href:
        return True
    return normalize(a.name) == normalize(b.name) and (a.context or "") == (b.context or "")


def _shows_number(observation: Observation, numbered: str) -> bool:
    """Whether the page shows ``numbered`` ("#5521", "No. 12") as an identifier:
    with a mark before its digits, or as a table cell or item field of its own."""
    digits = re.sub(r"\D", "", numbered)
    marked = re.compile(rf"(?:#|\bno\.?|\bnr\.?|\bnumber)\s?{digits}(?!\d)", re.IGNORECASE)
    texts = [*observation.texts, *observation.headings]
    texts += [value for e in observation.elements for value in (e.name, e.text) if value]
    cells = [cell for table in observation.tables for row in table.rows for cell in row]
    cells += [
        value for items in observation.lists for item in items.items for value in item.values()
    ]
    return any(marked.search(text) for text in texts + cells) or any(
        cell.strip() == digits for cell in cells
    )


def named_by_number(observation: Observation, target: Target) -> Target:
    """``target`` with the "#5521" it holds read as part of its name where the page
    shows that number as an identifier (order #5521), not as the 5521st of a list."""
    if not target.numbered or not _shows_number(observation, target.numbered):
        return target
    text = f"{target.text} {target.numbered}".strip()
    return replace(target, text=text, ordinal=None, numbered="")


def ground(
    observation: Observation,
    target: Target,
    *,
    kind: Kind = "any",
    what: str = "element",
    extra: Callable[[Element], float] | None = None,
    threshold: float = THRESHOLD,
) -> Element:
    """The element ``target`` describes, or :class:`GroundingError` saying why none fits."""
    target = named_by_number(observation, target)
    scored = _score_all(observation, target, kind, extra)
    if not scored:
        raise GroundingError(f"no {what} matching {target.describe()} on the page")
    best = max(s.score for s in scored)
    if best < threshold:
        closest = max(scored, key=lambda s: s.score).element
        raise GroundingError(
            f"no {what} matching {target.describe()} on the page "
            f"(closest: [{closest.index}] {closest.role} '{closest.name}')"
        )
    if target.ordinal is not None:
        floor = max(threshold, best - 0.12)
        chosen = _nth([s for s in scored if s.score >= floor], target.ordinal)
        if chosen is None:
            raise GroundingError(f"there is no {target.describe()} on the page")
        return chosen.element
    top = sorted(
        (s for s in scored if s.score >= best - 0.02),
        # Controls in the page's content beat site navigation of the same name, unless
        # the user names where it is.
        key=lambda s: (
            s.element.region != target.region if target.region else s.element.region in _CHROME,
            -s.score,
            s.element.index,
        ),
    )
    first = top[0].element
    rivals = [s.element for s in top[1:] if not _same(first, s.element)]
    identical = [
        e
        for e in rivals
        if normalize(e.name) == normalize(first.name)
        and e.role == first.role
        and (e.region in _CHROME) == (first.region in _CHROME)
    ]
    if identical and all(e.visible == first.visible for e in identical):
        raise GroundingError(
            f"{len(identical) + 1} {what}s match {target.describe()}; say which one "
            "(for example 'the first', or the item it belongs to)",
            ambiguous=True,
        )
    return first


def pick_record(observation: Observation, target: Target) -> tuple[Record, str] | None:
    """The list item or row that ``target`` means by ordinal, superlative or name.

    Returns the record and the selector of its list, or None when the target
    is not about items of a list.
    """
    target = named_by_number(observation, target)
    sets = datasets(observation)
    if not sets or not (target.ordinal or target.superlative or target.text):
        return None
    noun_tokens = set(tokens(target.text)) - STOPWORDS
    chosen = sets[0]
    for candidate in sets:
        label = normalize(f"{candidate.selector} {candidate.label}")
        if noun_tokens & set(tokens(label)):
            chosen = candidate
            break
    records = chosen.records
    if not records:
        return None
    if target.superlative or target.ordinal is not None:
        # "the cheapest nonstop TAP flight": among the rows that say TAP (and nonstop, if
        # some rows say it); a word no row or every row holds picks nothing out.
        told = {w for w in normalize(target.text).split() if w not in STOPWORDS and len(w) > 2}
        for word in sorted(told):
            holding = [r for r in records if phrase_in(word, r.text)]
            if holding and len(holding) < len(records):
                records = holding
    if target.superlative:
        spec = superlative_spec(target.superlative)
        if spec is None:
            return None
        attribute, largest = spec
        valued = [(sort_value(r, attribute), r) for r in records]
        numbers = [(v, r) for v, r in valued if v is not None]
        if not numbers:
            return None
        pick = max(numbers, key=lambda p: p[0]) if largest else min(numbers, key=lambda p: p[0])
        return pick[1], chosen.selector
    if target.ordinal is not None:
        position = target.ordinal - 1 if target.ordinal > 0 else len(records) + target.ordinal
        if 0 <= position < len(records):
            return records[position], chosen.selector
        return None
    best = max(records, key=lambda r: similarity(target.text, r.text))
    if similarity(target.text, best.text) >= 0.5 or similarity(target.text, best.title()) >= 0.6:
        return best, chosen.selector
    # "the flight operated by Vueling": the one row holding the most of its words names it,
    # if it holds every name among them ("museums in Dublin" is no row of Seville's).
    words = [w for w in normalize(target.text).split() if w not in STOPWORDS and len(w) > 2]
    names = {normalize(w) for w in re.findall(r"\b(?:[A-Z][\w-]*|\w*\d\w*)", target.text)}
    names -= STOPWORDS
    held = [(sum(phrase_in(w, r.text) for w in words), r) for r in records]
    most = max((count for count, _ in held), default=0)
    holding = [r for count, r in held if count == most]
    if most and len(holding) == 1 and all(phrase_in(n, holding[0].text) for n in names):
        return holding[0], chosen.selector
    return None


def record_element(
    observation: Observation, record: Record, *, wanted: Target | None, kind: Kind = "click"
) -> Element | None:
    """The element of ``record`` to act on: a control matching ``wanted``, or its main link."""
    title = record.title()
    candidates = [e for e in observation.elements if _fits(e, kind)]
    if wanted is not None and wanted.text:
        matching = [e for e in candidates if text_score(e, wanted.text) >= 0.7]
        if not matching:
            return None
        in_item = [e for e in matching if e.context and overlap(title, e.context) >= 0.6]
        if in_item:
            return in_item[0]
        # Without context, the n-th matching control usually belongs to the n-th item.
        if len(matching) > record.position:
            return sorted(matching, key=lambda e: e.index)[record.position]
        return None
    links = [e for e in candidates if e.role in ("link", "button")]
    named = [e for e in links if e.name and similarity(e.name, title) >= 0.8]
    if named:
        return named[0]
    in_item = [
        e for e in links if e.context and similarity(title, e.context) >= 0.6 and e.role == "link"
    ]
    if in_item:
        return in_item[0]
    own = [e for e in links if e.context and similarity(title, e.context) >= 0.8]
    if len(own) == 1:  # the one button of a card ("Reserve")
        return own[0]
    # A row's own button ("Select" in every row): the n-th of them belongs to the n-th row.
    cells = {normalize(v) for v in record.fields.values()}
    for name in sorted({e.name for e in links if e.name and normalize(e.name) in cells}):
        same = sorted((e for e in links if e.name == name), key=lambda e: e.index)
        if len(same) > record.position:
            return same[record.position]
    return None
