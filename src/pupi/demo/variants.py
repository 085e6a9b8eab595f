"""Variants of the demo site: the same pages with ids, classes and layout changed.

A site redesign breaks recorded selectors while the page still means the same
thing to a person; variants reproduce that on demand, deterministically, for
tests and benchmarks of self-healing replay::

    with DemoServer(variant=2) as site: ...      # or site.variant = 2 between runs

Variant 0 is the site as it is. Variant ``n`` (1 and up):

- renames every ``id``, ``class`` and ``data-*`` attribute name to ``v{n}-...``,
  with every reference to them (``for``, ``href="#..."``, ``aria-controls`` and
  the other id lists; the stylesheet's selectors), except the names the bundled
  scripts use, which are read from the scripts themselves, so every page still
  works;
- moves elements on the pages that take part (the login, contact and shop pages,
  the site's navigation): form fields, product cards and their parts come in a
  different order, and odd variants wrap them in extra containers.

What a person reads (labels, button texts, headings, names) never changes.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

__all__ = ["BASE", "Variant"]

T = TypeVar("T")

_TAG = re.compile(r"<[A-Za-z][^<>]*>")
# (?<![\w-]): an attribute's whole name, so "id=" is not found inside "data-product-id=".
_ID_ATTRIBUTE = re.compile(r'(?<![\w-])(id|for|list|form)="([^"]+)"')
_ID_LISTS = re.compile(
    r"(?<![\w-])(aria-(?:labelledby|describedby|controls|owns|activedescendant|errormessage)"
    r'|headers)="([^"]+)"'
)
_FRAGMENT = re.compile(r'(?<![\w-])href="#([^"]+)"')
_CLASS = re.compile(r'(?<![\w-])class="([^"]*)"')
_DATA = re.compile(r"(?<![\w-])data-([\w-]+)(?==)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_NAMES = re.compile(r"(\"[^\"]*\"|'[^']*')|([.#])(-?[A-Za-z_][\w-]*)|\[data-([\w-]+)")
_JS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_JS_DATASET = re.compile(r"\.dataset\.(\w+)")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
_MARKUP_NAMES = re.compile(r'(?<![\w-])(?:id|class|for)="([^"]*)"')
_SELECTOR_NAMES = re.compile(r"[#.\[]([A-Za-z_][\w-]*)")


@functools.cache
def _scripted() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """Names the bundled scripts use (kept by every variant), and the prefixes and
    suffixes of the names they build ("product-" + id + "-name")."""
    names: set[str] = set()
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for entry in resources.files("pupi.demo").joinpath("site").iterdir():
        if not entry.name.endswith(".js"):
            continue
        source = entry.read_text(encoding="utf-8")
        for double, single in _JS_STRING.findall(source):
            literal = double or single
            if "<" in literal:  # markup the script writes
                for values in _MARKUP_NAMES.findall(literal):
                    names.update(values.split())
            elif _NAME.fullmatch(literal):  # an id or class passed around ("prompt-result")
                names.add(literal)
            else:  # a selector ("form.add-form"); prose ("Enter an email.") has none
                names.update(_SELECTOR_NAMES.findall(literal))
            if literal.endswith("-") and _NAME.fullmatch(literal[:-1]):
                prefixes.add(literal)
            if literal.startswith("-") and _NAME.fullmatch(literal[1:]):
                suffixes.add(literal)
        for key in _JS_DATASET.findall(source):
            names.add("data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), key))
    return frozenset(names), tuple(sorted(prefixes)), tuple(sorted(suffixes))


@dataclass(frozen=True, slots=True)
class Variant:
    """One variant of the demo site (see the module docs); ``Variant(0)`` is the site itself."""

    number: int = 0

    def __post_init__(self) -> None:
        if self.number < 0:
            raise ValueError("a variant is a number from 0 (the site as it is) up")

    @property
    def is_base(self) -> bool:
        """Whether this is the site as it is, where nothing changes."""
        return self.number == 0

    def rename(self, name: str) -> str:
        """``name`` (an id or a class) as this variant spells it."""
        if self.is_base or not name or _is_scripted(name):
            return name
        return f"v{self.number}-{name}"

    def arrange(self, items: Sequence[T]) -> list[T]:
        """``items`` in this variant's order: shuffled by a seed of its number, never as given."""
        order = list(items)
        if self.is_base or len(order) < 2:
            return order
        random.Random(self.number).shuffle(order)
        if order == list(items):
            order = order[1:] + order[:1]
        return order

    def wrap(self, html: str, name: str) -> str:
        """``html`` inside an extra ``<div class=name>`` on odd variants, as it is on others."""
        if self.number % 2 == 0:
            return html
        return f'<div class="{name}">{html}</div>'

    def rewrite_html(self, document: str) -> str:
        """A whole page with its ids, classes and ``data-*`` names renamed, references too."""
        if self.is_base:
            return document
        return _TAG.sub(lambda tag: self._rewrite_tag(tag.group(0)), document)

    def rewrite_css(self, css: str) -> str:
        """A stylesheet whose selectors use this variant's names; declarations untouched."""
        if self.is_base:
            return css
        out: list[str] = []
        for chunk in re.split(r"([{}])", _CSS_COMMENT.sub("", css)):
            out.append(chunk)
        # A chunk right before "{" is a rule's prelude: a selector, or an at-rule.
        for index in range(len(out) - 1):
            if out[index + 1] == "{":
                head, _, prelude = out[index].rpartition(";")
                if not prelude.strip().startswith("@"):
                    out[index] = head + (";" if head else "") + self._rewrite_selector(prelude)
        return "".join(out)

    def _rewrite_tag(self, tag: str) -> str:
        tag = _ID_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{self.rename(m.group(2))}"', tag)
        tag = _ID_LISTS.sub(lambda m: f'{m.group(1)}="{self._names(m.group(2))}"', tag)
        tag = _FRAGMENT.sub(lambda m: f'href="#{self.rename(m.group(1))}"', tag)
        tag = _CLASS.sub(lambda m: f'class="{self._names(m.group(1))}"', tag)
        return _DATA.sub(lambda m: self._data(m.group(1)), tag)

    def _names(self, names: str) -> str:
        return " ".join(self.rename(name) for name in names.split())

    def _data(self, name: str) -> str:
        full = f"data-{name}"
        return full if _is_scripted(full) else f"data-v{self.number}-{name}"

    def _rewrite_selector(self, selector: str) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(1):  # a quoted string: an attribute's value, left alone
                return match.group(0)
            if match.group(4):
                return "[" + self._data(match.group(4))
            return match.group(2) + self.rename(match.group(3))

        return _CSS_NAMES.sub(one, selector)


def _is_scripted(name: str) -> bool:
    names, prefixes, suffixes = _scripted()
    return name in names or name.startswith(prefixes) or name.endswith(suffixes)


BASE = Variant(0)
"""The site as it is."""
