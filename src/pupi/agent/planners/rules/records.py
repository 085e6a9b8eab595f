"""Repeated things on a page as plain records, and picking one by ordinal or superlative.

Product cards (:class:`ItemList`) and table rows (:class:`Table`) both become
:class:`Record`s: a mapping of field name to text plus the whole text. The
answerer reads fields from them; the grounder uses them to find "the
cheapest product" before clicking its link or button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pupi.agent.observe.model import Observation, Table
from pupi.agent.planners.rules.layout import columns_as_rows, is_transposed
from pupi.agent.planners.rules.text import money, normalize, parse_number, similarity, tokens
from pupi.agent.planners.rules.values import parse_date

__all__ = [
    "SYNONYMS",
    "Dataset",
    "Record",
    "datasets",
    "field_value",
    "is_key_value",
    "key_values",
    "match_key",
    "numeric",
    "sort_value",
    "superlative_spec",
]

SYNONYMS: dict[str, tuple[str, ...]] = {
    "price": ("price", "cost", "amount", "total", "subtotal", "fee", "costs", "priced"),
    "name": ("name", "title", "label", "called", "named", "full name"),
    "title": ("title", "name", "heading", "called"),
    "rating": ("rating", "stars", "score", "rated", "rate", "reviews"),
    "email": ("email", "e-mail", "mail", "email address"),
    "date": (
        "date",
        "day",
        "when",
        "joined",
        "start date",
        "created",
        "hired",
        "since",
        "year",
        "published",
    ),
    "phone": ("phone", "telephone", "tel", "mobile", "phone number"),
    "department": ("department", "dept", "team", "division"),
    "quantity": ("quantity", "qty", "count", "amount"),
    "stock": ("stock", "availability", "available", "in stock", "inventory"),
    "category": ("category", "type", "kind", "group"),
    "description": ("description", "details", "summary", "about"),
    "role": ("role", "position", "job", "title"),
    "salary": ("salary", "paid", "pay", "wage", "earn", "earns", "income", "compensation"),
    "status": ("status", "state"),
    "author": ("author", "wrote", "written", "writer", "by", "posted by"),
    "time": ("time", "start time", "starts", "begins", "o'clock"),
    "location": ("location", "city", "office", "place", "based", "located", "where"),
}


@dataclass
class Record:
    """One item or table row: its fields by (original) name, and all its text."""

    fields: dict[str, str]
    text: str
    position: int

    def title(self) -> str:
        """The record's name: a name/title field, else its first field, else its text."""
        for key in self.fields:
            if normalize(key) in ("name", "title", "product", "full name", "product name"):
                return self.fields[key]
        for key, value in self.fields.items():
            if key != "text" and value and not parse_number(value) and "@" not in value:
                return value
        return self.text.split("\n")[0]


@dataclass
class Dataset:
    """Records from one list or table, with where they came from."""

    kind: str
    selector: str
    records: list[Record]
    label: str = ""
    keys: list[str] = field(default_factory=list)
    source: int | None = None
    """The list's position in ``Observation.lists`` (None for a table)."""


def datasets(observation: Observation) -> list[Dataset]:
    """Every table and item list of the page, largest first."""
    out: list[Dataset] = []
    for table in observation.tables:
        if is_key_value(table):
            continue  # a specification sheet describes the page, see key_values()
        headers, rows = table.headers, table.rows
        if is_transposed(table):
            headers, rows = columns_as_rows(table)
        records = []
        for number, row in enumerate(rows):
            names = (
                headers
                if len(headers) == len(row)
                else [f"column {i + 1}" for i in range(len(row))]
            )
            records.append(Record(dict(zip(names, row, strict=True)), " | ".join(row), number))
        out.append(Dataset("table", table.selector, records, table.caption or "", list(headers)))
    for source, item_list in enumerate(observation.lists):
        records = []
        keys: list[str] = []
        for number, item in enumerate(item_list.items):
            text = item.get("text") or " | ".join(item.values())
            records.append(Record({k: v for k, v in item.items() if k != "text"}, text, number))
            keys.extend(k for k in item if k != "text" and k not in keys)
        label = item_list.label or ""
        out.append(Dataset("list", item_list.selector, records, label, keys, source))
    out.sort(key=lambda d: -len(d.records))
    return out


def is_key_value(table: Table) -> bool:
    """Whether ``table`` is a two-column sheet of "label | value" rows without headers."""
    return not table.headers and bool(table.rows) and all(len(row) == 2 for row in table.rows)


def key_values(observation: Observation) -> dict[str, str]:
    """Labels and values of the page's specification tables."""
    return {
        row[0]: row[1] for table in observation.tables if is_key_value(table) for row in table.rows
    }


