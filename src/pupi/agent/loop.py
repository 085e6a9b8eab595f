"""The agent loop: observe the page, ask the planner, act through the step engine, repeat.

Every action a planner chooses names an element by its number in the current
observation; the loop turns it into a concrete step with that element's robust
selector (never a number) and its intent (role, name, label, ...: what healing
needs when the selector breaks), runs it with :func:`pupi.engine.run_steps`,
and keeps it. The steps that succeeded are the result's ``steps``: they replay
with ``execute_steps_locally`` and no planner at all.

With an output schema, the planner's final answer is validated against it and
becomes the result's ``data``; an answer that does not match fails the run
(``output_invalid``).

The loop stops when the planner is done (or gives up), or when one of its
budgets runs out: ``max_steps`` actions, ``timeout_s`` seconds, ``max_failures``
failed actions, ``token_budget`` tokens spent by the planner, or the loop
detector (the same action on the same page state for a third time).

Page content only ever reaches the planner inside the observation, as data;
the loop itself never reads page text for instructions. A planner with a
``vision`` attribute (a :class:`~pupi.agent.observe.Vision`, as the LLM planners
have when asked for vision) also gets a screenshot with each observation.

Secrets (``{{secret.name}}`` in the task) stay placeholders for the planner:
it chooses to type ``{{secret.password}}``, the engine types the value, and
the planner's view of the page and of its history, the recorded steps, the
answer and the error all show each value as its placeholder.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import Counter
from typing import Any, Protocol

from pupi.agent.intent import intent_for
from pupi.agent.observe import Element, Observation, Vision, observe, take_screenshot
from pupi.agent.planners.base import Action, Decision, HistoryEntry, Planner
from pupi.agent.result import PromptResult
from pupi.agent.schema import OutputInvalid, OutputSchema, OutputSchemaLike
from pupi.engine import OnStep, PageSource, PageView, StepResult, run_steps
from pupi.engine.translate import PageQueryFailed
from pupi.errors import AgentError, InvalidSteps
from pupi.steps import Secrets, SecretsLike, parse_steps

__all__ = ["AgentInstance", "OnAgentStep", "action_to_step", "run_agent", "unique_selector"]

logger = logging.getLogger("pupi.agent")

OnAgentStep = OnStep
"""Called after each step the agent runs, with its result and the step."""

STEP_TIMEOUT_S = 10.0
"""Default time limit of one agent step; a planner should not wait 30 s on a wrong guess."""

MAX_FAILURES = 3
"""Failed actions (or empty decisions) allowed before the run gives up."""

MAX_REPEATS = 2
"""How often the same action may run on the same page state; the next try stops the run."""


class AgentInstance(PageSource, Protocol):
    """What the loop needs of a browser instance (``pupi.browser.instances.Instance``).

    The loop reads its page only through a :class:`~pupi.engine.PageView`, and
    acts on it only through the step engine.
    """

    @property
    def id(self) -> str: ...

    @property
    def dialogs(self) -> list[str]:
        """Dialogs the instance has accepted, oldest first."""
        ...


class _Stop(Exception):
    """Ends the loop with a failed result of the given type."""

    def __init__(self, kind: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details = details


async def run_agent(
    instance: AgentInstance,
    task: str,
    *,
    planner: Planner,
    start_url: str | None = None,
    max_steps: int = 30,
    timeout_s: float = 120,
    max_failures: int = MAX_FAILURES,
    step_timeout_s: float = STEP_TIMEOUT_S,
    on_step: OnAgentStep | None = None,
    secrets: SecretsLike | None = None,
    token_budget: int | None = None,
    output_schema: OutputSchemaLike | None = None,
) -> PromptResult:
    """Carry out ``task`` on ``instance`` with ``planner`` and return a :class:`PromptResult`.

    ``start_url``, when given, is opened first (and recorded as the first step).
    ``max_failures`` failed actions end the run, and each step may take at most
    ``step_timeout_s`` seconds.
    A task that names a URL without ``start_url`` leaves the navigation to the
    planner. The instance stays open on the page where the run ended.

    A task that cannot be carried out is not an exception: the result has
    ``status="failed"`` and ``error={"type", "message"}``. During the run the
    page's ``alert``/``confirm``/``prompt`` dialogs (accepted by the instance) are
    shown to the planner as the observation's ``dialog``.

    ``secrets`` fill the task's ``{{secret.name}}`` placeholders, in the browser
    only (see the module's docstring); a placeholder naming no given secret raises
    :class:`~pupi.InvalidSteps` before anything runs. ``token_budget`` bounds the
    tokens (input and output, every request) the planner may spend: once it has
    spent them, the run fails with ``budget_exhausted`` instead of asking it again.
    ``output_schema`` (a pydantic model or type, a JSON Schema, or an
    :class:`~pupi.agent.schema.OutputSchema`) asks for a structured answer: the
    planner is told, the answer is validated and returned as ``result.data``,
    and one that does not match fails the run with ``output_invalid``. A schema
    that cannot be used raises :class:`~pupi.InvalidOutputSchema` before anything runs.

    >>> result = await run_agent(instance, "Log in as ada", planner=get_planner("rules"),
    ...                          start_url="http://127.0.0.1:8000/login")
    >>> result.steps[1]
    {'action': 'type', 'selector': '#username', 'text': 'ada',
     'intent': {'role': 'textbox', 'name': 'Username', 'label': 'Username', ...}}
    """
    hidden = Secrets.of(secrets)
    hidden.check(task, "prompt")
    if start_url:
        hidden.check(start_url, "start_url")
    if token_budget is not None and token_budget < 1:
        raise AgentError(f"token_budget must be at least 1, not {token_budget}")
    output = None if output_schema is None else OutputSchema.of(output_schema)
    run = _AgentRun(instance, task, planner, on_step, max_failures, step_timeout_s, hidden, output)
    started = time.monotonic()
    deadline = started + timeout_s
    status: str = "failed"
    answer: Any = None
    data: Any = None
    error: dict[str, Any] | None = None
    try:
        if start_url:
            await run.execute({"action": "go", "url": start_url}, deadline, action=None)
            if run.step_results and run.step_results[-1].status == "failed":
                raise _Stop(
                    "page_error", f"could not open {start_url}: {run.step_results[-1].error}"
                )
        actions_taken = 0
        while True:
            observation = await run.observe(deadline)
            _check_budget(planner, token_budget)
            decision = await run.decide(observation, deadline)
            if decision.done:
                answer = decision.answer
                data = run.shaped(decision)
                status = "completed"
                break
            if decision.failed:
                raise _Stop("planner_gave_up", decision.reason or "the planner gave up")
            if not decision.actions:
                run.fail("the planner chose no action")
                continue
            run.planned.clear()
            for action in decision.actions:
                if actions_taken >= max_steps:
                    raise _Stop("max_steps", f"stopped after {max_steps} actions (max_steps)")
                actions_taken += 1
                url_before = run.view.url
                keep_going = await run.act(action, observation, deadline)
                # Later actions of the same decision point at elements of the old
                # observation; after a failure or a navigation, look again first.
                if not keep_going or run.view.url != url_before:
                    break
    except _Stop as stop:
        error = {"type": stop.kind, "message": stop.message, **stop.details}
    except AgentError as exc:
        # The planner's provider failed mid-run: keep what was done so far.
        error = {"type": "planner_error", "message": str(exc)}
    return PromptResult(
        status="completed" if status == "completed" else "failed",
        answer=hidden.redact(answer),
        steps=run.steps,
        instance_id=instance.id,
        error=hidden.redact(error),
        usage=planner.usage.model_dump(),
        duration_ms=round((time.monotonic() - started) * 1000, 3),
        step_results=run.step_results,
        data=hidden.redact(data),
    )


class _AgentRun:
    """The mutable state of one run: history, steps, budgets, dialogs."""

    def __init__(
        self,
        instance: AgentInstance,
        task: str,
        planner: Planner,
        on_step: OnAgentStep | None,
        max_failures: int,
        step_timeout_s: float,
        secrets: Secrets,
        output: OutputSchema | None = None,
    ) -> None:
        self.instance = instance
        self.secrets = secrets
        self.view = PageView(instance)
        self.step_timeout_ms = step_timeout_s * 1000
        self.task = task
        self.planner = planner
        self.on_step = on_step
        self.max_failures = max_failures
        self.failures = 0
        self.history: list[HistoryEntry] = []
        self.steps: list[dict[str, Any]] = []
        self.step_results: list[StepResult] = []
        self.seen: Counter[tuple[str, str]] = Counter()
        self.planned: set[tuple[str, str]] = set()  # the current decision's actions
        wanted = getattr(planner, "vision", None)
        self.vision = wanted if isinstance(wanted, Vision) else None
        # The instance accepts dialogs; the run shows the planner the new ones.
        self.dialogs_seen = len(instance.dialogs)
        self.output = output
        # Planners written before output schemas take no ``output``; they still
        # run, and their answer is validated all the same.
        self.tell_output = output is not None and _takes_output(planner)

    # -- turns --------------------------------------------------------------

    async def observe(self, deadline: float) -> Observation:
        # Bounded by a step's time too: a page stuck loading (a go that timed out on
        # a server that never answers) would otherwise hold the run to its very end.
        step_s = self.step_timeout_ms / 1000
        left_s = _left(deadline)
        try:
            observation = await asyncio.wait_for(self._look(), min(step_s, left_s))
        except TimeoutError:
            if left_s <= step_s:
                raise _Stop(
                    "timeout", "ran out of time (timeout_s) while reading the page"
                ) from None
            raise _Stop(
                "page_error", f"the page did not answer within {step_s:g} s while being read"
            ) from None
        except AgentError as exc:
            raise _Stop("page_error", str(exc)) from exc
        dialogs = self.instance.dialogs
        fresh, self.dialogs_seen = dialogs[self.dialogs_seen :], len(dialogs)
        if fresh and not observation.dialog:
            observation = observation.model_copy(update={"dialog": " | ".join(fresh)})
        return observation

    async def _look(self) -> Observation:
        observation = await observe(self.view)
        if self.vision is None:
            return observation
        try:
            shot = await take_screenshot(self.view, self.vision, elements=observation.elements)
        except AgentError as exc:
            # The text observation is complete without the picture; a page between
            # documents should not end the run.
            logger.info("no screenshot for this turn: %s", exc)
            return observation
        return observation.model_copy(update={"screenshot": shot})

    async def decide(self, observation: Observation, deadline: float) -> Decision:
        # A page may show a secret (a field's value, an echo, a URL): the planner,
        # perhaps a remote model, sees its placeholder instead.
        shown = self.secrets.redact(observation)
        history = [self.secrets.redact(entry) for entry in self.history]
        if self.tell_output:
            pending = self.planner.decide(self.task, shown, history, output=self.output)
        else:
            pending = self.planner.decide(self.task, shown, history)
        try:
            return await asyncio.wait_for(pending, _left(deadline))
        except TimeoutError:
            raise _Stop("timeout", "ran out of time (timeout_s) waiting for the planner") from None

    def shaped(self, decision: Decision) -> Any:
        """The final answer as the output schema's data (None without a schema)."""
        if self.output is None:
            return None
        answer = decision.data if decision.data is not None else decision.answer
        try:
            return self.output.validate(answer)
        except OutputInvalid as exc:
            raise _Stop("output_invalid", str(exc), errors=exc.details()) from exc

    def fail(self, message: str) -> None:
        self.failures += 1
        logger.info("agent failure %d/%d: %s", self.failures, self.max_failures, message)
        if self.failures >= self.max_failures:
            raise _Stop("too_many_failures", f"{self.failures} actions failed; the last: {message}")

    async def act(self, action: Action, observation: Observation, deadline: float) -> bool:
        """Run one action; False when it failed (the caller re-observes)."""
        url_before = self.view.url
        try:
            step = action_to_step(action, observation)
        except AgentError as exc:
            self.history.append(
                HistoryEntry(
                    action=action,
                    step={},
                    ok=False,
                    error=str(exc),
                    url_before=url_before,
                    url_after=url_before,
                )
            )
            self.fail(str(exc))
            return False
        if action.element is not None and "selector" in step:
            element = observation.element(action.element)
            step["selector"] = await unique_selector(self.view, element)
            # What the element is, beside where it was: a replay on a changed page
            # heals the step from this (execute_steps_locally(heal=True)).
            step["intent"] = intent_for(element, action.why).model_dump(exclude_none=True)
        key = (observation.fingerprint(), _step_key(step))
        # One decision may press a button several times on purpose (a spinner's "+"):
        # only a choice made again in a later decision counts as a repeat.
        if key not in self.planned:
            self.planned.add(key)
            self.seen[key] += 1
        if self.seen[key] > MAX_REPEATS:
            raise _Stop(
                "loop_detected",
                f"the same action ({_step_key(step)}) was chosen again on an unchanged page",
            )
        ok, message = await self.execute(step, deadline, action=action)
        if not ok:
            self.fail(message or "the step failed")
        return ok

    async def execute(
        self, step: dict[str, Any], deadline: float, *, action: Action | None
    ) -> tuple[bool, str | None]:
        """Run one concrete step through the engine, record it, let the page settle."""
        # A planner that typed a secret's value itself is recorded with the placeholder.
        step = self.secrets.redact(step)
        try:
            parsed = parse_steps([step], secrets=self.secrets.names)
        except InvalidSteps as exc:
            raise AgentError(f"the agent built an invalid step {step!r}: {exc}") from exc
        left_ms = _left(deadline) * 1000
        if left_ms <= 0:
            raise _Stop("timeout", "ran out of time (timeout_s)")
        url_before = self.view.url
        # Watched from before the step: the fetch a click starts is what the page
        # waits on, and settle waits for its answer rather than a fixed pause.
        requests = self.view.watch_requests()
        try:
            run = await run_steps(
                self.instance,
                parsed,
                instance_id=self.instance.id,
                timeout_ms=max(1.0, min(self.step_timeout_ms, left_ms)),
                secrets=self.secrets,
            )
            result = run.steps[0].model_copy(update={"index": len(self.step_results)})
            self.step_results.append(result)
            ok = result.status == "ok"
            if ok:
                self.steps.append(step)
                await self.view.settle(timeout_s=_left(deadline), requests=requests)
        finally:
            requests.stop()
        if action is not None:
            self.history.append(
                HistoryEntry(
                    action=action,
                    step=step,
                    ok=ok,
                    error=result.error,
                    url_before=url_before,
                    url_after=self.view.url,
                )
            )
        if self.on_step is not None:
            outcome = self.on_step(result, parsed[0])
            if inspect.isawaitable(outcome):
                await outcome
        if not ok and _left(deadline) <= 0:
            raise _Stop("timeout", f"ran out of time (timeout_s) during {step['action']}")
        return ok, result.error


def action_to_step(action: Action, observation: Observation) -> dict[str, Any]:
    """The concrete step (as a dict) for a planner's ``action`` on ``observation``.

    Elements become their robust selectors; a ``select`` names the option by its
    label when the element lists it. Raises :class:`~pupi.AgentError` when the
    action lacks what it needs or names an element that is not on the page.
    """
    kind = action.kind
    if kind == "go":
        if not action.url:
            raise AgentError("a 'go' action needs a url")
        return {"action": "go", "url": action.url}
    if kind in {"back", "forward", "reload"}:
        return {"action": kind}
    if kind == "wait":
        return {"action": "wait", "ms": min(max(action.ms or 500, 0), 10_000)}
    if kind == "press":
        if not action.key:
            raise AgentError("a 'press' action needs a key")
        step: dict[str, Any] = {"action": "press", "key": action.key}
        if action.element is not None:
            step["selector"] = _selector(observation, action.element)
        return step
    if kind == "scroll":
        if action.element is not None:
            return {"action": "scroll", "selector": _selector(observation, action.element)}
        return {"action": "evaluate", "script": "window.scrollBy(0, window.innerHeight)"}
    if action.element is None:
        raise AgentError(f"a '{kind}' action needs an element")
    selector = _selector(observation, action.element)
    if kind == "type" and observation.element(action.element).set_whole:
        # A slider or a colour takes no keys: its value is set, with input and change events.
        return {"action": "change", "selector": selector, "value": action.text or ""}
    if kind == "type":
        return {"action": "type", "selector": selector, "text": action.text or ""}
    if kind == "select":
        return {"action": "select", "selector": selector, **_choice(action, observation)}
    return {"action": kind, "selector": selector}


async def unique_selector(view: PageView, element: Element) -> str:
    """``element``'s robust selector, or its CSS path when Playwright finds the first ambiguous.

    The snapshot judged uniqueness with its own reading of roles and labels;
    Playwright's may differ on unusual markup, so it has the last word.
    """
    selector, fallback = element.selector, element.fingerprint.css_path
    if not fallback or fallback == selector:
        return selector
    try:
        if await view.count(selector) == 1:
            return selector
        if await view.count(fallback) == 1:
            logger.debug("selector %r is not unique; using %r", selector, fallback)
            return fallback
    except PageQueryFailed as exc:
        logger.debug("could not check selector %r: %s", selector, exc)
    return selector


def _selector(observation: Observation, index: int) -> str:
    try:
        return observation.element(index).selector
    except IndexError:
        raise AgentError(f"there is no element [{index}] on the page") from None


def _choice(action: Action, observation: Observation) -> dict[str, Any]:
    value = action.value if action.value is not None else action.text
    if value is None:
        raise AgentError("a 'select' action needs a value")
    options = observation.element(action.element or 0).options or []
    if isinstance(value, list):
        return {"values": [_label_for(item, options) or item for item in value]}
    label = _label_for(value, options)
    # Unknown to the element's option labels: it may be an option's value, which
    # "values" accepts as well as labels.
    return {"label": label} if label is not None else {"values": [value]}


def _label_for(value: str, options: list[str]) -> str | None:
    if value in options:
        return value
    folded = value.strip().casefold()
    for option in options:
        if option.strip().casefold() == folded:
            return option
    return None


def _check_budget(planner: Planner, token_budget: int | None) -> None:
    """Stop the run, before the planner is asked again, once it spent its budget."""
    if token_budget is None:
        return
    spent = planner.usage.total_tokens
    if spent >= token_budget:
        raise _Stop(
            "budget_exhausted",
            f"the planner spent {spent} tokens of its budget of {token_budget} (token_budget)",
        )


def _takes_output(planner: Planner) -> bool:
    try:
        parameters = inspect.signature(planner.decide).parameters
    except (TypeError, ValueError):
        return False
    return "output" in parameters or any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()
    )


def _step_key(step: dict[str, Any]) -> str:
    return " ".join(f"{key}={step[key]!r}" for key in sorted(step))


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())
