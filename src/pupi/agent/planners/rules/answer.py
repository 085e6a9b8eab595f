"""Answering questions from what the page shows.

A question is read in four parts: its kind (a value, a count, yes/no, or a
list), the attributes asked for (matched against the page's own column and
field names, with a few synonyms: "cost" is the price), the subject (an
ordinal, a superlative, or names and values that appear in the page's rows),
and numeric conditions ("under $20"). The data comes from the page's tables
and item lists, and, on a detail page, from "Label: value" texts and the
main heading. The answer is text; a list or several fields are JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pupi.agent.observe.model import Observation
from pupi.agent.planners.rules.controls import field_number, options_answer, state_answer
from pupi.agent.planners.rules.ground import GroundingError, overlap
from pupi.agent.planners.rules.items import unknown_object
from pupi.agent.planners.rules.layout import text_pairs
from pupi.agent.planners.rules.question import BELOW, compared_attribute
from pupi.agent.planners.rules.question import COMPARE as _COMPARE
from pupi.agent.planners.rules.question import GENERIC as _GENERIC
from pupi.agent.planners.rules.question import YESNO as _YESNO
from pupi.agent.planners.rules.question import Question as _Question
from pupi.agent.planners.rules.question import read_question as _read
from pupi.agent.planners.rules.records import (
    SYNONYMS,
    Dataset,
    Record,
    datasets,
    field_value,
    key_values,
    match_key,
    sort_value,
    superlative_spec,
)
from pupi.agent.planners.rules.text import (
    ORDINALS,
    STOPWORDS,
    normalize,
    phrase_in,
    similarity,
    stem,
    tokens,
)
from pupi.agent.planners.rules.yesno import covers, looked_for, row_state

__all__ = ["answer_question", "asked_records", "page_record"]

_STATUS_WORDS = re.compile(
    r"\b(success|successful|successfully|thank|thanks|welcome|saved|submitted|sent|added|removed|"
    r"error|invalid|failed|confirmed|confirmation|logged|booked|booking|order|placed|updated|"
    r"deleted|created|received|complete|completed)\b",
    re.I,
)
# Fullwidth colon too, as in CJK-formatted "key: value" text.
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][\w '()-]{0,40}?)\s*[:：]\s*(.+?)\s*$")  # noqa: RUF001


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def page_record(observation: Observation) -> Record:
    """The page itself as one record: "Label: value" texts, and the main heading as name."""
    fields: dict[str, str] = dict(key_values(observation))
    for label, value in text_pairs(observation.texts).items():
        fields.setdefault(label, value)
    if observation.headings:
        fields["name"] = observation.headings[0]
    for text in observation.texts:
        for line in text.splitlines():
            if found := _KEY_VALUE.match(line):
                fields.setdefault(found[1].strip(), found[2])
    text = "\n".join([*observation.headings[:1], *observation.texts])
    return Record(fields, text, 0)


def asked_records(
    question_text: str, observation: Observation, dataset: Dataset
) -> tuple[list[Record], bool]:
    """The records of ``dataset`` that ``question_text`` is about, and whether it picks one.

    Names and values the question mentions narrow the rows, and so do its
    bounds ("under $30"); an ordinal or a superlative ("the cheapest") picks one.
    """
    keys = [*dataset.keys, *page_record(observation).fields]
    question = _read(question_text.replace(" || ", " "), keys)
    records = dataset.records
    for group in _filters(question, dataset):
        records = [r for r in records if r in group]
    records = _compare(question, dataset, records)
    if question.ordinal or question.superlative:
        return _choose(question, records), True
    return records, False


def _filters(question: _Question, dataset: Dataset) -> list[list[Record]]:
    """Rows selected by names and values of the question, one group per phrase found."""
    words = [
        w
        for w in normalize(re.sub(r"\b(?:how many|number of)\b", " ", question.text)).split()
        if w not in STOPWORDS and stem(w) not in _GENERIC and w not in ORDINALS
    ]
    blocked: set[str] = set()
    for attribute in question.attributes:
        blocked |= set(normalize(attribute).split())
        for canonical, synonyms in SYNONYMS.items():
            if attribute == canonical or normalize(attribute) in synonyms:
                blocked |= {w for s in synonyms for w in s.split()}
    if question.superlative:
        blocked |= set(question.superlative.split())
    # "Which book is the oldest?": the noun after "which" names the rows, not a filter.
    if subject := re.match(
        r"^(?:which|what)\s+(\w+)\s+(?:is|are|was|were|has|have|had)\b", question.text
    ):
        blocked.add(subject[1])
    for key in dataset.keys:
        blocked |= set(normalize(key).split())
    words = [w for w in words if w not in blocked and not re.fullmatch(r"\$?\d[\d,.]*", w)]
    groups: list[list[Record]] = []
    start = 0
    while start < len(words):
        matched = False
        for size in range(min(4, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + size])
            exact = [
                r for r in dataset.records if any(normalize(v) == phrase for v in r.fields.values())
            ]
            partial = exact or [r for r in dataset.records if phrase_in(phrase, r.text)]
            if partial and (len(partial) < len(dataset.records) or size > 1):
                groups.append(partial)
                start += size
                matched = True
                break
        if not matched:
            start += 1
    return groups


def _compare(question: _Question, dataset: Dataset, records: list[Record]) -> list[Record]:
    for found in _COMPARE.finditer(question.text):
        word, limit = found[1].lower(), float(found[2].replace(",", ""))
        attribute = compared_attribute(question, found.end())
        if "$" in question.text or "cheap" in word or "expensive" in word or "pric" in word:
            attribute = "price"
        below = word in BELOW
        inclusive = word in ("at most", "no more than", "at least", "no less than")
        kept = []
        for record in records:
            value = sort_value(record, attribute)
            if value is None:
                continue
            if (below and (value < limit or (inclusive and value == limit))) or (
                not below and (value > limit or (inclusive and value == limit))
            ):
                kept.append(record)
        records = kept
    return records


def _choose(question: _Question, records: list[Record]) -> list[Record]:
    if question.superlative:
        spec = superlative_spec(question.superlative)
        if spec is not None:
            attribute, largest = spec
            valued = [(sort_value(r, attribute), r) for r in records]
            numbers = [(v, r) for v, r in valued if v is not None]
            if not numbers:
                return []  # "the most likes" where no item states its likes: no guess
            best = max(v for v, _ in numbers) if largest else min(v for v, _ in numbers)
            return [next(r for v, r in numbers if v == best)]
    if question.ordinal is not None:
        position = question.ordinal - 1 if question.ordinal > 0 else len(records) + question.ordinal
        return [records[position]] if 0 <= position < len(records) else []
    return records


def _shape(question: _Question, records: list[Record], *, many: bool) -> str:
    attributes = question.attributes or ["name"]
    # "Which product costs $5?": the price is the condition, the name is the answer.
    if (
        question.text.startswith(("who", "which"))
        and question.attributes
        and not many
        and len(records) == 1
        and all(phrase_in(field_value(records[0], a) or "\0", question.text) for a in attributes)
    ):
        attributes = ["name"]

    # "Which homes cost between $300,000 and $500,000?": the bound chooses, the name answers.
    if question.text.startswith(("who", "which")) and (bound := _COMPARE.search(question.text)):
        compared = compared_attribute(question, bound.end())
        attributes = [a for a in attributes if a != compared] or ["name"]

    if len(attributes) > 1:
        # A word read as a field that none of the records has was not asked for.
        found = [a for a in attributes if any(field_value(r, a) for r in records)]
        attributes = found or attributes

    def one(record: Record) -> str | dict[str, str | None]:
        if len(attributes) == 1:
            return field_value(record, attributes[0]) or ""
        return {a: field_value(record, a) for a in attributes}

    if not many and len(records) == 1:
        value = one(records[0])
        return value if isinstance(value, str) else _json(value)
    return _json([one(r) for r in records])


# "how many comments does ...", "how many days of leave": a quantity of something, which
# a count of the page's items only answers when the page names the counted thing.
_COUNTED = re.compile(
    r"\bhow many\s+(?:[\w-]+\s+){0,2}?([a-z]+s)\s+(?:of\b|(?:does|do|did)\b.*"
    r"\b(?:have|get|receive|include|contain)\b)"
)
# Words a question about the page itself may use beyond those of its heading.
_ABOUT_PAGE = frozenset(
    """
    what which who is are this that these it its page item product article thing here name
    called title shown displayed listed the a an of on about tell me give find get show say
    says does do
    """.split()  # noqa: SIM905
)


_PLURAL = re.compile(r"\bhow many\s+([a-z]+?)s\b")


def _stated_count(question: _Question, records: list[Record]) -> str | None:
    """ "How many points is the second question worth?": the number its one item states."""
    found = _PLURAL.search(question.text)
    if found is None or not (question.ordinal or question.superlative or len(records) == 1):
        return None
    chosen = _choose(question, records)
    if len(chosen) != 1:
        return None
    stated = re.search(rf"(\d[\d,]*)\s+{re.escape(found[1])}s?\b", chosen[0].text, re.I)
    return stated[1].replace(",", "") if stated else None


def _counted_quantity(question: str) -> str | None:
    """The noun of a quantity "how many" asks for ("how many days of leave" -> "days")."""
    found = _COUNTED.search(question)
    return found[1] if found else None


def _unsaid(question: _Question, observation: Observation) -> str | None:
    """Words of ``question`` that neither ask about the page nor occur in its heading."""
    heading = set(normalize(" ".join([*observation.headings[:1], observation.title])).split())
    words = [w for w in normalize(question.text).split() if w not in _ABOUT_PAGE | STOPWORDS]
    unsaid = [w for w in words if w not in heading]
    return " ".join(unsaid) or None


def _special(question: _Question, observation: Observation) -> str | None:
    low = question.text
    if re.search(r"\b(?:dialog|alert|popup|pop-up|modal|prompt)\b", low) and observation.dialog:
        return _dialog_text(observation.dialog)
    if re.search(r"\bpage(?:'s)? title\b|\btitle of (?:the|this) page\b|\btab title\b", low):
        return observation.title
    if re.search(r"\b(?:current )?url\b|\baddress of\b", low):
        return observation.url
    if re.search(r"\b(?:main |page )?heading\b|\bheadline\b", low) and observation.headings:
        return observation.headings[0]
    if re.search(
        r"\b(?:message|notification|confirmation|status|error|banner|notice|greeting)\b", low
    ):
        status = [t for t in observation.texts if _STATUS_WORDS.search(t)]
        if observation.dialog:
            return _dialog_text(observation.dialog)
        if status:
            return (
                status[-1]
                if "error" not in low
                else next(
                    (t for t in status if re.search(r"error|invalid|failed|wrong", t, re.I)),
                    status[-1],
                )
            )
    return None


def _dialog_text(dialog: str) -> str:
    """The dialog's message without the "alert: " the agent puts before it."""
    return re.sub(r"(?:^|(?<=\| ))(?:alert|confirm|prompt|beforeunload): ", "", dialog)


