"""Structured answers: filling an output schema from what the page shows.

The schema's :data:`~pupi.agent.shapes.Shape` says what to build:

- a list of records (``list[Product]``): the item list or table whose parts
  best match the record's fields, a record per row, narrowed by the names and
  bounds the question mentions ("under $30");
- a list of values (``list[str]``): one field of each row, the one the
  question asks for ("list the prices"), else the row's name;
- one record (``Product``): the row the question picks ("the cheapest"), or
  the page itself when it describes one thing (a heading, "Label: value" texts,
  a specification table), or the page's only row;
- one value: the question's answer.

Fields are matched by words to the page's column headers, item parts and
labels: the field's name (``unit_price`` reads "unit price"), its title, its
description, with the synonyms the answerer knows ("cost" is the price). Each
value is converted to the field's type (:mod:`.typed`). A field the page has
nothing for is left out (null when the schema allows it), so that validation
names it; a schema none of whose fields the page has is a
:class:`~.ground.GroundingError`, as any clause the page cannot ground.
"""

from __future__ import annotations

import re
from typing import Any

from pupi.agent.observe.model import Observation
from pupi.agent.planners.rules.answer import answer_question, asked_records, page_record
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.question import read_question
from pupi.agent.planners.rules.records import Dataset, Record, datasets, field_value, match_key
from pupi.agent.planners.rules.text import STOPWORDS, normalize
from pupi.agent.planners.rules.typed import MISSING, typed_value
from pupi.agent.schema import OutputSchema
from pupi.agent.shapes import FieldShape, ListShape, ObjectShape, Shape, ValueShape

__all__ = ["fill_output"]

_LINK_WORDS = frozenset({"url", "link", "href", "uri", "website"})
_SAMPLE = 3
"""Rows read to judge how well a list or table matches a record's fields."""
_PARTS = re.compile(r"\s*(?:[,;/·|]|\band\b)\s*")


def fill_output(output: OutputSchema, question: str | None, observation: Observation) -> Any:
    """The answer to ``question`` (None: the page as it is) shaped as ``output``, as JSON.

    Raises :class:`~.ground.GroundingError` when the page has nothing the
    schema asks for.
    """
    return _fill(output.shape, question, observation)


def _fill(shape: Shape, question: str | None, observation: Observation) -> Any:
    if isinstance(shape, ListShape):
        return _fill_list(shape, question, observation)
    if isinstance(shape, ObjectShape):
        return _fill_object(shape, question, observation)
    if not question:
        raise GroundingError("a single value needs a question to answer")
    value = typed_value(answer_question(question, observation), shape)
    if value is MISSING:
        raise GroundingError(f"the answer to '{question}' is not {_kind(shape)}")
    return value


# -- lists ------------------------------------------------------------------


def _fill_list(shape: ListShape, question: str | None, observation: Observation) -> list[Any]:
    sets = datasets(observation)
    item = shape.item
    if isinstance(item, ObjectShape):
        dataset = _best_dataset(item.fields, sets)
        records = _asked(question, observation, dataset)
        return [_record(item, record) for record in records]
    if isinstance(item, ValueShape):
        attribute = _asked_attribute(question, shape, sets)
        fits = [d for d in sets if any(field_value(r, attribute) for r in d.records[:_SAMPLE])]
        if not fits:
            raise GroundingError(f"no list or table on the page has a {attribute}")
        records = _asked(question, observation, fits[0])
        values = [_typed(field_value(record, attribute), item) for record in records]
        return [value for value in values if value is not MISSING]
    raise GroundingError("the page has no lists of lists to fill")


def _best_dataset(fields: tuple[FieldShape, ...], sets: list[Dataset]) -> Dataset:
    """The list or table whose rows have most of the fields (a named column beats a guess)."""
    best: tuple[float, Dataset] | None = None
    for dataset in sets:
        sample = dataset.records[:_SAMPLE]
        score = sum(_lookup(field, record)[1] for field in fields for record in sample)
        score /= max(len(sample), 1)
        if score > 0 and (best is None or score > best[0]):
            best = (score, dataset)
    if best is None:
        wanted = ", ".join(field.name for field in fields) or "items"
        raise GroundingError(f"no list or table on the page has {wanted}")
    return best[1]


def _asked(question: str | None, observation: Observation, dataset: Dataset) -> list[Record]:
    if not question:
        return dataset.records
    records, _ = asked_records(question, observation, dataset)
    return records


def _asked_attribute(question: str | None, shape: ListShape, sets: list[Dataset]) -> str:
    """The field a list of values holds: the question's ("the prices"), else the name."""
    keys = [key for dataset in sets for key in dataset.keys]
    if question and (attributes := read_question(question, keys).attributes):
        return attributes[0]
    for words in (shape.title, shape.description):
        if words and (key := match_key(words, keys)):
            return key
    return "name"


