"""Small text helpers shared by the parser, the grounder and the answerer.

Everything here is pure and cheap: the decision step must stay well under
20 ms on a page with a few hundred elements, so there is no fuzzy matching
heavier than token overlap.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "ORDINALS",
    "STOPWORDS",
    "money",
    "normalize",
    "parse_number",
    "phrase_in",
    "similarity",
    "stem",
    "tokens",
]

_NON_WORD = re.compile(r"[^0-9a-z@.+\-']+")
_APOSTROPHE_S = re.compile(r"'s\b")

ORDINALS: dict[str, int] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "eleventh": 11,
    "11th": 11,
    "twelfth": 12,
    "12th": 12,
    "last": -1,
    "final": -1,
    "penultimate": -2,
}
"""Ordinal words; negative numbers count from the end."""

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "of",
        "on",
        "in",
        "into",
        "at",
        "to",
        "for",
        "from",
        "with",
        "by",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "it's",
        "me",
        "my",
        "i",
        "you",
        "your",
        "please",
        "can",
        "could",
        "would",
        "will",
        "shall",
        "do",
        "does",
        "did",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "when",
        "where",
        "there",
        "here",
        "tell",
        "give",
        "show",
        "find",
        "get",
        "let",
        "us",
        "page",
        "some",
        "any",
        "all",
        "every",
        "each",
        "one",
    ]
)
"""Words that carry no identity when matching a description against the page."""


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower-case ``text`` and collapse punctuation and blanks to single spaces.

    Characters that often belong to values (``@ . + - '``) survive, so an
    e-mail address or a price stays one token; trailing dots are dropped.
    """
    lowered = _APOSTROPHE_S.sub("", text.lower().replace("\u2019", "'"))
    words = _NON_WORD.sub(" ", lowered).split()
    return " ".join(word.strip(".'-") or word for word in words)


def stem(word: str) -> str:
    """A deliberately crude stemmer: enough to match "products" with "product"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    return word


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Stemmed word tokens of ``text``, stop words kept (callers filter)."""
    return tuple(stem(word) for word in normalize(text).split())


def phrase_in(phrase: str, text: str) -> bool:
    """Whether normalized ``phrase`` occurs in ``text`` on word boundaries."""
    needle = normalize(phrase)
    hay = normalize(text)
    if not needle or not hay:
        return False
    return f" {needle} " in f" {hay} "


@lru_cache(maxsize=16384)
def similarity(wanted: str, candidate: str) -> float:
    """How well ``candidate`` (page text) matches ``wanted`` (a description), 0..1.

    1.0 is an exact match (ignoring case and punctuation); a whole-phrase
    containment scores 0.8-0.95 depending on how much of the candidate it
    covers; otherwise stemmed token overlap (an F-score) is scaled to 0.75.
    """
    want = normalize(wanted)
    have = normalize(candidate)
    if not want or not have:
        return 0.0
    if want == have:
        return 1.0
    if f" {want} " in f" {have} ":
        return 0.8 + 0.15 * len(want) / len(have)
    want_tokens = set(tokens(want)) - STOPWORDS or set(tokens(want))
    have_tokens = set(tokens(have)) - STOPWORDS or set(tokens(have))
    if tokens(want) == tokens(have):
        return 0.97
    common = len(want_tokens & have_tokens)
    if not common:
        return 0.0
    recall = common / len(want_tokens)
    precision = common / len(have_tokens)
    return 0.75 * (2 * recall * precision / (recall + precision)) * (0.5 + 0.5 * recall)


_MONEY = re.compile(r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|€|\$))")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def money(text: str) -> str | None:
    """The first amount of money written in ``text`` (``$12.50``), or None."""
    found = _MONEY.search(text)
    return found.group(0).strip() if found else None


def parse_number(text: str) -> float | None:
    """The first number in ``text`` as a float (``"$1,299.00"`` -> 1299.0), or None."""
    found = _NUMBER.search(text.replace("\u2212", "-"))
    if not found:
        return None
    try:
        return float(found.group(0).replace(",", ""))
    except ValueError:
        return None
