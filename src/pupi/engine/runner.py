"""Running validated steps on a page, one after the other, and shaping the result."""

from __future__ import annotations

import inspect
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from itertools import takewhile
from pathlib import Path
from typing import Any, Protocol

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from pupi.browser.downloads import DownloadedFile, Downloads
from pupi.browser.spares import counts_as_activity
from pupi.engine.batch import BatchRead, batchable, read_batch
from pupi.engine.context import StepContext
from pupi.engine.handlers import HANDLERS
from pupi.engine.healing import Healing, StepHealer, can_heal, heal_if_missing, step_dict
from pupi.engine.pages import expecting_navigation, resolve_frame, resolve_page
from pupi.engine.results import RunResult, StepResult
from pupi.engine.translate import SelectorNotFound, describe_error
from pupi.steps import BaseStep, Secrets, SecretsLike, Step
from pupi.steps.templating import has_placeholders, render

__all__ = ["DEFAULT_TIMEOUT_MS", "OnStep", "PageSource", "run_steps"]

logger = logging.getLogger("pupi.engine")

DEFAULT_TIMEOUT_MS = 30_000
"""Playwright's own default, so a step waits as long as a Playwright user expects."""

OnStep = Callable[[StepResult, BaseStep], Awaitable[None] | None]
"""Called after each step with its result and the concrete (rendered) step; a
secret in it is shown as its placeholder."""


class PageSource(Protocol):
    """Anything with a current ``page``, such as an :class:`~pupi.browser.Instance`.

    Its ``request_filter`` and ``tabs`` (a :class:`~pupi.engine.context.TabSet`),
    when it has them, are what ``go`` and the tab steps use.
    """

    @property
    def page(self) -> Page: ...


def artifacts_dir(instance_id: str) -> Path:
    """Where screenshots of an instance go when the step gives no path."""
    return Path(tempfile.gettempdir()) / "pupi" / instance_id


