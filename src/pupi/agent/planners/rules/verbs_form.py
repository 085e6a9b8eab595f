"""Readers for clauses that fill in forms: typing, field/value pairs, logging in.

Each reader returns an :class:`Intent` when the clause is of its kind, else
``None`` (see :mod:`.clause` for their order). A "fill" intent carries
field/value pairs; a "type" intent one value and, when named, its field.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pupi.agent.planners.rules import verbs_pairs
from pupi.agent.planners.rules.intents import Intent, Pairs, Target
from pupi.agent.planners.rules.phrases import Clause
from pupi.agent.planners.rules.vocab import DETERMINER, SLOT, SOFT_SPLIT, TYPE_VERBS, VERBS

__all__ = [
    "fill_with",
    "form_with_colon",
    "log_in_or_out",
    "register",
    "set_field",
    "type_into",
    "type_loose",
]

# "send a message: ..." submits the form; "fill the form: ..." only fills it.
_FORM_VERBS = frozenset(
    {"send", "submit", "book", "register", "fill", "complete", "enter", "create", "order", "post"}
)
_FILL_ONLY = frozenset({"fill", "complete", "enter"})


def form_with_colon(c: Clause) -> Intent | None:
    """A form given after a colon: "send a message: name Ada, email a@b.c"."""
    found = re.match(r"^(\w+)\s+[^:]{0,40}?:\s+(.+)$", c.text)
    if found is None:
        return None
    verb = found[1].lower()
    # A verb the parser has no other reading for ("reserve a table: ...", "request a
    # quote: ...") is a form too when what follows is a list of several values.
    unknown = verb not in VERBS and len(SOFT_SPLIT.split(found[2])) > 1
    if verb not in _FORM_VERBS and not unknown:
        return None
    submit = verb not in _FILL_ONLY
    return c.intent("fill", pairs=c.pairs(found[2]), submit=submit)


def _login_pairs(c: Clause, body: str) -> Pairs:
    """Credentials from "as ada with password lovelace" or "with username ada and password x"."""
    body = body.strip()
    pairs: list[tuple[str | None, str]] = []
    if found := re.match(
        r"^(?:as|with user(?:name)?|using)\s+(\S+?)"
        r"(?:\s*/\s*|\s+(?:with|and|using)\s+(?:the\s+)?(?:password|pass|pw)?\s*(?::|=|of)?\s*)"
        r"(\S+)?\s*$",
        body,
        re.I,
    ):
        pairs.append(("username", c.value(found[1])[0]))
        if found[2]:
            pairs.append(("password", c.value(found[2])[0]))
        return tuple(pairs)
    body = re.sub(r"^(?:with|using)\s+", "", body, flags=re.I)
    for name, value in c.pairs(body):
        if name is None:
            words = value.split(maxsplit=1)
            if len(words) == 2:
                name, value = words[0], words[1]
        pairs.append((name, value))
    return tuple(pairs)


def log_in_or_out(c: Clause) -> Intent | None:
    """Logging out, or logging in ("log in as ada / lovelace") with the credentials."""
    if re.match(r"^(?:log|sign)\s*(?:out|off)\b", c.low):
        return c.intent("click", target=Target(text="log out"), alternative="sign out|logout")
    if found := re.match(r"^(?:log|sign)\s*(?:in|on)(?:to\s+\S+)?\s*(.*)$", c.text, re.I):
        return c.intent("login", pairs=_login_pairs(c, found[1]))
    # "use the credentials ada / x to log in"
    if found := re.match(
        r"^(?:use|with)\s+(?:the\s+|my\s+)?(?:(?:credentials|login|details|account)\s+)?(.+?)"
        r"\s+to\s+(?:log|sign)\s*(?:in|on)\b.*$",
        c.text,
        re.I,
    ):
        given = "with" if re.match(r"user", found[1], re.I) else "as"
        return c.intent("login", pairs=_login_pairs(c, f"{given} {found[1]}"))
    return None


def register(c: Clause) -> Intent | None:
    """Signing up: "register with name Ada, email a@b.c" (a form to submit), or a bare "sign up"."""
    found = re.match(
        r"^(?:register|sign up|create an account)\s*(?:with|using|as)?\s*(.*)$", c.text, re.I
    )
    if found is None:
        return None
    if found[1].strip():
        return c.intent("fill", pairs=c.pairs(found[1]), submit=True)
    return c.intent("click", target=Target(text=found[0].strip()))


# "with the slider": how the value is set, not part of the field's name.
_BY_WIDGET = re.compile(
    r"\s+(?:with|using|on|via|by)\s+(?:the\s+)?(?:slider|spinner|range|knob|dial|stepper|control)$",
    re.I,
)


def set_field(c: Clause) -> Intent | None:
    """Setting fields: "set the quantity to 3", "change size to M and colour to red",
    "turn the volume down to 2"."""
    text = _BY_WIDGET.sub("", c.text)
    if found := re.match(
        r"^(?:turn|move|slide|drag|adjust|bring|raise|lower)\s+(?:the\s+)?(.+?)"
        r"(?:\s+(?:up|down))?\s+to\s+(.+)$",
        text,
        re.I,
    ):
        value, exact = c.value(_BY_WIDGET.sub("", found[2]))
        return c.intent("set", value=value, exact_value=exact, field=c.target(found[1]))
    c = replace(c, text=text)
    found = re.match(r"^(?:set|change|update)\s+(.+)$", c.text, re.I)
    if found is None:
        return None
    chunks = re.split(r"\s+and\s+", found[1])
    if len(chunks) > 1 and all(" to " in chunk for chunk in chunks):
        pairs: list[tuple[str | None, str]] = []
        for chunk in chunks:
            name, _, value = chunk.rpartition(" to ")
            pairs.append((c.restore(DETERMINER.sub("", name.strip())), c.value(value)[0]))
        return c.intent("fill", pairs=tuple(pairs))
    if found := re.match(
        r"^(?:set|change|update)\s+(?:the\s+)?(.+?)\s+(?:to|as|=)\s+(.+)$", c.text, re.I
    ):
        value, exact = c.value(found[2])
        return c.intent("set", value=value, exact_value=exact, field=c.target(found[1]))
    return None


def type_into(c: Clause) -> Intent | None:
    """Typing into a named field: "type ada into the username field"."""
    # "into" first: "type the 5th word in the paragraph into Answer 2".
    found = re.match(
        rf"^(?:{TYPE_VERBS}|copy|paste)\s+(.+?)\s+(?:into|inside)\s+(?:the\s+)?(.+?)$",
        c.text,
        re.I,
    ) or re.match(
        rf"^(?:{TYPE_VERBS}|copy|paste)\s+(.+?)\s+(?:in|on|under)\s+(?:the\s+)?(.+?)$",
        c.text,
        re.I,
    )
    # "enter ada as the username in the form" is a pair, not a value for "the form".
    if found is None or re.search(r"\s(?:as|with)\s", found[1]):
        return None
    if len(SOFT_SPLIT.split(found[1])) > 1 and SLOT.search(found[1]):
        # "the username 'ada' and the password 'x' into the fields": a value per field.
        pairs = verbs_pairs.pairs_of(c, found[1])
        if len(pairs) > 1 and all(name for name, _ in pairs):
            return c.intent("fill", pairs=pairs)
    value, exact = c.value(found[1])
    return c.intent("type", value=value, exact_value=exact, field=c.target(found[2]))


def fill_with(c: Clause) -> Intent | None:
    """Filling with values: "fill the name with Ada and the email with a@b.c"."""
    found = re.match(r"^(?:fill|fill in|fill out|populate)\s+(.+)$", c.text, re.I)
    if found:
        chunks = SOFT_SPLIT.split(found[1])
        if len(chunks) > 1 and all(re.search(r"\swith\s", chunk) for chunk in chunks):
            return c.intent("fill", pairs=c.pairs(found[1]))
    found = re.match(
        r"^(?:fill|fill in|fill out|complete|populate)\s+(?:the\s+)?(.+?)\s+(?:with|using)\s+(.+)$",
        c.text,
        re.I,
    )
    if found is None:
        return None
    given = c.pairs(found[2])
    if len(given) == 1 and given[0][0] is None:
        value, exact = c.value(found[2])
        return c.intent("type", value=value, exact_value=exact, field=c.target(found[1]))
    whole = re.search(r"\b(?:form|forms|fields|details|everything|it|in|out)$", found[1], re.I)
    if given and given[0][0] is None and not whole:
        # "fill in Full name with Grace, email g@h.i": the first value is the named field's.
        given = ((c.restore(found[1]), given[0][1]), *given[1:])
    return c.intent("fill", pairs=given)


def type_loose(c: Clause) -> Intent | None:
    """Typing with no field named: "type hello" (the field in focus), "enter name Ada"."""
    found = re.match(rf"^(?:{TYPE_VERBS})\s+(?:in\s+|out\s+)?(.+)$", c.text, re.I)
    if found is None:
        return None
    given = c.pairs(found[1])
    if all(name is None for name, _ in given) and len(given) == 1:
        # "fill in the email ola@example.test": a field named by its noun, then its value.
        if named := _NOUN_AND_LITERAL.match(found[1]):
            return c.intent("fill", pairs=((c.restore(named[1]), c.value(named[2])[0]),))
        value, exact = c.value(found[1])
        return c.intent("type", value=value, exact_value=exact)
    return c.intent("fill", pairs=given)


_NOUN_AND_LITERAL = re.compile(
    r"^(?:the|my|your|our)\s+([a-z][\w -]{0,30}?)\s+(\S*\d\S*|\S+@\S+|\u27e6\d+\u27e7)$",
    re.IGNORECASE,
)