def match_key(attribute: str, keys: list[str]) -> str | None:
    """The field among ``keys`` that ``attribute`` names ("cost" -> "Price"), or None."""
    want = normalize(attribute)
    if not want:
        return None
    best, best_score = None, 0.0
    for key in keys:
        have = normalize(key)
        score = similarity(want, have)
        for canonical, words in SYNONYMS.items():
            if want in words or want == canonical:
                if have == canonical or have in words:
                    score = max(score, 0.9 if have == canonical else 0.8)
                elif any(w in have.split() for w in (canonical, *words)):
                    score = max(score, 0.7)
        if score > best_score:
            best, best_score = key, score
    return best if best_score >= 0.6 else None


_RATING = re.compile(
    r"(\d(?:\.\d+)?)\s*(?:/\s*5|out of 5|stars?)|(?:rat(?:ing|ed)|★)\s*:?\s*★?\s*(\d(?:\.\d+)?)",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A byline ("By Ada Lovelace · 2024-01-08", "Written by Alan Turing"): the capitalised
# words after "by" name the author when no field does (an article page, a lone result).
_BYLINE = re.compile(
    r"(?:^|\n|\b(?i:written|posted|published)\s+)[Bb]y\s+"
    r"([A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|de|van|von|da|di|del|la|le)){0,4})"
)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_SHORT_DATE = re.compile(
    rf"(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?!\w))",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\b", re.I)


def field_value(record: Record, attribute: str) -> str | None:
    """The text of ``attribute`` in ``record``, read from its fields or its text."""
    canonical = next(
        (c for c, words in SYNONYMS.items() if normalize(attribute) in (c, *words)), attribute
    )
    key = match_key(attribute, list(record.fields))
    if key is not None and record.fields[key]:
        value = record.fields[key]
        if canonical == "rating" and (found := _RATING.search(f"rating {value}")):
            return found[1] or found[2]  # "★ 4.5 (312 reviews)" -> "4.5"
        return value
    if canonical == "price":
        return money(record.text)
    if canonical == "rating" and (found := _RATING.search(record.text)):
        return found[1] or found[2]
    if canonical == "email" and (found := _EMAIL.search(record.text)):
        return found[0]
    if canonical in ("name", "title"):
        return record.title()
    if canonical == "author" and (found := _BYLINE.search(record.text)):
        return found[1]
    if canonical == "date" and (day := parse_date(record.text)):
        return day.isoformat()
    if canonical == "date" and (found := _SHORT_DATE.search(record.text)):
        return found[0]  # "Thu, Dec 3": a date without a year, as the page writes it
    if canonical == "time" and (found := _CLOCK.search(record.text)):
        return found[0]
    return None


def numeric(value: str | None) -> float | None:
    """A number to compare ``value`` by: amounts, counts, or dates as ordinals."""
    if value is None:
        return None
    if (day := parse_date(value)) is not None:
        return float(day.toordinal())
    return parse_number(value)


def sort_value(record: Record, attribute: str) -> float | None:
    """The number to rank ``record`` by ``attribute``; a yearless date uses its ``datetime``."""
    value = field_value(record, attribute)
    iso = record.fields.get("datetime")
    dated = normalize(attribute) in ("date", *SYNONYMS["date"])
    if iso and dated and (value is None or parse_date(value) is None):
        return numeric(iso)
    return numeric(value)


_SUPERLATIVES: list[tuple[str, str, bool]] = [
    (r"cheapest|least expensive|lowest[- ]priced", "price", False),
    (r"most expensive|priciest|highest[- ]priced|dearest", "price", True),
    (r"(?:highest|best|top)[- ]rated|most popular", "rating", True),
    (r"(?:lowest|worst)[- ]rated", "rating", False),
    (r"newest|latest|most recent(?:ly \w+)?", "date", True),
    (r"oldest|earliest", "date", False),
    (r"youngest", "age", False),
]


def superlative_spec(word: str) -> tuple[str, bool] | None:
    """("price", False) for "cheapest": the field to compare and whether larger wins."""
    lowered = word.lower().strip()
    for pattern, attribute, largest in _SUPERLATIVES:
        if re.fullmatch(pattern, lowered):
            return attribute, largest
    found = re.fullmatch(
        r"(highest|largest|biggest|longest|most|greatest|heaviest|lowest|smallest|shortest|least|"
        r"fewest|lightest)(?:\s+(.+))?",
        lowered,
    )
    if not found:
        return None
    largest = found[1] in (
        "highest",
        "largest",
        "biggest",
        "longest",
        "most",
        "greatest",
        "heaviest",
    )
    noun = found[2] or ""
    if noun and not set(tokens(noun)) & {
        "product",
        "item",
        "employee",
        "person",
        "result",
        "one",
        "row",
    }:
        return noun, largest
    return ("price" if found[1] in ("lowest", "highest") else "value"), largest
