"""The built-in offline planner: plain English in, grounded actions out.

:func:`decide` is a pure function of ``(task, observation, history)``: it
parses the task into clauses (:mod:`.parse`), reads from the history which
clause comes next (:mod:`.progress`), grounds that clause on the page
(:mod:`.act`, :mod:`.ground`) or answers it (:mod:`.answer`). With an output
schema, the task's last question (or, without one, the page where the run
ends) also fills the schema (:mod:`.structured`). No network, no model, no
state between calls.

>>> from pupi.agent.observe.model import Observation
>>> decide("Go to http://127.0.0.1:8000/shop", Observation(url="about:blank"), []).actions[0].url
'http://127.0.0.1:8000/shop'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from pupi.agent.observe.model import Observation
from pupi.agent.planners.base import Action, Decision, HistoryEntry, Usage
from pupi.agent.planners.rules.act import Context, actions_for
from pupi.agent.planners.rules.answer import answer_question
from pupi.agent.planners.rules.controls import collapsed_match
from pupi.agent.planners.rules.ground import GroundingError
from pupi.agent.planners.rules.parse import Intent, parse_task
from pupi.agent.planners.rules.progress import Progress, marked, read_progress
from pupi.agent.planners.rules.reveal import hidden_pane
from pupi.agent.planners.rules.structured import fill_output
from pupi.agent.planners.rules.text import tokens
from pupi.agent.schema import OutputSchema

__all__ = ["MAX_WAITS", "RulesPlanner", "decide"]

MAX_WAITS = 2
"""How many one-second waits a clause gets for a slow page before it fails."""

_WAIT_MS = 1000


def _same_page(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (first.netloc, first.path.rstrip("/"), first.query) == (
        second.netloc,
        second.path.rstrip("/"),
        second.query,
    )


def _final(answers: dict[int, str]) -> str | None:
    if not answers:
        return None
    if len(answers) == 1:
        return next(iter(answers.values()))
    return json.dumps([answers[k] for k in sorted(answers)], ensure_ascii=False)


def decide(
    task: str,
    observation: Observation,
    history: Sequence[HistoryEntry],
    *,
    output: OutputSchema | None = None,
) -> Decision:
    """Choose the next actions for ``task`` on ``observation`` given ``history``.

    With ``output``, the final decision's ``data`` is the schema filled from
    the page (its ``answer`` stays the text answer).
    """
    intents = parse_task(task)
    if not intents:
        return Decision(failed=True, reason="the task is empty")
    progress = read_progress(history)
    if progress.failure is not None:
        return Decision(failed=True, reason=f"an action failed: {progress.failure}")
    answers = dict(progress.answers)
    data = dict(progress.data)
    ctx = Context(observation, progress.last_element_selector)
    clause = progress.next_clause
    while clause < len(intents):
        intent: Intent = intents[clause]
        if intent.kind == "go" and history and _same_page(intent.url or "", observation.url):
            # Already there (an earlier clause or the agent's start URL led here); with an
            # empty history the go is kept, so that the recorded steps replay from scratch.
            clause += 1
            continue
        try:
            if intent.kind == "ask":
                question = intent.value or intent.clause
                opener = collapsed_match(question, observation)
                if opener is not None and not progress.count(clause, "open"):
                    # The answer sits behind a closed disclosure that repeats the question.
                    click = Action(kind="click", element=opener.index, why=f"open '{opener.name}'")
                    return Decision(actions=marked([click], clause, "open", answers, data))
                if output is not None:
                    # One answer per run: the last question's fills the schema.
                    data = {clause: fill_output(output, question, observation)}
                answers[clause] = _text_answer(question, ctx, progress, clause, data.get(clause))
                clause += 1
                continue
            actions = marked(actions_for(intent, ctx, intent.clause), clause, "main", answers, data)
        except GroundingError as error:
            opened = progress.revealed.get(clause, [])
            along = _along_path(intent, ctx, opened) if opened else None
            if along:
                # "Save the sheet as CSV" after opening "Save as": its item "CSV file".
                return Decision(actions=marked(along, clause, "main", answers, data))
            pane = None if error.ambiguous else hidden_pane(observation, _words(intent), opened)
            if pane is not None:
                # What the clause names may sit in a tab or section the page keeps closed.
                click = Action(kind="click", element=pane.index, why=f"look in '{pane.name}'")
                marks = marked([click], clause, "reveal", answers, data, revealed=pane.name)
                return Decision(actions=marks)
            if opened:
                error = GroundingError(f"{error}; looked in {', '.join(map(repr, opened))} too")
            return _wait_or_fail(error, clause, intent.clause, progress, answers, data)
        if not actions:
            clause += 1  # already in the wanted state: nothing to do
            continue
        return Decision(actions=actions)
    if output is not None and not data:
        # No question asked for it: the page where the run ends is the answer.
        try:
            data = {clause: fill_output(output, None, observation)}
        except GroundingError as error:
            return _wait_or_fail(error, clause, "fill the output schema", progress, answers, data)
    return Decision(done=True, answer=_final(answers), data=data[max(data)] if data else None)


def _along_path(intent: Intent, ctx: Context, opened: Sequence[str]) -> list[Action] | None:
    """The click ``intent`` asks for, with the words the opened menus already said taken
    out of its target; None when that leaves nothing or still grounds nowhere."""
    target = intent.target
    if intent.kind != "click" or target is None or not target.text:
        return None
    said = {word for name in opened for word in tokens(name)}
    words = target.text.split()
    rest = [w for w in words if not set(tokens(w)) <= said]
    if not rest or len(rest) == len(words):
        return None
    narrowed = replace(intent, target=replace(target, text=" ".join(rest), whole=""))
    try:
        return actions_for(narrowed, ctx, intent.clause)
    except GroundingError:
        return None


def _words(intent: Intent) -> str:
    """The words of what ``intent`` looks for, to choose where to look first."""
    for target in (intent.target, intent.field):
        if target is not None and target.text:
            return f"{target.text} {target.context}".strip()
    return intent.value or intent.clause


def _text_answer(question: str, ctx: Context, progress: Progress, clause: int, filled: Any) -> str:
    """The question's answer as text; with a filled schema, its JSON when the text has none."""
    last = ctx.last_element()
    try:
        answer = answer_question(
            question,
            ctx.observation,
            focus=last.name if last else None,
            opened=progress.count(clause, "open") > 0,
        )
        if not answer.strip():
            raise GroundingError(f"the page gives no answer to '{question}'")
        return answer
    except GroundingError:
        if filled is None:
            raise
        return filled if isinstance(filled, str) else json.dumps(filled, ensure_ascii=False)