@counts_as_activity
async def run_steps(
    target: Page | PageSource,
    steps: Sequence[Step],
    *,
    instance_id: str,
    variables: Mapping[str, Any] | None = None,
    timeout_ms: float | None = None,
    stop_on_error: bool = True,
    on_step: OnStep | None = None,
    secrets: SecretsLike | None = None,
    heal: StepHealer | None = None,
) -> RunResult:
    """Run ``steps`` (already validated) on ``target``'s page and return the result.

    A failing step that is ``optional`` is recorded and the run goes on; any other
    failure ends the run (or, with ``stop_on_error=False``, is recorded and the
    run goes on) with ``status="failed"`` and a screenshot of the page.

    When ``target`` records downloads (an :class:`~pupi.browser.Instance`), the
    run waits, up to its ``timeout_ms``, for those its steps started to finish,
    and lists them in ``downloads``.

    ``secrets`` fill the steps' ``{{secret.name}}`` placeholders as each step
    runs; the result, the log and ``on_step`` see each secret's value as its
    placeholder (see :class:`~pupi.steps.Secrets`).
    With a ``heal``er, a step with an ``intent`` whose selector matches nothing
    is given a new selector by it (see :mod:`pupi.engine.healing`); the result
    lists each in ``healing`` and every step as it ran in ``healed_steps``.
    """
    default_timeout = timeout_ms or DEFAULT_TIMEOUT_MS
    hidden = Secrets.of(secrets)
    context: dict[str, Any] = dict(variables or {}) | hidden.context()
    outputs: dict[str, Any] = {}
    results: list[StepResult] = []
    error: dict[str, Any] | None = None
    folder = artifacts_dir(instance_id)
    url_filter = getattr(target, "request_filter", None)
    downloads: Downloads | None = getattr(target, "downloads", None)
    downloads_before = downloads.started if downloads is not None else 0
    tabs = getattr(target, "tabs", None)
    healings: list[Healing] = []
    ran: list[BaseStep] = []
    held: dict[int, BatchRead] = {}
    unbatched_until = 0
    started = time.perf_counter()

    def _record(index: int, step: Step, output: Any, duration_ms: float) -> None:
        result = StepResult(
            index=index,
            action=step.action,
            name=step.name,
            status="ok",
            duration_ms=duration_ms,
            output=hidden.redact(output),
        )
        results.append(result)
        name = getattr(step, "as_", None)
        if name:
            outputs[name] = result.output
            context[name] = output  # later steps get what the page gave, unredacted

    def can_batch(step: Step) -> bool:
        return batchable(step) and (heal is None or not can_heal(step))

    for index, step in enumerate(steps):
        ran.append(step)
        if error is not None and stop_on_error:
            results.append(
                StepResult(index=index, action=step.action, name=step.name, status="skipped")
            )
            continue
        page = target if isinstance(target, Page) else target.page
        if index not in held and index >= unbatched_until and can_batch(step):
            run = list(takewhile(can_batch, steps[index:]))
            batch = await read_batch(page, run, step.timeout_ms or default_timeout)
            if batch is None:  # a page left to Playwright: not again in this run
                unbatched_until = index + len(run)
            else:  # the first read that did not hold runs on its own
                held.update((index + offset, read) for offset, read in enumerate(batch))
                unbatched_until = index + len(batch) + 1
        if index in held:
            read = held.pop(index)
            _record(index, step, read.output, read.duration_ms)
            await _notify(on_step, results[-1], step)
            continue
        begun = time.perf_counter()
        refusal: str | None = None
        try:
            concrete = _render(step, context)
            step_timeout = step.timeout_ms or default_timeout
            page = await resolve_page(page, concrete.target, step_timeout)
            frame_path = getattr(concrete, "frame", None)
            frame = await resolve_frame(page, frame_path, step_timeout)
            if heal is not None and can_heal(concrete):
                outcome = await heal_if_missing(heal, concrete, page, timeout_ms=step_timeout)
                if outcome is not None and outcome.selector is not None:
                    healings.append(
                        Healing(
                            index=index,
                            action=step.action,
                            old_selector=getattr(concrete, "selector"),  # noqa: B009
                            new_selector=outcome.selector,
                            reason=outcome.reason,
                        )
                    )
                    # The recorded step keeps its placeholders; only the selector changes.
                    concrete = concrete.model_copy(update={"selector": outcome.selector})
                    ran[-1] = step.model_copy(update={"selector": outcome.selector})
                elif outcome is not None:
                    # Refused until the step's timeout: running it now would only wait again.
                    refusal = outcome.reason
                    raise SelectorNotFound(
                        f"nothing matched {getattr(concrete, 'selector')!r} "  # noqa: B009
                        f"within {step_timeout:.0f} ms"
                    )
            ctx = StepContext(
                page,
                step_timeout,
                index,
                folder,
                url_filter,
                frame if frame_path else None,
                tabs=tabs,
                downloads=downloads,
            )
            handler = HANDLERS[step.action]
            if concrete.expect_navigation:
                async with expecting_navigation(frame, step_timeout):
                    output = await handler(concrete, ctx)
            else:
                output = await handler(concrete, ctx)
        except Exception as exc:
            kind, message = describe_error(exc)
            # Playwright's messages quote what a step was given: a typed secret too.
            message = hidden.redact(message)
            selector = getattr(step, "selector", None)
            if kind == "timeout" and selector is not None and repr(selector) not in message:
                message = f"{message} (selector {selector!r})"
            if refusal is not None:
                message = f"{message} (not healed: {refusal})"
            result = StepResult(
                index=index,
                action=step.action,
                name=step.name,
                status="failed",
                duration_ms=_ms_since(begun),
                error=f"{kind}: {message}",
            )
            results.append(result)
            logger.info("step %d (%s) failed: %s", index, step.action, message)
            if not step.optional and error is None:
                error = {
                    "step_index": index,
                    "type": kind,
                    "message": message,
                    "screenshot": await _failure_screenshot(page, folder, index),
                }
            await _notify(on_step, result, step)
            continue
        _record(index, step, output, _ms_since(begun))
        await _notify(on_step, results[-1], _shown(step, concrete, hidden))

    files: list[DownloadedFile] = []
    if downloads is not None:
        files = await downloads.collect(downloads_before, timeout_ms=default_timeout)
    return RunResult(
        instance_id=instance_id,
        status="failed" if error else "completed",
        steps=results,
        outputs=outputs,
        error=error,
        duration_ms=_ms_since(started),
        downloads=files,
        healing=healings,
        healed_steps=[step_dict(step) for step in ran] if heal is not None else [],
    )


def _render(step: Step, context: Mapping[str, Any]) -> Step:
    if not step._templated:
        return step
    # The intent is never templated (see StepIntent): it goes back in as it was.
    data = step.model_dump(by_alias=True, exclude_defaults=True, exclude={"intent"})
    if not has_placeholders(data):
        return step
    try:
        rendered = render(data, context)
    except KeyError as exc:
        raise ValueError(f"placeholder {exc.args[0]}") from None
    intent = getattr(step, "intent", None)
    extra = {"intent": intent} if intent is not None else {}
    return type(step).model_validate(rendered | {"action": step.action} | extra)


def _shown(step: Step, concrete: Step, secrets: Secrets) -> Step:
    """The concrete step as callers may see it: its secrets as placeholders."""
    return concrete if concrete is step else secrets.redact(concrete)


async def _failure_screenshot(page: Page, folder: Path, index: int) -> str | None:
    path = folder / f"failure-step-{index}-{time.time_ns()}.png"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=path, timeout=3_000)
    except (PlaywrightError, OSError) as exc:
        logger.debug("no failure screenshot: %s", exc)
        return None
    return str(path)


async def _notify(on_step: OnStep | None, result: StepResult, step: BaseStep) -> None:
    if on_step is None:
        return
    outcome = on_step(result, step)
    if inspect.isawaitable(outcome):
        await outcome


def _ms_since(begun: float) -> float:
    return round((time.perf_counter() - begun) * 1000, 3)