_SAYS = re.compile(r"\b(?:answer|says?|said|text|content|reads?|describe|details|shown|shows)\b")


def _focused_text(observation: Observation, focus: str) -> str | None:
    """The text block that best belongs to ``focus`` (a section just opened)."""
    scored = [
        (overlap(focus, text), text)
        for text in observation.texts
        if normalize(text) != normalize(focus)
    ]
    good = [pair for pair in scored if pair[0] > 0.0]
    return max(good, key=lambda p: p[0])[1] if good else None


def _count(question: _Question, observation: Observation, sets: list[Dataset]) -> str | None:
    low = question.text
    checkboxes = [e for e in observation.elements if e.role in ("checkbox", "switch")]
    if checkboxes and re.search(r"\b(?:done|completed?|checked|ticked|finished|selected)\b", low):
        return str(sum(1 for e in checkboxes if e.checked))
    if checkboxes and re.search(
        r"\b(?:open|pending|incomplete|unchecked|not done|remaining|left|unfinished|to do)\b", low
    ):
        return str(sum(1 for e in checkboxes if not e.checked))
    for role, pattern in (
        ("link", r"links?"),
        ("button", r"buttons?"),
        ("checkbox", r"checkbox(?:es)?"),
        ("tab", r"tabs?"),
    ):
        if re.search(rf"\bhow many {pattern}\b|\bnumber of {pattern}\b", low):
            return str(sum(1 for e in observation.elements if e.role == role and e.visible))
    shown = re.search(r"\b(?:shown|displayed|visible|listed here|on (?:this|the) page)\b", low)
    if (noun := re.search(r"\bhow many\s+([a-z]+)", low)) and not shown:
        # "Showing 1-8 of 22 people": a paged list says how many there are in all.
        for text in observation.texts:
            if stated := re.search(rf"\bof\s+(\d[\d,]*)\s+{noun[1]}\b", text, re.I):
                return stated[1].replace(",", "")
    if re.search(r"\b(?:total|in all|altogether|overall|found|match)\b", low) or not sets:
        for text in observation.texts:
            if found := re.search(
                r"\bof\s+(\d[\d,]*)\s+(\w+)|(\d[\d,]*)\s+(results?|matches|items|products|records|entries|rows)\b",
                text,
                re.I,
            ):
                return (found[1] or found[3]).replace(",", "")
    return None


