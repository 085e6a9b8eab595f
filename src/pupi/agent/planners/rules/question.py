"""Reading a question: its kind, the fields it asks for, its subject.

A question is a value, a count, a yes/no or a list; the attributes asked for
are matched against the page's own field names, with a few synonyms ("cost"
is the price); an ordinal or a superlative picks the subject. See
:mod:`.answer` for how the page then answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pupi.agent.planners.rules.layout import subject_nouns
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.records import SYNONYMS, match_key, superlative_spec
from pupi.agent.planners.rules.text import STOPWORDS, normalize, stem

__all__ = [
    "COMPARE",
    "COUNT",
    "GENERIC",
    "GENERIC_OWNED",
    "LEAD",
    "YESNO",
    "Question",
    "read_question",
]

LEAD = re.compile(
    r"^(?:(?:please|can you|could you|would you|now|then|and|also|finally)\s+)*"
    r"(?:find out|find|tell me|tell us|tell|give me|get me|get|extract|read|show me|list|return|"
    r"report|look up|determine|print|say|what is|what's|whats|what are|what was|what were|"
    r"which is|which are|who is|who are|who|which|what)\s+",
    re.I,
)
YESNO = re.compile(
    r"^(?:is|are|was|were|does|do|did|can|has|have|will)\b|\b(?:whether|check if|see if|make sure|"
    r"verify that|verify|ensure|confirm that|check that)\b",
    re.I,
)
COUNT = re.compile(
    r"\bhow many\b|\bnumber of\b|^count\b|\bcount (?:the|of)\b"
    r"|\bhow much\b(?= .*\b(?:items?|products?)\b)",
    re.I,
)
COMPARE = re.compile(
    r"\b(under|below|less than|cheaper than|at most|no more than|over|above|more than|"
    r"at least|no less than|greater than|fewer than|pricier than|more expensive than)"
    r"\s+\$?\s*(\d[\d,]*(?:\.\d+)?)",
    re.I,
)
BELOW = ("under", "below", "less than", "fewer than", "cheaper than", "at most", "no more than")
_NUM = r"(?<![\w$])(\$?\d[\d,]*(?:\.\d+)?)"


def comparisons(low: str) -> str:
    """Bounds in the one form :data:`COMPARE` reads.

    "3 or more beds" -> "no less than 3 beds"; "5 or fewer" -> "no more than 5";
    "between $300 and $500" -> "no less than $300 and no more than $500".
    """
    low = re.sub(rf"{_NUM}\s+or\s+(?:more|over|above|greater|higher)\b", r"no less than \1", low)
    low = re.sub(rf"{_NUM}\s+or\s+(?:fewer|less|under|below|lower)\b", r"no more than \1", low)
    return re.sub(
        rf"\bbetween\s+{_NUM}\s+and\s+{_NUM}", r"no less than \1 and no more than \2", low
    )


GENERIC = frozenset(
    stem(w)
    for w in [
        "product",
        "products",
        "item",
        "items",
        "employee",
        "employees",
        "person",
        "people",
        "row",
        "rows",
        "result",
        "results",
        "entry",
        "entries",
        "record",
        "records",
        "one",
        "ones",
        "there",
        "total",
        "list",
        "name",
        "names",
        "value",
        "values",
        "all",
        "every",
        "each",
        "both",
        "many",
        "much",
        "number",
        "count",
        "exist",
        "exists",
        "available",
        "listed",
        "shown",
        "displayed",
        "page",
        "site",
        "table",
        "show",
        "work",
        "works",
        "working",
        "called",
        "named",
        "titled",
        "currently",
        "cost",
        "costs",
        "have",
        "has",
        "of",
        "named",
        "price",
        "whose",
        "their",
        "his",
        "her",
        "they",
        "them",
        "same",
        "also",
        "only",
        "just",
        "which",
        "with",
    ]
)


@dataclass
class Question:
    text: str
    kind: str
    attributes: list[str]
    ordinal: int | None
    superlative: str | None
    plural: bool


def attributes_of(text: str, keys: list[str]) -> list[str]:
    """Attribute words of the question, in the order they are written."""
    words = normalize(text).split()
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if taken & set(span):
                continue
            phrase = " ".join(words[start : start + size])
            if phrase in STOPWORDS:
                continue
            key = match_key(phrase, keys) if keys else None
            canonical = next(
                (c for c, syn in SYNONYMS.items() if phrase == c or (phrase in syn and size > 1)),
                None,
            )
            if canonical is None and phrase in SYNONYMS:
                canonical = phrase
            if canonical is None and size == 1:
                canonical = next((c for c, syn in SYNONYMS.items() if phrase in syn), None)
            name = key or canonical
            if name and name not in (n for _, n in found):
                found.append((start, name))
                taken |= set(span)
    return [name for _, name in sorted(found)]


# Columns that name a person, read for "who ...?" when no other field is named.
_PEOPLE = """instructor, teacher, lecturer, professor, tutor, author, writer, owner, agent,
host, speaker, organizer, organiser, manager, assignee, contact, presenter, coach, doctor,
seller, landlord, employee, person, name, full name, contact person"""
PERSON_KEYS = frozenset(word.strip() for word in _PEOPLE.split(","))


_WHEN_KEYS = frozenset(("day", "days", "time", "times", "schedule", "meets", "hours"))


_POSSESSION = re.compile(
    r"((?:[\w@.-]+\s+){0,2}[\w@.-]+)['\u2019]s\s+([\w -]+?)(?=$|[?,]|\s+(?:of|in|on|for|at)\b)"
)
GENERIC_OWNED = frozenset({"name", "value", "details", "entry"})
"""What "A's B" may say as B when it means A itself ("the manager's name")."""


def _possessed(owner: str, thing: str, attributes: list[str], keys: list[str]) -> list[str]:
    """The one field "A's B" asks for: A when B only says "name" or "value", else B."""
    owned = attributes_of(thing, keys)
    mine = attributes_of(owner, keys)
    if normalize(thing) in GENERIC_OWNED and mine:
        return mine  # "the account manager's name": the Account manager field
    if owned:
        return [a for a in attributes if a not in mine or a in owned] or owned
    return attributes


def read_question(text: str, keys: list[str]) -> Question:
    low = comparisons(text.lower().strip(" ?.!"))
    if COUNT.search(low):
        kind = "count"
    elif YESNO.search(low):
        kind = "yesno"
    else:
        kind = "value"
    target = parse_target(LEAD.sub("", low))
    attributes = attributes_of(re.sub(r"\b(?:how many|number of)\b", " ", low), keys)
    # "the second job", "the Air France flight": a noun naming the subject, not a field.
    named = attributes_of(re.sub(r"\b(?:how many|number of)\b", " ", subject_nouns(text)), keys)
    if named and len(named) < len(attributes):
        attributes = named
    if len(attributes) > 1 and (owned := _POSSESSION.search(low)):
        attributes = _possessed(owned[1], owned[2], attributes, keys)
    if "time" in attributes and len(attributes) > 1:
        attributes = [a for a in attributes if a != "time"]  # "what time ... depart": Departure
    if not attributes and low.startswith("when"):
        # "When does Biology meet?" on a timetable without dates: its days and times.
        timed = [k for k in keys if normalize(k) in _WHEN_KEYS]
        attributes = timed[:2] if timed and match_key("date", keys) is None else ["date"]
    if not attributes and low.startswith("where"):
        attributes = ["location"]
    if not attributes and low.startswith("how much") and kind == "value":
        attributes = ["price"]
    superlative = target.superlative
    if superlative and (spec := superlative_spec(superlative)):
        # "Who earns the highest salary?": the salary is how to choose, the name is the answer.
        compared = {spec[0], match_key(spec[0], keys)}
        if low.startswith(("who", "which")) or len(attributes) > 1:
            attributes = [a for a in attributes if a not in compared] or (
                [] if low.startswith(("who", "which")) else attributes
            )
    if not attributes and low.startswith("who"):
        # "Who teaches X?", "whose post has the most likes?": the column naming a person
        # (Instructor, Agent, Host ...), also once the superlative took its own field.
        attributes = [k for k in keys if normalize(k) in PERSON_KEYS][:1]
    plural = bool(
        re.search(
            r"^(?:list|name)\b|\ball\b|\bevery\b|\beach\b|\bwhat are\b|\bwhich \w+s\b"
            r"|\bnames\b|\bprices\b",
            low,
        )
    )
    return Question(low, kind, attributes, target.ordinal, superlative, plural)


def compared_attribute(question: Question, end: int) -> str:
    """The field a bound ending at ``end`` applies to: the one named after it, else the first."""
    after = {stem(w) for w in normalize(question.text[end:]).split()}
    for attribute in question.attributes:
        if {stem(w) for w in normalize(attribute).split()} <= after:
            return attribute
    return question.attributes[0] if question.attributes else "price"
