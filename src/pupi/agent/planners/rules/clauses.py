"""Splitting a prompt into clauses, with quoted text and URLs kept whole.

The prompt is split at sentence ends, at "then", and at commas or "and" that
are followed by a new verb ("type ada and press Enter" is two clauses; "tick
Email, SMS and Post" is one). Quoted text and URLs are first swapped for
numbered slots (see :data:`.vocab.SLOT`) so that nothing inside them splits a
clause; :func:`restore` puts them back.
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.vocab import (
    FILLERS,
    HARD_SPLIT,
    QUOTED,
    SLOT,
    SOFT_SPLIT,
    URL,
    VERBS,
)

__all__ = ["URL_MARK", "protect", "restore", "split_clauses"]

URL_MARK = "\x01"
"""The first character of a slot that holds a URL rather than quoted text."""


def protect(text: str) -> tuple[str, list[str]]:
    """Swap quoted text and URLs for numbered slots; return the text and the slots."""
    slots: list[str] = []

    def keep(found: re.Match[str], *, quoted: bool) -> str:
        value = next((g for g in found.groups() if g is not None), "") if quoted else found[0]
        if not quoted:
            # Sentence punctuation after a URL belongs to the sentence.
            trimmed = value.rstrip(".,;:!?)")
            tail = value[len(trimmed) :]
            slots.append(URL_MARK + trimmed)
            return f"\u27e6{len(slots) - 1}\u27e7{tail}"
        slots.append(value)
        return f"\u27e6{len(slots) - 1}\u27e7"

    text = URL.sub(lambda m: keep(m, quoted=False), text)
    text = QUOTED.sub(lambda m: keep(m, quoted=True), text)
    return text, slots


def restore(text: str, slots: list[str]) -> str:
    """Put the quoted text and URLs back into ``text``."""
    return SLOT.sub(lambda m: slots[int(m[1])].lstrip(URL_MARK), text)


_SCOPES = frozenset({"under", "within", "inside", "in"})


def _first_word(piece: str) -> str:
    stripped = FILLERS.sub("", piece.strip())
    words = stripped.split(maxsplit=1)
    # "... and save.": the sentence's full stop is not part of the verb.
    return words[0].lower().rstrip(",:.!?") if words else ""


# "Delete it (confirm the dialog)": an instruction in brackets is a clause of its own.
_ASIDE = re.compile(r"\s*\(([^()]+)\)")
# "... but press Cancel": "but" splits clauses, though not the values of a form.
_CLAUSE_SPLIT = re.compile(rf"{SOFT_SPLIT.pattern}|,?\s+but\s+", re.IGNORECASE)


# "Archive it, please, and go back": a piece that only asks nicely does nothing.
_POLITENESS = re.compile(
    r"[\s,.!]*(?:please|thanks|thank you|kindly|if you can|if possible|for me)[\s,.!]*",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[str]:
    """The clauses of a protected prompt, in order."""
    text = _ASIDE.sub(
        lambda m: f"; {m[1]};" if _first_word(m[1]) in VERBS else m[0],
        text,
    )
    clauses: list[str] = []
    for chunk in HARD_SPLIT.split(text):
        if not chunk or not chunk.strip(" ,."):
            continue
        pieces: list[str] = []
        start = 0
        for found in _CLAUSE_SPLIT.finditer(chunk):
            if _first_word(chunk[found.end() :]) in VERBS:
                pieces.append(chunk[start : found.start()])
                start = found.end()
        pieces.append(chunk[start:])
        # "Under Email frequency, pick Weekly": a leading scope belongs to the next clause.
        for number in range(len(pieces) - 2, -1, -1):
            if _first_word(pieces[number]) in _SCOPES:
                pieces[number : number + 2] = [f"{pieces[number]}, {pieces[number + 1]}"]
        clauses.extend(
            p.strip(" ,.") for p in pieces if p.strip(" ,.") and not _POLITENESS.fullmatch(p)
        )
    return clauses