@dataclass(frozen=True)
class _Asked:
    """A question being answered, and what an answer strategy may read."""

    question: _Question
    text: str
    observation: Observation
    sets: list[Dataset]
    focus: str | None
    opened: bool


def _page_title(asked: _Asked) -> str | None:
    found = re.search(r"\bpage(?:'s)? title\b|\btitle of (?:the|this) page\b", asked.question.text)
    return asked.observation.title if found else None


def _dialog(asked: _Asked) -> str | None:
    named = re.search(r"\b(?:dialog|alert|popup|pop-up|modal|prompt)\b", asked.question.text)
    return _dialog_text(asked.observation.dialog) if named and asked.observation.dialog else None


def _focused(asked: _Asked) -> str | None:
    question = asked.question
    if not asked.focus or not (
        asked.opened or (_SAYS.search(question.text) and not question.attributes)
    ):
        return None
    return _focused_text(asked.observation, asked.focus)


def _special_value(asked: _Asked) -> str | None:
    return None if asked.question.attributes else _special(asked.question, asked.observation)


_Strategy = Callable[[_Asked], str | None]

_STRATEGIES: tuple[tuple[str | None, _Strategy], ...] = (
    (None, _page_title),
    (None, _dialog),
    ("value", _focused),
    ("value", lambda asked: state_answer(asked.text, asked.observation)),
    ("value", lambda asked: options_answer(asked.text, asked.observation)),
    ("value", _special_value),
    ("count", lambda asked: field_number(asked.text, asked.observation)),
    ("count", lambda asked: _count(asked.question, asked.observation, asked.sets)),
)
"""Answers a page states outright (its title, a dialog, a control's state, a
stated count), tried in order before the page's datasets are scored: the first
that answers wins. Each is tried only on the kind of question it names (None:
any kind) and says None when it has no answer."""


