"""Reading the pieces of one clause: element descriptions, values and field/value pairs.

A :class:`Clause` is one protected clause (quoted text and URLs in slots, see
:mod:`.clauses`) with the helpers the verb readers share, so that each of them
can say "the value in group 1" or "the pairs in group 2" in one call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pupi.agent.planners.rules.clauses import URL_MARK, restore
from pupi.agent.planners.rules.intents import Intent, IntentKind, Pairs, Region, Target
from pupi.agent.planners.rules.scope import read_scope
from pupi.agent.planners.rules.text import ORDINALS
from pupi.agent.planners.rules.vocab import (
    CONTEXT,
    DETERMINER,
    FILLERS,
    ORDINAL,
    REGION,
    REGION_WORDS,
    ROLE_SUFFIX,
    ROLE_WORDS,
    SLOT,
    SOFT_SPLIT,
    SUPERLATIVE,
    TYPE_VERBS,
)

__all__ = ["Clause", "parse_target"]


def parse_target(phrase: str, slots: list[str] | None = None) -> Target:
    """Read a description such as "the second 'Add to cart' button for the mug".

    A description that names a list item ("the trash icon of the email from
    Mira") also carries the :class:`Scope`; the rest is read as without it, for
    pages where no item fits.
    """
    slots = slots or []
    region: Region | None = None
    if found := REGION.search(phrase):
        region = REGION_WORDS[found["where"].lower()]
        phrase = phrase[: found.start()]
    target = replace(_parse_target(phrase, slots), region=region)
    # "... under the inbox" says where the item's list is, not what the item holds.
    scoped = read_scope(re.sub(r"\s+under\s+.+$", "", phrase, flags=re.IGNORECASE))
    if scoped is None:
        return target
    control, scope = scoped
    scope = replace(
        scope,
        words=tuple(restore(word, slots) for word in scope.words),
        control=_parse_target(control, slots) if control else None,
    )
    return replace(target, scope=scope)


def _parse_target(phrase: str, slots: list[str]) -> Target:
    text = phrase.strip(" ,.?!:")
    context = ""
    found = CONTEXT.search(text)
    if found and not SLOT.fullmatch(text):
        context = restore(DETERMINER.sub("", found[1]).strip(), slots)
        text = text[: found.start()]
    ordinal: int | None = None
    numbered = ""
    # "Last name", "first name": the name of a field, not the last of some names.
    if (found := ORDINAL.search(text)) and not re.match(
        r"\s*names?\b", text[found.end() :], re.IGNORECASE
    ):
        word, number, suffixed = found.groups()
        ordinal = ORDINALS[word.lower()] if word else int(number or suffixed)
        numbered = found[0].strip() if number else ""
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    superlative: str | None = None
    if found := SUPERLATIVE.search(text):
        superlative = found[1].lower()
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    while (stripped := DETERMINER.sub("", text)) != text:
        text = stripped
    role: str | None = None
    whole = ""
    if found := _ROLE_PREFIX.match(text):
        # "button SEND", "the link 'terms of use'": the role word first, then the name.
        role = ROLE_WORDS[found[1].lower()]
        text = found[2]
    elif found := ROLE_SUFFIX.search(" " + text.lower()):
        role = ROLE_WORDS[found[1]]
        whole = text
        text = text[: max(0, len(text) - len(found[0]) + 1)].strip()
    elif text.lower().rstrip("s") in ROLE_WORDS:
        role = ROLE_WORDS[text.lower().rstrip("s")]
        text = ""
    text = re.sub(r"\s+(?:on|from|in) the (?:page|screen|site)$", "", text.strip())
    exact = bool(SLOT.fullmatch(text.strip()))
    return Target(
        text=restore(text, slots).strip(),
        role=role,
        ordinal=ordinal,
        numbered=numbered,
        superlative=superlative,
        context=context,
        exact=exact,
        # A quoted name is the name: "the 'Terms' link" is no button called "Terms link".
        whole=restore(whole, slots).strip() if whole and text and not exact else "",
    )


# Role words that may come before a name; not "select", "switch" or "box", which
# also start ordinary names and verbs.
_ROLE_PREFIX = re.compile(
    r"^(button|btn|link|hyperlink|tab|checkbox|radio button|icon)\s+"
    r"(?:called\s+|named\s+|labell?ed\s+|titled\s+|saying\s+)?(\S.*)$",
    re.IGNORECASE,
)


# "In the inbox, archive ...": where the action happens, said before it.
_PLACE_FIRST = re.compile(
    r"^(?:in|inside|within|under)\s+(?:the\s+)?(?P<place>[^,]{1,40}?),\s*(?P<rest>(?P<verb>\w+)\b.*)$",
    re.IGNORECASE,
)
# Verbs that read the place themselves ("under Email frequency, pick Weekly": the group).
_READS_PLACE = frozenset({"choose", "select", "pick", "tick", "check", "mark"})


def _place_last(text: str) -> str:
    """ "In the search box, type shoes" as "type shoes into the search box", and "In the
    Warranty section, click Read more" as "click Read more under Warranty section"."""
    found = _PLACE_FIRST.match(text)
    if found is None or found["verb"].lower() in _READS_PLACE:
        return text
    rest = found["rest"]
    if re.search(r"\s(?:into|in|inside|under)\s", rest, re.IGNORECASE):
        return rest  # the action names its own place
    if re.match(rf"^(?:{TYPE_VERBS})\b", rest, re.IGNORECASE):
        return f"{rest} into the {found['place']}"
    return f"{rest} under {found['place']}"


_POLITE_END = re.compile(r"(?:,\s*|\s+)please$|,\s*(?:thanks|thank you)$", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """One clause being read: its words with the fillers taken off, and its slots."""

    raw: str
    """The clause as the user wrote it, quotes and URLs restored (for messages)."""
    text: str
    """The protected clause without leading fillers ("please", "then")."""
    slots: list[str]

    @classmethod
    def read(cls, clause: str, slots: list[str]) -> Clause:
        """The clause ``clause`` of a prompt protected into ``slots``."""
        text = FILLERS.sub("", clause.strip()).strip(" ,.")
        # A trailing "please" (or ", thanks") is politeness, not part of a name or value.
        text = _POLITE_END.sub("", text).strip(" ,.") or text
        return cls(raw=restore(clause, slots), text=_place_last(text), slots=slots)

    @property
    def low(self) -> str:
        """The text in lower case, for matching verbs."""
        return self.text.lower()

    @property
    def urls(self) -> list[str]:
        """The URLs the clause names, in order."""
        slots = self.slots
        found = (slots[int(m[1])] for m in SLOT.finditer(self.text))
        return [slot[1:] for slot in found if slot.startswith(URL_MARK)]

    def intent(self, kind: IntentKind, **fields: object) -> Intent:
        """An :class:`Intent` of ``kind`` for this clause."""
        return Intent(kind, self.raw, **fields)  # type: ignore[arg-type]

    def restore(self, text: str) -> str:
        """``text`` with its quoted text and URLs put back."""
        return restore(text, self.slots)

    def target(self, phrase: str) -> Target:
        """The element ``phrase`` describes."""
        return parse_target(phrase, self.slots)

    def value(self, raw: str) -> tuple[str, bool]:
        """A value to type or choose, and whether it was quoted (to be used verbatim)."""
        raw = raw.strip(" ,.")
        return restore(raw, self.slots), bool(SLOT.fullmatch(raw))

    def pairs(self, body: str) -> Pairs:
        """Field/value pairs: "ada as the username", "email: a@b.c", "name Ada"."""
        out: list[tuple[str | None, str]] = []
        for chunk in SOFT_SPLIT.split(body):
            chunk = DETERMINER.sub("", chunk.strip(" ,."))
            if not chunk:
                continue
            if found := re.match(r"^(.+?)\s+(?:as|for)\s+(?:the\s+|my\s+|a\s+)?(.+)$", chunk):
                out.append((self.restore(found[2]), self.value(found[1])[0]))
            elif found := re.match(r"^(.+?)\s*(?::(?!\d)|=|\bwith\b|\bis\b)\s*(.+)$", chunk):
                out.append((self.restore(found[1]), self.value(found[2])[0]))
            else:
                out.append((None, self.restore(chunk)))
        return tuple(out)

    def targets(self, body: str) -> tuple[Target, ...]:
        """Several elements: "Email, SMS and Post", "all of the boxes: A and B"."""
        body = re.sub(r"^(?:all|each|every|both)\s+(?:of\s+)?(?:the\s+)?", "", body.strip())
        body = re.sub(r"^(?:boxes|checkboxes|options)\s*:?\s*", "", body)
        return tuple(self.target(p) for p in SOFT_SPLIT.split(body) if p.strip())
