"""Reading which list item a description is about: "the trash icon of the email from Mira".

Inboxes, feeds and result lists repeat the same controls on every item, so a
control's name alone cannot pick one; the user names the item instead, by
who it is from, what it is about or whose it is. :func:`read_scope` takes
that part of a description apart from the words alone; :mod:`.scoped` finds
the item on the page.
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.intents import Scope
from pupi.agent.planners.rules.text import ORDINALS

__all__ = ["read_scope"]

# What ties an item to the words that name it.
_RELATION = (
    r"(?:sent|written|posted|shared|uploaded|created)\s+by|from|by|about|regarding|titled|"
    r"named|called|with\s+(?:the\s+)?(?:subject|title|name)"
)
_ORDINAL = r"(?:" + "|".join(ORDINALS) + r"|\d+(?:st|nd|rd|th))"
# "the second post from Nora", "an email about the venue"
_ITEM = re.compile(
    rf"^(?:the\s+|a\s+|an\s+|any\s+)?(?:(?P<ordinal>{_ORDINAL})\s+)?(?P<noun>[a-z][\w-]*)"
    rf"\s+(?P<relation>{_RELATION})\s+(?P<rest>.+)$",
    re.I,
)
# "@lina's post", "Mira Sole's email about the venue"
_POSSESSIVE = re.compile(
    rf"^(?:the\s+)?(?:(?P<ordinal>{_ORDINAL})\s+)?(?P<owner>[^,]+?)['\u2019]s\s+"
    rf"(?:(?P<ordinal2>{_ORDINAL})\s+)?(?P<noun>[a-z][\w-]*)"
    rf"(?:\s+(?:{_RELATION}|on)\s+(?P<rest>.+))?$",
    re.I,
)
# "Repost on @lina's post": the control, then how it is tied to its item.
_CONTROL = re.compile(r"^(?P<control>.+?)\s+(?:of|on|for|in|from|under|at)\s+(?P<item>.+)$", re.I)
_SPLIT = re.compile(rf"\s+(?:and\s+)?(?:{_RELATION})\s+", re.I)
# "the mail from Jonas (subject Outage)": what the brackets say is more of the item.
_ASIDE = re.compile(r"\s*\((?:(?:with\s+)?(?:the\s+)?(?:subject|title|name)\s*:?\s+)?([^()]+)\)")
_DETERMINER = re.compile(r"^(?:the|a|an|this|that)\s+", re.I)
# Words that describe an element rather than an item ("the text from the textarea").
_NOT_ITEMS = frozenset({"text", "value", "word", "words", "number", "answer", "page", "link"})


def read_scope(phrase: str) -> tuple[str, Scope] | None:
    """The control's words and the item ``phrase`` puts it in, or None.

    "trash icon of the email from Mira" gives ``("trash icon", Scope("email",
    ("Mira",)))``; "the email from Mira" gives ``("", ...)``: the item itself.
    """
    phrase = _ASIDE.sub(r" about \1", phrase).strip(" ,.?!")
    # The split first: "Repost on @lina's post" is a control on a post, not a's post.
    if (found := _CONTROL.match(phrase)) and (item := _item(found["item"])) is not None:
        return found["control"].strip(), item
    item = _item(phrase)
    return None if item is None else ("", item)


def _item(phrase: str) -> Scope | None:
    if found := _ITEM.match(phrase):
        words = _words(found["rest"])
        noun = found["noun"].lower()
        if not words or noun.rstrip("s") in _NOT_ITEMS or noun in ORDINALS:
            return None
        return Scope(noun=noun, words=words, ordinal=_ordinal(found["ordinal"]))
    if found := _POSSESSIVE.match(phrase):
        owner = _DETERMINER.sub("", found["owner"].strip())
        words = (owner, *_words(found["rest"] or ""))
        noun = found["noun"].lower()
        if noun.rstrip("s") in _NOT_ITEMS or not owner:
            return None
        ordinal = _ordinal(found["ordinal"] or found["ordinal2"])
        return Scope(noun=noun, words=words, ordinal=ordinal)
    return None


def _words(rest: str) -> tuple[str, ...]:
    parts = (_DETERMINER.sub("", part.strip(" ,.")) for part in _SPLIT.split(rest))
    return tuple(part for part in parts if part)


def _ordinal(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    return ORDINALS[word] if word in ORDINALS else int(re.sub(r"\D", "", word))