# Questions whose answer is a quantity: "How much is in my savings account?" is not
# answered by "Savings", whatever the page puts next to the words.
_QUANTITY = re.compile(
    r"^(?:(?:and|so|then)\s+)?(?:after\s+)?(?:how\s+(?:much|many|long|far|old|heavy|big|tall|"
    r"wide|often)|(?:at\s+)?what\s+time)\b",
    re.IGNORECASE,
)
_HAS_QUANTITY = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|once|twice|"
    r"daily|weekly|monthly|yearly|annually|never|none|free|noon|midnight)\b",
    re.IGNORECASE,
)


_MONEY = re.compile(r"[€$£¥]\s?\d|\d\s?(?:€|eur|usd|gbp)\b", re.IGNORECASE)


def _quantities_asked(question: _Question, dataset: Dataset) -> _Question:
    """A quantity question's attributes less those naming a column that holds no
    quantity: in "how much is left on my travel card?" the Card column names the
    row, and a column of amounts (Balance) answers."""

    def holds(key: str, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(record.fields.get(key, "")) for record in dataset.records)

    kept = [
        a
        for a in question.attributes
        if (key := match_key(a, dataset.keys)) is None or holds(key, _HAS_QUANTITY)
    ]
    if kept == question.attributes:
        return question
    if not kept and re.match(r"(?:\w+\s+)?how much\b", question.text, re.IGNORECASE):
        kept = [key for key in dataset.keys if holds(key, _MONEY)][:1]
    return replace(question, attributes=kept)


