"""Taking an :class:`Observation` of a page: one script run, then pure shaping.

:func:`observe` runs ``snapshot.js`` once in the page (it walks same-origin
iframes and open shadow roots), turns the raw facts into models with robust
selectors (:mod:`.selectors`), numbers the elements and applies the size budget.
Everything after the script is a pure function of its output, so the same page
state always gives an equal observation.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pupi.agent.observe.model import Element, Fingerprint, Form, ItemList, Observation, Table
from pupi.agent.observe.selectors import element_selector, frame_prefix
from pupi.engine import PageTarget, PageView
from pupi.engine.translate import PageQueryFailed
from pupi.errors import AgentError

__all__ = ["DEFAULT_MAX_CHARS", "DEFAULT_MAX_ELEMENTS", "build_observation", "observe"]

logger = logging.getLogger("pupi.agent")

DEFAULT_MAX_ELEMENTS = 150
"""Elements kept at most; the least useful ones (hidden, disabled, navigation) go first."""

DEFAULT_MAX_CHARS = 20_000
"""Upper bound on the length of :meth:`Observation.to_text` (about 5,000 tokens)."""

_INPUT_ROLES = frozenset(
    {
        "textbox",
        "searchbox",
        "combobox",
        "listbox",
        "checkbox",
        "radio",
        "switch",
        "slider",
        "spinbutton",
    }
)


@cache
def _script() -> str:
    source = (Path(__file__).parent / "snapshot.js").read_text(encoding="utf-8")
    # Playwright decides "function or expression" from how the text starts, so the
    # leading comment block must go.
    lines = source.splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    body = "\n".join(lines).rstrip().rstrip(";")
    # One JSON string crosses the wire far faster (5x on a shop page) than the same
    # data as nested objects through Playwright's value serializer.
    return f"(options) => JSON.stringify(({body})(options))"


async def observe(
    page: PageView | PageTarget,
    *,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Observation:
    """Snapshot ``page``: numbered interactive elements, headings, texts, tables,
    lists and forms, trimmed to ``max_elements`` elements and ``max_chars``
    characters of :meth:`~Observation.to_text`.

    ``page`` is a page, an instance (its current page) or a
    :class:`~pupi.engine.PageView`.

    >>> observation = await observe(page)
    >>> observation.elements[0]
    Element(index=1, role='link', name='Shop', ..., selector='#nav-shop')

    Raises :class:`~pupi.AgentError` when the page cannot be read (it keeps
    navigating, or it closed).
    """
    begun = time.perf_counter()
    try:
        # The view runs the script again when a navigation interrupts it.
        raw: dict[str, Any] = json.loads(
            await PageView.of(page).snapshot(_script(), {"maxText": 300})
        )
    except PageQueryFailed as exc:
        raise AgentError(f"could not observe the page: {exc}") from exc
    logger.debug(
        "snapshot of %s took %.1f ms", raw.get("url"), (time.perf_counter() - begun) * 1000
    )
    observation = build_observation(raw)
    viewport_height = int((raw.get("viewport") or [0, 800])[1])
    return apply_budget(
        observation,
        max_elements=max_elements,
        max_chars=max_chars,
        viewport_height=viewport_height,
    )


def build_observation(raw: Mapping[str, Any]) -> Observation:
    """Turn the snapshot script's output into an :class:`Observation` (no budget yet)."""
    frames: Sequence[Mapping[str, Any]] = raw.get("frames") or []
    raw_lists: Sequence[Mapping[str, Any]] = raw.get("lists") or []
    # Lists without a selector are left out below, so an element's list number moves too.
    kept = [n for n, item_list in enumerate(raw_lists) if item_list.get("selector")]
    list_number = {raw_number: n for n, raw_number in enumerate(kept)}
    elements: list[Element] = []
    for number, item in enumerate(raw.get("elements") or [], start=1):
        fp = item.get("fp") or {}
        selector, css_path = element_selector(fp, frames, item.get("frame"))
        box = item.get("box")
        elements.append(
            Element(
                index=number,
                role=item["role"],
                name=item.get("name") or "",
                tag=item.get("tag") or "",
                type=item.get("type"),
                label=item.get("label"),
                placeholder=item.get("placeholder"),
                text=item.get("text"),
                value=item.get("value"),
                checked=item.get("checked"),
                selected=item.get("selected"),
                expanded=item.get("expanded"),
                disabled=bool(item.get("disabled")),
                visible=bool(item.get("visible", True)),
                options=item.get("options"),
                href=item.get("href"),
                box=tuple(box) if box else None,
                context=item.get("context"),
                item=_item_of(item.get("item"), list_number),
                region=item.get("region"),
                form=item.get("form"),
                in_frame=item.get("frame") is not None,
                selector=selector,
                fingerprint=Fingerprint(
                    id=fp.get("id"),
                    test_id=fp.get("test_id"),
                    name=fp.get("name"),
                    aria_label=fp.get("aria_label"),
                    title=fp.get("title"),
                    css_path=css_path,
                ),
            )
        )
    tables = [
        Table(
            selector=frame_prefix(frames, table.get("frame")) + table["selector"],
            caption=table.get("caption") or None,
            headers=table.get("headers") or [],
            rows=table.get("rows") or [],
            total_rows=table.get("total_rows") or 0,
        )
        for table in raw.get("tables") or []
    ]
    lists = [
        ItemList(
            selector=frame_prefix(frames, item_list.get("frame"))
            + (item_list.get("selector") or ""),
            label=item_list.get("label") or None,
            items=[{key: str(value) for key, value in item.items()} for item in item_list["items"]],
            total=item_list.get("total") or 0,
        )
        for item_list in (raw_lists[n] for n in kept)
    ]
    forms = [
        Form(
            selector=frame_prefix(frames, form.get("frame")) + form["selector"],
            name=form.get("name"),
            action=form.get("action"),
            method=form.get("method") or "get",
        )
        for form in raw.get("forms") or []
    ]
    observation = Observation(
        url=raw.get("url") or "",
        title=raw.get("title") or "",
        headings=raw.get("headings") or [],
        texts=raw.get("texts") or [],
        elements=elements,
        tables=tables,
        lists=lists,
        forms=forms,
        dialog=raw.get("dialog"),
    )
    _link_forms(observation)
    return observation