def _wait_or_fail(
    error: GroundingError,
    clause: int,
    doing: str,
    progress: Progress,
    answers: dict[int, str],
    data: dict[int, Any],
) -> Decision:
    if progress.count(clause, "wait") < MAX_WAITS:
        # The page may still be rendering (a slow request, a script that fills it in).
        wait = Action(kind="wait", ms=_WAIT_MS, why=f"waiting for the page before '{doing}'")
        return Decision(actions=marked([wait], clause, "wait", answers, data))
    return Decision(failed=True, reason=f"{error} (while doing '{doing}')")


class RulesPlanner:
    """The offline planner (``planner="rules"``, the default): no network, no model.

    It understands plain imperative English: navigation, clicks, typing,
    forms, checkboxes, drop-downs, keys, and questions about what the page
    shows. It stops with a reason instead of guessing when a clause does not
    match the page with confidence.

    Example::

        planner = RulesPlanner()
        decision = await planner.decide("Click the second link", observation, [])
    """

    name = "rules"

    def __init__(self) -> None:
        self.usage = Usage()

    async def decide(
        self,
        task: str,
        observation: Observation,
        history: Sequence[HistoryEntry],
        *,
        output: OutputSchema | None = None,
    ) -> Decision:
        """Choose what to do next; see :func:`decide`."""
        return decide(task, observation, history, output=output)
