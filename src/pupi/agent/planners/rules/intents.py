"""What the parser produces: an :class:`Intent` per clause and the :class:`Target` it names.

Both are plain frozen data: the parser (:mod:`.parse`) fills them from the
words alone, and :mod:`.act` later grounds them on a page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

__all__ = ["Intent", "IntentKind", "Pairs", "Region", "Scope", "Target"]

IntentKind = Literal[
    "go",
    "back",
    "forward",
    "reload",
    "click",
    "type",
    "fill",
    "login",
    "select",
    "set",
    "choose",
    "check",
    "uncheck",
    "press",
    "submit",
    "search",
    "add",
    "remove",
    "scroll",
    "wait",
    "hover",
    "sort",
    "solve",
    "ask",
]
"""What a clause asks for: an action on the page (each grounded by its handler in
:mod:`.act`) or ``ask``, a question answered from the page."""

Region = Literal["nav", "header", "footer", "main", "aside", "dialog"]
"""A landmark of the page, as :attr:`~pupi.agent.observe.model.Element.region` names it."""

Pairs = tuple[tuple[str | None, str], ...]
"""Field/value pairs of a form; the field is ``None`` when the prompt gives no name."""


@dataclass(frozen=True)
class Scope:
    """The list item a control belongs to, in the user's words.

    "the email from Mira about the venue" is ``Scope(noun="email", words=("Mira",
    "the venue"))``: the item must hold every phrase of ``words``; ``ordinal``
    counts among the items that do ("the second post from Nora").
    """

    noun: str
    words: tuple[str, ...]
    ordinal: int | None = None
    control: Target | None = None
    """The control of the item to use ("the trash icon"); None: the verb's or the item's own."""

    def describe(self) -> str:
        """The item as a short phrase for messages."""
        place = {None: "", -1: "last "}.get(self.ordinal, f"#{self.ordinal} ")
        words = " and ".join(f"'{w}'" for w in self.words)
        return f"the {place}{self.noun or 'item'} with {words}"


@dataclass(frozen=True)
class Target:
    """A description of one element (or list item) in the user's words.

    ``text`` is what remains after the role word ("button"), the ordinal
    ("second") and the context ("for the Blue Mug") are taken out.
    """

    text: str = ""
    role: str | None = None
    ordinal: int | None = None
    superlative: str | None = None
    context: str = ""
    exact: bool = False
    scope: Scope | None = None
    region: Region | None = None
    """The landmark the user puts it in ("from the navigation", "in the dialog")."""
    whole: str = ""
    """The words with the role word they end in ("Share link"), when that word was taken
    as the role: a name may hold it too."""
    numbered: str = ""
    """The "#5521" or "No. 12" that ``ordinal`` was read from: where the page shows
    it, a name (order #5521) rather than a place in a list."""

    def describe(self) -> str:
        """The description as a short phrase for messages."""
        parts = []
        if self.ordinal is not None:
            parts.append("last" if self.ordinal == -1 else f"#{self.ordinal}")
        if self.superlative:
            parts.append(self.superlative)
        if self.text:
            parts.append(f"'{self.text}'")
        if self.role:
            parts.append(self.role)
        if self.context:
            parts.append(f"for '{self.context}'")
        if self.scope:
            parts.append(f"of {self.scope.describe()}")
        if self.region:
            parts.append(f"in the {self.region}")
        return " ".join(parts) or "(nothing)"


@dataclass(frozen=True)
class Intent:
    """One clause of the prompt, understood but not yet grounded on a page."""

    kind: IntentKind
    clause: str
    target: Target | None = None
    value: str | None = None
    field: Target | None = None
    pairs: Pairs = ()
    targets: tuple[Target, ...] = ()
    url: str | None = None
    key: str | None = None
    ms: int | None = None
    exact_value: bool = False
    # How the clause was read, for the handlers; not part of what it asks, so an
    # intent equals another that asks the same however each was phrased.
    submit: bool = dataclasses.field(default=False, compare=False)
    """A form clause that also submits the form ("register with ...")."""
    bare_location: bool = dataclasses.field(default=False, compare=False)
    """A ``go`` that is only a location ("It is on URL"), placed first in the task."""
    role_guessed: bool = dataclasses.field(default=False, compare=False)
    """The target's role comes from the verb ("go to X": a link), not the words."""
    guessed: bool = dataclasses.field(default=False, compare=False)
    """A clause with no verb known, read as the name of something to click."""
    verb: str | None = dataclasses.field(default=None, compare=False)
    """The clicking verb ("follow"), which may also be the name of an item's button."""
    alternative: str | None = dataclasses.field(default=None, compare=False)
    """Other names of the target, ``|``-separated ("sign out|logout"), tried next."""