def _item_of(raw: Sequence[int] | None, list_number: Mapping[int, int]) -> tuple[int, int] | None:
    if not raw or raw[0] not in list_number:
        return None
    return list_number[raw[0]], raw[1]


def _link_forms(observation: Observation) -> None:
    """Fill each form's field and submit numbers from the elements' ``form``.

    Forms with nothing to fill in (a lone "Add to cart" button) are dropped: the
    button says it all, and a shop page would otherwise list a form per product.
    """
    members: dict[int, list[Element]] = {}
    for element in observation.elements:
        if element.form is not None and 0 <= element.form < len(observation.forms):
            members.setdefault(element.form, []).append(element)
    kept: list[Form] = []
    renumber: dict[int, int] = {}
    for number, form in enumerate(observation.forms):
        fields = members.get(number, [])
        if not any(element.role != "button" for element in fields):
            continue
        renumber[number] = len(kept)
        form.fields = [element.index for element in fields]
        form.submit = next(
            (
                element.index
                for element in fields
                if element.role == "button"
                and element.tag in {"button", "input"}
                and element.type in {None, "submit", "image"}
            ),
            None,
        )
        kept.append(form)
    observation.forms = kept
    for element in observation.elements:
        if element.form is not None:
            element.form = renumber.get(element.form)


# -- the size budget ---------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """How hard one round of trimming cuts."""

    texts: int
    text_chars: int
    rows: int
    items: int
    options: int
    elements: int
    headings: int


_LEVELS = (
    _Level(
        texts=10_000, text_chars=300, rows=50, items=50, options=60, elements=10_000, headings=50
    ),
    _Level(texts=80, text_chars=200, rows=20, items=20, options=30, elements=10_000, headings=30),
    _Level(texts=40, text_chars=160, rows=10, items=10, options=15, elements=100, headings=20),
    _Level(texts=20, text_chars=120, rows=5, items=5, options=10, elements=60, headings=12),
    _Level(texts=8, text_chars=100, rows=3, items=3, options=5, elements=30, headings=8),
    _Level(texts=0, text_chars=80, rows=1, items=1, options=3, elements=12, headings=4),
)


