"""Reading yes/no questions: what to look for, and whether the page mentions it.

"Does the recipe contain garlic?" asks about *garlic*: the subject ("the
recipe") is the page itself. "Is there a question about deleting my
account?" asks about *deleting my account*, which a page may word as
"delete my account": words match on their stems and prefixes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pupi.agent.planners.rules.text import STOPWORDS, normalize, phrase_in, stem

if TYPE_CHECKING:
    from pupi.agent.planners.rules.records import Record

__all__ = ["covers", "looked_for", "row_state"]

_STATE = re.compile(
    r"^(?:is|are|was|were)\s+(?!there\b)(.+?)\s+(?:still\s+|currently\s+)?([a-z][\w-]*)$"
)


def row_state(question: str, records: list[Record]) -> str | None:
    """ "Is the Blue Mug available?": the state word in the named row's cells, or None.

    Only when one row is named and the word is a value some row's cells hold
    (a "Status" column saying "Available" or "Sold out").
    """
    found = _STATE.match(question.lower().strip(" ?.!"))
    if found is None:
        return None
    subject, state = found[1], found[2]
    rows = [r for r in records if covers(subject, r.text)]
    if len(rows) != 1 or len(records) < 2:
        return None
    if not any(phrase_in(state, v) for r in records for v in r.fields.values()):
        return None
    return "yes" if any(phrase_in(state, v) for v in rows[0].fields.values()) else "no"


_HAS = re.compile(
    r"^(?:does|do|did|can|will)\b(.*?)\b(?:contain|include|use|mention|list|have|offer|accept|"
    r"support|need|require|call for|feature|sell|show|cover)s?\s+(?:any\s+|a\s+|an\s+)?(.+)$"
)
_ABOUT = re.compile(
    r"^(?:is|are)\s+there\s+(?:a|an|any|some)?\s*([\w -]*?)\s+"
    r"(?:about|regarding|concerning|mentioning|on how to|that mentions|that says|at|in|with|"
    r"called|named|by)\s+(.+)$"
)


def looked_for(question: str) -> tuple[str, str] | None:
    """The subject and the thing a containment question looks for, or None.

    "does the recipe contain garlic" -> ("the recipe", "garlic").
    """
    low = question.lower().strip(" ?.!")
    found = _HAS.match(low) or _ABOUT.match(low)
    return (found[1].strip(), found[2].strip()) if found else None


def _same(word: str, other: str) -> bool:
    a, b = stem(word), stem(other)
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer.startswith(shorter) and len(longer) - len(shorter) <= 3


def covers(phrase: str, text: str) -> bool:
    """Whether every content word of ``phrase`` appears in ``text`` (stems and prefixes)."""
    wanted = [w for w in normalize(phrase).split() if w not in STOPWORDS]
    have = normalize(text).split()
    return bool(wanted) and all(any(_same(w, h) for h in have) for w in wanted)
