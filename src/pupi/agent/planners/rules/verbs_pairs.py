"""Readers for clauses that give a form as bare "field value" pairs.

"title: Broken link, severity major" names each field by its first
word(s); "open an issue with title 'X', severity High and area Docs"
does the same after "with"; "redeem the voucher code ABC123" types a code
into the field named for it and submits that form.
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.intents import Intent, Pairs
from pupi.agent.planners.rules.phrases import Clause
from pupi.agent.planners.rules.vocab import DETERMINER, SLOT, SOFT_SPLIT, VERBS

__all__ = ["bare_pairs", "code_entry", "give_pairs", "make_with", "pairs_of"]


def pairs_of(c: Clause, body: str) -> Pairs:
    """Pairs where a chunk without "as"/":" is "field value" ("priority High")."""
    out: list[tuple[str | None, str]] = []
    for chunk in SOFT_SPLIT.split(body):
        chunk = DETERMINER.sub("", chunk.strip(" ,."))
        if not chunk:
            continue
        found = re.match(r"^(.+?)\s*(?::(?!\d)|=)\s*(.+)$", chunk) or re.match(
            r"^(.+?)\s*(?:\bis\b|\bof\b)?\s*(\u27e6\d+\u27e7)$", chunk
        )
        if found:
            out.append((c.restore(found[1].strip()), c.value(found[2])[0]))
        elif len(words := chunk.split(maxsplit=1)) == 2:
            out.append((words[0], c.value(words[1])[0]))
        else:
            return ()
    return tuple(out)


def bare_pairs(c: Clause) -> Intent | None:
    """A form written as "title: Broken link, severity major"."""
    # "Phone: 555-8445" is a pair; "at 10:30" is a time.
    found = re.match(r"^([A-Za-z][\w -]{0,30}?)\s*:(?:\s+|(?!\d))\S", c.text)
    if found is None or found[1].split()[0].lower() in VERBS:
        return None
    if re.search(r"\b(?:a|an|the|my|our|your|some|new)\b", found[1], re.I):
        return None  # "reserve a table: ..." names an action, not a field
    pairs = pairs_of(c, c.text)
    return c.intent("fill", pairs=pairs) if pairs else None


def make_with(c: Clause) -> Intent | None:
    """ "Open an issue with title 'X', severity High and notes 'Y'": fill, submit."""
    found = re.match(
        r"^(?:create|open|file|raise|submit|send|make|log|request|add)\s+(?:a|an|the|my)\s+"
        r"(?:new\s+)?[\w-]+(?:\s+[\w-]+)?\s+with\s+(.+)$",
        c.text,
        re.I,
    )
    if found is None or len(SOFT_SPLIT.split(found[1])) < 2:
        return None
    pairs = pairs_of(c, found[1])
    return c.intent("fill", pairs=pairs, submit=True) if pairs else None


def code_entry(c: Clause) -> Intent | None:
    """ "Redeem the voucher code ABC123": type the code into its field and submit it."""
    found = re.match(
        r"^(?:apply|use|redeem|enter|add)\s+(?:the\s+|a\s+|my\s+|this\s+)?"
        r"((?:[\w-]+\s+){0,2}?(?:code|coupon|voucher|promo|gift card))\s+(\S+)$",
        c.text,
        re.I,
    )
    if found is None or SLOT.fullmatch(found[1]):
        return None
    return c.intent("fill", pairs=((found[1], c.value(found[2])[0]),), submit=True)


def give_pairs(c: Clause) -> Intent | None:
    """ "Give the note the title 'Shipping' and the tags 'a, b'": fill each named field."""
    found = re.match(r"^give\s+(?:the|this|my|a|an|your)\s+[\w-]+\s+(the\s+.+)$", c.text, re.I)
    if found is None:
        return None
    pairs = pairs_of(c, found[1])
    return c.intent("fill", pairs=pairs) if pairs and all(name for name, _ in pairs) else None