def _not_naming_the_rows(question: _Question, rows: list[Record]) -> _Question:
    """The question's attributes less those whose value the question itself says:
    in "the number of my travel card" the Card ("Travel") names the row."""
    if len(question.attributes) < 2:
        return question

    def says(attribute: str) -> bool:
        values = [field_value(row, attribute) for row in rows]
        return all(value and phrase_in(value, question.text) for value in values)

    kept = [a for a in question.attributes if not says(a)]
    return replace(question, attributes=kept) if kept else question


def answer_question(
    question_text: str, observation: Observation, *, focus: str | None = None, opened: bool = False
) -> str:
    """Answer ``question_text`` from ``observation``; :class:`GroundingError` when it cannot.

    ``focus`` is the name of the control the previous action used ("How long does
    shipping take?"): "tell me the answer" then means the text that goes with it,
    and so does any question once ``opened`` says that control was opened for it.
    An answer that cannot be what the question asks for (no quantity for "how
    much") is refused rather than given.
    """
    answer = _answer(question_text, observation, focus=focus, opened=opened)
    asked = question_text.split(" || ")[-1].strip()
    if _QUANTITY.match(asked) and not _HAS_QUANTITY.search(answer):
        raise GroundingError(f"found {answer!r}, which is no answer to '{asked}'")
    return answer


