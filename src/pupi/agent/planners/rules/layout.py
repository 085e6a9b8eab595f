"""Page layouts read as data: comparison tables and "label, then value" text pairs.

A comparison table lists its subjects across (one column per product) and
their attributes down (one row per feature); :func:`columns_as_rows` turns it
the usual way round so that "the price of the Beta" reads like any other row.
A dashboard often shows a label and its value as two text blocks one after
the other ("Available balance", "$4,218.50"); :func:`text_pairs` pairs them.
"""

from __future__ import annotations

import itertools
import re

from pupi.agent.observe.model import Table
from pupi.agent.planners.rules.text import parse_number

__all__ = ["columns_as_rows", "is_transposed", "subject_nouns", "text_pairs"]

_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[^\W\d_]+")


def _shape(value: str) -> str:
    """What a value looks like: "$1,199" and "$849" are both "$9", "1.2 kg" is "9 a"."""
    return re.sub(r"\s+", " ", _WORD.sub("a", _NUMBER.sub("9", value))).strip()


def _uniform(values: list[str]) -> bool:
    shapes = {_shape(v) for v in values if v}
    return len(shapes) == 1 and any(_NUMBER.search(v) for v in values)


def is_transposed(table: Table) -> bool:
    """Whether ``table`` has its subjects as columns and their attributes as rows.

    The first column then holds distinct labels, and values agree in shape
    along each row (all prices, all weights) rather than down each column.
    """
    headers, rows = table.headers, table.rows
    if len(headers) < 3 or len(rows) < 2 or any(len(r) != len(headers) for r in rows):
        return False
    labelled = [r for r in rows if r[0]]
    labels = [r[0] for r in labelled]
    if len(labelled) < 2 or len(set(labels)) != len(labels):
        return False
    if any(parse_number(label) is not None for label in labels):
        return False
    along = sum(1 for r in labelled if _uniform(r[1:]))
    down = sum(1 for j in range(1, len(headers)) if _uniform([r[j] for r in labelled]))
    return along >= max(2, len(labelled) // 2) and along > down


def columns_as_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """The headers and rows of a transposed table turned the usual way round."""
    labelled = [r for r in table.rows if r[0]]
    headers = [table.headers[0] or "name", *(r[0] for r in labelled)]
    rows = [[table.headers[j], *(r[j] for r in labelled)] for j in range(1, len(table.headers))]
    return headers, rows


def _is_label(text: str) -> bool:
    return (
        0 < len(text) <= 40
        and len(text.split()) <= 4
        and not re.search(r"\d|[.!?:;,]$", text)
        and text[0].isupper()
    )


# A number with an optional sign, currency and short unit: "$4,218.50", "15 min", "-2 %".
_AMOUNT = re.compile(r"^[+\-\u2212]?[$€£¥]?\s?\d[\d,.:]*(?:\s?[A-Za-z%]{1,6}){0,2}$")


def text_pairs(texts: list[str]) -> dict[str, str]:
    """Short labels followed by a short numeric value: {"Available balance": "$4,218.50"}."""
    pairs: dict[str, str] = {}
    for label, value in itertools.pairwise(texts):
        if _is_label(label) and _AMOUNT.match(value):
            pairs.setdefault(label, value)
    return pairs


_SUBJECT_NOUN = re.compile(
    r"(\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|next|"
    r"\d+(?:st|nd|rd|th)|cheapest|priciest|newest|latest|oldest|earliest|nearest|closest|"
    r"fastest|slowest|shortest|longest|lightest|heaviest|largest|smallest|biggest|"
    r"(?:most|least)\s+[a-z]+)"
    r"|(?<=[\w&])\s[A-Z][\w&.'-]*)\s+"
    r"(?!(?:of|in|on|at|to|for|from|with|by|and|or|is|are|was|were|the|a|an|cost|costs|"
    r"rated|priced)\b)"
    r"([a-z][a-z-]*)\b"
)


def subject_nouns(question: str) -> str:
    """``question`` in lower case without the noun that follows an ordinal or a proper name.

    In "Which company posted the second job?" and "When does the Air France
    flight leave?", "job" and "flight" say what kind of thing the subject is;
    they are not the field asked for.
    """
    return _SUBJECT_NOUN.sub(lambda m: m[1], question).lower()
