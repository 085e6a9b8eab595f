"""Turning one clause into an :class:`Intent`: the readers, tried in order.

Each reader recognises one family of verbs and returns ``None`` for any other
clause. The order matters where phrasings overlap: questions come before
"find"/"show" clicks, a form given after a colon before "send"/"submit"
buttons, "search for X" before "look", "mark X as done" before other
"mark"/"set" clauses, and plain clicks last, with a guess as the fallback.
"""

from __future__ import annotations

from collections.abc import Callable

from pupi.agent.planners.rules import (
    verbs_browse,
    verbs_choice,
    verbs_click,
    verbs_form,
    verbs_items,
    verbs_pairs,
)
from pupi.agent.planners.rules.intents import Intent
from pupi.agent.planners.rules.phrases import Clause

__all__ = ["parse_clause"]

_READERS: tuple[Callable[[Clause], Intent | None], ...] = (
    verbs_browse.history,
    verbs_click.pager,
    verbs_browse.question,
    verbs_browse.solve,
    verbs_browse.navigate,
    verbs_browse.press,
    verbs_browse.wait,
    verbs_browse.scroll,
    verbs_browse.hover,
    verbs_pairs.code_entry,
    verbs_pairs.make_with,
    verbs_pairs.bare_pairs,
    verbs_pairs.give_pairs,
    verbs_form.form_with_colon,
    verbs_form.log_in_or_out,
    verbs_form.register,
    verbs_items.search,
    verbs_items.add,
    verbs_items.remove,
    verbs_items.sort_by,
    verbs_items.filter_by,
    verbs_choice.tick,
    verbs_choice.answer_with,
    verbs_choice.select_from,
    verbs_choice.choose_as,
    verbs_choice.choose,
    verbs_form.set_field,
    verbs_form.type_into,
    verbs_form.fill_with,
    verbs_form.type_loose,
    verbs_click.create,
    verbs_click.submit,
    verbs_click.click,
)


def parse_clause(clause: str, slots: list[str]) -> Intent:
    """The intent of one protected clause (see :func:`.clauses.protect`)."""
    read = Clause.read(clause, slots)
    for reader in _READERS:
        intent = reader(read)
        if intent is not None:
            return intent
    return verbs_click.click_guess(read)