def _answer(
    question_text: str, observation: Observation, *, focus: str | None, opened: bool
) -> str:
    sets = datasets(observation)
    keys = [k for d in sets for k in d.keys] + list(page_record(observation).fields)
    text = question_text.replace(" || ", " ")
    question = _read(text, keys)
    asked = _Asked(question, text, observation, sets, focus, opened)
    for kind, strategy in _STRATEGIES:
        if kind in (None, question.kind) and (answer := strategy(asked)) is not None:
            return answer

    best: tuple[float, Dataset, list[Record]] | None = None  # score, dataset, rows
    for dataset in sets:
        groups = _filters(question, dataset)
        records = dataset.records
        for group in groups:
            records = [r for r in records if r in group]
        records = _compare(question, dataset, records)
        score: float = len(groups) * 2 + sum(
            1 for a in question.attributes if match_key(a, dataset.keys)
        )
        score += 0.5 if len(dataset.records) > 1 else 0
        if dataset.label and set(tokens(dataset.label)) <= set(tokens(question.text)):
            score += 3  # "the items under Done", "the cheapest dessert": the list it names
        if best is None or score > best[0]:
            best = (score, dataset, records)
    subject = bool(question.ordinal or question.superlative)

    if question.kind == "count":
        counted = re.search(r"\bhow many\s+([a-z]+)", question.text)
        if counted and stem(counted[1]) not in _GENERIC:
            amount = field_value(page_record(observation), counted[1])
            if amount and re.search(r"\d", amount):
                return amount  # "how many calories?" on a page that says "Calories 310"
        if best is None:
            raise GroundingError("nothing on the page to count")
        if (noun := _counted_quantity(question.text)) and unknown_object(observation, noun):
            # "How many comments does X have?" where no comment is shown: not a row count.
            raise GroundingError(f"the page shows no {noun} to count")
        if (stated := _stated_count(question, best[2])) is not None:
            return stated
        return str(len(best[2]))

    if question.kind == "yesno":
        return _yes_no(question, observation, best)

    if best is not None:
        score, dataset, records = best
        if _QUANTITY.match(text.split(" || ")[-1].strip()):
            question = _quantities_asked(question, dataset)
        filtered = len(records) < len(dataset.records) or subject or _COMPARE.search(question.text)
        if filtered or question.plural:
            chosen = _choose(question, records)
            if not chosen:
                raise GroundingError(f"no item on the page fits '{question_text}'")
            question = _not_naming_the_rows(question, chosen)
            many = question.plural and not subject
            wanted = question.attributes
            page_has = wanted and all(field_value(page_record(observation), a) for a in wanted)
            rows_have = any(field_value(r, a) for r in chosen for a in wanted)
            if not (page_has and not rows_have):  # else the page states it, not these rows
                return _shape(question, chosen, many=many or (len(chosen) > 1 and not subject))
    special = _special(question, observation)
    page = page_record(observation)
    if not question.attributes and special is None and (unsaid := _unsaid(question, observation)):
        # "How heavy is the laptop?" is not answered by the page's heading.
        raise GroundingError(f"the page does not say what '{unsaid}' asks for")
    attributes = question.attributes or ["name"]
    values = {a: field_value(page, a) for a in attributes}
    if all(v for v in values.values()):
        if len(values) == 1:
            return next(iter(values.values())) or ""
        return _json(values)
    if special is not None:
        return special
    missing = ", ".join(a for a, v in values.items() if not v)
    raise GroundingError(f"could not find the {missing} on the page to answer '{question_text}'")


def _yes_no(
    question: _Question, observation: Observation, best: tuple[float, Dataset, list[Record]] | None
) -> str:
    quoted = re.findall(r"[\"“']([^\"”']+)[\"”']", question.text)
    haystack = [*observation.texts, *observation.headings, *(e.name for e in observation.elements)]
    if quoted:
        return "yes" if any(phrase_in(q, h) for q in quoted for h in haystack) else "no"
    body = re.sub(_YESNO, " ", question.text)
    body = re.sub(r"^\s*(?:there|a|an|any|the)\b", " ", body).strip()
    subject, sought = looked_for(question.text) or ("", "")
    body = sought or body
    if best is not None and (state := row_state(question.text, best[1].records)) is not None:
        return state
    if sought and best is not None:
        # "Does the Family Suite have a king bed?" asks that row, in the row's own words;
        # "Does the recipe contain garlic?" asks the page, not the row that holds garlic.
        rows = [r for r in best[1].records if covers(subject, r.text)]
        if rows and len(rows) < len(best[1].records):
            return "yes" if any(covers(sought, r.text) for r in rows) else "no"
    if best is not None and not sought:
        _, dataset, records = best
        if len(records) < len(dataset.records):
            records = _compare(question, dataset, records)
            leftover = [
                w
                for w in normalize(body).split()
                if w not in STOPWORDS
                and stem(w) not in _GENERIC
                and not any(phrase_in(w, r.title()) for r in records)
            ]
            if not records:
                return "no"
            if not leftover:
                return "yes"
            phrase = " ".join(leftover)
            hits = [r for r in records if phrase_in(phrase, r.text)]
            if hits:
                return "yes"
            return "no" if similarity(phrase, records[0].text) < 0.5 else "yes"
    words = " ".join(
        w for w in normalize(body).split() if w not in STOPWORDS and stem(w) not in _GENERIC
    )
    if not words:
        raise GroundingError(f"cannot tell what to look for in '{question.text}'")
    if sought:
        haystack += [r.text for d in datasets(observation) for r in d.records]
        return "yes" if any(covers(words, h) for h in haystack) else "no"
    return "yes" if any(phrase_in(words, h) for h in haystack) else "no"
