"""Values the user points at instead of giving: "the value of Country", "the text below".

A value to type that is not quoted and starts like a description ("the ...",
"your ...", "Hana's ...") names something on the page. Each resolver below
reads one kind of reference; :func:`resolve_reference` tries them in order.
A reference none of them can resolve is refused by the caller rather than
typed as words, unless it also carries a literal (a number, a date, an
e-mail): "the date 12/14/2026" is a noun and its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from pupi.agent.observe.model import Element, Observation
from pupi.agent.planners.rules.answer import page_record
from pupi.agent.planners.rules.ground import is_typeable
from pupi.agent.planners.rules.question import GENERIC_OWNED
from pupi.agent.planners.rules.records import match_key
from pupi.agent.planners.rules.text import ORDINALS, normalize

__all__ = ["carries_literal", "is_reference", "reference_key", "resolve_reference"]

Resolver = Callable[[str, Observation], str | None]

_REFERENCE = re.compile(
    r"^(?:the|your|this|that|my)\s+\w|^[\w@.-]+(?:\s+[\w@.-]+){0,3}['\u2019]s\s+\w"
)
_LITERAL = re.compile(r"\d[\d/:.-]*\d|\S+@\S+|\b\d{2,}\b")


def is_reference(value: str) -> bool:
    """Whether an unquoted ``value`` reads as a description of something on the page."""
    return bool(_REFERENCE.match(value.strip()))


def carries_literal(value: str) -> bool:
    """Whether ``value`` holds a literal of its own (a number, a date, an e-mail)."""
    without_ordinals = re.sub(r"\b\d+(?:st|nd|rd|th)\b", " ", value)
    return bool(_LITERAL.search(without_ordinals))


# Where on the page the thing is, which names nothing of it: "the order number listed above".
_WHERE = re.compile(
    r"\s+(?:(?:that\s+is\s+|which\s+is\s+)?(?:shown|listed|given|displayed|written|stated|"
    r"mentioned|printed|found)\s+)?(?:(?:in|on|from|at|inside)\s+(?:the\s+)?"
    r"(?:table|page|list|summary|box|panel|card|section|details|overview|screen)"
    r"(?:\s+(?:above|below))?|above|below|here)$",
    re.IGNORECASE,
)


def reference_key(value: str) -> str:
    """The name of the thing ``value`` points at: "the Member ID shown in the table"
    gives "Member ID"."""
    text = _WHERE.sub("", value.strip(" .,").replace("\u2019", "'"))
    text = re.sub(r"^(?:the|your|this|that|my)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"^(?:value|content|contents)\s+of\s+(?:the\s+)?", "", text, flags=re.IGNORECASE)


def resolve_reference(value: str, observation: Observation) -> str | None:
    """What ``value`` ("the 5th word in the paragraph") refers to on the page, or None."""
    phrase = value.strip(" .,").replace("\u2019", "'")
    for resolver in RESOLVERS:
        found = resolver(phrase, observation)
        if found:
            return found
    return None


_ORDINAL = r"(?P<ordinal>" + "|".join(ORDINALS) + r"|last)"
_NTH_WORD = re.compile(
    rf"^(?:the\s+)?{_ORDINAL}\s+word\s+(?:in|of|from)\s+(?:the\s+)?(?P<rest>.+)$"
)


def _nth_word(phrase: str, observation: Observation) -> str | None:
    """ "the 5th word in the paragraph": that word of the page's longest statement."""
    found = _NTH_WORD.match(phrase.lower())
    if found is None:
        return None
    blocks = [t for t in observation.texts if not t.rstrip().endswith("?")]
    if not blocks:
        return None
    words = re.findall(r"[\w'-]+", max(blocks, key=len))
    ordinal = -1 if found["ordinal"] == "last" else ORDINALS[found["ordinal"]]
    position = ordinal - 1 if ordinal > 0 else len(words) + ordinal
    return words[position] if 0 <= position < len(words) else None


_ANSWER = re.compile(r"^(?:your|the|my)\s+(?:answer|result|solution|sum|total)$")
_NUMBER = r"-?\d+(?:\.\d+)?"
_EXPRESSION = re.compile(rf"({_NUMBER})\s*([+\-\u2212\u00d7x*/\u00f7])\s*({_NUMBER})(?!\S*\d)")


def arithmetic(observation: Observation) -> str | None:
    """The value of the one arithmetic problem the page shows ("17 + 26"), or None."""
    problems = {
        (a, op, b)
        for text in [*observation.texts, *observation.headings]
        for a, op, b in _EXPRESSION.findall(text)
    }
    if len(problems) != 1:
        return None
    a, op, b = problems.pop()
    x, y = Fraction(a), Fraction(b)
    if op in "/\u00f7" and y == 0:
        return None
    result = {
        "+": x + y,
        "-": x - y,
        "\u2212": x - y,
        "*": x * y,
        "x": x * y,
        "\u00d7": x * y,
        "/": x / y if y else x,
        "\u00f7": x / y if y else x,
    }[op]
    return str(result.numerator) if result.denominator == 1 else f"{float(result):g}"


def _answer(phrase: str, observation: Observation) -> str | None:
    """ "your answer": the result of the problem the page shows."""
    return arithmetic(observation) if _ANSWER.match(phrase.lower()) else None


_FIELD_TEXT = re.compile(
    r"^the\s+(?:text|content|contents|value|words)\s+(?:in|from|of|inside)\s+(?:the\s+)?(.+)$"
)


def _field_text(phrase: str, observation: Observation) -> str | None:
    """ "the text from the textarea": what the one field of that kind or name holds."""
    found = _FIELD_TEXT.match(phrase.lower())
    if found is None:
        return None
    place = normalize(found[1])
    filled = [e for e in observation.elements if is_typeable(e) and e.value and e.visible]
    fits: list[Element] = [
        e
        for e in filled
        if (place in ("textarea", "text area") and e.tag == "textarea")
        or normalize(e.label or e.name or "") == re.sub(r"\s+(?:field|box|input)$", "", place)
    ]
    return fits[0].value if len(fits) == 1 else None


_NEAR = re.compile(
    r"^the\s+(?:text|sentence|words|phrase|line|paragraph|passage|quote)\s+"
    r"(below|above|underneath|beneath)$"
)


def _text_near(phrase: str, observation: Observation) -> str | None:
    """ "the text below": the block after the one sentence that says "below"."""
    found = _NEAR.match(phrase.lower())
    if found is None:
        return None
    below = found[1] != "above"
    texts = observation.texts
    pointing = [
        i for i, text in enumerate(texts) if re.search(rf"\b{found[1]}\b", text, re.IGNORECASE)
    ]
    if len(pointing) != 1:
        return None
    other = pointing[0] + (1 if below else -1)
    return texts[other] if 0 <= other < len(texts) else None


def _page_field(phrase: str, observation: Observation) -> str | None:
    """ "the value of Country", "the customer ID", "the account manager's name": a field
    the page states once ("Country | Portugal")."""
    text = reference_key(phrase)
    names = [text]
    if found := re.match(r"^(.+?)'s\s+(.+)$", text):
        owner, thing = found[1], found[2]
        # "the manager's name" is the manager; "the customer's postcode" is the postcode.
        names = [owner] if normalize(thing) in GENERIC_OWNED else [f"{owner} {thing}", thing]
    fields = page_record(observation).fields
    for name in names:
        key = match_key(name, [k for k in fields if k != "name"])
        if key is not None and fields[key]:
            return fields[key]
    return None


RESOLVERS: tuple[Resolver, ...] = (_nth_word, _answer, _field_text, _text_near, _page_field)
"""The kinds of reference, most specific first."""