def apply_budget(
    observation: Observation,
    *,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    max_chars: int = DEFAULT_MAX_CHARS,
    viewport_height: int = 800,
) -> Observation:
    """Trim ``observation`` to at most ``max_elements`` elements and ``max_chars``
    characters of text, cutting a little more each round until it fits.

    The most useful parts stay (visible controls in the first screen before
    hidden ones and navigation links; the top of the page before the bottom);
    what stays keeps its page order, and elements are renumbered from 1.
    """
    ranked = _rank_elements(observation.elements, viewport_height)
    candidate = observation
    for level in _LEVELS:
        candidate = _trim(observation, ranked, level, max_elements)
        if len(candidate.to_text()) <= max_chars:
            return candidate
    # Still too long (huge names, many tables): drop whole sections from the end.
    while len(candidate.to_text()) > max_chars:
        for section in ("texts", "lists", "tables", "forms", "elements", "headings"):
            values = getattr(candidate, section)
            if values:
                candidate.omitted[section] = candidate.omitted.get(section, 0) + 1
                setattr(candidate, section, values[:-1])
                break
        else:
            break
    return candidate


def _rank_elements(elements: Sequence[Element], viewport_height: int) -> list[int]:
    """Element positions, most useful first; ties keep page order."""

    def score(element: Element) -> int:
        value = 0
        if element.visible:
            value += 4
        if element.box is not None and element.box[1] < viewport_height:
            value += 2
        if element.role in _INPUT_ROLES:
            value += 2
        elif element.role == "button":
            value += 1
        if element.region in {"nav", "header", "footer"}:
            value -= 2
        if element.region == "dialog":
            value += 3
        if element.disabled:
            value -= 3
        return value

    return sorted(range(len(elements)), key=lambda i: (-score(elements[i]), i))


def _trim(
    observation: Observation, ranked: Sequence[int], level: _Level, max_elements: int
) -> Observation:
    omitted: dict[str, int] = {}

    def note(kind: str, count: int) -> None:
        if count > 0:
            omitted[kind] = omitted.get(kind, 0) + count

    keep_count = min(max_elements, level.elements)
    kept = sorted(ranked[:keep_count])
    note("elements", len(observation.elements) - len(kept))
    renumber = {observation.elements[i].index: n for n, i in enumerate(kept, start=1)}
    elements = []
    for n, i in enumerate(kept, start=1):
        element = observation.elements[i]
        update: dict[str, Any] = {"index": n}
        if element.options and len(element.options) > level.options:
            update["options"] = [*element.options[: level.options], "…"]
        elements.append(element.model_copy(update=update))

    texts = [_cut(text, level.text_chars) for text in observation.texts[: level.texts]]
    note("texts", len(observation.texts) - len(texts))
    tables = []
    for table in observation.tables:
        note("rows", len(table.rows) - min(len(table.rows), level.rows))
        tables.append(table.model_copy(update={"rows": table.rows[: level.rows]}))
    lists = []
    for item_list in observation.lists:
        note("items", len(item_list.items) - min(len(item_list.items), level.items))
        items = [
            {key: _cut(value, level.text_chars) for key, value in item.items()}
            for item in item_list.items[: level.items]
        ]
        lists.append(item_list.model_copy(update={"items": items}))
    forms = []
    for form in observation.forms:
        fields = [renumber[index] for index in form.fields if index in renumber]
        submit = renumber.get(form.submit) if form.submit is not None else None
        forms.append(form.model_copy(update={"fields": fields, "submit": submit}))
    headings = observation.headings[: level.headings]
    note("headings", len(observation.headings) - len(headings))
    return observation.model_copy(
        update={
            "elements": elements,
            "texts": texts,
            "tables": tables,
            "lists": lists,
            "forms": forms,
            "headings": headings,
            "omitted": omitted,
        }
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