# -- one record -------------------------------------------------------------


def _fill_object(shape: ObjectShape, question: str | None, observation: Observation) -> Any:
    if any(_lists_records(field.shape) for field in shape.fields):
        # A page-sized record ("the page's heading and its products"): its lists of
        # records come from the page's lists and tables, its other fields from the page.
        page = page_record(observation)
        out = {}
        for field in shape.fields:
            if isinstance(field.shape, ListShape) and _lists_records(field.shape):
                out[field.name] = _fill_list(field.shape, question, observation)
            elif (value := _field(field, page)) is not MISSING:
                out[field.name] = value
        return out
    record = _one_record(shape, question, observation)
    filled = _record(shape, record)
    if not any(filled.get(field.name) is not None for field in shape.fields):
        raise GroundingError(
            "the page shows none of " + ", ".join(field.name for field in shape.fields)
        )
    return filled


def _one_record(shape: ObjectShape, question: str | None, observation: Observation) -> Record:
    """The row the question picks, else the page when it describes one thing, else the only row."""
    sets = [d for d in datasets(observation) if _score(shape.fields, d) > 0]
    if question:
        for dataset in sets:
            records, picks = asked_records(question, observation, dataset)
            if len(records) == 1 and (picks or len(dataset.records) > 1):
                return records[0]
    page = page_record(observation)
    described = [key for key in page.fields if key != "name"]
    best_row = max((_score(shape.fields, d) for d in sets), default=0.0)
    if described and _record_score(shape.fields, page) >= best_row:
        return page
    lone = [d for d in sets if len(d.records) == 1]
    if lone:
        return lone[0].records[0]
    if not sets:
        return page
    count = len(sets[0].records)
    raise GroundingError(
        f"the page lists {count} items; say which one (the first, the cheapest, or its name)"
    )


def _score(fields: tuple[FieldShape, ...], dataset: Dataset) -> float:
    sample = dataset.records[:_SAMPLE]
    return sum(_record_score(fields, record) for record in sample) / max(len(sample), 1)


def _record_score(fields: tuple[FieldShape, ...], record: Record) -> float:
    return sum(_lookup(field, record)[1] for field in fields)


def _record(shape: ObjectShape, record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in shape.fields:
        value = _field(field, record)
        if value is not MISSING:
            out[field.name] = value
        elif _nullable(field.shape):
            out[field.name] = None
    return out


def _field(field: FieldShape, record: Record) -> Any:
    shape = field.shape
    if isinstance(shape, ObjectShape):
        # A record inside a row (a product's seller): read from the same row.
        inner = _record(shape, record)
        return inner if any(value is not None for value in inner.values()) else MISSING
    text, _ = _lookup(field, record)
    if text is None:
        return MISSING
    if isinstance(shape, ListShape):
        if not isinstance(shape.item, ValueShape):
            return MISSING
        parts = [_typed(part, shape.item) for part in _PARTS.split(text) if part.strip()]
        return [part for part in parts if part is not MISSING]
    return _typed(text, shape)


def _lookup(field: FieldShape, record: Record) -> tuple[str | None, float]:
    """The text of ``field`` in ``record``, and how sure: 1 for a named part, 0.5 for a guess.

    A guess is a value found by its look in the row's text: an amount of money
    for a price, an address for an email, the row's name for a name.
    """
    keys = list(record.fields)
    names = field.names()
    for phrase in names:
        key = match_key(phrase, keys)
        if key is not None and record.fields[key]:
            return field_value(record, phrase), 1.0
    if set(normalize(names[0]).split()) & _LINK_WORDS and record.fields.get("href"):
        return record.fields["href"], 1.0
    for phrase in names:
        if value := field_value(record, phrase):  # "" is nothing found either
            return value, 0.5
    # A long title or description: its words, one at a time ("Price in US dollars").
    for phrase in names[1:]:
        for word in normalize(phrase).split():
            if word in STOPWORDS or len(word) < 3:
                continue
            key = match_key(word, keys)
            if key is not None and record.fields[key]:
                return field_value(record, word), 0.75
    return None, 0.0


def _typed(text: str | None, shape: ValueShape) -> Any:
    return MISSING if text is None else typed_value(text, shape)


def _lists_records(shape: Shape) -> bool:
    return isinstance(shape, ListShape) and isinstance(shape.item, ObjectShape)


def _nullable(shape: Shape) -> bool:
    return shape.nullable


def _kind(shape: ValueShape) -> str:
    named = sorted(shape.types - {"null"}) or ["a value"]
    return " or ".join(f"a {name}" if name != "integer" else "an integer" for name in named)
