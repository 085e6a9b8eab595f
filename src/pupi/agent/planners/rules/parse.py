"""From a prompt to a list of intents, one per clause, without looking at the page.

The prompt is split into clauses (:mod:`.clauses`) and each clause becomes an
:class:`Intent` (:mod:`.clause`): what to do (``kind``), what to do it to (a
:class:`Target`, a description that :mod:`.ground` later matches against the
page), and the value, key or URL involved. Quoted text is kept verbatim and
marks an exact name or value. This module then fixes what only the whole
prompt tells: a URL that says where a clause happens, questions that go on
in the next clause, and where to submit a form filled over several clauses.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pupi.agent.planners.rules.clause import parse_clause
from pupi.agent.planners.rules.clauses import URL_MARK, protect, restore, split_clauses
from pupi.agent.planners.rules.intents import Intent, Target
from pupi.agent.planners.rules.phrases import parse_target
from pupi.agent.planners.rules.vocab import FILLERS, NAV_VERBS, QUESTION_START, VERBS

__all__ = ["Intent", "Target", "parse_target", "parse_task"]

_LOCATION = re.compile(
    r"\s*,?\s*\b(?:(?:it is|it's|they are|this is|which is)\s+)?(?:on|at|from|in|of|using)?\s*"
    r"(?:the\s+page\s+)?(\u27e6(\d+)\u27e7)\s*,?\s*",
    re.IGNORECASE,
)


def _with_location(clause: str, slots: list[str]) -> list[Intent]:
    """A clause, preceded by a navigation when it names a URL ("On URL, click ...")."""
    text = FILLERS.sub("", clause.strip())
    found = next(
        (m for m in _LOCATION.finditer(text) if slots[int(m[2])].startswith(URL_MARK)), None
    )
    if found is None:
        return [parse_clause(clause, slots)]
    url = slots[int(found[2])][1:]
    if re.match(rf"^(?:{NAV_VERBS})\s+(?:the\s+)?(?:page\s+)?\u27e6", text, re.IGNORECASE):
        return [parse_clause(clause, slots)]
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(" ,.")
    rest_low = rest.lower()
    if not rest or rest_low in ("it is", "it's", "this is", "see", "there", "here", "use"):
        return [Intent("go", restore(clause, slots), url=url, bare_location=True)]
    go = Intent("go", restore(clause, slots), url=url)
    return [go, parse_clause(rest, slots)]


_ON_PAGE = re.compile(r"\s+(?:on|from)\s+(?:the\s+)?page\s+(\d+)\b", re.IGNORECASE)


def _with_page(intent: Intent, slots: list[str]) -> list[Intent]:
    """A question "... on page 2" asked after going to that page of the results."""
    found = _ON_PAGE.search(intent.value or "") if intent.kind == "ask" else None
    if found is None or found[1] == "1":
        return [intent]
    go = parse_clause(f"go to page {found[1]}", slots)
    value = intent.value or ""
    return [go, replace(intent, value=value[: found.start()] + value[found.end() :])]


def _merge_questions(intents: list[Intent]) -> list[Intent]:
    """Fold "find the cheapest product and tell me its price" into one question."""
    merged: list[Intent] = []
    for item in intents:
        previous = merged[-1] if merged else None
        if (
            item.kind == "ask"
            and previous is not None
            and previous.kind == "ask"
            and re.search(
                r"\b(?:its|it|their|them|that|this|his|her)\b", (item.value or "").lower()
            )
        ):
            combined = f"{previous.value} || {item.value}"
            merged[-1] = replace(
                previous, value=combined, clause=f"{previous.clause}, {item.clause}"
            )
            continue
        merged.append(item)
    return merged


_PATH = re.compile(r"\s*(?:>|\u2192|\u00bb)\s*")


# "... from the File menu": the menu to open first.
_FROM_MENU = re.compile(
    r"^(?P<rest>.+?)\s+(?:from|in|on|under|via|using|through)\s+the\s+(?P<menu>[\w-]+)\s+menu$",
    re.IGNORECASE,
)


def _menu_path(clause: str) -> list[str]:
    """ "Choose Edit > Find and replace": Edit, then Find and replace, one click each;
    "open the recent file X from the File menu": File, then the rest."""
    if found := _FROM_MENU.match(clause.strip(" .")):
        return [f"click {found['menu']}", found["rest"]]
    first, *rest = _PATH.split(clause)
    if not rest or not all(part.strip() for part in rest):
        return [clause]
    return [first, *(f"click {part.strip()}" for part in rest)]


_POLITE = re.compile(
    r"^(?:please\s+)?(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+)?(\w+)", re.I
)
_FORMAT = re.compile(
    r"^(?:please\s+)?(?:(?:(?:answer|reply|respond|return|give|format|output|show)\s+"
    r"(?:it\s+|them\s+|that\s+|the (?:answer|result)s?\s+|me\s+)?)?(?:as|in)\s+)?(?:a\s+)?json"
    r"(?:\s+(?:list|array|object|format))?(?:,?\s*please)?$",
    re.I,
)


@lru_cache(maxsize=256)
def parse_task(task: str) -> tuple[Intent, ...]:
    """Split ``task`` into clauses and understand each one; cached per task text."""
    protected, slots = protect(task.strip())
    polite = _POLITE.match(protected)
    if polite and polite[1].lower() in VERBS and not QUESTION_START.match(polite[1]):
        protected = protected.rstrip().rstrip("?")  # "Could you untick X?" asks for an action
    out: list[Intent] = []
    for clause in (c for whole in split_clauses(protected) for c in _menu_path(whole)):
        if out and out[-1].kind == "ask" and _FORMAT.match(clause):
            continue  # "... ? Answer as a JSON list": lists are answered as JSON anyway
        out.extend(i for intent in _with_location(clause, slots) for i in _with_page(intent, slots))
    # "What is X? It is on URL": a trailing bare location applies to the whole task.
    if (
        len(out) > 1
        and out[-1].kind == "go"
        and out[-1].bare_location
        and not any(i.kind == "go" for i in out[:-1])
    ):
        out.insert(0, out.pop())
    return tuple(_place_submit(_merge_questions(_merge_login(_merge_pronouns(out)))))


_PRONOUN = frozenset({"it", "that", "this", "them", "that one", "this one"})
_FIND = re.compile(r"^(?:find|locate|look for|search for)\s+(.+)$", re.IGNORECASE)


def _merge_pronouns(intents: list[Intent]) -> list[Intent]:
    """Fold "find the Quick start guide and click it" into one click of the guide."""
    merged: list[Intent] = []
    for item in intents:
        previous = merged[-1] if merged else None
        pronoun = (
            item.kind == "click"
            and item.target is not None
            and item.target.text.lower() in _PRONOUN
        )
        if pronoun and previous is not None and previous.kind == "click":
            continue  # "... to find X and click it": X is being clicked already
        found = _FIND.match(previous.value or "") if previous and previous.kind == "ask" else None
        if pronoun and previous is not None and found:
            target = parse_target(found[1])
            merged[-1] = Intent("click", f"{previous.clause}, {item.clause}", target=target)
            continue
        merged.append(item)
    return merged


def _merge_login(intents: list[Intent]) -> list[Intent]:
    """Fold "Sign in. Username: ada, password: x" into one login with those credentials."""
    merged: list[Intent] = []
    for item in intents:
        previous = merged[-1] if merged else None
        if (
            item.kind == "fill"
            and previous is not None
            and previous.kind == "login"
            and not previous.pairs
        ):
            merged[-1] = replace(
                previous, pairs=item.pairs, clause=f"{previous.clause}. {item.clause}"
            )
            continue
        merged.append(item)
    return merged


_FORM_KINDS = frozenset({"type", "fill", "check", "uncheck", "select", "set", "choose"})


def _place_submit(intents: list[Intent]) -> list[Intent]:
    """Submit a "register with ..." form after the clauses that go on filling it."""
    out = list(intents)
    for number, item in enumerate(intents):
        if item.kind != "fill" or not item.submit:
            continue
        later = intents[number + 1 :]
        if not later:
            continue
        out[number] = replace(item, submit=False)
        if any(i.kind in ("click", "submit") for i in later):
            continue  # the prompt says itself which button to press
        last = number
        while last + 1 < len(intents) and intents[last + 1].kind in _FORM_KINDS:
            last += 1
        out.insert(last + 1, Intent("submit", item.clause, target=Target(), value="submit"))
        break
    return out
