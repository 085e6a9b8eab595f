"""Acting on one item of a list with a verb of its own: "Reserve the Family Suite".

Cards and rows often carry their own button ("Reserve", "Select", "Book").
A clause that starts with such a verb and names an item (by name, ordinal or
superlative) presses that item's button, rather than some button of the page.
"""

from __future__ import annotations

import re

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.ground import pick_record, record_element, text_score
from pupi.agent.planners.rules.intents import Target
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.text import STOPWORDS, normalize, similarity

__all__ = ["item_button", "unknown_object"]


def item_button(
    observation: Observation, clause: str, target: Target, *, verb_only: bool = False
) -> Element | None:
    """The button that ``clause`` ("book the cheapest room") presses on its item, or None.

    ``verb_only``: only a control the verb names ("follow Ada" presses Ada's
    Follow), never the item's main link.
    """
    words = clause.split()
    if len(words) < 2:
        return None
    verb = words[0]
    # "join to the Chess Club", "sign up for the third class": the item follows a preposition.
    rest = parse_target(re.sub(r"^(?:to|for|on|at)\s+", "", " ".join(words[1:]), flags=re.I))
    told = target if target.ordinal is not None else rest
    wanted = Target(
        text=rest.text,
        ordinal=told.ordinal,
        numbered=told.numbered,
        superlative=target.superlative or rest.superlative,
    )
    picked = pick_record(observation, wanted)
    if picked is None:
        return None
    record = picked[0]
    named_only = wanted.ordinal is None and not wanted.superlative
    if named_only and similarity(wanted.text, record.title()) < 0.8:
        return None  # named items only, and named well
    head = re.match(r"^(.+?)\s+(?:of|on|for|at|to|in|about)\s+", rest.text or "", re.I)
    if head and unknown_object(observation, head[1]):
        return None  # "schedule a viewing of X": no viewing offered, not X's one button
    if any(text_score(e, verb) >= 0.7 for e in observation.elements):
        found = record_element(observation, record, wanted=Target(text=verb))
        if found is not None:
            return found
    return None if verb_only else record_element(observation, record, wanted=None)


def unknown_object(observation: Observation, words: str) -> str | None:
    """``words`` ("a viewing", "my tuition fees") when none of them is anywhere on the page.

    A verb's object that the page never mentions names nothing the page offers:
    pressing some other button for it would be a guess.
    """
    content = [w for w in normalize(words).split() if w not in STOPWORDS and not w.isdigit()]
    if not content:
        return None
    texts = [*observation.texts, *observation.headings, observation.title or ""]
    texts += [v for e in observation.elements for v in (e.name, e.label, e.text) if v]
    texts += [o for e in observation.elements for o in e.options or []]
    page = " ".join(normalize(t) for t in texts)
    # Whole words, plural or not: "viewing" is not "View" in a street name.
    if any(re.search(rf"\b{re.escape(w.removesuffix('s'))}s?\b", page) for w in content):
        return None
    return " ".join(content)
